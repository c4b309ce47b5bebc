// `npm run preview [-- --port 5173] [--state DIR]`
// The app in an ordinary browser: builds the renderer if needed, starts the
// real backend (on the embedded e-RS sandbox unless a config file chooses an
// environment) and serves both on 127.0.0.1.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend, SANDBOX_TEST_PIN } from '../electron/services/backend.ts';
import { buildRendererIfNeeded, RENDERER_DIST } from './build.ts';
import { startPreviewServer } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    state: { type: 'string' },
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
const backend = await createBackend({ userDataDir, log });
const server = await startPreviewServer({ backend, staticDir: RENDERER_DIST, port });
const session = await backend.handlers['session:get']({});

console.log(`ers-attach preview on ${server.url}
  environment: ${session.environment.name}${session.environment.isSandbox ? ` (embedded sandbox: sign in with the test card PIN ${SANDBOX_TEST_PIN})` : ''}
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
