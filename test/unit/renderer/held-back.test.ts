// The same content added twice reaches e-RS once unless the person says so:
// which copies "Upload n files" leaves out, what their rows say, and the count.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { heldBackCopies } from '../../../shared/queue/same-content.ts';
import { EMPTY_QUEUE, applySnapshot } from '../../../renderer/store/queue-model.ts';
import { readyCount, rowViews } from '../../../renderer/store/row-view.ts';
import type { FileId, ItemStatus } from '../../../shared/ipc/contract.ts';
import { item } from './fixtures.ts';

const id = (s: string) => s as FileId;
const copy = (key: string, status: ItemStatus, of: string | null) => item(key, { name: 'referral.pdf', status, sameContentAs: of === null ? null : id(of) });

describe('heldBackCopies', () => {
  it('leaves out a ready copy of an earlier ready, queued, uploading or uploaded item, naming the earliest', () => {
    for (const first of ['ready', 'queued', 'uploading', 'uploaded'] as const) {
      const held = heldBackCopies([copy('f_a0000000', first, null), copy('f_b0000000', 'ready', 'f_a0000000'), copy('f_c0000000', 'ready', 'f_a0000000')]);
      assert.deepEqual([...held], [[id('f_b0000000'), id('f_a0000000')], [id('f_c0000000'), id('f_a0000000')]], first);
    }
  });

  it('sends a copy when the earlier one will not reach e-RS, and never holds the earliest back for a later one', () => {
    for (const first of ['rejected', 'failed', 'cancelled', 'changed', 'checking'] as const) {
      assert.equal(heldBackCopies([copy('f_a0000000', first, null), copy('f_b0000000', 'ready', 'f_a0000000')]).size, 0, first);
    }
    // The second copy was sent with "Upload anyway": the first is still sent by "Upload".
    assert.equal(heldBackCopies([copy('f_a0000000', 'ready', null), copy('f_b0000000', 'queued', 'f_a0000000')]).size, 0);
    // The first failed: of two later copies, the third is left out for the second.
    const held = heldBackCopies([copy('f_a0000000', 'failed', null), copy('f_b0000000', 'ready', 'f_a0000000'), copy('f_c0000000', 'ready', 'f_a0000000')]);
    assert.deepEqual([...held], [[id('f_c0000000'), id('f_b0000000')]]);
  });

  it('different content is never held back', () => {
    assert.equal(heldBackCopies([item('f_a0000000'), item('f_b0000000')]).size, 0);
  });
});

describe('rows and the Upload count', () => {
  it('the copy says it is not sent and offers Upload anyway; the count leaves it out', () => {
    const model = applySnapshot(EMPTY_QUEUE, {
      items: [copy('f_a0000000', 'ready', null), item('f_other000'), copy('f_b0000000', 'ready', 'f_a0000000')],
    });
    assert.equal(readyCount(model), 2);
    const [first, , second] = rowViews(model);
    assert.equal(first?.heldBackFor, null);
    assert.equal(first?.actions.uploadAnyway, false);
    assert.equal(first?.status, 'ready');
    assert.equal(second?.heldBackFor, 'referral.pdf');
    assert.equal(second?.status, 'held');
    assert.equal(second?.actions.uploadAnyway, true);
    assert.equal(second?.actions.remove, true);
    // Once the first is uploaded the copy is still left out; once the copy is queued it is no longer.
    const later = applySnapshot(model, { items: [copy('f_a0000000', 'uploaded', null), item('f_other000'), copy('f_b0000000', 'queued', 'f_a0000000')] });
    assert.equal(readyCount(later), 1);
    assert.equal(rowViews(later)[2]?.heldBackFor, null);
  });
});
