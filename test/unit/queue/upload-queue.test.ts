import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileId } from '../../../shared/ipc/contract.ts';
import { createUploadQueue, UnknownItemError, type UploadQueueOptions } from '../../../electron/services/queue/upload-queue.ts';
import { badVerdict, FakeClock, FakeGate, ManualUploader, MemoryFiles, ok, retryable, settle } from './doubles.ts';

const id = (n: number) => `f_test${String(n).padStart(6, '0')}` as FileId;

function setup(count: number, extra: Partial<UploadQueueOptions> = {}) {
  const clock = new FakeClock();
  const files = new MemoryFiles();
  const uploader = new ManualUploader();
  const gate = new FakeGate();
  for (let i = 1; i <= count; i++) files.put(`r${i}`, `letter-${i}.pdf`, `content ${i}`);
  const queue = createUploadQueue({ files, uploader: uploader.upload, gate, clock, random: () => 0.5, ...extra });
  const entries = Array.from({ length: count }, (_, i) => ({ id: id(i + 1), ref: `r${i + 1}`, name: `letter-${i + 1}.pdf`, path: null }));
  return { clock, files, uploader, gate, queue, entries };
}

const status = (queue: ReturnType<typeof createUploadQueue>, n: number) => queue.view(id(n))?.status;

describe('upload queue: adding and checking', () => {
  it('checks each added file: good ones become ready, a broken rule makes it rejected, and nothing is sent', async () => {
    const { files, queue, uploader, entries } = setup(2);
    files.put('r2', 'empty.pdf', '', badVerdict('empty.pdf'));
    const added = await queue.add(entries);
    assert.deepEqual(added.map((v) => v.status), ['ready', 'rejected']);
    assert.equal(added[0]!.typeLabel, 'PDF document');
    assert.equal(added[0]!.size, 'content 1'.length);
    assert.equal(added[1]!.problems[0]!.code, 'FILE_SIZE_ERROR');
    await settle();
    assert.equal(uploader.calls.length, 0);
  });

  it('flags the same content added twice with the id of the first', async () => {
    const { files, queue, entries } = setup(3);
    files.put('r3', 'copy.pdf', 'content 1');
    const added = await queue.add(entries);
    assert.equal(added[0]!.sameContentAs, null);
    assert.equal(added[1]!.sameContentAs, null);
    assert.equal(added[2]!.sameContentAs, id(1));
    queue.remove(id(1));
    assert.equal(queue.view(id(3))!.sameContentAs, null, 'the flag goes when the first copy is removed');
  });

  it('an unreadable file fails with the registry message, and a retry reads it again', async () => {
    const { files, queue, entries } = setup(1);
    files.files.get('r1')!.unreadable = 'letter-1.pdf is open in another program: close it and try again';
    const [view] = await queue.add(entries);
    assert.equal(view!.status, 'failed');
    assert.equal(view!.error!.kind, 'file-unreadable');
    assert.match(view!.error!.message, /open in another program/);
    delete files.files.get('r1')!.unreadable;
    const snap = await queue.retry(id(1));
    assert.equal(snap.items[0]!.status, 'ready');
  });

  it('refuses ids it never issued', async () => {
    const { queue } = setup(0);
    assert.throws(() => queue.cancel(id(9)), UnknownItemError);
    assert.throws(() => queue.remove(id(9)), UnknownItemError);
    await assert.rejects(queue.retry(id(9)), UnknownItemError);
  });
});

describe('upload queue: scheduling', () => {
  it('keeps at most 2 uploads in flight and starts the next when one ends', async () => {
    const { queue, uploader, entries } = setup(5);
    await queue.add(entries);
    queue.upload({ ubrn: '000000070000' });
    await settle();
    assert.equal(uploader.calls.length, 2);
    assert.equal(queue.inFlightCount(), 2);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => status(queue, n)), ['uploading', 'uploading', 'queued', 'queued', 'queued']);
    assert.equal(uploader.calls[0]!.request.ubrn, '000000070000');
    assert.equal(uploader.calls[0]!.text, 'content 1');
    uploader.calls[0]!.answer(ok('id-1'));
    await settle();
    assert.equal(uploader.calls.length, 3);
    assert.equal(uploader.calls[2]!.text, 'content 3');
    assert.equal(queue.view(id(1))!.status, 'uploaded');
    assert.equal(queue.view(id(1))!.ersFileId, 'id-1');
  });

  it('honours a different concurrency', async () => {
    const { queue, uploader, entries } = setup(4, { concurrency: 3 });
    await queue.add(entries);
    queue.upload({});
    await settle();
    assert.equal(uploader.calls.length, 3);
  });

  it('sends only the listed ready items, and only ready ones', async () => {
    const { files, queue, uploader, entries } = setup(3);
    files.put('r2', 'empty.pdf', '', badVerdict('empty.pdf'));
    await queue.add(entries);
    queue.upload({ ids: [id(2), id(3)] });
    await settle();
    assert.deepEqual(uploader.calls.map((c) => c.text), ['content 3']);
    assert.equal(status(queue, 1), 'ready');
    assert.equal(status(queue, 2), 'rejected');
  });

  it('starts nothing while the gate is closed and resumes when it opens', async () => {
    const { queue, uploader, gate, entries } = setup(2);
    gate.set(false);
    await queue.add(entries);
    queue.upload({});
    await settle();
    assert.equal(uploader.calls.length, 0);
    gate.set(true);
    await settle();
    assert.equal(uploader.calls.length, 2);
  });
});

describe('upload queue: retries', () => {
  it('retries a 503 no sooner than its Retry-After', async () => {
    const { clock, queue, uploader, entries } = setup(1);
    await queue.add(entries);
    queue.upload({});
    await settle();
    uploader.calls[0]!.answer(retryable(503, 5000));
    await settle();
    const waiting = queue.view(id(1))!;
    assert.equal(waiting.status, 'queued');
    assert.equal(waiting.error!.kind, 'unavailable');
    assert.match(waiting.error!.message, /Trying again in 5 seconds/);
    await clock.advance(4999);
    assert.equal(uploader.calls.length, 1);
    await clock.advance(1);
    assert.equal(uploader.calls.length, 2);
    uploader.calls[1]!.answer(ok('id-after-503'));
    await settle();
    const done = queue.view(id(1))!;
    assert.equal(done.status, 'uploaded');
    assert.equal(done.attempts, 2);
    assert.equal(done.possibleDuplicate, false, 'a 503 is an answer: nothing was stored');
    assert.equal(done.error, null);
  });

  it('backs off exponentially with full jitter and gives up at the cap', async () => {
    const { clock, queue, uploader, entries } = setup(1, {
      random: () => 0.75,
      retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 },
    });
    await queue.add(entries);
    queue.upload({});
    await settle();
    // Waits are 0.75 x 1000, 2000, 4000: each retry must come exactly then.
    for (const wait of [750, 1500, 3000]) {
      uploader.last().answer(retryable(500));
      await settle();
      const before = uploader.calls.length;
      await clock.advance(wait - 1);
      assert.equal(uploader.calls.length, before, `no retry before ${wait} ms`);
      await clock.advance(1);
      assert.equal(uploader.calls.length, before + 1, `retry at ${wait} ms`);
    }
    uploader.last().answer(retryable(500));
    await settle();
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'failed');
    assert.equal(view.attempts, 4);
    assert.equal(view.error!.kind, 'unavailable');
    assert.equal(view.error!.retryable, true);
    assert.match(view.error!.message, /error 500/);
    await clock.advance(60_000);
    assert.equal(uploader.calls.length, 4, 'no attempt after giving up');
  });

  it('does not wait out a Retry-After longer than the cap', async () => {
    const { queue, uploader, entries } = setup(1);
    await queue.add(entries);
    queue.upload({});
    await settle();
    uploader.calls[0]!.answer(retryable(429, 10 * 60_000));
    await settle();
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'failed');
    assert.match(view.error!.message, /asked for 10 minutes/);
  });

  it('never retries a 4xx: a 422 fails at once with e-RS\'s reason', async () => {
    const { clock, queue, uploader, entries } = setup(1);
    await queue.add(entries);
    queue.upload({});
    await settle();
    uploader.calls[0]!.answer({ ok: false, failure: { kind: 'rejected', status: 422, code: 'FILE_SIZE_ERROR', diagnostics: null } });
    await settle();
    await clock.advance(120_000);
    assert.equal(uploader.calls.length, 1);
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'failed');
    assert.equal(view.error!.code, 'FILE_SIZE_ERROR');
    assert.equal(view.error!.retryable, false);
    assert.equal(view.error!.message, 'e-RS did not accept letter-1.pdf: the file is empty or larger than 5MB.');
    assert.equal(view.ersFileId, null);
  });

  it('retries an attempt whose outcome is unknown and flags it as a possible duplicate', async () => {
    const { clock, queue, uploader, entries } = setup(1);
    await queue.add(entries);
    queue.upload({});
    await settle();
    uploader.calls[0]!.sendBody();
    uploader.calls[0]!.answer(retryable(null, null, true));
    await settle();
    assert.equal(queue.view(id(1))!.possibleDuplicate, false, 'not flagged until it is sent again');
    await clock.advance(500);
    assert.equal(uploader.calls.length, 2);
    assert.equal(queue.view(id(1))!.possibleDuplicate, true);
    uploader.calls[1]!.answer(ok('id-second'));
    await settle();
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'uploaded');
    assert.equal(view.ersFileId, 'id-second');
    assert.equal(view.possibleDuplicate, true);
  });

  it('a network error before the body was sent is retried without the duplicate flag', async () => {
    const { clock, queue, uploader, entries } = setup(1);
    await queue.add(entries);
    queue.upload({});
    await settle();
    uploader.calls[0]!.answer(retryable(null, null, false));
    await clock.advance(500);
    uploader.calls[1]!.answer(ok('id-x'));
    await settle();
    assert.equal(queue.view(id(1))!.possibleDuplicate, false);
  });
});

describe('upload queue: cancel, remove, retry', () => {
  it('cancel aborts the upload in flight and never reports it uploaded, even if an answer comes late', async () => {
    const { queue, uploader, entries } = setup(1);
    await queue.add(entries);
    queue.upload({});
    await settle();
    const call = uploader.calls[0]!;
    queue.cancel(id(1));
    assert.equal(call.request.signal.aborted, true);
    assert.equal(status(queue, 1), 'cancelled');
    call.answer(ok('late-id'));
    await settle();
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'cancelled');
    assert.equal(view.ersFileId, null);
    assert.equal(view.error!.kind, 'cancelled');
  });

  it('cancel of a queued item keeps it from being sent; retry re-reads and sends it', async () => {
    const { files, queue, uploader, entries } = setup(3);
    await queue.add(entries);
    queue.upload({});
    await settle();
    queue.cancel(id(3));
    uploader.calls[0]!.answer(ok('a'));
    uploader.calls[1]!.answer(ok('b'));
    await settle();
    assert.equal(uploader.calls.length, 2);
    const readsBefore = files.reads.length;
    await queue.retry(id(3));
    await settle();
    assert.ok(files.reads.length > readsBefore, 'retry reads the file again');
    assert.equal(uploader.calls.length, 3);
    assert.equal(uploader.calls[2]!.text, 'content 3');
  });

  it('a file changed on disk after it was added is never sent: it becomes changed, and retry takes the new content', async () => {
    const { files, queue, uploader, entries } = setup(1);
    await queue.add(entries);
    files.rewrite('r1', 'edited later');
    queue.upload({});
    await settle();
    assert.equal(uploader.calls.length, 0);
    const view = queue.view(id(1))!;
    assert.equal(view.status, 'changed');
    assert.match(view.error!.message, /letter-1\.pdf has changed since you added it/);
    await queue.retry(id(1));
    await settle();
    assert.equal(uploader.calls.length, 1);
    assert.equal(uploader.calls[0]!.text, 'edited later');
  });

  it('remove aborts an upload in flight, forgets the file and reports the id as removed', async () => {
    const { files, queue, uploader, entries } = setup(1);
    const events: { removed: FileId[] }[] = [];
    queue.onChange((c) => events.push(c));
    await queue.add(entries);
    queue.upload({});
    await settle();
    queue.remove(id(1));
    assert.equal(uploader.calls[0]!.request.signal.aborted, true);
    await settle();
    assert.deepEqual(files.removed, ['r1']);
    assert.equal(queue.snapshot().items.length, 0);
    assert.ok(events.some((e) => e.removed.includes(id(1))));
  });
});

describe('upload queue: the session', () => {
  it('a 401 pauses the queue with nothing dropped, and it resumes when the gate opens again', async () => {
    const { queue, uploader, gate, entries } = setup(3);
    await queue.add(entries);
    queue.upload({});
    await settle();
    gate.set(false); // the session keeper saw the 401 and ended the session
    uploader.calls[0]!.answer({ ok: false, failure: { kind: 'session', status: 401 } });
    await settle();
    assert.equal(status(queue, 1), 'queued', 'back in line, not failed');
    uploader.calls[1]!.answer({ ok: false, failure: { kind: 'session', status: 401 } });
    await settle();
    assert.equal(uploader.calls.length, 2, 'nothing new starts while the session is gone');
    assert.deepEqual([1, 2, 3].map((n) => status(queue, n)), ['queued', 'queued', 'queued']);
    gate.set(true);
    await settle();
    assert.equal(uploader.calls.length, 4);
    uploader.calls[2]!.answer(ok('a'));
    uploader.calls[3]!.answer(ok('b'));
    await settle();
    uploader.calls[4]!.answer(ok('c'));
    await settle();
    assert.deepEqual(queue.snapshot().items.map((v) => v.ersFileId), ['a', 'b', 'c']);
  });

  it('requeueInFlight (lock) puts uploads in flight back in the queue: not failed, not uploaded', async () => {
    const { queue, uploader, gate, entries } = setup(3);
    await queue.add(entries);
    queue.upload({});
    await settle();
    uploader.calls[0]!.sendBody();
    gate.set(false);
    await queue.requeueInFlight();
    assert.equal(uploader.calls[0]!.request.signal.aborted, true);
    assert.equal(uploader.calls[1]!.request.signal.aborted, true);
    assert.deepEqual([1, 2, 3].map((n) => status(queue, n)), ['queued', 'queued', 'queued']);
    assert.equal(queue.inFlightCount(), 0);
    gate.set(true);
    await settle();
    assert.equal(queue.view(id(1))!.possibleDuplicate, true, 'its body had been sent before the abort');
    assert.equal(queue.view(id(2))!.possibleDuplicate, false);
  });
});

describe('upload queue: events', () => {
  it('throttles progress to about 10 events a second per item but sends the last one', async () => {
    const { clock, queue, uploader, entries } = setup(1);
    const progress: number[] = [];
    queue.onChange((c) => {
      for (const v of c.items) if (v.status === 'uploading' && v.progress) progress.push(v.progress.sent);
    });
    await queue.add(entries);
    queue.upload({});
    await settle();
    progress.length = 0;
    const call = uploader.calls[0]!;
    for (let sent = 1; sent <= 50; sent++) {
      call.request.onProgress(sent, 100);
      await clock.advance(10); // 50 reports over 500 ms
    }
    await clock.advance(100);
    assert.ok(progress.length >= 4 && progress.length <= 7, `got ${progress.length} progress events`);
    assert.equal(progress.at(-1), 50);
  });
});
