import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_QUEUE,
  addPending,
  applyChanges,
  applySnapshot,
  dismissLocalRow,
  failBatch,
  resolveBatch,
  setPendingCheck,
  type QueueModel,
} from '../../../renderer/store/queue-model.ts';
import type { FileId } from '../../../shared/ipc/contract.ts';
import { item } from './fixtures.ts';

const keys = (model: QueueModel) => model.rows.map((row) => `${row.kind}:${row.key}`);
const id = (s: string) => s as FileId;

describe('queue model: snapshot and patches', () => {
  it('a snapshot fills an empty queue in main order', () => {
    const model = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa'), item('f_bbbbbbbb')] });
    assert.deepEqual(keys(model), ['item:f_aaaaaaaa', 'item:f_bbbbbbbb']);
    assert.equal(model.items.get(id('f_bbbbbbbb'))?.name, 'f_bbbbbbbb.pdf');
  });

  it('a later snapshot keeps the order on screen, drops items main no longer has and appends new ones', () => {
    let model = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa'), item('f_bbbbbbbb'), item('f_cccccccc')] });
    model = applySnapshot(model, {
      items: [item('f_dddddddd'), item('f_cccccccc', { status: 'uploaded', ersFileId: 'X1' }), item('f_aaaaaaaa')],
    });
    assert.deepEqual(keys(model), ['item:f_aaaaaaaa', 'item:f_cccccccc', 'item:f_dddddddd']);
    assert.equal(model.items.get(id('f_cccccccc'))?.ersFileId, 'X1');
    assert.equal(model.items.has(id('f_bbbbbbbb')), false);
  });

  it('a patch replaces changed items, removes removed ones and appends new ones', () => {
    let model = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa'), item('f_bbbbbbbb')] });
    const before = model;
    model = applyChanges(model, {
      items: [item('f_aaaaaaaa', { status: 'uploading', progress: { sent: 10, total: 100 } }), item('f_cccccccc')],
      removed: [id('f_bbbbbbbb')],
    });
    assert.deepEqual(keys(model), ['item:f_aaaaaaaa', 'item:f_cccccccc']);
    assert.deepEqual(model.items.get(id('f_aaaaaaaa'))?.progress, { sent: 10, total: 100 });
    // New Map instances, so React and zustand see the change; the old model is untouched.
    assert.notEqual(model.items, before.items);
    assert.equal(before.items.get(id('f_aaaaaaaa'))?.status, 'ready');
    assert.equal(before.items.size, 2);
  });

  it('an item both changed and removed in one patch is gone', () => {
    let model = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa')] });
    model = applyChanges(model, { items: [item('f_aaaaaaaa', { status: 'cancelled' })], removed: [id('f_aaaaaaaa')] });
    assert.deepEqual(keys(model), []);
    assert.equal(model.items.size, 0);
  });
});

describe('queue model: pending rows give way to main', () => {
  const dropTwo = (model: QueueModel, batch = 1) =>
    addPending(model, batch, [
      { name: 'letter.pdf', size: 10 },
      { name: 'bloods.xlsx', size: 20 },
    ]);

  it('shows a pending row per dropped file straight away, after what is listed', () => {
    const start = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa')] });
    const { model, keys: given } = dropTwo(start);
    assert.deepEqual(keys(model), ['item:f_aaaaaaaa', `pending:${given[0]}`, `pending:${given[1]}`]);
    assert.notEqual(given[0], given[1]);
    const pending = model.rows[1];
    assert.equal(pending?.kind === 'pending' && pending.name, 'letter.pdf');
  });

  it('records the local check on the right row, and ignores a row that has already gone', () => {
    const { model, keys: given } = dropTwo(EMPTY_QUEUE);
    const check = { look: { format: 'xlsx', label: 'an Excel spreadsheet', complete: true }, verdict: {
      ok: false, problems: [], storedName: 'bloods.xlsx', nameChange: null, mimeType: null, typeId: null } };
    const checked = setPendingCheck(model, given[1] as string, check);
    const row = checked.rows[1];
    assert.equal(row?.kind === 'pending' ? row.check : undefined, check);
    const first = checked.rows[0];
    assert.equal(first?.kind === 'pending' ? first.check : undefined, null);
    assert.equal(setPendingCheck(checked, 'local-999', check), checked);
  });

  it("main's items and refusals take the batch's place, in place", () => {
    let model = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa')] });
    model = dropTwo(model).model;
    model = addPending(model, 2, [{ name: 'later.pdf', size: 5 }]).model;
    model = resolveBatch(model, 1, {
      added: [item('f_bbbbbbbb', { name: 'letter.pdf' })],
      refused: [{ name: 'Referrals', message: 'Referrals is a folder' }],
    });
    const shown = model.rows.map((row) => row.kind);
    assert.deepEqual(shown, ['item', 'item', 'refused', 'pending']);
    assert.equal(model.rows[1]?.key, 'f_bbbbbbbb');
    const refused = model.rows[2];
    assert.equal(refused?.kind === 'refused' ? refused.message : undefined, 'Referrals is a folder');
    assert.equal(model.items.get(id('f_bbbbbbbb'))?.name, 'letter.pdf');
  });

  it('an item a patch brought before the answer is not shown twice and keeps the newer view', () => {
    let model = dropTwo(EMPTY_QUEUE).model;
    model = applyChanges(model, { items: [item('f_bbbbbbbb', { status: 'rejected' })], removed: [] });
    model = resolveBatch(model, 1, { added: [item('f_bbbbbbbb', { status: 'checking' })], refused: [] });
    assert.deepEqual(keys(model), ['item:f_bbbbbbbb']);
    assert.equal(model.items.get(id('f_bbbbbbbb'))?.status, 'rejected');
  });

  it('keeps the drop order when main announces some items before it answers and the rest with the answer', () => {
    let model = applySnapshot(EMPTY_QUEUE, { items: [item('f_old00000')] });
    model = addPending(model, 1, [
      { name: 'a.pdf', size: 1 },
      { name: 'b.pdf', size: 1 },
      { name: 'c.pdf', size: 1 },
    ]).model;
    // Events for a and b arrive first (a different connection from the answer), each in its pending row's place.
    model = applyChanges(model, { items: [item('f_b0000000', { name: 'b.pdf' })], removed: [] });
    model = applyChanges(model, { items: [item('f_a0000000', { name: 'a.pdf' })], removed: [] });
    assert.deepEqual(
      model.rows.map((r) => r.kind),
      ['item', 'item', 'item', 'pending'],
    );
    model = resolveBatch(model, 1, {
      added: [item('f_a0000000', { name: 'a.pdf' }), item('f_b0000000', { name: 'b.pdf' }), item('f_c0000000', { name: 'c.pdf' })],
      refused: [],
    });
    assert.deepEqual(keys(model), ['item:f_old00000', 'item:f_a0000000', 'item:f_b0000000', 'item:f_c0000000']);
  });

  it('two files with the same name each take one pending row', () => {
    let model = addPending(EMPTY_QUEUE, 1, [
      { name: 'letter.pdf', size: 1 },
      { name: 'letter.pdf', size: 2 },
    ]).model;
    model = resolveBatch(model, 1, {
      added: [item('f_one00000', { name: 'letter.pdf' }), item('f_two00000', { name: 'letter.pdf' })],
      refused: [],
    });
    assert.deepEqual(keys(model), ['item:f_one00000', 'item:f_two00000']);
  });

  it('a failed batch becomes one refusal per file, with the reason', () => {
    const model = failBatch(dropTwo(EMPTY_QUEUE).model, 1, (name) => `${name} was not added: offline`);
    assert.deepEqual(
      model.rows.map((row) => (row.kind === 'refused' ? row.message : row.kind)),
      ['letter.pdf was not added: offline', 'bloods.xlsx was not added: offline'],
    );
  });

  it('a refusal row can be dismissed locally; main items cannot be dismissed that way', () => {
    let model = applySnapshot(EMPTY_QUEUE, { items: [item('f_aaaaaaaa')] });
    model = resolveBatch(model, 7, { added: [], refused: [{ name: 'x', message: 'x is a folder' }] });
    const refusedKey = model.rows[1]?.key as string;
    assert.deepEqual(keys(dismissLocalRow(model, refusedKey)), ['item:f_aaaaaaaa']);
    assert.equal(dismissLocalRow(model, 'f_aaaaaaaa'), model);
  });
});
