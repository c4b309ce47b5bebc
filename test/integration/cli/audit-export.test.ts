// `npm run audit:export` as a person runs it: which folder it reads, and what it
// says when the folder is wrong or holds nothing for the days asked.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { auditDir, trailWith } from '../../unit/audit/helpers.ts';

const CLI = fileURLToPath(new URL('../../../electron/cli/audit-export.ts', import.meta.url));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command with HOME (and so the app's folders) inside `home`. */
function exportCli(args: readonly string[], home: string, extraEnv: Record<string, string> = {}, as: { uid: number; gid: number } | null = null): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), ...extraEnv };
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(as ?? {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`audit:export timed out\n${stderr}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const NOV_DEC = ['--from', '2026-11-01', '--to', '2026-12-31'];

describe('npm run audit:export: the folder', () => {
  it('is an error, exit 1, when --dir does not exist, and creates no --out file', async () => {
    const home = await auditDir();
    const missing = join(home, 'does-not-exist');
    const out = join(home, 'export.jsonl');
    const run = await exportCli([...NOV_DEC, '--dir', missing, '--out', out], home);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, `audit:export: ${missing} does not exist: nothing was exported. Give the folder that holds the audit-YYYY-MM.jsonl files\n`);
    assert.equal(run.stdout, '');
    assert.equal(existsSync(out), false, 'no empty export was left behind');
  });

  it('is an error when --dir is a file, not a folder', async () => {
    const home = await auditDir();
    const file = join(home, 'audit-2026-11.jsonl');
    await writeFile(file, '');
    const run = await exportCli([...NOV_DEC, '--dir', file], home);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^audit:export: ${file.replaceAll('.', '\\.')} is not a folder: nothing was exported`));
  });

  it('is an error when the folder cannot be read', async () => {
    const home = await auditDir();
    const locked = await trailWith([Date.UTC(2026, 10, 5)], { dir: join(home, 'locked') });
    // Root reads any folder: then run the command as nobody, for whom the folder is root's own 0700.
    const root = process.getuid?.() === 0;
    await chmod(home, 0o755);
    await chmod(locked, root ? 0o700 : 0o000);
    try {
      const run = await exportCli([...NOV_DEC, '--dir', locked], home, {}, root ? { uid: 65534, gid: 65534 } : null);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stderr, `audit:export: ${locked} cannot be read (permission denied): nothing was exported. Give the folder that holds the audit-YYYY-MM.jsonl files\n`);
    } finally {
      await chmod(locked, 0o700);
    }
  });

  it('says plainly that a folder with no lines on those days has none, and succeeds', async () => {
    const home = await auditDir();
    const empty = join(home, 'empty');
    await mkdir(empty);
    const none = await exportCli([...NOV_DEC, '--dir', empty], home);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, `No audit lines from 2026-11-01 to 2026-12-31: ${empty} has no audit file for those months\n`);

    // A file for the month, but its line is on another day.
    const lateNovember = await trailWith([Date.UTC(2026, 10, 30)], { dir: join(home, 'late-november') });
    const out = join(home, 'none.csv');
    const csv = await exportCli(['--from', '2026-11-01', '--to', '2026-11-29', '--dir', lateNovember, '--format', 'csv', '--out', out], home);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(
      csv.stderr,
      `No audit lines from 2026-11-01 to 2026-11-29: none of the audit files in ${lateNovember} has a line on those days. ${out} holds only the column headings\n`,
    );
    assert.equal((await readFile(out, 'utf8')).split('\r\n').filter((l) => l !== '').length, 1);
  });
});

describe('npm run audit:export: whose trail', () => {
  /** A home whose ers-attach audit folder holds a sandbox trail and a dev3 trail, one upload each in November. */
  async function homeWithTrails(): Promise<{ home: string; root: string }> {
    const home = await auditDir();
    const root = join(home, 'xdg', 'ers-attach', 'audit');
    await trailWith([Date.UTC(2026, 10, 5)], { dir: join(root, 'sandbox'), environment: 'sandbox' });
    await trailWith([Date.UTC(2026, 10, 6)], { dir: join(root, 'dev3'), environment: 'dev3' });
    return { home, root };
  }
  const environmentsIn = (jsonl: string) => [...new Set(jsonl.trim().split('\n').map((l) => JSON.parse(l).environment))];

  it('exports the configured environment by default, never the sandbox mixed in', async () => {
    const { home, root } = await homeWithTrails();
    const config = join(home, 'config.json');
    // Only the environment's name is read: an export does not need the certificates to be there.
    await writeFile(config, JSON.stringify({ environment: 'dev3', environments: { dev3: { baseUrl: 'https://x.invalid' } } }));
    const run = await exportCli(NOV_DEC, home, { ERS_ATTACH_CONFIG: config });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(environmentsIn(run.stdout), ['dev3']);
    assert.equal(run.stderr, `Exported 2 audit lines of dev3 from 2026-11-01 to 2026-12-31 (audit folder ${join(root, 'dev3')})\n`);
  });

  it('exports the sandbox trail only when asked for by name', async () => {
    const { home, root } = await homeWithTrails();
    const run = await exportCli([...NOV_DEC, '--environment', 'sandbox'], home);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(environmentsIn(run.stdout), ['sandbox']);
    assert.match(run.stderr, new RegExp(`^Exported 2 audit lines of sandbox .*\\(audit folder ${join(root, 'sandbox')}\\)`));
  });

  it('with no real environment configured, says which trails there are and exits 2', async () => {
    const { home, root } = await homeWithTrails();
    await writeFile(join(root, 'audit-2026-10.jsonl'), '');
    const run = await exportCli(NOV_DEC, home);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      'audit:export: choose the audit trail to export with --environment NAME: there is no configuration file, so no e-RS environment is configured\n' +
        `Audit trails in ${root}: dev3, sandbox\n` +
        `${root} also holds audit files from before each environment had a folder of its own (all environments together): export them with --dir ${root}\n`,
    );
    const config = join(home, 'sandbox.json');
    await writeFile(config, JSON.stringify({ environment: 'sandbox' }));
    const chosen = await exportCli(NOV_DEC, home, { ERS_ATTACH_CONFIG: config });
    assert.equal(chosen.code, 2);
    assert.match(chosen.stderr, new RegExp(`^audit:export: choose the audit trail to export with --environment NAME: ${config.replaceAll('.', '\\.')} chooses the built-in sandbox\n`));
  });

  it('an environment with no trail is an error that lists the trails there are', async () => {
    const { home, root } = await homeWithTrails();
    const run = await exportCli([...NOV_DEC, '--environment', 'dev4'], home);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `audit:export: there is no audit trail for dev4 (${join(root, 'dev4')} does not exist): nothing was exported\nAudit trails in ${root}: dev3, sandbox\n`,
    );
  });

  it('refuses --environment with --dir, and a name that is not an environment name, as mistakes in the command', async () => {
    const home = await auditDir();
    for (const args of [['--environment', 'dev3', '--dir', home], ['--environment', '../dev3']]) {
      const run = await exportCli([...NOV_DEC, ...args], home);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /Usage: npm run audit:export/);
    }
  });
});
