import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { electronVersion, findElectronBinary, missingBinaryMessage } from '../../../scripts/electron-binary.ts';

describe('findElectronBinary', () => {
  let base: string;
  let pkg: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'ers-attach-electron-'));
    pkg = path.join(base, 'node_modules', 'electron');
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }));
  });
  after(() => rm(base, { recursive: true, force: true }));

  it('reports a package that never downloaded its binary (no path.txt)', () => {
    assert.deepEqual(findElectronBinary(pkg, {}), {
      installed: false,
      reason: 'node_modules/electron has no path.txt, so the binary was never downloaded',
    });
  });

  it('reports a binary that path.txt names but that is not there', async () => {
    await writeFile(path.join(pkg, 'path.txt'), 'electron');
    const found = findElectronBinary(pkg, {});
    assert.equal(found.installed, false);
    assert.match(!found.installed ? found.reason : '', /path\.txt names .*dist.electron, which does not exist/);
  });

  it('finds the binary where path.txt says', async () => {
    await writeFile(path.join(pkg, 'path.txt'), 'electron');
    await mkdir(path.join(pkg, 'dist'));
    await writeFile(path.join(pkg, 'dist', 'electron'), '');
    assert.deepEqual(findElectronBinary(pkg, {}), { installed: true, path: path.join(pkg, 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH as electron itself does', async () => {
    const custom = path.join(base, 'my-electron');
    await mkdir(custom);
    assert.equal(findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: custom }).installed, false);
    await writeFile(path.join(custom, 'electron'), '');
    assert.deepEqual(findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: custom }), { installed: true, path: path.join(custom, 'electron') });
  });

  it('reports a missing electron package', () => {
    assert.deepEqual(findElectronBinary(path.join(base, 'nowhere'), {}), {
      installed: false,
      reason: 'the electron package is not installed: run npm install',
    });
  });

  it('reads the version the message names', () => {
    assert.equal(electronVersion(pkg), '45.5.0');
  });
});

describe('missingBinaryMessage', () => {
  const message = missingBinaryMessage('node_modules/electron has no path.txt, so the binary was never downloaded', '45.5.0');
  it('says what is wrong, how to fix it and what to do instead', () => {
    assert.match(message, /^ers-attach cannot start the desktop app: the Electron binary is not installed on this machine\./);
    assert.match(message, /npx install-electron/);
    assert.match(message, /node node_modules\/electron\/install\.js/);
    assert.match(message, /Electron 45\.5\.0/);
    assert.match(message, /npm run preview/);
    assert.match(message, /Details: node_modules\/electron has no path\.txt, so the binary was never downloaded\./);
  });
  it('names commands the installed electron package really has, and its version', async () => {
    const realPackage = path.resolve(import.meta.dirname, '..', '..', '..', 'node_modules', 'electron');
    const manifest = JSON.parse(await readFile(path.join(realPackage, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(manifest.bin['install-electron'], 'install.js');
    const version = electronVersion(realPackage);
    assert.ok(missingBinaryMessage('x', version).includes(`Electron ${version} for this`));
  });
});
