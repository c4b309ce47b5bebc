// Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP date.

/** Longest wait we pass on: timers beyond 2^31 ms fire at once, and a day is already "give up for now". */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Milliseconds to wait, or null when the header is absent or unreadable. Dates in the past mean 0. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // Only the date forms HTTP allows, so "5 minutes" or "-1" are not read as dates by a lenient parser.
  if (!/^[A-Za-z]{3,9}, .*(GMT|UTC)$|^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}
