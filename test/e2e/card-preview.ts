// The preview as `npm run preview -- --card-module ...` runs it, signing in
// with a real SoftHSM2 token: one per worker, made here in test setup, its
// certificate issued by the card CA of a sandbox PKI saved for the preview
// (--sandbox-pki). The preview runs in its own process, as a developer runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreatePki } from '../../sandbox/pki.ts';
import { createSoftHsmCard, requireSoftHsm, type SoftHsmCard } from '../support/softhsm.ts';
import { test as base } from './fixtures.ts';

export { expect } from './fixtures.ts';

const PREVIEW_MAIN = fileURLToPath(new URL('../../preview/main.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

export interface CardPreview {
  readonly url: string;
  readonly card: SoftHsmCard;
  readonly user: { readonly id: string; readonly name: string };
}

/** The preview's address from its first lines of output, or a failure with what it said. */
function addressOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the preview did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      // Keep reading (the backend logs as it works) but only the start is of interest.
      if (output.length < 20_000) output += chunk.toString('utf8');
      const url = /ers-attach preview on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the preview exited (code ${code}) before it started:\n${output}`));
    });
  });
}

export const test = base.extend<object, { cardPreview: CardPreview }>({
  cardPreview: [
    async ({}, use) => {
      const install = await requireSoftHsm();
      const dir = await mkdtemp(join(tmpdir(), 'ers-e2e-card-'));
      const user = { id: '555000000024', name: 'Ravi Kumar' };
      let card: SoftHsmCard | null = null;
      let child: ChildProcess | null = null;
      try {
        const pkiDir = join(dir, 'sandbox-pki');
        const pki = await loadOrCreatePki(pkiDir);
        card = await createSoftHsmCard(install, { certify: (spki) => pki.issueCardCertificate(spki, user), userPin: '246810', parentDir: dir });
        const env: NodeJS.ProcessEnv = { ...process.env, ...card.env };
        // Playwright's own loader hooks are for its test files, not for the app.
        delete env['NODE_OPTIONS'];
        child = spawn(
          process.execPath,
          [PREVIEW_MAIN, '--port', '0', '--state', join(dir, 'queue'), '--card-module', card.modulePath, '--sandbox-pki', pkiDir],
          { env, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const url = await addressOf(child);
        await use({ url, card, user });
      } finally {
        if (child && child.exitCode === null) {
          const exited = new Promise((resolve) => child!.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child!.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await card?.dispose();
        await rm(dir, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
});
