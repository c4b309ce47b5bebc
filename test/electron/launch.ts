// Launching ers-attach under Playwright's _electron, or saying why it cannot
// be. Two ways to run: the development app (the electron package's binary
// with this folder as the app; needs `npm run build` first, done below), or a
// packaged test build (`npm run dist:test`) named by ERS_ATTACH_ELECTRON_APP.
// The release build's fuses block the inspector Playwright uses, so only the
// test build can be driven.

import { _electron, type ElectronApplication, type Page, type TestInfo } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_ENV_VAR } from '../../electron/services/config/locate.ts';
import { SANDBOX_ENVIRONMENT, type ConfigFile } from '../../electron/services/config/schema.ts';
import { findElectronBinary } from '../../scripts/electron-binary.ts';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export type Availability =
  | { readonly ok: true; readonly executablePath: string; readonly appArgs: readonly string[]; readonly packaged: boolean }
  | { readonly ok: false; readonly reason: string };

export function electronAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  const packaged = env.ERS_ATTACH_ELECTRON_APP;
  if (packaged !== undefined && packaged !== '') {
    return existsSync(packaged)
      ? { ok: true, executablePath: packaged, appArgs: [], packaged: true }
      : { ok: false, reason: `ERS_ATTACH_ELECTRON_APP names ${packaged}, which does not exist` };
  }
  const binary = findElectronBinary(path.join(REPO_ROOT, 'node_modules', 'electron'), env);
  if (!binary.installed) return { ok: false, reason: `${binary.reason}; run npx install-electron on a connected machine` };
  return { ok: true, executablePath: binary.path, appArgs: [REPO_ROOT], packaged: false };
}

/** Skips every test in the calling file when Electron cannot run, printing why so CI logs show it. */
export function skipUnlessElectron(test: { skip(condition: boolean, description: string): void }): Availability {
  const availability = electronAvailability();
  if (!availability.ok) {
    const reason = `Electron binary not installed: ${availability.reason}`;
    console.log(`[test:electron] skipping: ${reason}`);
    test.skip(true, reason);
  }
  return availability;
}

/** Builds main, preload and renderer once per run for the development app. */
export function buildOnce(availability: Availability): void {
  if (!availability.ok || availability.packaged || process.env.ERS_ATTACH_SKIP_BUILD === '1') return;
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 180_000 });
  if (built.status !== 0) throw new Error('npm run build failed; see the output above');
  process.env.ERS_ATTACH_SKIP_BUILD = '1';
}

export interface Launched {
  readonly app: ElectronApplication;
  readonly page: Page;
  readonly userDataDir: string;
}

/**
 * @param configPath the app's config file; by default a private one naming the built-in sandbox, so a test
 * never reaches a real environment whatever config the machine running it has.
 */
export async function launchApp(availability: Availability, testInfo: TestInfo, configPath?: string): Promise<Launched> {
  if (!availability.ok) throw new Error(availability.reason);
  const userDataDir = testInfo.outputPath('user-data');
  await mkdir(userDataDir, { recursive: true });
  if (configPath === undefined) {
    configPath = path.join(userDataDir, 'test-config.json');
    await writeFile(configPath, JSON.stringify({ environment: SANDBOX_ENVIRONMENT } satisfies ConfigFile));
  }
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
  const app = await _electron.launch({
    executablePath: availability.executablePath,
    args: [
      ...availability.appArgs,
      `--user-data-dir=${userDataDir}`,
      // Containers without a setuid chrome-sandbox need this; never on a real desktop.
      ...(process.env.ERS_ATTACH_E2E_NO_SANDBOX === '1' ? ['--no-sandbox'] : []),
    ],
    env: {
      ...env,
      [CONFIG_ENV_VAR]: configPath,
    },
    timeout: 60_000,
  });
  const page = await app.firstWindow();
  page.on('pageerror', (error) => console.log(`[renderer] ${error.message}`));
  return { app, page, userDataDir };
}
