// The fault injector's bookkeeping: queue order, counts, targeting and seeded randomness.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultInjector, type FaultKind } from '../../../sandbox/faults.ts';

const KINDS: FaultKind[] = [
  { kind: 'status', status: 503 },
  { kind: 'reset-mid-body', afterBytes: 100 },
  { kind: 'lose-answer' },
];

function run(seed: number, n: number): Array<string | null> {
  const f = new FaultInjector();
  f.random({ rate: 0.3, seed, kinds: KINDS });
  return Array.from({ length: n }, () => f.take('A020', '/x')?.kind ?? null);
}

describe('FaultInjector', () => {
  it('queued faults apply to their operation, in order, for `times` requests', () => {
    const f = new FaultInjector();
    f.add({ kind: 'status', status: 429, times: 2 });
    f.add({ kind: 'lose-answer', operation: 'A006' });
    f.add({ kind: 'delay', ms: 5 });
    assert.equal(f.take('A006', '/b')?.kind, 'lose-answer');
    assert.equal(f.take('A006', '/b'), undefined);
    assert.deepEqual([f.take('A020', '/a'), f.take('A020', '/a'), f.take('A020', '/a'), f.take('A020', '/a')].map((k) => k?.kind), ['status', 'status', 'delay', undefined]);
    assert.deepEqual(f.injected.map((i) => `${i.operation}:${i.fault.kind}`), ['A006:lose-answer', 'A020:status', 'A020:status', 'A020:delay']);
    assert.deepEqual(f.injected[1]?.fault, { kind: 'status', status: 429 }, 'the record holds the fault without its targeting');
  });

  it('the same seed gives the same faults; another seed another sequence; the rate is roughly kept', () => {
    const a = run(42, 400);
    assert.deepEqual(run(42, 400), a);
    assert.notDeepEqual(run(43, 400), a);
    const hits = a.filter((k) => k !== null).length;
    assert.ok(hits > 80 && hits < 160, `${hits} faults in 400 at rate 0.3`);
    for (const kind of ['status', 'reset-mid-body', 'lose-answer']) assert.ok(a.includes(kind), `${kind} never picked`);
  });

  it('random mode only touches its operations (A020 by default)', () => {
    const f = new FaultInjector();
    f.random({ rate: 1, seed: 1, kinds: KINDS });
    assert.equal(f.take('A001', '/s'), undefined);
    assert.ok(f.take('A020', '/a'));
    f.random({ rate: 1, seed: 1, kinds: KINDS, operations: ['A006'] });
    assert.equal(f.take('A020', '/a'), undefined);
    assert.ok(f.take('A006', '/b'));
  });

  it('refuses nonsense', () => {
    const f = new FaultInjector();
    assert.throws(() => f.add({ kind: 'delay', ms: -1 }), RangeError);
    assert.throws(() => f.add({ kind: 'reset-mid-body', afterBytes: 1.5 }), RangeError);
    assert.throws(() => f.add({ kind: 'lose-answer', times: 0 }), RangeError);
    assert.throws(() => f.random({ rate: 2, seed: 1, kinds: KINDS }), RangeError);
    assert.throws(() => f.random({ rate: 0.5, seed: 1, kinds: [] }), RangeError);
  });
});
