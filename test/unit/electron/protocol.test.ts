// The app:// protocol: path resolution (no way out of dist/renderer) and the
// handler's responses (right bytes, right type, security headers on all).

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/csp.ts';
import { resolveAppPath } from '../../../electron/main/protocol/resolve-path.ts';
import { createAppRequestHandler } from '../../../electron/main/protocol/serve.ts';

describe('resolveAppPath', () => {
  const root = '/opt/ers-attach/resources/app.asar/dist/renderer';

  it('maps the origin and / to index.html', () => {
    for (const url of ['app://ers-attach', 'app://ers-attach/', 'app://ers-attach/index.html?from=test#top']) {
      assert.deepEqual(resolveAppPath(url, root), {
        ok: true,
        filePath: `${root}/index.html`,
        contentType: 'text/html; charset=utf-8',
      });
    }
  });

  it('maps nested assets with their content type', () => {
    assert.deepEqual(resolveAppPath('app://ers-attach/assets/index-Bc1x.js', root), {
      ok: true,
      filePath: `${root}/assets/index-Bc1x.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
    const css = resolveAppPath('app://ers-attach/assets/nhsuk-Frutiger.woff2', root);
    assert.equal(css.ok && css.contentType, 'font/woff2');
  });

  it('dot segments are resolved by the URL parser inside the root, never above it', () => {
    for (const url of [
      'app://ers-attach/../../etc/passwd.html',
      'app://ers-attach/%2e%2e/%2E%2E/etc/passwd.html',
      'app://ers-attach/.%2e/etc/passwd.html',
      'app://ers-attach/assets/../../../etc/passwd.html',
    ]) {
      const resolved = resolveAppPath(url, root);
      assert.equal(resolved.ok, true, url);
      assert.equal(resolved.ok && resolved.filePath, `${root}/etc/passwd.html`, url);
    }
  });

  const refusedPosix: [string, string, number][] = [
    ['an encoded slash building ../', 'app://ers-attach/..%2f..%2fetc%2fpasswd.html', 403],
    ['fully encoded ../', 'app://ers-attach/%2e%2e%2f%2e%2e%2fetc%2fpasswd.html', 403],
    ['an encoded backslash building ..\\', 'app://ers-attach/..%5c..%5cetc%5cpasswd.html', 403],
    ['a literal backslash', 'app://ers-attach/..\\..\\secret.html', 403],
    ['an absolute path after a doubled slash', 'app://ers-attach//etc/passwd.html', 403],
    ['an encoded absolute path', 'app://ers-attach/%2fetc%2fpasswd.html', 403],
    ['a NUL byte', 'app://ers-attach/index.html%00.png', 403],
    ['a control character', 'app://ers-attach/in%0adex.html', 403],
    ['a Windows drive letter', 'app://ers-attach/C:/Windows/win.ini.html', 403],
    ['an NTFS alternate data stream', 'app://ers-attach/index.html::$DATA', 403],
    ['malformed percent-encoding', 'app://ers-attach/%E0%A4%A.html', 400],
    ['another host', 'app://evil/index.html', 403],
    ['a look-alike host', 'app://ers-attach.evil/index.html', 403],
    ['file://', 'file:///etc/passwd', 403],
    ['https', 'https://ers-attach/index.html', 403],
    ['a file type the renderer does not contain', 'app://ers-attach/notes.txt', 404],
    ['no extension', 'app://ers-attach/etc/passwd', 404],
    ['a directory', 'app://ers-attach/assets', 404],
  ];
  for (const [what, url, status] of refusedPosix) {
    it(`refuses ${what} with ${status}: ${url}`, () => {
      const resolved = resolveAppPath(url, root);
      assert.equal(resolved.ok, false);
      assert.equal(!resolved.ok && resolved.status, status);
    });
  }

  describe('on Windows paths', () => {
    const winRoot = 'C:\\Program Files\\ers-attach\\resources\\app.asar\\dist\\renderer';
    it('maps assets under the root with backslashes', () => {
      const resolved = resolveAppPath('app://ers-attach/assets/app.js', winRoot, path.win32);
      assert.equal(resolved.ok && resolved.filePath, `${winRoot}\\assets\\app.js`);
    });
    for (const url of [
      'app://ers-attach/C:/Windows/System32/drivers/etc/hosts.html',
      'app://ers-attach/C%3a%5cWindows%5cwin.ini.html',
      'app://ers-attach/..%5c..%5c..%5cUsers%5cgp%5cletter.html',
      'app://ers-attach/%5c%5cserver%5cshare%5cevil.html',
      'app://ers-attach/index.html:Zone.Identifier',
    ]) {
      it(`refuses ${url}`, () => {
        const resolved = resolveAppPath(url, winRoot, path.win32);
        assert.equal(resolved.ok, false);
      });
    }
  });
});

describe('createAppRequestHandler', () => {
  let base: string;
  let root: string;
  let handle: (request: Request) => Promise<Response>;
  const logs: string[] = [];

  before(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'ers-attach-protocol-'));
    root = path.join(base, 'dist', 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>ers-attach</title>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log("ers");');
    await writeFile(path.join(root, 'notes.txt'), 'not served');
    await writeFile(path.join(base, 'dist', 'secret.html'), 'SECRET OUTSIDE THE ROOT');
    handle = createAppRequestHandler({ root, readFile, log: (line) => logs.push(line) });
  });
  after(() => rm(base, { recursive: true, force: true }));

  const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

  it('serves index.html with its type and the CSP', async () => {
    const response = await get('app://ers-attach/');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await response.text(), '<!doctype html><title>ers-attach</title>');
  });

  it('serves an asset byte for byte', async () => {
    const response = await get('app://ers-attach/assets/app.js');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await response.text(), 'console.log("ers");');
  });

  it('HEAD gets the headers without a body', async () => {
    const response = await get('app://ers-attach/index.html', 'HEAD');
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '');
  });

  for (const url of [
    'app://ers-attach/../secret.html',
    'app://ers-attach/%2e%2e/secret.html',
    'app://ers-attach/..%2fsecret.html',
    'app://ers-attach/%2e%2e%2fsecret.html',
    'app://ers-attach/assets/..%2f..%2fsecret.html',
    `app://ers-attach/${'..%2f'.repeat(12)}etc%2fpasswd.html`,
  ]) {
    it(`never serves the file outside the root: ${url}`, async () => {
      const response = await get(url);
      assert.notEqual(response.status, 200);
      assert.doesNotMatch(await response.text(), /SECRET/);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    });
  }

  it('404s a missing file and a file type it does not serve, with the CSP', async () => {
    for (const url of ['app://ers-attach/missing.js', 'app://ers-attach/notes.txt', 'app://ers-attach/assets/']) {
      const response = await get(url);
      assert.equal(response.status, 404, url);
      assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    }
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await get('app://ers-attach/index.html', 'POST');
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  });

  it('a read error other than not-found is a 500 that names no path', async () => {
    const failing = createAppRequestHandler({
      root,
      readFile: async () => {
        throw Object.assign(new Error(`EACCES: permission denied, open '${root}/index.html'`), { code: 'EACCES' });
      },
    });
    const response = await failing(new Request('app://ers-attach/index.html'));
    assert.equal(response.status, 500);
    assert.doesNotMatch(await response.text(), /renderer/);
  });

  it('logs why it refused', () => {
    assert.ok(logs.some((line) => /refused \(403\): path escapes/.test(line)), logs.join('\n'));
  });
});
