// Child process: holds one e-RS sandbox at a time for the benchmark. "start"
// opens a fresh one (same PKI, empty store), "stop" closes it and says what it
// stored, so uploads from earlier runs never pile up in memory.

import { createSandboxPki } from '../sandbox/pki.ts';
import { startSandbox, type Sandbox } from '../sandbox/server.ts';
import { HostCommand, type HostMessage } from './lib/sandbox-messages.ts';

const say = (message: HostMessage): void => void process.send?.(message);

const pki = await createSandboxPki();
let sandbox: Sandbox | null = null;

process.on('disconnect', () => {
  void (sandbox?.close() ?? Promise.resolve()).then(() => process.exit(0));
});

process.on('message', (raw: unknown) => {
  const command = HostCommand.parse(raw);
  void (async () => {
    if (command.type === 'start') {
      await sandbox?.close();
      sandbox = await startSandbox({ pki });
      const { origin, baseUrl, identityUrl, asid, fqdn } = sandbox;
      say({ type: 'started', endpoint: { origin, baseUrl, identityUrl, asid, fqdn } });
    } else {
      const stored = (sandbox?.store.list() ?? []).map((f) => ({ name: f.name, mimeType: f.mimeType, size: f.bytes.byteLength, sha256: f.sha256 }));
      const uploads = (sandbox?.requests ?? [])
        .filter((r) => r.method === 'POST' && /\/Binary$/i.test(r.path))
        .map((r) => ({ headers: { ...r.headers } }));
      await sandbox?.close();
      sandbox = null;
      say({ type: 'stopped', stored, uploads });
    }
  })();
});

say({
  type: 'ready',
  pki: {
    caCertPem: pki.caCertPem,
    clientCertPem: pki.clientCertPem,
    clientKeyPem: pki.clientKeyPem,
    testCard: pki.testCard,
  },
});
