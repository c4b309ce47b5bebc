// The queue's crash-safety rules that need a store the test controls: an attempt
// is on disk as 'uploading' before anything is sent (and nothing is sent when
// that write fails), and what the uploader is told about the attempt (for the
// audit trail) matches the item.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FileId } from '../../../shared/ipc/contract.ts';
import { createFileQueueStore, QUEUE_FILE_VERSION, type PersistedQueue, type QueueStore } from '../../../electron/services/queue/queue-file.ts';
import { createUploadQueue } from '../../../electron/services/queue/upload-queue.ts';
import { FakeClock, FakeGate, ManualUploader, MemoryFiles, ok, retryable, settle, sha256 } from './doubles.ts';

const id = (n: number) => `f_ahead${String(n).padStart(6, '0')}` as FileId;

/** A store whose writes finish only when the test says so (or at once, when not holding). */
class HeldStore implements QueueStore {
  readonly saves: { state: PersistedQueue; done: (saved: boolean) => void }[] = [];
  holding = true;
  /** What each write reports: false as if the disk were full. */
  writes = true;
  async load() {
    return null;
  }
  save(state: PersistedQueue) {
    return new Promise<boolean>((resolve) => {
      this.saves.push({ state: structuredClone(state), done: resolve });
      if (!this.holding) resolve(this.writes);
    });
  }
  async flush() {}
  /** Finish every write so far. */
  release() {
    for (const s of this.saves) s.done(this.writes);
  }
}

function setup(count: number, maxAttempts = 5) {
  const files = new MemoryFiles();
  for (let i = 1; i <= count; i++) files.put(`r${i}`, `letter-${i}.pdf`, `content ${i}`);
  const uploader = new ManualUploader();
  const store = new HeldStore();
  const clock = new FakeClock();
  const queue = createUploadQueue({
    files,
    uploader: uploader.upload,
    gate: new FakeGate(),
    clock,
    random: () => 0,
    store,
    retry: { maxAttempts, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 1000 },
  });
  const entries = Array.from({ length: count }, (_, i) => ({ id: id(i + 1), ref: `r${i + 1}`, name: `letter-${i + 1}.pdf`, path: `/d/letter-${i + 1}.pdf` }));
  return { files, uploader, store, clock, queue, entries };
}

describe('upload queue: write-ahead', () => {
  it('sends nothing until the item is on disk as uploading', async () => {
    const { uploader, store, queue, entries } = setup(1);
    store.release();
    await queue.add(entries);
    store.release();
    queue.upload({});
    await settle();
    assert.equal(uploader.calls.length, 0, 'the write of the uploading state has not finished');
    const latest = store.saves.at(-1)!.state.items[0]!;
    assert.equal(latest.status, 'uploading');
    assert.equal(latest.attempts, 1);
    store.release();
    await settle();
    assert.equal(uploader.calls.length, 1);
  });

  it('sends nothing when the uploading state cannot be saved, and says so', async () => {
    const { uploader, store, queue, entries } = setup(1);
    store.holding = false;
    await queue.add(entries);
    store.writes = false;
    queue.upload({});
    await settle();
    assert.equal(uploader.calls.length, 0);
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'failed');
    assert.equal(view.error!.message, 'letter-1.pdf was not sent because ers-attach could not save its list of uploads. Check there is free space on this computer, then try again.');
    store.writes = true;
    await queue.retry(id(1));
    await uploader.waitForCalls(1);
  });

  it('tells the uploader which item and attempt it is, with the checked hash and whether a copy may already be held', async () => {
    const { uploader, store, clock, queue, entries } = setup(1);
    store.holding = false;
    await queue.add(entries);
    queue.upload({});
    await uploader.waitForCalls(1);
    const first = uploader.calls[0]!.request;
    assert.deepEqual([first.itemId, first.attempt, first.sha256, first.possibleDuplicate], [id(1), 1, sha256(new TextEncoder().encode('content 1')), false]);
    uploader.calls[0]!.answer(retryable(null, null, true));
    await settle();
    await clock.advance(10);
    await uploader.waitForCalls(2);
    const second = uploader.calls[1]!.request;
    assert.deepEqual([second.attempt, second.possibleDuplicate], [2, true]);
    uploader.calls[1]!.answer(ok('ers-9'));
    await settle();
    assert.equal(queue.view(id(1))!.status, 'uploaded');
  });

  it('an attempt that found no session sent nothing: it is not counted, and the next one is attempt 1', async () => {
    const { uploader, store, clock, queue, entries } = setup(1);
    store.holding = false;
    await queue.add(entries);
    queue.upload({});
    await uploader.waitForCalls(1);
    uploader.calls[0]!.answer({ ok: false, failure: { kind: 'session', status: null } });
    await settle();
    assert.deepEqual([queue.view(id(1))!.status, queue.view(id(1))!.attempts], ['queued', 0]);
    await clock.advance(1000);
    await uploader.waitForCalls(2);
    assert.equal(uploader.calls[1]!.request.attempt, 1);
  });

  it('a file given up on after an unanswered attempt says e-RS may hold an unattached copy', async () => {
    const { uploader, store, clock, queue, entries } = setup(1, 2);
    store.holding = false;
    await queue.add(entries);
    queue.upload({});
    await uploader.waitForCalls(1);
    uploader.calls[0]!.answer(retryable(null, null, true));
    await settle();
    await clock.advance(10);
    await uploader.waitForCalls(2);
    uploader.calls[1]!.answer(retryable(503));
    await settle();
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'failed');
    assert.equal(view.error!.message, 'e-RS did not confirm it received letter-1.pdf. Try again later. If e-RS kept a copy, it is not attached to any referral and e-RS deletes it.');
    assert.equal(view.error!.retryable, true);
  });

  it('the file store says when a write did not make it to disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ers-ahead-'));
    try {
      const state: PersistedQueue = { version: QUEUE_FILE_VERSION, savedAt: new Date().toISOString(), items: [] };
      assert.equal(await createFileQueueStore(dir).save(state), true);
      await writeFile(join(dir, 'not-a-folder'), '');
      const lines: string[] = [];
      assert.equal(await createFileQueueStore(join(dir, 'not-a-folder'), (l) => lines.push(l)).save(state), false);
      assert.match(lines[0]!, /could not save the queue/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
