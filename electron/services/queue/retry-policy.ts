// When to try an upload again and how long to wait first.
//
// Exponential backoff with "full jitter" (a random wait between 0 and the
// exponential ceiling) so a practice's many queued files do not hammer e-RS in
// step after an outage; a Retry-After from the server is a floor, never cut short.

export interface RetryPolicy {
  /** Attempts in a row (the first one included) before the item is marked failed. */
  readonly maxAttempts: number;
  /** Ceiling of the first retry's wait; doubles with each further retry. */
  readonly baseDelayMs: number;
  /** The exponential ceiling never grows past this. */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the item fails with the server's reason. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * The wait before retry number `retry` (1 = the first retry).
 * `random` returns a number in [0, 1), as Math.random does.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | null,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
}

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (!whole(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number of at least 1');
  if (!whole(policy.baseDelayMs) || !whole(policy.maxDelayMs) || !whole(policy.maxRetryAfterMs)) {
    throw new RangeError('retry delays must be whole numbers of milliseconds');
  }
  return policy;
}
