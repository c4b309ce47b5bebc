// electron-builder.yml (and its test flavour) against electron-builder's own
// JSON schema, and what its `files` rules would put in the app.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import type { Configuration } from 'app-builder-lib';
import { appFilesThatShip, loadBuilderConfig, moduleFilesThatShip } from './helpers/packaged-files.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
// No type coercion (electron-builder coerces): "true" where a boolean belongs is a mistake here.
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function schemaErrors(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

/** Files on disk under the repo, as electron-builder's walker would see them (bounded; skips node_modules and .git). */
function repoFiles(): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(ROOT, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.name === 'node_modules' || entry.name === '.git') continue;
      if (entry.isDirectory()) walk(child);
      else if (found.length < 20_000) found.push(child);
    }
  };
  walk('');
  return found;
}

/** What a build produces, and the things that must never get in, whether or not they exist on disk right now. */
const PRODUCT = [
  'package.json',
  'dist/electron/main.js',
  'dist/electron/preload.cjs',
  'dist/electron/card-watch-child.js',
  'dist/renderer/index.html',
  'dist/renderer/assets/index-Dk3s9a.js',
  'dist/renderer/assets/index-Bq81xz.css',
  'dist/renderer/assets/FrutigerLTW01-55Roman.woff2',
  'dist/renderer/assets/nhsuk-logo.svg',
];
const NEVER = [
  'dist/electron/main.js.map',
  'dist/electron/preload.cjs.map',
  'dist/renderer/assets/index-Dk3s9a.js.map',
  'dist/renderer/fixtures/referral.pdf',
  'dist/renderer/test/drop.html',
  'dist/electron/.sandbox-state/ca-key.pem',
  '.sandbox-state/ca-key.pem',
  '.sandbox-state/client-key.pem',
  'test/fixtures/referral.pdf',
  'test/fixtures/bloods.xlsx',
  'test/unit/electron/packaging.test.ts',
  'test/e2e/journey.spec.ts',
  'electron/main/index.ts',
  'electron/preload/index.ts',
  'electron/services/backend.ts',
  'sandbox/server.ts',
  'shared/ipc/contract.ts',
  'renderer/main.tsx',
  'scripts/build-electron.ts',
  'dist/renderer/src/App.tsx',
  'release/ers-attach-0.1.0.msi',
  'release/test/linux-unpacked/ers-attach',
  'electron-builder.yml',
  'electron-builder.test.yml',
  'tsconfig.json',
  'package-lock.json',
  'README.md',
  '.gitignore',
  'playwright.electron.config.ts',
  'test-results/journey/trace.zip',
];

describe('electron-builder configuration', () => {
  let release: Configuration;
  let testBuild: Configuration;
  before(async () => {
    release = await loadBuilderConfig(ROOT, 'electron-builder.yml');
    testBuild = await loadBuilderConfig(ROOT, 'electron-builder.test.yml');
  });

  it('the schema check is live: it catches a misspelt key and a wrong type', () => {
    assert.notDeepEqual(schemaErrors({ appId: 'x', electronFuse: { runAsNode: false } }), []);
    assert.notDeepEqual(schemaErrors({ appId: 'x', nsis: { perMachine: 'yes' } }), []);
    assert.notDeepEqual(schemaErrors({ appId: 'x', electronFuses: { runAsnode: false } }), []);
  });

  it('electron-builder.yml matches electron-builder\'s schema', () => {
    assert.deepEqual(schemaErrors(release), []);
  });

  it('electron-builder.test.yml (with its parent merged) matches the schema', () => {
    assert.deepEqual(schemaErrors(testBuild), []);
  });

  it('names the app and packs it into an asar', () => {
    assert.equal(release.appId, 'uk.nhs.ersattach');
    assert.equal(release.productName, 'ers-attach');
    assert.equal(release.asar, true);
  });

  it('flips the release fuses', () => {
    assert.deepEqual(release.electronFuses, {
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('the test build differs only in leaving inspect arguments on (for Playwright) and where it writes', () => {
    assert.deepEqual(testBuild.electronFuses, { ...release.electronFuses, enableNodeCliInspectArguments: true });
    assert.equal(testBuild.directories?.output, 'release/test');
    const { electronFuses: _a, directories: _b, extends: _c, ...testRest } = testBuild;
    const { electronFuses: _d, directories: _e, ...releaseRest } = release;
    assert.deepEqual(testRest, releaseRest);
  });

  it('builds per-machine MSI and NSIS for Windows, AppImage and deb for Linux, dmg for macOS', () => {
    const targets = (value: unknown): string[] =>
      (Array.isArray(value) ? value : [value]).map((target) => (typeof target === 'string' ? target : (target as { target: string }).target));
    assert.deepEqual(targets(release.win?.target).sort(), ['msi', 'nsis']);
    assert.deepEqual(targets(release.linux?.target).sort(), ['AppImage', 'deb']);
    assert.deepEqual(targets(release.mac?.target), ['dmg']);
    assert.equal(release.msi?.perMachine, true);
    assert.match(release.msi?.upgradeCode ?? '', /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    assert.equal(release.nsis?.oneClick, false);
    assert.equal(release.nsis?.perMachine, true);
    assert.equal(release.nsis?.allowElevation, true);
  });
});

describe('what the files rules ship', () => {
  let release: Configuration;
  let testBuild: Configuration;
  before(async () => {
    release = await loadBuilderConfig(ROOT, 'electron-builder.yml');
    testBuild = await loadBuilderConfig(ROOT, 'electron-builder.test.yml');
  });

  for (const platform of ['win', 'linux', 'mac'] as const) {
    it(`on ${platform}: the bundles and package.json, and nothing else from the repo`, () => {
      const candidates = [...new Set([...repoFiles(), ...PRODUCT, ...NEVER])];
      const shipped = appFilesThatShip(ROOT, release, candidates, platform);
      for (const file of PRODUCT) assert.ok(shipped.includes(file), `${file} must ship`);
      for (const file of NEVER) assert.equal(shipped.includes(file), false, `${file} must not ship`);
      const stray = shipped.filter(
        (file) => file !== 'package.json' && !/^dist\/(electron|renderer)\//.test(file),
      );
      assert.deepEqual(stray, []);
      assert.deepEqual(shipped.filter((file) => /\.(map|tsx?|mts|cts)$/.test(file)), []);
      assert.deepEqual(shipped.filter((file) => /(^|\/)(test|tests|fixtures|\.sandbox-state)\//.test(file)), []);
    });
  }

  it('the PKCS#11 addon is unpacked from the asar (native code cannot load from inside it)', () => {
    assert.deepEqual(release.asarUnpack, ['node_modules/pkcs11js/build/Release/*.node']);
  });

  it('the test build ships the same files', () => {
    const candidates = [...new Set([...repoFiles(), ...PRODUCT, ...NEVER])];
    assert.deepEqual(appFilesThatShip(ROOT, testBuild, candidates, 'linux'), appFilesThatShip(ROOT, release, candidates, 'linux'));
  });

  it('inside production node_modules: code ships, source maps and TypeScript sources do not', () => {
    const files = [
      'node_modules/zod/index.js',
      'node_modules/zod/package.json',
      'node_modules/zod/v4/core/core.js',
      'node_modules/zod/src/v4/core/core.ts',
      'node_modules/zod/index.d.ts',
      'node_modules/file-type/core.js',
      'node_modules/@peculiar/x509/build/x509.cjs.js',
      'node_modules/@peculiar/x509/build/x509.cjs.js.map',
      'node_modules/pkcs11js/build/Release/pkcs11.node',
      'node_modules/pkcs11js/build/Release/obj.target/pkcs11/src/main.o',
      'node_modules/pkcs11js/build/Makefile',
    ];
    assert.deepEqual(moduleFilesThatShip(ROOT, release, files, 'win'), [
      'node_modules/zod/index.js',
      'node_modules/zod/package.json',
      'node_modules/zod/v4/core/core.js',
      'node_modules/file-type/core.js',
      'node_modules/@peculiar/x509/build/x509.cjs.js',
      'node_modules/pkcs11js/build/Release/pkcs11.node',
    ]);
  });

  it('no build or test tool is a production dependency (they would ship in node_modules)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; main?: string };
    const production = Object.keys(pkg.dependencies ?? {});
    // react, react-dom and zustand are bundled into the renderer by Vite, so they are build inputs too.
    for (const tool of ['electron', 'electron-builder', 'esbuild', 'typescript', 'vite', '@playwright/test', 'playwright', 'ajv', 'node', 'react', 'react-dom', 'zustand']) {
      assert.equal(production.includes(tool), false, `${tool} must be a devDependency`);
    }
    assert.equal(pkg.main, 'dist/electron/main.js', 'package.json "main" points at the bundled main process');
  });
});
