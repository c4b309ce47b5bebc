// Run an async job over a list with at most `limit` running at once, results
// in the list's order: for work that is mostly trips through libuv's thread
// pool, where one at a time leaves its threads idle.

export async function mapLimited<T, R>(list: readonly T[], limit: number, run: (value: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a whole number of at least 1');
  const results = new Array<R>(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const at = next++;
      results[at] = await run(list[at]!, at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  return results;
}
