// The queue file is written whole, with fsync, so saves that crash safety does
// not hang on (files added, checked, removed) are coalesced into few writes,
// while an upload about to start is never held back by that coalescing.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FileId } from '../../../shared/ipc/contract.ts';
import { createFileQueueStore, PersistedQueueSchema, QUEUE_FILE_NAME, type PersistedQueue } from '../../../electron/services/queue/queue-file.ts';
import { createUploadQueue } from '../../../electron/services/queue/upload-queue.ts';
import type { CheckedFileLike } from '../../../electron/services/queue/ports.ts';
import { FakeClock, FakeGate, ManualUploader, MemoryFiles, ok } from './doubles.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const id = (n: number) => `f_burst${String(n).padStart(6, '0')}` as FileId;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Files whose checks each take a turn of the event loop, as real reads do. */
class SlowerFiles extends MemoryFiles {
  override async readAndCheck(ref: string): Promise<CheckedFileLike> {
    await nextTurn();
    return super.readAndCheck(ref);
  }
}

async function setup(count: number, coalesceMs?: number) {
  const dir = await mkdtemp(join(tmpdir(), 'ers-burst-'));
  dirs.push(dir);
  const writes: PersistedQueue[] = [];
  const store = createFileQueueStore(dir, () => {}, { ...(coalesceMs === undefined ? {} : { coalesceMs }), onWrite: (s) => writes.push(s) });
  const files = new SlowerFiles();
  for (let n = 1; n <= count; n++) files.put(`r${n}`, `letter-${n}.pdf`, `letter ${n}`);
  const uploader = new ManualUploader();
  const queue = createUploadQueue({ files, uploader: uploader.upload, gate: new FakeGate(), clock: new FakeClock(), random: () => 0, store });
  const entry = (n: number) => ({ id: id(n), ref: `r${n}`, name: `letter-${n}.pdf`, path: `/d/letter-${n}.pdf` });
  return { dir, writes, store, queue, uploader, entry };
}

describe('queue saves: coalescing', () => {
  it('a drop of 1,000 files added one by one makes at most 3 writes, and the file ends with all 1,000 checked', async () => {
    const { dir, writes, store, queue, entry } = await setup(1000);
    const adds: Promise<unknown>[] = [];
    for (let n = 1; n <= 1000; n++) {
      adds.push(queue.add([entry(n)]));
      if (n % 10 === 0) await nextTurn(); // arriving over time, as a drop's batches do
    }
    await Promise.all(adds);
    await store.flush();
    assert.ok(writes.length >= 1 && writes.length <= 3, `${writes.length} writes`);
    const saved = PersistedQueueSchema.parse(JSON.parse(await readFile(join(dir, QUEUE_FILE_NAME), 'utf8')));
    assert.equal(saved.items.length, 1000);
    assert.ok(saved.items.every((i) => i.status === 'ready'));
    assert.deepEqual(saved.items.map((i) => i.order), Array.from({ length: 1000 }, (_, i) => i));
  });

  it('an upload starts without waiting out the coalescing delay, with its uploading state on disk', async () => {
    const { dir, writes, queue, uploader, entry } = await setup(2, 60_000);
    await queue.add([entry(1), entry(2)]); // its save now waits up to a minute for company
    const started = Date.now();
    queue.upload({ ids: [id(1)] });
    await uploader.waitForCalls(1);
    assert.ok(Date.now() - started < 5_000, 'the upload waited for the coalescing delay');
    const onDisk = PersistedQueueSchema.parse(JSON.parse(await readFile(join(dir, QUEUE_FILE_NAME), 'utf8')));
    assert.deepEqual(onDisk.items.map((i) => [i.name, i.status]), [['letter-1.pdf', 'uploading'], ['letter-2.pdf', 'ready']]);
    // The added files' held save went out with the first urgent one.
    assert.deepEqual(writes[0]!.items.map((i) => i.status), ['uploading', 'ready']);
    uploader.calls[0]!.answer(ok('ers-1'));
    await queue.close();
    const final = PersistedQueueSchema.parse(JSON.parse(await readFile(join(dir, QUEUE_FILE_NAME), 'utf8')));
    assert.equal(final.items[0]!.status, 'uploaded');
    assert.equal(final.items[0]!.ersFileId, 'ers-1');
  });
});
