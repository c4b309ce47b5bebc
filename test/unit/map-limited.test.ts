import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mapLimited } from '../../electron/services/map-limited.ts';

it('runs at most `limit` jobs at once and returns results in the list order, however they finish', async () => {
  let running = 0;
  let most = 0;
  const out = await mapLimited([30, 5, 20, 1, 10, 2], 3, async (ms, i) => {
    most = Math.max(most, ++running);
    await new Promise((resolve) => setTimeout(resolve, ms));
    running--;
    return `${i}:${ms}`;
  });
  assert.deepEqual(out, ['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
  assert.equal(most, 3);
  assert.deepEqual(await mapLimited([], 4, async () => 1), []);
  await assert.rejects(mapLimited([1], 0, async () => 1), RangeError);
});
