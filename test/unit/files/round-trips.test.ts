// How many file-system round trips (each one a trip through libuv's thread pool)
// registering and checking a file costs, and that the saving never changes the
// outcome when the file changed in between.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeFs from 'node:fs/promises';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileRegistry, type FsPort } from '../../../electron/services/files/index.ts';
import { fileOfSize, tempDir } from '../../support/make-files.ts';

function counting(): { fs: FsPort; calls: string[] } {
  const calls: string[] = [];
  const fs: FsPort = {
    stat: async (path) => (calls.push('stat'), nodeFs.stat(path)),
    open: async (path, flags) => {
      calls.push('open');
      const handle = await nodeFs.open(path, flags);
      return {
        stat: () => (calls.push('fstat'), handle.stat()),
        read: (buffer, offset, length, position) => (calls.push('read'), handle.read(buffer, offset, length, position)),
        close: () => (calls.push('close'), handle.close()),
      };
    },
  };
  return { fs, calls };
}

test('a registered file is checked with one open, one read, one fstat and one close', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'notes.txt');
    await writeFile(path, fileOfSize(10_000));
    const { fs, calls } = counting();
    const registry = new FileRegistry({ fs });
    const reg = await registry.registerPath(path);
    assert.ok(reg.ok);
    assert.deepEqual(calls.splice(0), ['stat', 'open', 'close']);
    const checked = await registry.readAndCheck(reg.file.id);
    assert.deepEqual(calls, ['open', 'read', 'fstat', 'close']);
    assert.equal(checked.size, 10_000);
    assert.equal(checked.verdict.ok, true);
  } finally {
    await cleanup();
  }
});

test('a file changed after registration is judged by what it is when read', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const path = join(dir, 'notes.txt');
    const registry = new FileRegistry();
    await writeFile(path, fileOfSize(100));
    const reg = await registry.registerPath(path);
    assert.ok(reg.ok);

    await writeFile(path, fileOfSize(5_000));
    const grown = await registry.readAndCheck(reg.file.id);
    assert.equal(grown.size, 5_000);
    assert.equal(grown.bytes.length, 5_000);

    await writeFile(path, fileOfSize(40));
    assert.equal((await registry.readAndCheck(reg.file.id)).size, 40);

    await writeFile(path, fileOfSize(6_000_000));
    const oversized = await registry.readAndCheck(reg.file.id);
    assert.equal(oversized.complete, false);
    assert.equal(oversized.size, 6_000_000);
    assert.equal(oversized.verdict.problems[0]?.code, 'FILE_SIZE_ERROR');

    await rm(path);
    await mkdir(path);
    await assert.rejects(registry.readAndCheck(reg.file.id), { name: 'FileAccessError', reason: 'folder' });
  } finally {
    await cleanup();
  }
});
