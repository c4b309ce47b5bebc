import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEnvironment, type ResolvedEnvironment } from '../../../electron/services/config/environment.ts';
import { writeRunningSandboxConfig } from '../../../electron/services/config/sandbox-config.ts';
import { createProfessionalSession, deleteProfessionalSession } from '../../../electron/services/ers/session.ts';

let dir: string;
let builtIn: ResolvedEnvironment;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ers-attach-sandbox-env-'));
  // No config file anywhere: the built-in sandbox.
  builtIn = await resolveEnvironment({ place: { env: { XDG_CONFIG_HOME: join(dir, 'none') }, platform: 'linux', home: dir } });
});
after(async () => {
  await builtIn.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the built-in sandbox environment', () => {
  it('starts the sandbox in-process and signs in with its test card', async () => {
    assert.equal(builtIn.name, 'sandbox');
    assert.equal(builtIn.isSandbox, true);
    assert.equal(builtIn.production, false);
    assert.ok(builtIn.sandbox);
    assert.equal(builtIn.connection.baseUrl, builtIn.sandbox.baseUrl);
    const token = await builtIn.credentialProvider!.obtainSsoToken();
    const session = await createProfessionalSession(builtIn.connection, token);
    assert.ok(session.permissions.length > 0);
    await deleteProfessionalSession(session);
  });

  it('can be described by a config file that another process can use', async () => {
    const path = await writeRunningSandboxConfig(builtIn.sandbox!, join(dir, 'state'));
    const env = await resolveEnvironment({ place: { env: { ERS_ATTACH_CONFIG: path }, platform: 'linux', home: dir } });
    try {
      assert.equal(env.isSandbox, false);
      assert.equal(env.sandbox, null);
      assert.equal(env.connection.baseUrl, builtIn.sandbox!.baseUrl);
      const before = builtIn.sandbox!.requests.length;
      const session = await createProfessionalSession(env.connection, await env.credentialProvider!.obtainSsoToken());
      await deleteProfessionalSession(session);
      assert.equal(builtIn.sandbox!.requests.length - before, 4); // challenge, token, A001, A003
    } finally {
      await env.close();
    }
  });
});
