// Test setup for the smartcard journey on the real stack: an e-RS sandbox in
// this process (so its request log, store and issued sessions can be read), a
// SoftHSM2 token whose certificate the sandbox's card CA issued, and a config
// file that points the real backend at both (identity method "smartcard").

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigFile } from '../../electron/services/config/schema.ts';
import { RUNNING_SANDBOX_ENVIRONMENT, writeRunningSandboxConfig } from '../../electron/services/config/sandbox-config.ts';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { createSoftHsmCard, requireSoftHsm, type SoftHsmCard, type SoftHsmInstall } from './softhsm.ts';

export interface SmartcardWorld {
  readonly install: SoftHsmInstall;
  readonly sandbox: Sandbox;
  readonly card: SoftHsmCard;
  /** A config whose identity signs in with `card` through SoftHSM2. */
  readonly configPath: string;
  /** Another config for the same sandbox and card, through a different PKCS#11 module (e.g. the PIN-limit one). */
  configFor(pkcs11Module: string): Promise<string>;
  /** A fresh temporary folder, removed by dispose(). */
  tempDir(prefix: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function startSmartcardWorld(user: { id: string; name: string }, options: { userPin?: string } = {}): Promise<SmartcardWorld> {
  // Fails (does not skip) without SoftHSM2, saying how to install it.
  const install = await requireSoftHsm();
  const dirs: string[] = [];
  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  const sandbox = await startSandbox();
  let card: SoftHsmCard | null = null;
  const dispose = async () => {
    await sandbox.close();
    await card?.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  };
  try {
    card = await createSoftHsmCard(install, {
      certify: (spki) => sandbox.pki.issueCardCertificate(spki, user),
      ...(options.userPin === undefined ? {} : { userPin: options.userPin }),
    });
    // The backend signs in and its card watcher polls in processes that read SOFTHSM2_CONF from here.
    card.insertIntoProcess();
    const configFor = async (pkcs11Module: string) => {
      const path = await writeRunningSandboxConfig(sandbox, await tempDir('ers-card-config-'));
      const config = JSON.parse(await readFile(path, 'utf8')) as ConfigFile;
      const entry = config.environments?.[RUNNING_SANDBOX_ENVIRONMENT];
      if (!entry) throw new Error('writeRunningSandboxConfig wrote no environment');
      const withCard: ConfigFile = {
        ...config,
        environments: { [RUNNING_SANDBOX_ENVIRONMENT]: { ...entry, identity: { method: 'smartcard', identityUrl: sandbox.identityUrl, pkcs11Module } } },
      };
      await writeFile(path, `${JSON.stringify(withCard, null, 2)}\n`, { mode: 0o600 });
      return path;
    };
    const configPath = await configFor(card.modulePath);
    return { install, sandbox, card, configPath, configFor, tempDir, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

export { until } from './until.ts';

/** A020 requests in a sandbox's log. */
export const isUpload = (r: { method: string; path: string }): boolean => r.method === 'POST' && /\/STU3\/v1\/Binary$/i.test(r.path);
