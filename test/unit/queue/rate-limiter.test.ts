import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter } from '../../../electron/services/queue/rate-limiter.ts';
import { FakeClock, settle } from './doubles.ts';

describe('rate limiter', () => {
  it('lets no more than 10 requests start in any one second', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 10, windowMs: 1000, clock });
    const starts: number[] = [];
    for (let i = 0; i < 25; i++) void limiter.acquire().then(() => starts.push(clock.now()));
    await settle();
    assert.equal(starts.length, 10, 'the first 10 go at once');
    await clock.advance(999);
    assert.equal(starts.length, 10, 'none more within the first second');
    await clock.advance(1);
    assert.equal(starts.length, 20);
    await clock.advance(1000);
    assert.equal(starts.length, 25);
    for (const t of starts) {
      const inWindow = starts.filter((s) => s >= t && s < t + 1000).length;
      assert.ok(inWindow <= 10, `${inWindow} requests in the second from ${t}`);
    }
  });

  it('spreads requests that arrive one by one without delaying those under the limit', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 1000, clock });
    const t0 = clock.now();
    await limiter.acquire();
    await clock.advance(300);
    await limiter.acquire();
    const third = limiter.acquire().then(() => clock.now() - t0);
    await clock.advance(700);
    assert.equal(await third, 1000, 'the third waits for the first to leave the window');
  });

  it('an aborted waiter gives up its place and does not block the next', async () => {
    const clock = new FakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    let nextDone = false;
    void next.then(() => (nextDone = true));
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    await clock.advance(1000);
    assert.equal(nextDone, true);
  });
});
