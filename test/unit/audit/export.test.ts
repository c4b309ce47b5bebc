import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AUDIT_FIELDS } from '../../../electron/services/audit/audit-event.ts';
import { exportAudit, rangeProblem } from '../../../electron/services/audit/export.ts';
import { AuditFolderError } from '../../../electron/services/audit/audit-folders.ts';
import { trailWith } from './helpers.ts';

const CLI = fileURLToPath(new URL('../../../electron/cli/audit-export.ts', import.meta.url));

async function collect(options: Omit<Parameters<typeof exportAudit>[0], 'write'>) {
  let out = '';
  const summary = await exportAudit({ ...options, write: (c) => void (out += c) });
  return { out, summary };
}

describe('audit export', () => {
  it('exports the days asked for, both ends included, across months, in time order', async () => {
    const times = [Date.UTC(2026, 9, 31, 23, 59, 59, 999), Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1)];
    const dir = await trailWith(times);
    const { out, summary } = await collect({ dir, from: '2026-11-01', to: '2026-12-31', format: 'jsonl' });
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.event, e.time]), [
      ['upload-attempt', '2026-11-01T00:00:00.000Z'],
      ['upload-outcome', '2026-11-01T00:00:00.000Z'],
      ['upload-attempt', '2026-12-31T23:59:59.999Z'],
      ['upload-outcome', '2026-12-31T23:59:59.999Z'],
    ]);
    assert.deepEqual(summary, { lines: 4, skipped: 0, files: ['audit-2026-11.jsonl', 'audit-2026-12.jsonl'] });
  });

  it('skips and counts lines that are not audit lines', async () => {
    const dir = await trailWith([Date.UTC(2026, 10, 5)]);
    const file = join(dir, 'audit-2026-11.jsonl');
    await writeFile(file, `${await readFile(file, 'utf8')}{"format":1,"eventId":"cut sh\n{"format":1,"sessionKey":"x"}\n`);
    const { summary } = await collect({ dir, from: '2026-11-01', to: '2026-11-30', format: 'jsonl' });
    assert.deepEqual([summary.lines, summary.skipped], [2, 2]);
  });

  it('writes CSV a spreadsheet cannot run: quoted cells, formulas defused', async () => {
    const dir = await trailWith([Date.UTC(2026, 10, 5)], { fileName: () => '=HYPERLINK("http://x","letter, v2").pdf' });
    const { out } = await collect({ dir, from: '2026-11-05', to: '2026-11-05', format: 'csv' });
    const [header, first] = out.split('\r\n');
    assert.equal(header, AUDIT_FIELDS.join(','));
    assert.ok(first!.includes(`"'=HYPERLINK(""http://x"",""letter, v2"").pdf"`), first);
    assert.ok(first!.includes(',POST,API Upload File (A020),Clinical Attachment,dev3,555254242106,,,sha256:'), first);
  });

  it('refuses a folder that does not exist instead of exporting nothing from it', async () => {
    const missing = join(await trailWith([Date.UTC(2026, 10, 5)]), 'typo');
    await assert.rejects(collect({ dir: missing, from: '2026-11-01', to: '2026-11-30', format: 'jsonl' }), (err) => {
      assert.ok(err instanceof AuditFolderError);
      assert.equal(err.message, `${missing} does not exist`);
      return true;
    });
  });

  it('says what is wrong with a range', () => {
    assert.equal(rangeProblem('2026-11-01', '2026-12-31'), null);
    assert.match(rangeProblem('2026-02-30', '2026-03-01')!, /--from must be a date written YYYY-MM-DD/);
    assert.match(rangeProblem('2026-12-01', '1/1/2027')!, /--to must be a date/);
    assert.equal(rangeProblem('2026-12-01', '2026-11-01'), '--from (2026-12-01) is after --to (2026-11-01)');
  });

  it('npm run audit:export writes a new owner-only file and will not overwrite one', async () => {
    const dir = await trailWith([Date.UTC(2026, 10, 5), Date.UTC(2026, 11, 5)]);
    const out = join(dir, 'export.jsonl');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c) => (stderr += c));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const first = await run(['--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--dir', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Exported 2 audit lines from 2026-11-01 to 2026-11-30/);
    assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 2);
    if (process.platform !== 'win32') assert.equal((await stat(out)).mode & 0o777, 0o600);
    const again = await run(['--from', '2026-11-01', '--to', '2026-12-31', '--out', out, '--dir', dir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists: choose another name/);
    const bad = await run(['--from', '2026-11-31', '--to', '2026-12-31']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from must be a date written YYYY-MM-DD/);
  });
});
