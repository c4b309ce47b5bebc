// The registry reads large files into a few reused buffers. The queue must give a
// buffer back only when the send that uses it has ended, so the bytes a send
// holds never change under it while other files are read and checked.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { FileRegistry } from '../../../electron/services/files/index.ts';
import { createUploadQueue, type QueueEntry } from '../../../electron/services/queue/upload-queue.ts';
import type { AttemptResult, FileSource, Uploader } from '../../../electron/services/queue/ports.ts';
import type { FileId } from '../../../shared/ipc/contract.ts';
import { fileOfSize, tempDir, writeIn } from '../../support/make-files.ts';
import { FakeGate } from './doubles.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a send holds its bytes unchanged to the end while other files are read into the reused buffers', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const registry = new FileRegistry({ bufferSlots: 2 });
    const files: FileSource = { readAndCheck: (ref) => registry.readAndCheck(ref), remove: (ref) => void registry.remove(ref) };
    const fills = [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68];
    const entries: QueueEntry[] = [];
    for (const [i, fill] of fills.entries()) {
      const reg = await registry.registerPath(await writeIn(dir, `notes-${i}.txt`, fileOfSize(400_000 + i, fill)));
      assert.ok(reg.ok);
      entries.push({ id: `f_test${String(i).padStart(6, '0')}` as FileId, ref: reg.file.id, name: `notes-${i}.txt`, path: null });
    }
    const buffersSeen = new Set<ArrayBufferLike>();
    const problems: string[] = [];
    let sends = 0;
    const uploader: Uploader = async (request): Promise<AttemptResult> => {
      const n = sends++;
      buffersSeen.add(request.bytes.buffer);
      // Midway through "sending", another file is read (the check a new drop would make).
      await pause(5);
      const other = await registry.readAndCheck(entries[(n + 3) % entries.length]!.ref);
      other.release();
      await pause(5);
      const expected = fills[Number(request.storedName.match(/notes-(\d)/)![1])]!;
      if (sha256(request.bytes) !== request.sha256 || !request.bytes.every((b) => b === expected)) problems.push(`${request.storedName} changed while being sent`);
      return { ok: true, fileId: `id-${n}` };
    };
    const queue = createUploadQueue({ files, uploader, gate: new FakeGate(), concurrency: 2 });
    const added = await queue.add(entries);
    assert.deepEqual(added.map((v) => v.status), fills.map(() => 'ready'));
    queue.upload({ ubrn: '000000070000' });
    for (let guard = 0; guard < 500 && queue.snapshot().items.some((i) => i.status !== 'uploaded'); guard++) await pause(10);
    assert.deepEqual(queue.snapshot().items.map((i) => i.status), fills.map(() => 'uploaded'));
    assert.deepEqual(problems, []);
    assert.equal(sends, fills.length);
    // The same few buffers carried every send: they were given back after each one.
    assert.ok(buffersSeen.size <= 4, `${buffersSeen.size} buffers for ${fills.length} sends`);
  } finally {
    await cleanup();
  }
});
