// The built-in sandbox's audit trail is kept apart from real environments':
// both the upload command and the backend write <user data>/audit/sandbox for
// it, and nothing directly in <user data>/audit, where an export of a real
// environment could pick it up.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { auditDirIn, auditRootIn } from '../../../electron/services/audit/audit-files.ts';
import { createBackend, SANDBOX_TEST_PIN } from '../../../electron/services/backend.ts';
import { readAudit } from '../../unit/audit/helpers.ts';
import { makeFiles, SETTLED, tempDir, until } from './support.ts';

const CLI = fileURLToPath(new URL('../../../electron/cli/upload.ts', import.meta.url));
const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe('the built-in sandbox has an audit trail of its own', () => {
  it('npm run upload with no configuration writes <user data>/audit/sandbox', async () => {
    const home = await tempDir('ers-audit-env-cli-', cleanup);
    const [file] = await makeFiles(home, 1, 'sandboxed');
    const env = { PATH: process.env['PATH'] ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'xdg') };
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, file!.path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /built-in e-RS sandbox/);
    const userData = join(home, 'xdg', 'ers-attach');
    assert.deepEqual(await readdir(auditRootIn(userData)), ['sandbox']);
    const { events } = await readAudit(auditDirIn(userData, 'sandbox'));
    assert.deepEqual(events.map((e) => [e.event, e.environment, e.fileName]), [
      ['upload-attempt', 'sandbox', file!.name],
      ['upload-outcome', 'sandbox', file!.name],
    ]);
  });

  it('the backend on the embedded sandbox writes <user data>/audit/sandbox', async () => {
    const userData = await tempDir('ers-audit-env-backend-', cleanup);
    const config = join(userData, 'config.json');
    await writeFile(config, JSON.stringify({ environment: 'sandbox' }));
    const [file] = await makeFiles(userData, 1, 'embedded');
    const backend = await createBackend({ userDataDir: userData, configPath: config });
    cleanup.push(() => backend.close());
    const h = backend.handlers;
    await h['session:sign-in']({ method: 'smartcard', pin: SANDBOX_TEST_PIN });
    await h['session:choose-role']({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' });
    await h['files:add-dropped']({ items: [{ path: file!.path, name: file!.name }] });
    await h['queue:upload']({});
    const item = await until('the upload to settle', async () => {
      const [view] = (await h['queue:snapshot']({})).items;
      return view && SETTLED.has(view.status) ? view : undefined;
    });
    assert.equal(item.status, 'uploaded', item.error?.message);
    assert.deepEqual((await readdir(auditRootIn(userData))).sort(), ['sandbox']);
    const { events } = await readAudit(auditDirIn(userData, 'sandbox'));
    assert.deepEqual(events.map((e) => [e.event, e.environment, e.attachmentId]), [
      ['upload-attempt', 'sandbox', null],
      ['upload-outcome', 'sandbox', item.ersFileId],
    ]);
  });
});
