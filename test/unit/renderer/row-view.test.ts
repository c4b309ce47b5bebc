import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_QUEUE, addPending, applySnapshot, resolveBatch, setPendingCheck } from '../../../renderer/store/queue-model.ts';
import { readyCount, rowViews } from '../../../renderer/store/row-view.ts';
import { announceAdded, announceTransitions } from '../../../renderer/store/announcements.ts';
import type { FileId } from '../../../shared/ipc/contract.ts';
import type { Verdict } from '../../../shared/rules/types.ts';
import { item } from './fixtures.ts';

const broken: Verdict = {
  ok: false,
  problems: [
    { rule: 'size-not-empty', code: 'FILE_SIZE_ERROR', message: 'letter.pdf is empty' },
    { rule: 'content-matches', code: 'CONFLICTING_VALUES', message: 'letter.pdf does not look like a PDF' },
  ],
  storedName: 'letter.pdf',
  nameChange: null,
  mimeType: 'application/pdf',
  typeId: 'pdf',
};

describe('row views', () => {
  it('a pending row shows the local verdict with every problem, and no actions until main answers', () => {
    const { model, keys } = addPending(EMPTY_QUEUE, 1, [{ name: 'letter.pdf', size: 0 }]);
    const [unchecked] = rowViews(model);
    assert.equal(unchecked?.status, 'checking');
    assert.equal(unchecked?.provisional, true);
    const checked = setPendingCheck(model, keys[0] as string, { look: { format: 'unknown', label: 'a file', complete: true }, verdict: broken });
    const [view] = rowViews(checked);
    assert.equal(view?.status, 'rejected');
    assert.deepEqual(view?.problems, [
      { text: 'letter.pdf is empty', rule: 'Rule: file not empty (FILE_SIZE_ERROR)' },
      { text: 'letter.pdf does not look like a PDF', rule: 'Rule: content matches the file type (CONFLICTING_VALUES)' },
    ]);
    assert.equal(view?.size, 0);
    assert.deepEqual(view?.actions, { remove: false, cancel: false, retry: false, dismiss: false, uploadAnyway: false });
  });

  it("main's items offer cancel while in flight, remove otherwise, retry only when main says it may help", () => {
    const model = applySnapshot(EMPTY_QUEUE, {
      items: [
        item('f_uploading', { status: 'uploading', progress: { sent: 5, total: 10 } }),
        item('f_queued00', { status: 'queued' }),
        item('f_failed00', { status: 'failed', error: { kind: 'unavailable', message: 'e-RS is not available', code: null, retryable: true } }),
        item('f_refused0', { status: 'failed', error: { kind: 'rejected-by-ers', message: 'e-RS refused it', code: 'INVALID_VALUE', retryable: false } }),
        item('f_uploaded', { status: 'uploaded', ersFileId: 'ABC-123' }),
      ],
    });
    const views = rowViews(model);
    assert.deepEqual(
      views.map((v) => [v.status, v.actions.cancel, v.actions.remove, v.actions.retry]),
      [
        ['uploading', true, false, false],
        ['queued', true, false, false],
        ['failed', false, true, true],
        ['failed', false, true, false],
        ['uploaded', false, true, false],
      ],
    );
    assert.deepEqual(views[0]?.progress, { sent: 5, total: 10 });
    assert.equal(views[2]?.error?.message, 'e-RS is not available');
    assert.equal(views[4]?.ersFileId, 'ABC-123');
  });

  it('names the earlier file with the same content, and says when e-RS may hold a second copy', () => {
    const model = applySnapshot(EMPTY_QUEUE, {
      items: [
        item('f_first000', { name: 'letter.pdf' }),
        item('f_second00', { name: 'letter copy.pdf', sameContentAs: 'f_first000' as FileId, possibleDuplicate: true }),
        item('f_third000', { sameContentAs: 'f_gone0000' as FileId }),
      ],
    });
    const views = rowViews(model);
    assert.equal(views[1]?.sameContentAs, 'letter.pdf');
    assert.equal(views[1]?.possibleDuplicate, true);
    assert.equal(views[0]?.sameContentAs, null);
    assert.equal(views[2]?.sameContentAs, 'a file added earlier');
  });

  it('a refusal row shows the message and can only be dismissed', () => {
    const model = resolveBatch(EMPTY_QUEUE, 1, { added: [], refused: [{ name: 'Referrals.pdf', message: 'Referrals.pdf is a folder' }] });
    const [view] = rowViews(model);
    assert.equal(view?.status, 'refused');
    assert.deepEqual(view?.problems, [{ text: 'Referrals.pdf is a folder', rule: null }]);
    assert.equal(view?.actions.dismiss, true);
    assert.equal(view?.id, null);
  });

  it('counts only the items main holds as ready', () => {
    const model = applySnapshot(addPending(EMPTY_QUEUE, 1, [{ name: 'a.pdf', size: 1 }]).model, {
      items: [item('f_a0000000'), item('f_b0000000', { status: 'rejected' }), item('f_c0000000'), item('f_d0000000', { status: 'uploaded' })],
    });
    assert.equal(readyCount(model), 2);
  });
});

describe('announcements', () => {
  it('counts what was added, ready and refused', () => {
    assert.equal(
      announceAdded({
        added: [item('f_a0000000'), item('f_b0000000', { status: 'rejected' }), item('f_c0000000')],
        refused: [{ name: 'x', message: 'x is a folder' }],
      }),
      '4 files added, 2 ready to upload, 2 cannot be uploaded.',
    );
    assert.equal(announceAdded({ added: [item('f_a0000000')], refused: [] }), '1 file added, 1 ready to upload.');
    assert.equal(announceAdded({ added: [item('f_a0000000', { status: 'checking' })], refused: [] }), '1 file added, 1 being checked.');
  });

  it('says each upload that finished or failed, once', () => {
    const before = new Map([
      ['f_a0000000', item('f_a0000000', { status: 'uploading' })],
      ['f_b0000000', item('f_b0000000', { status: 'uploading' })],
      ['f_c0000000', item('f_c0000000', { status: 'uploaded', ersFileId: 'OLD' })],
    ]);
    const said = announceTransitions(before, [
      item('f_a0000000', { status: 'uploaded', ersFileId: 'ID-1' }),
      item('f_b0000000', { status: 'failed', error: { kind: 'unavailable', message: 'e-RS is not available', code: null, retryable: true } }),
      item('f_c0000000', { status: 'uploaded', ersFileId: 'OLD' }),
      item('f_d0000000', { status: 'uploading', progress: { sent: 1, total: 2 } }),
    ]);
    assert.deepEqual(said, [
      'f_a0000000.pdf uploaded. e-RS file id ID-1.',
      'f_b0000000.pdf was not uploaded: e-RS is not available.',
    ]);
  });
});
