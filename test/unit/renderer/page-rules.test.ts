import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkUbrn } from '../../../renderer/lib/ubrn.ts';
import { pageErrors, uploadBlockedBecause } from '../../../renderer/lib/page-errors.ts';
import { formatBytes, formatBusinessFunction } from '../../../renderer/lib/format.ts';
import { restrictionsText } from '../../../renderer/lib/restrictions.ts';
import type { SessionView } from '../../../shared/ipc/contract.ts';
import { EMPTY_QUEUE, applySnapshot } from '../../../renderer/store/queue-model.ts';
import { rowViews } from '../../../renderer/store/row-view.ts';
import { item } from './fixtures.ts';

const role = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R69', orgName: 'Test Practice', canUpload: true };
const session = (status: SessionView['status'], overrides: Partial<SessionView> = {}): SessionView => ({
  status,
  environment: { name: 'Sandbox', isSandbox: true },
  signInMethods: ['smartcard'],
  user: status === 'signed-out' ? null : { id: '555', displayName: 'Dr Test' },
  roles: [role],
  role: status === 'active' ? role : null,
  message: null,
  ...overrides,
});

describe('UBRN', () => {
  it('is optional, 12 digits, and may be typed with spaces or dashes', () => {
    assert.deepEqual(checkUbrn(''), { ok: true, ubrn: null });
    assert.deepEqual(checkUbrn('  '), { ok: true, ubrn: null });
    assert.deepEqual(checkUbrn('0000 4000 1234'), { ok: true, ubrn: '000040001234' });
    assert.deepEqual(checkUbrn('0000-4000-1234'), { ok: true, ubrn: '000040001234' });
    assert.deepEqual(checkUbrn('00004000123'), { ok: false, message: 'The UBRN must be 12 digits. You entered 11' });
    assert.deepEqual(checkUbrn('0000400012345'), { ok: false, message: 'The UBRN must be 12 digits. You entered 13' });
    assert.deepEqual(checkUbrn('00004000123O'), { ok: false, message: 'The UBRN must only include numbers 0 to 9' });
  });
});

describe('why Upload cannot be used', () => {
  const fine = { ok: true, ubrn: null } as const;
  it('names what to do first: connect, sign in, choose a role, card back, add a file, fix the UBRN', () => {
    assert.equal(uploadBlockedBecause(null, 1, fine), 'Checking whether you are signed in');
    assert.equal(uploadBlockedBecause(session('signed-out'), 1, fine), 'Sign in to upload files');
    assert.equal(uploadBlockedBecause(session('expired'), 1, fine), 'Sign in to upload files');
    assert.equal(uploadBlockedBecause(session('choose-role'), 1, fine), 'Choose the role you are working in to upload files');
    assert.equal(uploadBlockedBecause(session('locked'), 1, fine), 'Put your smartcard back and sign in again to upload files');
    assert.equal(uploadBlockedBecause(session('active'), 0, fine), 'Add a file that passes the checks to upload it');
    assert.equal(uploadBlockedBecause(session('active'), 2, { ok: false, message: 'x' }), 'Correct the UBRN to upload files');
    assert.equal(uploadBlockedBecause(session('active'), 2, fine), null);
    assert.equal(
      uploadBlockedBecause(session('active', { role: { ...role, canUpload: false } }), 2, fine),
      'Your role cannot attach files to referrals',
    );
  });
});

describe('error summary', () => {
  it('lists every problem of every file, then the UBRN, each linking to its place', () => {
    const rows = rowViews(
      applySnapshot(EMPTY_QUEUE, {
        items: [
          item('f_a0000000'),
          item('f_b0000000', {
            status: 'rejected',
            problems: [
              { rule: 'size-not-empty', code: 'FILE_SIZE_ERROR', message: 'b.pdf is empty' },
              { rule: 'name-length', code: 'INVALID_VALUE', message: 'b.pdf has a long name' },
            ],
          }),
          item('f_c0000000', { name: 'c.pdf', status: 'failed', error: { kind: 'unavailable', message: 'e-RS is not available', code: null, retryable: true } }),
        ],
      }),
    );
    assert.deepEqual(pageErrors(rows, (key) => `file-${key}`, 'The UBRN must be 12 digits. You entered 3'), [
      { href: '#file-f_b0000000', text: 'b.pdf is empty (and 1 more problem)' },
      { href: '#file-f_c0000000', text: 'c.pdf was not uploaded: e-RS is not available' },
      { href: '#ubrn', text: 'The UBRN must be 12 digits. You entered 3' },
    ]);
  });
});

describe('error summary entries', () => {
  it('one per file, each linking to its own row: the same file added twice is listed twice but never reads the same', () => {
    const xlsx = (id: string) =>
      item(id, {
        name: 'bloods.xlsx',
        status: 'rejected',
        problems: [{ rule: 'type-accepted', code: 'INAPPROPRIATE_VALUE', message: 'bloods.xlsx is an Excel spreadsheet' }],
      });
    const rows = rowViews(applySnapshot(EMPTY_QUEUE, { items: [xlsx('f_x0000001'), item('f_ok000000'), xlsx('f_x0000002')] }));
    const errors = pageErrors(rows, (key) => `file-${key}`, null);
    assert.deepEqual(errors, [
      { href: '#file-f_x0000001', text: 'bloods.xlsx is an Excel spreadsheet (file 1 in the list)' },
      { href: '#file-f_x0000002', text: 'bloods.xlsx is an Excel spreadsheet (file 3 in the list)' },
    ]);
    assert.equal(new Set(errors.map((e) => e.text)).size, errors.length);
  });
});

describe('formatting', () => {
  it('writes sizes in the units of the 5MB limit', () => {
    assert.equal(formatBytes(0), '0 bytes');
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(1023), '1023 bytes');
    assert.equal(formatBytes(120 * 1024), '120 KB');
    assert.equal(formatBytes(5_242_880), '5 MB');
    assert.equal(formatBytes(5_242_881), '5 MB');
    assert.equal(formatBytes(4.8 * 1024 * 1024), '4.8 MB');
    assert.equal(formatBytes(12 * 1024 * 1024), '12 MB');
  });
  it('writes roles as words', () => {
    assert.equal(formatBusinessFunction('REFERRING_CLINICIAN_ADMIN'), 'Referring clinician admin');
  });
  it('lists the accepted types from the rules table, documents first, and the 5MB limit', () => {
    const text = restrictionsText();
    assert.match(text, /^Each file must be a PDF, DOCX, DOC, /);
    for (const ext of ['RTF', 'TXT', 'JPG', 'PNG', 'TIF', 'DCM', 'MP3']) assert.ok(text.includes(ext), ext);
    assert.ok(!text.includes('HTML') && !text.includes('XLSX'));
    assert.match(text, / or [A-Z0-9]+, and 5MB or smaller\.$/);
  });
});
