import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { appAuditDir, appAuditRoot, auditDirIn, filesToPrune, monthFileName, monthOf, monthOfFileName } from '../../../electron/services/audit/audit-files.ts';

describe('audit files: names and retention', () => {
  it('keeps each environment in a folder of its own, the built-in sandbox apart from real ones', () => {
    assert.equal(auditDirIn('/data', 'sandbox'), join('/data', 'audit', 'sandbox'));
    assert.equal(auditDirIn('/data', 'dev3'), join('/data', 'audit', 'dev3'));
    const place = { env: { XDG_CONFIG_HOME: '/home/a/cfg' }, platform: 'linux' as const, home: '/home/a' };
    assert.equal(appAuditRoot(place), '/home/a/cfg/ers-attach/audit');
    assert.equal(appAuditDir('sandbox', place), '/home/a/cfg/ers-attach/audit/sandbox');
    for (const bad of ['', '..', '../dev3', 'a/b', 'a\\b', '.hidden', 'x'.repeat(33)]) {
      assert.throws(() => auditDirIn('/data', bad), /not an environment name/, JSON.stringify(bad));
    }
  });

  it('names a month by its UTC calendar month', () => {
    assert.equal(monthFileName(monthOf(Date.UTC(2026, 10, 30, 23, 59, 59, 999))), 'audit-2026-11.jsonl');
    assert.equal(monthFileName(monthOf(Date.UTC(2026, 11, 1))), 'audit-2026-12.jsonl');
    assert.equal(monthFileName(monthOf(Date.UTC(2027, 0, 1))), 'audit-2027-01.jsonl');
    assert.equal(monthOfFileName('audit-2027-01.jsonl'), monthOf(Date.UTC(2027, 0, 15)));
  });

  it('keeps a month until three full months after it ended, then lets it go', () => {
    const names = ['audit-2026-01.jsonl', 'audit-2026-02.jsonl', 'audit-2026-05.jsonl'];
    // January's last line (31 January, 23:59) must be kept until 30 April has ended.
    assert.deepEqual(filesToPrune(names, Date.UTC(2026, 3, 30, 23, 59, 59, 999), 3), []);
    assert.deepEqual(filesToPrune(names, Date.UTC(2026, 4, 1), 3), ['audit-2026-01.jsonl']);
    assert.deepEqual(filesToPrune(names, Date.UTC(2026, 5, 1), 3), ['audit-2026-01.jsonl', 'audit-2026-02.jsonl']);
    assert.deepEqual(filesToPrune(names, Date.UTC(2026, 5, 1), 12), [], 'a longer retention keeps them');
  });

  it('never touches other files, and refuses to keep less than three months', () => {
    const others = ['audit-2020-01.jsonl.bak', 'upload-queue.json', 'audit-2020-13.jsonl', 'notes-2020-01.jsonl', 'Audit-2020-01.jsonl'];
    assert.deepEqual(filesToPrune(others, Date.UTC(2030, 0, 1), 3), []);
    assert.throws(() => filesToPrune([], Date.now(), 2), /at least 3 months/);
  });
});
