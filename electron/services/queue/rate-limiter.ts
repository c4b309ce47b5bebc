// The e-RS rate limit (10 requests a second per application) shared by every
// e-RS call the app makes: uploads and A001-A003 alike.
//
// A classic token bucket with a burst of 10 refilled at 10/s lets 19 requests
// through within one second (10 at once, then one every 100 ms), so this is a
// sliding-window limiter instead: a request may start only when fewer than
// `limit` requests started in the last `windowMs`. Waiters are served in order.

import type { Clock } from './clock.ts';

export interface RateLimiter {
  /** Waits for a slot and takes it; rejects with the signal's reason if aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface RateLimiterOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly clock: Clock;
}

export const ERS_RATE_LIMIT = { limit: 10, windowMs: 1000 } as const;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs, clock } = options;
  if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError('rate limit needs limit >= 1 and windowMs > 0');
  /** Start times of the most recent requests, oldest first (at most `limit`). */
  const starts: number[] = [];
  /** Chains waiters so they take slots in arrival order. */
  let tail: Promise<void> = Promise.resolve();

  async function take(signal?: AbortSignal): Promise<void> {
    // Bounded: each pass either takes a slot or sleeps until the oldest start leaves the window.
    for (;;) {
      signal?.throwIfAborted();
      const now = clock.now();
      while (starts.length > 0 && now - starts[0]! >= windowMs) starts.shift();
      if (starts.length < limit) {
        starts.push(now);
        return;
      }
      await clock.sleep(starts[0]! + windowMs - now, signal);
    }
  }

  return {
    acquire(signal) {
      const mine = tail.then(() => take(signal));
      // A waiter that was aborted must not block the ones behind it.
      tail = mine.catch(() => undefined);
      return mine;
    },
  };
}
