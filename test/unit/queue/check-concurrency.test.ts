// Checks of added files overlap, by default as many as libuv has threads (4),
// since each check is a few trips through that pool.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FileId } from '../../../shared/ipc/contract.ts';
import type { CheckedFileLike } from '../../../electron/services/queue/ports.ts';
import { createUploadQueue } from '../../../electron/services/queue/upload-queue.ts';
import { FakeClock, FakeGate, ManualUploader, MemoryFiles } from './doubles.ts';

class CountingFiles extends MemoryFiles {
  inFlight = 0;
  most = 0;
  override async readAndCheck(ref: string): Promise<CheckedFileLike> {
    this.most = Math.max(this.most, ++this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return await super.readAndCheck(ref);
    } finally {
      this.inFlight--;
    }
  }
}

async function mostAtOnce(checkConcurrency?: number): Promise<number> {
  const files = new CountingFiles();
  for (let n = 1; n <= 12; n++) files.put(`r${n}`, `l${n}.pdf`, `letter ${n}`);
  const queue = createUploadQueue({
    files,
    uploader: new ManualUploader().upload,
    gate: new FakeGate(),
    clock: new FakeClock(),
    ...(checkConcurrency === undefined ? {} : { checkConcurrency }),
  });
  const added = await queue.add(Array.from({ length: 12 }, (_, i) => ({ id: `f_conc${String(i + 1).padStart(6, '0')}` as FileId, ref: `r${i + 1}`, name: `l${i + 1}.pdf`, path: null })));
  assert.equal(added.filter((v) => v.status === 'ready').length, 12);
  return files.most;
}

it('checks four added files at a time by default, or as many as asked', async () => {
  assert.equal(await mostAtOnce(), 4);
  assert.equal(await mostAtOnce(2), 2);
});
