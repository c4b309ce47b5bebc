// npm start: build, then open the desktop app in Electron, or explain why not.
// With no e-RS environment configured the app runs on the embedded sandbox.

import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { electronVersion, findElectronBinary, missingBinaryMessage } from './electron-binary.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const ELECTRON_PACKAGE = path.join(REPO_ROOT, 'node_modules', 'electron');

function run(): void {
  const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) {
    console.error('ers-attach: the build failed (see above), so the app was not started.');
    process.exit(built.status ?? 1);
  }

  const binary = findElectronBinary(ELECTRON_PACKAGE);
  if (!binary.installed) {
    console.error(missingBinaryMessage(binary.reason, electronVersion(ELECTRON_PACKAGE)));
    process.exit(1);
  }

  // ELECTRON_RUN_AS_NODE would make Electron behave as plain Node and ignore the app.
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
  const child = spawn(binary.path, ['.', ...process.argv.slice(2)], { cwd: REPO_ROOT, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === null ? 0 : 1));
  });
}

run();
