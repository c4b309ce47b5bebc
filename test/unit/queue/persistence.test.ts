import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FileId } from '../../../shared/ipc/contract.ts';
import { createFileQueueStore, QUEUE_FILE_NAME } from '../../../electron/services/queue/queue-file.ts';
import { createUploadQueue } from '../../../electron/services/queue/upload-queue.ts';
import { FakeClock, FakeGate, ManualUploader, MemoryFiles, ok, settle } from './doubles.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'ers-queue-'));
  dirs.push(d);
  return d;
}
const id = (n: number) => `f_saved${String(n).padStart(6, '0')}` as FileId;

/** A queue over files that live at paths; reattach gives each path a fresh registry ref, as after a restart. */
function queueOver(dir: string, files: MemoryFiles, uploader: ManualUploader, gate = new FakeGate()) {
  const store = createFileQueueStore(dir);
  const queue = createUploadQueue({ files, uploader: uploader.upload, gate, clock: new FakeClock(), random: () => 0, store });
  let generation = 0;
  const reattach = async (path: string) => {
    const ref = `${path}#${++generation}`;
    const original = files.files.get(path);
    if (!original) throw new Error(`${path} is gone`);
    files.files.set(ref, original);
    return ref;
  };
  return { queue, reattach, store };
}

describe('queue persistence', () => {
  it('restores every item after a restart: uploaded keep their ids, mid-upload ones are re-checked and sent again', async () => {
    const dir = await tempDir();
    const files = new MemoryFiles();
    for (const n of [1, 2, 3, 4]) files.put(`/docs/l${n}.pdf`, `l${n}.pdf`, `letter ${n}`);
    const first = new ManualUploader();
    const a = queueOver(dir, files, first);
    await a.queue.add([1, 2, 3, 4].map((n) => ({ id: id(n), ref: `/docs/l${n}.pdf`, name: `l${n}.pdf`, path: `/docs/l${n}.pdf` })));
    a.queue.upload({ ubrn: '000000070001' });
    await first.waitForCalls(2);
    first.calls[0]!.answer(ok('ers-1'));
    await first.waitForCalls(3);
    // Now l2 and l3 are in flight and l4 is queued. The process dies here; l3 changes on disk meanwhile.
    first.calls[2]!.sendBody();
    await settle();
    await a.store.flush();
    files.rewrite('/docs/l3.pdf', 'edited after the crash');
    const saved = JSON.parse(await readFile(join(dir, QUEUE_FILE_NAME), 'utf8'));
    assert.equal(saved.version, 1);
    assert.deepEqual(saved.items.map((i: { status: string }) => i.status), ['uploaded', 'uploading', 'uploading', 'queued']);

    const second = new ManualUploader();
    const b = queueOver(dir, files, second);
    await b.queue.restore(b.reattach);
    await second.waitForCalls(2);
    const views = b.queue.snapshot().items;
    assert.deepEqual(views.map((v) => v.id), [id(1), id(2), id(3), id(4)], 'ids survive');
    assert.equal(views[0]!.status, 'uploaded');
    assert.equal(views[0]!.ersFileId, 'ers-1');
    assert.equal(views[2]!.status, 'changed');
    assert.deepEqual(second.calls.map((c) => c.text), ['letter 2', 'letter 4']);
    assert.equal(second.calls[0]!.request.ubrn, '000000070001');
    assert.equal(b.queue.view(id(2))!.possibleDuplicate, true, 'it was mid-upload when the process died');
    assert.equal(b.queue.view(id(4))!.possibleDuplicate, false);
    second.calls[0]!.answer(ok('ers-2'));
    second.calls[1]!.answer(ok('ers-4'));
    await b.queue.close();
    const final = JSON.parse(await readFile(join(dir, QUEUE_FILE_NAME), 'utf8'));
    assert.deepEqual(final.items.map((i: { ersFileId: string | null }) => i.ersFileId), ['ers-1', 'ers-2', null, 'ers-4']);
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), [], 'no temporary files left behind');
  });

  it('an item whose file is gone after a restart is shown as failed with a reason, not dropped', async () => {
    const dir = await tempDir();
    const files = new MemoryFiles();
    files.put('/docs/x.pdf', 'x.pdf', 'x');
    const a = queueOver(dir, files, new ManualUploader(), Object.assign(new FakeGate(), { open: false }));
    await a.queue.add([{ id: id(9), ref: '/docs/x.pdf', name: 'x.pdf', path: '/docs/x.pdf' }]);
    a.queue.upload({});
    await a.queue.close();
    files.files.delete('/docs/x.pdf');
    const b = queueOver(dir, files, new ManualUploader());
    await b.queue.restore(b.reattach);
    const [view] = b.queue.snapshot().items;
    assert.equal(view!.status, 'failed');
    assert.equal(view!.error!.kind, 'file-unreadable');
  });

  it('sets aside a queue file it cannot read instead of deleting it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, QUEUE_FILE_NAME), '{"version": 99, "items": []}');
    const lines: string[] = [];
    const store = createFileQueueStore(dir, (l) => lines.push(l));
    assert.equal(await store.load(), null);
    const left = await readdir(dir);
    assert.ok(left.some((f) => f.startsWith(`${QUEUE_FILE_NAME}.unreadable-`)), left.join(', '));
    assert.match(lines[0]!, /could not be read/);
  });
});
