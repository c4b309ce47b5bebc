// `npm run preview [-- --port 5173] [--state DIR] [--card-module PKCS11_MODULE] [--sandbox-pki DIR]`
// The app in an ordinary browser: builds the renderer if needed, starts the
// real backend (on the embedded e-RS sandbox unless a config file chooses an
// environment) and serves both on 127.0.0.1. --card-module signs in to the
// embedded sandbox with a card (e.g. SoftHSM2) instead of its test card: see
// card-sign-in.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, SANDBOX_TEST_PIN } from '../electron/services/backend.ts';
import { buildRendererIfNeeded, RENDERER_DIST } from './build.ts';
import { cardSignInOptions } from './card-sign-in.ts';
import { startPreviewServer } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    state: { type: 'string' },
    'card-module': { type: 'string' },
    'sandbox-pki': { type: 'string' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`preview: --port must be a port number, not "${values.port}"`);
  process.exit(2);
}

const log = (line: string) => console.log(line);
await buildRendererIfNeeded(log);

// The queue and audit trail: kept in --state if given, otherwise in a new temporary folder.
const userDataDir = values.state ? resolve(values.state) : await mkdtemp(join(tmpdir(), 'ers-attach-preview-'));
const cardModule = values['card-module'];
const backend = await createBackend({ userDataDir, log, ...(await cardSignInOptions({ cardModule, sandboxPki: values['sandbox-pki'] })) });
const server = await startPreviewServer({ backend, staticDir: RENDERER_DIST, port });
const session = await backend.handlers['session:get']({});
const signIn = cardModule === undefined ? `sign in with the test card PIN ${SANDBOX_TEST_PIN}` : `sign in with the PIN of the card in ${cardModule}`;
if (cardModule !== undefined && !session.environment.isSandbox) console.log('preview: --card-module applies to the embedded sandbox only; the configured environment says how to sign in');

console.log(`ers-attach preview on ${server.url}
  environment: ${session.environment.name}${session.environment.isSandbox ? ` (embedded sandbox: ${signIn})` : ''}
  queue kept in: ${userDataDir}
Open the address in a browser. Ctrl-C stops it.`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.close();
  await backend.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
