// Registration asks what a path is and whether it opens at the same time (one
// thread-pool trip's wait instead of three), without letting that change which
// refusal the person sees, and without an open that can hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as nodeFs from 'node:fs/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileRegistry, type FsPort } from '../../../electron/services/files/index.ts';
import { fileOfSize, tempDir } from '../../support/make-files.ts';

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms).unref())]);

test('the stat and the open are both asked for before either answers', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'notes.txt');
    await writeFile(path, fileOfSize(100));
    // Each answers only once the other has been asked: one after the other would never finish.
    let statAsked!: () => void;
    let openAsked!: () => void;
    const bothAsked = Promise.all([new Promise<void>((r) => (statAsked = r)), new Promise<void>((r) => (openAsked = r))]);
    const fs: FsPort = {
      stat: async (p) => (statAsked(), await bothAsked, nodeFs.stat(p)),
      open: async (p, flags) => (openAsked(), await bothAsked, nodeFs.open(p, flags)),
    };
    const reg = await within(2000, new FileRegistry({ fs }).registerPath(path));
    assert.equal(reg.ok, true);
  } finally {
    await cleanup();
  }
});

test('what the path is decides before whether it opens: a folder that cannot be opened is a folder, a missing file is missing', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const folder = join(dir, 'Referrals.pdf');
    await mkdir(folder);
    const locked = Object.assign(new Error('EBUSY: simulated'), { code: 'EBUSY' });
    const lockedFs: FsPort = { stat: (p) => nodeFs.stat(p), open: async () => Promise.reject(locked) };
    const asFolder = await new FileRegistry({ fs: lockedFs }).registerPath(folder);
    assert.equal(asFolder.ok ? null : asFolder.reason, 'folder');
    const gone = await new FileRegistry({ fs: lockedFs }).registerPath(join(dir, 'gone.pdf'));
    assert.equal(gone.ok ? null : gone.reason, 'vanished');
    const file = join(dir, 'letter.pdf');
    await writeFile(file, fileOfSize(10));
    const busy = await new FileRegistry({ fs: lockedFs }).registerPath(file);
    assert.equal(busy.ok ? null : busy.reason, 'locked');
  } finally {
    await cleanup();
  }
});

test('a named pipe is refused at once, not waited on for a writer', { skip: process.platform === 'win32' }, async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const pipe = join(dir, 'letter.pdf');
    execFileSync('mkfifo', [pipe]);
    const reg = await within(2000, new FileRegistry().registerPath(pipe));
    assert.equal(reg.ok ? null : reg.reason, 'not-a-file');
  } finally {
    await cleanup();
  }
});
