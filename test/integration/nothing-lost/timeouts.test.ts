// The connect timeout in the config file is the one the backend's transport
// uses: against a server that accepts the connection but never starts TLS, the
// sign-in gives up after connectMs (the default would wait 15 s).

import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import net, { type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createBackend, SANDBOX_TEST_PIN } from '../../../electron/services/backend.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import { sandboxConfig, tempDir } from './support.ts';

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe('timeouts from the config file', () => {
  it('connectMs: a handshake that never comes is given up after it', async () => {
    const sockets = new Set<Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); silent.close(() => resolve()); }));
    const origin = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;

    // Real PEMs from a sandbox, pointed at the silent server instead.
    const sandbox = await startSandbox();
    cleanup.push(() => sandbox.close());
    const configPath = await sandboxConfig(sandbox, await tempDir('ers-timeout-config-', cleanup), { connectMs: 1000, requestMs: 30_000 });
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    for (const env of Object.values(config.environments) as { baseUrl: string; identity: { identityUrl: string } }[]) {
      env.baseUrl = `${origin}/ers-api`;
      env.identity.identityUrl = `${origin}/identity`;
    }
    await writeFile(configPath, JSON.stringify(config));

    const backend = await createBackend({ userDataDir: await tempDir('ers-timeout-data-', cleanup), configPath });
    cleanup.push(() => backend.close());
    const started = Date.now();
    const result = await backend.handlers['session:sign-in']({ method: 'smartcard', pin: SANDBOX_TEST_PIN });
    const ms = Date.now() - started;
    assert.ok('ok' in result && !result.ok, 'sign-in cannot succeed');
    assert.equal(result.message, 'e-RS could not be reached. Check your connection, then try again.');
    // The default connect timeout is 15 s; the margin is for a busy machine.
    assert.ok(ms >= 1000 && ms < 10_000, `gave up after ${ms} ms, not after the configured 1000 ms`);
  });
});
