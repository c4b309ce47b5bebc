// A configuration file describing a sandbox that is already running (in a test
// process, or `npm run sandbox`), so the app or the CLI can be pointed at it
// with ERS_ATTACH_CONFIG and the sandbox's request log stays inspectable.

import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigFile } from './schema.ts';
import { CONFIG_FILE_NAME } from './locate.ts';
import type { Sandbox } from '../../../sandbox/server.ts';

/** File names for the PEMs, the same as the sandbox's own state folder uses. */
export const SANDBOX_PEM_FILES = {
  ca: 'ca.pem',
  clientCert: 'client.pem',
  clientKey: 'client-key.pem',
  cardCert: 'card.pem',
  cardKey: 'card-key.pem',
} as const;

export const RUNNING_SANDBOX_ENVIRONMENT = 'local-sandbox';

/** The config for a running sandbox whose PEMs are (or will be) in the config file's folder. */
export function runningSandboxConfig(sandbox: Pick<Sandbox, 'baseUrl' | 'identityUrl' | 'asid' | 'fqdn'>): ConfigFile {
  return {
    environment: RUNNING_SANDBOX_ENVIRONMENT,
    environments: {
      [RUNNING_SANDBOX_ENVIRONMENT]: {
        baseUrl: sandbox.baseUrl,
        asid: sandbox.asid,
        fqdn: sandbox.fqdn,
        clientCertificate: SANDBOX_PEM_FILES.clientCert,
        clientKey: SANDBOX_PEM_FILES.clientKey,
        caCertificates: [SANDBOX_PEM_FILES.ca],
        production: false,
        identity: {
          method: 'test-card',
          identityUrl: sandbox.identityUrl,
          certificate: SANDBOX_PEM_FILES.cardCert,
          privateKey: SANDBOX_PEM_FILES.cardKey,
        },
      },
    },
  };
}

async function writeOwnerOnly(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

/** Write the PEMs and config.json into `dir` (owner-only); returns the config file's path. */
export async function writeRunningSandboxConfig(sandbox: Sandbox, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { pki } = sandbox;
  const pems: Record<keyof typeof SANDBOX_PEM_FILES, string> = {
    ca: pki.caCertPem,
    clientCert: pki.clientCertPem,
    clientKey: pki.clientKeyPem,
    cardCert: pki.testCard.certPem,
    cardKey: pki.testCard.keyPem,
  };
  for (const [key, name] of Object.entries(SANDBOX_PEM_FILES) as [keyof typeof SANDBOX_PEM_FILES, string][]) {
    await writeOwnerOnly(join(dir, name), pems[key]);
  }
  const path = join(dir, CONFIG_FILE_NAME);
  await writeOwnerOnly(path, `${JSON.stringify(runningSandboxConfig(sandbox), null, 2)}\n`);
  return path;
}
