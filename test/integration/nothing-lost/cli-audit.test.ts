// `npm run upload` leaves the same audit trail as the app, in the app's user
// data folder: an attempt and an outcome line per A020, with the e-RS id; and
// it keeps to e-RS's rate limit like the app.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appAuditDir } from '../../../electron/services/audit/audit-files.ts';
import { runUpload } from '../../../electron/cli/upload-run.ts';
import { CONFIG_ENV_VAR, currentPlace } from '../../../electron/services/config/locate.ts';
import { resolveEnvironment } from '../../../electron/services/config/environment.ts';
import { RUNNING_SANDBOX_ENVIRONMENT } from '../../../electron/services/config/sandbox-config.ts';
import { FileRegistry } from '../../../electron/services/files/index.ts';
import type { RateLimiter } from '../../../electron/services/queue/rate-limiter.ts';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { readAudit } from '../../unit/audit/helpers.ts';
import { makeFiles, sandboxConfig, tempDir } from './support.ts';

const CLI = fileURLToPath(new URL('../../../electron/cli/upload.ts', import.meta.url));
const cleanup: (() => Promise<void>)[] = [];
let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox();
  cleanup.push(() => sandbox.close());
});
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe('npm run upload: audit trail', () => {
  it('records each attempt and its outcome in its environment\'s folder under the user data folder, with the id it printed', async () => {
    const home = await tempDir('ers-cli-audit-home-', cleanup);
    const configPath = await sandboxConfig(sandbox, join(home, 'config'));
    const [file] = await makeFiles(await tempDir('ers-cli-audit-files-', cleanup), 1, 'cli');
    const env = { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), ERS_ATTACH_CONFIG: configPath };
    sandbox.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 0 });
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, '--ubrn', '000049614844', file!.path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    const fileId = /uploaded (\S+)/.exec(run.stdout)?.[1];
    assert.ok(fileId, run.stdout);
    const dir = appAuditDir(RUNNING_SANDBOX_ENVIRONMENT, { env, platform: process.platform, home });
    if (process.platform === 'linux') assert.equal(dir, join(home, 'xdg', 'ers-attach', 'audit', 'local-sandbox'));
    const { events } = await readAudit(dir);
    assert.deepEqual(
      events.map((e) => [e.event, e.attempt, e.outcome, e.httpStatus, e.attachmentId]),
      [
        ['upload-attempt', 1, null, null, null],
        ['upload-outcome', 1, 'retry-later', 503, null],
        ['upload-attempt', 2, null, null, null],
        ['upload-outcome', 2, 'uploaded', 201, fileId],
      ],
    );
    const last = events.at(-1)!;
    assert.deepEqual(
      [last.environment, last.ubrn, last.fileName, last.sha256, last.asid, last.fqdn, last.odsCode, last.businessFunction],
      ['local-sandbox', '000049614844', file!.name, file!.sha256, sandbox.asid, sandbox.fqdn, 'R01', 'REFERRING_CLINICIAN'],
    );
    assert.equal(new Set(events.map((e) => e.itemId)).size, 1, 'both attempts are for one file');
  });

  it('every e-RS call it makes waits for a slot under the rate limit', async () => {
    const home = await tempDir('ers-cli-limit-', cleanup);
    const configPath = await sandboxConfig(sandbox, join(home, 'config'));
    const files = await makeFiles(home, 2, 'limit');
    const environment = await resolveEnvironment({ place: { ...currentPlace(), env: { [CONFIG_ENV_VAR]: configPath } } });
    cleanup.push(() => environment.close());
    const before = sandbox.requests.filter((r) => r.path.startsWith('/ers-api/')).length;
    let slots = 0;
    const limiter: RateLimiter = { acquire: async () => void slots++ };
    const registry = new FileRegistry();
    const code = await runUpload(
      { files: files.map((f) => f.path), ubrn: null, verify: true, role: null, environment: null },
      {
        environment,
        checkFile: async (path) => {
          const r = await registry.registerPath(path);
          if (!r.ok) throw new Error(r.message);
          return { kind: 'checked', file: await registry.readAndCheck(r.file.id) };
        },
        ssoToken: undefined,
        out: () => {},
        note: () => {},
        signal: new AbortController().signal,
        rateLimiter: limiter,
      },
    );
    assert.equal(code, 0);
    const ersCalls = sandbox.requests.filter((r) => r.path.startsWith('/ers-api/')).length - before;
    assert.equal(ersCalls, 7, 'A001, A002, two A020, two A006, A003');
    assert.equal(slots, ersCalls);
  });
});
