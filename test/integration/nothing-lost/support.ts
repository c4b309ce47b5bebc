// What the nothing-lost tests share: distinct files of real types, a sandbox
// config with short timeouts, the queue file as it is on disk, and the
// bookkeeping that says, per file, what e-RS holds and what the queue says.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { padTo, type PaddableFormat } from '../../../bench/corpus/pad.ts';
import type { QueueItemView } from '../../../shared/ipc/contract.ts';
import { writeRunningSandboxConfig } from '../../../electron/services/config/sandbox-config.ts';
import { QUEUE_FILE_NAME, PersistedQueueSchema, type PersistedQueue } from '../../../electron/services/queue/queue-file.ts';
import type { Sandbox, StoredFile } from '../../../sandbox/server.ts';

export { isUpload, until } from '../../support/smartcard-world.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Fixtures of the types e-RS accepts, each grown by padTo into distinct files of the same type. */
const SOURCES: readonly { format: PaddableFormat; fixture: string; ext: string }[] = [
  { format: 'pdf', fixture: 'referral.pdf', ext: 'pdf' },
  { format: 'docx', fixture: 'referral.docx', ext: 'docx' },
  { format: 'rtf', fixture: 'letter.rtf', ext: 'rtf' },
  { format: 'txt', fixture: 'notes-ascii.txt', ext: 'txt' },
  { format: 'jpg', fixture: 'photo.jpg', ext: 'jpg' },
  { format: 'png', fixture: 'scan.png', ext: 'png' },
  { format: 'gif', fixture: 'scan.gif', ext: 'gif' },
  { format: 'xml', fixture: 'results.xml', ext: 'xml' },
];

export interface MadeFile {
  readonly name: string;
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** `count` files in dir, cycling through the types; every one a different size, so every hash differs. */
export async function makeFiles(dir: string, count: number, prefix: string): Promise<MadeFile[]> {
  const sources = await Promise.all(SOURCES.map(async (s) => ({ ...s, bytes: new Uint8Array(await readFile(join(FIXTURES, s.fixture))) })));
  const files: MadeFile[] = [];
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length]!;
    const bytes = padTo(source.format, source.bytes, source.bytes.byteLength + 600 + i * 11);
    const name = `${prefix}-${String(i + 1).padStart(3, '0')}.${source.ext}`;
    const path = join(dir, name);
    await writeFile(path, bytes);
    files.push({ name, path, bytes, sha256: sha256(bytes) });
  }
  assert.equal(new Set(files.map((f) => f.sha256)).size, count, 'every file is distinct');
  return files;
}

export async function tempDir(prefix: string, cleanup: (() => Promise<void>)[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A config file for a running sandbox, with the connect and whole-request timeouts given. */
export async function sandboxConfig(sandbox: Sandbox, dir: string, timeouts?: { connectMs?: number; requestMs?: number }): Promise<string> {
  const path = await writeRunningSandboxConfig(sandbox, dir);
  if (timeouts) {
    const config = JSON.parse(await readFile(path, 'utf8'));
    for (const env of Object.values(config.environments) as Record<string, unknown>[]) env['timeouts'] = timeouts;
    await writeFile(path, JSON.stringify(config, null, 2));
  }
  return path;
}

/** The queue file as it is on disk now (null when there is none yet). */
export async function queueOnDisk(userDataDir: string): Promise<PersistedQueue | null> {
  try {
    return PersistedQueueSchema.parse(JSON.parse(await readFile(join(userDataDir, QUEUE_FILE_NAME), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export const SETTLED: ReadonlySet<QueueItemView['status']> = new Set(['uploaded', 'failed', 'rejected', 'cancelled', 'changed']);

export interface Tally {
  uploaded: number;
  failedWithReason: number;
  possibleDuplicates: number;
  /** Files e-RS holds more than one copy of (one linked, the others unattached). */
  storedTwice: number;
  lost: number;
}

/**
 * Checks every file against the queue's final word and e-RS's store, and counts.
 * - Lost: a file the queue no longer lists, or one not settled, or one "uploaded"
 *   without an id, or with an id e-RS does not hold with exactly its bytes.
 * - Uploaded: its id is in the store with identical bytes.
 * - Failed: only with a reason (an error message for the person).
 * - A second copy in the store is only allowed for an item flagged possibleDuplicate
 *   (or a failed one told e-RS may hold a copy), and nothing else is in the store.
 */
export function reconcile(files: readonly MadeFile[], views: readonly QueueItemView[], sandbox: Sandbox): Tally {
  const byName = new Map(views.map((v) => [v.name, v]));
  const copies = new Map<string, StoredFile[]>();
  for (const stored of sandbox.store.list()) copies.set(stored.sha256, [...(copies.get(stored.sha256) ?? []), stored]);
  const tally: Tally = { uploaded: 0, failedWithReason: 0, possibleDuplicates: 0, storedTwice: 0, lost: 0 };
  let accounted = 0;
  for (const file of files) {
    const view = byName.get(file.name);
    const held = copies.get(file.sha256) ?? [];
    accounted += held.length;
    if (view?.possibleDuplicate) tally.possibleDuplicates++;
    if (held.length > 1) tally.storedTwice++;
    if (!view || !SETTLED.has(view.status)) {
      tally.lost++;
      continue;
    }
    if (view.status === 'uploaded') {
      const stored = view.ersFileId === null ? undefined : sandbox.store.get(view.ersFileId);
      if (!stored || !Buffer.from(stored.bytes).equals(Buffer.from(file.bytes))) {
        tally.lost++;
        continue;
      }
      tally.uploaded++;
      assert.ok(held.length === 1 || view.possibleDuplicate, `${file.name}: e-RS holds ${held.length} copies but it is not flagged`);
      continue;
    }
    assert.ok(view.error !== null && view.error.message.trim() !== '', `${file.name} is ${view.status} without a reason`);
    tally.failedWithReason++;
    const mayHold = view.possibleDuplicate || /did not confirm/.test(view.error.message);
    assert.ok(held.length === 0 || mayHold, `${file.name} failed, e-RS holds ${held.length} copies, and the person is not told`);
  }
  assert.equal(accounted, sandbox.store.list().length, 'the store holds nothing that is not one of these files');
  return tally;
}
