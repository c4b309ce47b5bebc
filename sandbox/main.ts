// `npm run sandbox [-- --port 8443] [--host 127.0.0.1] [--state .sandbox-state] [--success-status 200]`
// Runs the e-RS sandbox on its own, writes its test PKI as PEM files so the CLI or
// curl can use them, and stops cleanly on Ctrl-C.

import { writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { demoSession } from './demo-session.ts';
import { loadOrCreatePki, PKI_FILES } from './pki.ts';
import { startSandbox } from './server.ts';

const DEFAULT_PORT = 8443;

function fail(message: string): never {
  console.error(`sandbox: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: String(DEFAULT_PORT) },
    host: { type: 'string', default: '127.0.0.1' },
    state: { type: 'string', default: '.sandbox-state' },
    'success-status': { type: 'string', default: '201' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}"`);
const successStatus = Number(values['success-status']);
if (successStatus !== 200 && successStatus !== 201) fail('--success-status must be 200 or 201');

const stateDir = resolve(values.state);
const pki = await loadOrCreatePki(stateDir);
const sandbox = await startSandbox({ host: values.host, port, successStatus, pki }).catch((err: NodeJS.ErrnoException) =>
  fail(err.code === 'EADDRINUSE' ? `port ${port} is in use: choose another with --port` : String(err)),
);

// A ready session for trying the API by hand. It is written to a file (owner-only) rather than printed.
const sessionFile = join(stateDir, 'session-key');
await writeFile(sessionFile, await demoSession(sandbox), { mode: 0o600 });

// Paths as short as they can be for copying: relative under the working directory, else absolute.
const rel = (file: string): string => {
  const path = relative(process.cwd(), join(stateDir, file));
  return path.startsWith('..') ? join(stateDir, file) : path;
};
const curl = `curl --cert ${rel(PKI_FILES.clientCertPem)} --key ${rel(PKI_FILES.clientKeyPem)} --cacert ${rel(PKI_FILES.caCertPem)}`;
console.log(`e-RS sandbox listening on ${sandbox.origin}
  e-RS base URL:     ${sandbox.baseUrl}
  identity service:  ${sandbox.identityUrl}
  ASID:              ${sandbox.asid}
  endpoint (FQDN):   ${sandbox.fqdn}
  certificates in:   ${stateDir}
    CA ${PKI_FILES.caCertPem}, endpoint ${PKI_FILES.clientCertPem} + ${PKI_FILES.clientKeyPem}, card CA ${PKI_FILES.cardCaCertPem},
    test card ${PKI_FILES.cardCertPem} + ${PKI_FILES.cardKeyPem} (user ${pki.testCard.userId})
  a REFERRING_CLINICIAN session for the test card: ${rel('session-key')}

Try an upload:
  ${curl} \\
    -H "XAPI_ASID: ${sandbox.asid}" -H "HTTP_X_SESSION_KEY: $(cat ${rel('session-key')})" \\
    -H "X-ERS-XAPI-META-FILE_NAME: notes.txt" -H "Content-Type: text/plain" \\
    --data-binary "Hello e-RS" -i ${sandbox.baseUrl}/STU3/v1/Binary

Press Ctrl-C to stop.`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sandbox.close().then(() => {
    console.log('\nsandbox stopped');
    process.exit(0);
  }, (err: unknown) => fail(String(err)));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
