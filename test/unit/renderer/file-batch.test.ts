// How the preview bridge splits a drop into requests, and the framing of a
// several-files body read back as the server reads it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FILE_BATCH_MAX_FILES,
  FILE_BATCH_TARGET_BYTES,
  fileBatchHead,
  planFileBatches,
} from '../../../renderer/bridge/file-batch.ts';
import { decodeFileBatch } from '../../../preview/file-batch.ts';

describe('planFileBatches', () => {
  it('fills requests up to the file count and byte target, and sends a file bigger than the target alone', () => {
    const small = Array.from({ length: FILE_BATCH_MAX_FILES + 5 }, (_, i) => ({ name: `s${i}`, size: 10 }));
    assert.deepEqual(planFileBatches(small).map((b) => b.length), [FILE_BATCH_MAX_FILES, 5]);
    const big = { name: 'big', size: FILE_BATCH_TARGET_BYTES + 1 };
    const half = { name: 'half', size: FILE_BATCH_TARGET_BYTES / 2 };
    const plan = planFileBatches([half, half, { name: 'x', size: 1 }, big, { name: 'y', size: 1 }]);
    assert.deepEqual(plan.map((b) => b.map((f) => f.name)), [['half', 'half'], ['x'], ['big'], ['y']]);
  });
});

describe('fileBatchHead + decodeFileBatch', () => {
  it('round-trip names (any Unicode) and bytes exactly, in order', () => {
    const files = [
      { name: 'Dr O’Brien – referral.pdf', bytes: new Uint8Array([37, 80, 68, 70]) },
      { name: 'empty.txt', bytes: new Uint8Array() },
      { name: '心电图.txt', bytes: new Uint8Array([10, 13, 0, 255]) },
    ];
    const head = fileBatchHead(files.map((f) => ({ name: f.name, size: f.bytes.length })));
    const body = new Uint8Array([...head, ...files.flatMap((f) => [...f.bytes])]);
    assert.deepEqual(decodeFileBatch(body, 100), files);
    assert.throws(() => decodeFileBatch(body, 3), /not valid/, 'a file over the per-file limit is refused');
  });
});
