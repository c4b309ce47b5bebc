// `npm run upload` end to end: the CLI runs as a subprocess against a sandbox
// running in this test process (described to it by a config file through
// ERS_ATTACH_CONFIG), so the sandbox's request log and store can be checked.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { writeRunningSandboxConfig } from '../../../electron/services/config/sandbox-config.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'electron/cli/upload.ts');
const FIXTURES = join(ROOT, 'test/fixtures');
const GOOD = ['referral.pdf', 'referral.docx', 'scan.png', 'photo.jpg'];

let sandbox: Sandbox;
let dir: string;
let configPath: string;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
}

function runCli(
  args: readonly string[],
  options: { onStart?: (child: ReturnType<typeof spawn>) => void; config?: string | null } = {},
): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const config = options.config === undefined ? configPath : options.config;
    const child = spawn(NODE, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), ...(config === null ? {} : { ERS_ATTACH_CONFIG: config }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
    options.onStart?.(child);
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Requests the sandbox received from `from` on. */
const since = (from: number) => sandbox.requests.slice(from);
const a020s = (from: number) => since(from).filter((r) => r.method === 'POST' && /^\/ers-api\/STU3\/v1\/Binary$/i.test(r.path));
const a003s = (from: number) => since(from).filter((r) => r.method === 'DELETE' && /ProfessionalSession/.test(r.path));

const pdf = () => readFileSync(join(FIXTURES, 'referral.pdf'));
/** referral.pdf padded with trailing spaces (after %%EOF) to exactly `size` bytes. */
function pdfOfSize(size: number): Buffer {
  const out = Buffer.alloc(size, 0x20);
  pdf().copy(out);
  return out;
}

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, 'files', name);
  writeFileSync(path, bytes);
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ers-attach-cli-'));
  mkdirSync(join(dir, 'files'));
  sandbox = await startSandbox();
  configPath = await writeRunningSandboxConfig(sandbox, join(dir, 'config'));
});
after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run upload', () => {
  it('uploads and verifies the four fixtures, and the sandbox holds the same bytes', async () => {
    const from = sandbox.requests.length;
    const run = await runCli(['--verify', ...GOOD.map((name) => join(FIXTURES, name))]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.lines.length, 4, run.stdout);
    GOOD.forEach((name, i) => {
      const match = new RegExp(`^${name.replace('.', '\\.')}  uploaded ([0-9a-f-]{36})  verified$`).exec(run.lines[i]!);
      assert.ok(match, run.lines[i]);
      const stored = sandbox.store.get(match[1]!);
      assert.ok(stored, `sandbox holds ${name}`);
      const sent = readFileSync(join(FIXTURES, name));
      assert.equal(stored.sha256, sha256(sent));
      assert.equal(stored.bytes.byteLength, sent.byteLength);
      assert.equal(stored.name, name);
    });
    assert.equal(a020s(from).length, 4);
    assert.equal(a003s(from).length, 1, 'the session is ended');
    assert.match(run.stderr, /built-in e-RS sandbox|local-sandbox/);
    assert.ok(!/\n\s+at /.test(run.stderr), 'no stack trace');
  });

  it('refuses the bad inputs before sending anything, each with its code and message', async () => {
    const docxAsPdf = join(dir, 'files', 'letter.pdf');
    copyFileSync(join(FIXTURES, 'referral.docx'), docxAsPdf);
    const xlsx = join(dir, 'files', 'bloods.xlsx');
    copyFileSync(join(FIXTURES, 'bloods.xlsx'), xlsx);
    const exe = join(dir, 'files', 'notes.txt');
    copyFileSync(join(FIXTURES, 'notes-exe.txt'), exe);
    const files = [
      file('empty.pdf', ''),
      file('big.pdf', pdfOfSize(5_242_881)),
      docxAsPdf,
      xlsx,
      exe,
      file('two\nlines.pdf', pdf()),
    ];
    const from = sandbox.requests.length;
    const run = await runCli(files);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const expected: [string, string, RegExp][] = [
      ['empty.pdf', 'FILE_SIZE_ERROR', /empty\.pdf is empty/],
      ['big.pdf', 'FILE_SIZE_ERROR', /5,242,881 bytes.*5,242,880 bytes/],
      ['letter.pdf', 'CONFLICTING_VALUES', /Word document, not a PDF/],
      ['bloods.xlsx', 'INAPPROPRIATE_VALUE', /Excel spreadsheet/],
      ['notes.txt', 'CONFLICTING_VALUES', /Windows program/],
      ['two\\nlines.pdf', 'INVALID_VALUE', /control character \(line feed/],
    ];
    assert.equal(run.lines.length, expected.length, run.stdout);
    expected.forEach(([name, code, message], i) => {
      const line = run.lines[i]!;
      assert.ok(line.startsWith(`${name}  rejected ${code}: `), line);
      assert.match(line, message);
    });
    assert.equal(a020s(from).length, 0, 'no A020 reached the sandbox');
    assert.equal(since(from).length, 0, 'nothing was sent at all: no file was worth signing in for');
  });

  it('accepts a file of exactly 5,242,880 bytes and a 255-character name', async () => {
    const longName = `${'n'.repeat(251)}.pdf`;
    const from = sandbox.requests.length;
    const run = await runCli([file('max.pdf', pdfOfSize(5_242_880)), file(longName, pdf())]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const ids = run.lines.map((line) => /  uploaded (\S+)$/.exec(line)?.[1]);
    assert.equal(ids.length, 2, run.stdout);
    assert.equal(sandbox.store.get(ids[0]!)?.bytes.byteLength, 5_242_880);
    assert.equal(sandbox.store.get(ids[1]!)?.name, longName);
    assert.equal(longName.length, 255);
    assert.equal(a020s(from).length, 2);
  });

  it('says the stored name when it had to change the name', async () => {
    const run = await runCli(['--ubrn', '000000097366', file('Dr O’Brien – Café referral.pdf', pdf())]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const match = /^Dr O’Brien – Café referral\.pdf  uploaded (\S+) as "Dr O'Brien - Cafe referral\.pdf"$/.exec(run.lines[0] ?? '');
    assert.ok(match, run.stdout);
    const stored = sandbox.store.get(match[1]!);
    assert.equal(stored?.name, "Dr O'Brien - Cafe referral.pdf");
    assert.equal(stored?.ubrn, '000000097366');
  });

  it('uses the role asked for; a role that cannot upload (GP is none of e-RS\'s, SERVICE_DEFINER may not) is a mistake in the command', async () => {
    const ok = await runCli(['--role', 'REFERRING_CLINICIAN', file('role.pdf', pdf())]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stderr, /role REFERRING_CLINICIAN at/);
    const from = sandbox.requests.length;
    for (const role of ['GP', 'SERVICE_DEFINER']) {
      const refused = await runCli(['--role', role, join(FIXTURES, 'referral.pdf')]);
      assert.equal(refused.code, 2, role);
      assert.equal(refused.stdout, '');
      assert.ok(
        refused.stderr.startsWith(
          `upload: --role "${role}" is not a role that can upload attachments: use REFERRING_CLINICIAN, REFERRING_CLINICIAN_ADMIN, SERVICE_PROVIDER_CLINICIAN or SERVICE_PROVIDER_CLINICIAN_ADMIN\n`,
        ),
        refused.stderr,
      );
    }
    assert.equal(since(from).length, 0, 'no session was made to find that out');
  });

  it('a file that is not there is "not read" with the reason, and the others still go', async () => {
    const run = await runCli([join(dir, 'files', 'nope.pdf'), join(FIXTURES, 'referral.pdf')]);
    assert.equal(run.code, 1);
    assert.equal(run.lines[0], 'nope.pdf  not read: nope.pdf could not be found. It may have been moved, renamed or deleted: find it and add it again');
    assert.match(run.lines[1] ?? '', /^referral\.pdf  uploaded \S+$/);
    assert.equal(run.lines.length, 2);
  });

  it('an environment that cannot be used: one line per file, each that could go "not sent" with why', async () => {
    const from = sandbox.requests.length;
    const noConfig = await runCli(['--environment', 'dev3', join(FIXTURES, 'referral.pdf'), join(FIXTURES, 'bloods.xlsx')], { config: null });
    assert.equal(noConfig.code, 1);
    const expectedAt = join(dir, 'xdg', 'ers-attach', 'config.json');
    assert.deepEqual(noConfig.lines.map((l) => l.replace(/(rejected INAPPROPRIATE_VALUE): .*/, '$1')), [
      `referral.pdf  not sent: the configuration cannot be used: environment: "dev3" is not configured: there is no configuration file at ${expectedAt}`,
      'bloods.xlsx  rejected INAPPROPRIATE_VALUE',
    ]);
    assert.match(noConfig.stderr, /^The configuration cannot be used:\n  environment: "dev3" is not configured/);

    const notInFile = await runCli(['--environment', 'dev3', join(FIXTURES, 'referral.pdf'), join(FIXTURES, 'scan.png')]);
    assert.equal(notInFile.code, 1);
    const why = `not sent: the configuration in ${configPath} cannot be used: environment: expected one of "sandbox", "local-sandbox", found "dev3"`;
    assert.deepEqual(notInFile.lines, [`referral.pdf  ${why}`, `scan.png  ${why}`]);
    assert.equal(since(from).length, 0);
  });

  it('no way to sign in: every file that could go says why, on its own line', async () => {
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.environments['local-sandbox'].identity = { method: 'sso-token' };
    const tokenConfig = join(dir, 'config', 'sso-token.json');
    writeFileSync(tokenConfig, JSON.stringify(config));
    const from = sandbox.requests.length;
    const run = await runCli([join(FIXTURES, 'referral.pdf'), join(FIXTURES, 'photo.jpg')], { config: tokenConfig });
    assert.equal(run.code, 1);
    const why = 'not sent: local-sandbox signs in with a pasted SSO token: set ERS_ATTACH_SSO_TOKEN to the token and run the command again';
    assert.deepEqual(run.lines, [`referral.pdf  ${why}`, `photo.jpg  ${why}`]);
    assert.equal(since(from).length, 0);
  });

  it('prints usage and exits 2 for a mistake in the command', async () => {
    for (const args of [[], ['--ubrn', '123', 'x.pdf'], ['--nope', 'x.pdf'], ['--role', 'lower case', 'x.pdf'], ['--environment', '../dev3', 'x.pdf']]) {
      const run = await runCli(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /Usage: npm run upload --/);
      assert.equal(run.stdout, '');
    }
  });
});

describe('npm run upload when e-RS fails', () => {
  it('retries an upload e-RS asked to resend later, and prints the e-RS code when it keeps failing', async () => {
    sandbox.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 0 });
    let from = sandbox.requests.length;
    const retried = await runCli([file('retry.pdf', pdf())]);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    assert.equal(a020s(from).length, 2);

    sandbox.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 0, times: 3 });
    from = sandbox.requests.length;
    const failed = await runCli([file('unavailable.pdf', pdf())]);
    assert.equal(failed.code, 1);
    assert.deepEqual(failed.lines, ['unavailable.pdf  failed SYSTEM_UNAVAILABLE: e-RS is not available at the moment (503): try again later']);
    assert.equal(a020s(from).length, 3);
  });

  it('does not resend when the answer was lost after the file was sent', async () => {
    sandbox.faults.add({ kind: 'lose-answer' });
    const stored = sandbox.store.list().length;
    const from = sandbox.requests.length;
    const run = await runCli([file('lost.pdf', pdf())]);
    assert.equal(run.code, 1);
    assert.match(run.lines[0] ?? '', /^lost\.pdf  failed: The connection to e-RS was interrupted.*e-RS may have stored it: check before sending it again$/);
    assert.equal(a020s(from).length, 1);
    assert.equal(sandbox.store.list().length, stored + 1, 'the sandbox did store it once');
  });

  it('signs in again once when e-RS ends the session, then sends the file', async () => {
    sandbox.faults.add({ kind: 'expire-session' });
    const from = sandbox.requests.length;
    const run = await runCli([file('expired.pdf', pdf())]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /session ended: signing in again/);
    assert.equal(a020s(from).length, 2);
    assert.equal(since(from).filter((r) => r.method === 'POST' && /ProfessionalSession$/.test(r.path)).length, 2);
  });

  it('ends the session on Ctrl-C', async () => {
    sandbox.faults.add({ kind: 'delay', ms: 20_000 });
    const from = sandbox.requests.length;
    const run = await runCli([file('slow.pdf', pdf())], {
      onStart: (child) => {
        const poll = setInterval(() => {
          if (a020s(from).length > 0) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 20);
        child.on('close', () => clearInterval(poll));
      },
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    // The whole body had gone when Ctrl-C came, so from here e-RS may or may not hold it.
    assert.deepEqual(run.lines, ['slow.pdf  failed: the upload was cancelled after the whole file was sent. e-RS may have stored it: check before sending it again']);
    assert.match(run.stderr, /Stopping: ending the e-RS session/);
    assert.match(run.stderr, /cancelled/);
    assert.equal(a003s(from).length, 1);
    assert.ok(!sandbox.store.list().some((f) => f.name === 'slow.pdf'), 'the delayed upload was dropped');
  });
});
