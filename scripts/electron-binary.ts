// Where the Electron binary is, without downloading it. The electron package
// (45.5.0) downloads the binary the first time `require('electron')` runs
// (its index.js spawns install.js), which here just fails after a network
// error; so this reads the same two facts it does, path.txt and dist/, and
// only reports.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ElectronBinary =
  | { readonly installed: true; readonly path: string }
  | { readonly installed: false; readonly reason: string };

/**
 * @param packageDir node_modules/electron
 * @param env the environment (ELECTRON_OVERRIDE_DIST_PATH points at a locally built or unpacked Electron, as in electron's own index.js)
 */
export function findElectronBinary(packageDir: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  if (!existsSync(path.join(packageDir, 'package.json'))) {
    return { installed: false, reason: 'the electron package is not installed: run npm install' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;

  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') {
    const binary = path.join(override, relative ?? 'electron');
    return existsSync(binary)
      ? { installed: true, path: binary }
      : { installed: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${binary} does not exist` };
  }
  if (relative === null || relative === '') {
    return { installed: false, reason: 'node_modules/electron has no path.txt, so the binary was never downloaded' };
  }
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary)
    ? { installed: true, path: binary }
    : { installed: false, reason: `path.txt names ${binary}, which does not exist` };
}

export function electronVersion(packageDir: string): string {
  return (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** What to tell a person when the binary is missing: plain English, what to do, and the alternative. */
export function missingBinaryMessage(reason: string, version: string): string {
  return [
    'ers-attach cannot start the desktop app: the Electron binary is not installed on this machine.',
    `Details: ${reason}.`,
    '',
    `To install it, on a machine that can reach the internet, run this in the ers-attach folder:`,
    '',
    '    npx install-electron',
    '',
    `(or: node node_modules/electron/install.js). It downloads Electron ${version} for this`,
    'computer into node_modules/electron/dist. Behind a proxy or with a local mirror, set',
    'ELECTRON_MIRROR first. Then run npm start again.',
    '',
    'To see the same app in your browser now, on the built-in e-RS sandbox, run:',
    '',
    '    npm run preview',
  ].join('\n');
}
