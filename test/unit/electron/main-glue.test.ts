// Runs the real bundled main process (dist/electron/main.js, built here) under
// Node, with a fake 'electron' module in place of Electron's, against a real
// e-RS sandbox. So the glue in electron/main/index.ts is exercised as shipped:
// what it does before and after 'ready', the window it opens, the app://
// protocol and permission handlers it installs, the IPC it registers, a whole
// journey through that IPC (sign in, add files by drop and by dialog, upload,
// sign out), and quitting. Every message main sends to the window and every
// IPC answer is recorded, and none carries the session key or SSO token that
// actually crossed the wire to the sandbox.

import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { OPERATIONS, type AddFilesResult, type QueueSnapshot, type SessionView } from '../../../shared/ipc/contract.ts';
import { SANDBOX_TEST_PIN } from '../../../electron/services/backend.ts';
import { writeRunningSandboxConfig } from '../../../electron/services/config/sandbox-config.ts';
import { APP_SCHEME_PRIVILEGES } from '../../../electron/main/app-origin.ts';
import { CONTENT_SECURITY_POLICY } from '../../../electron/main/csp.ts';
import { mainWindowOptions } from '../../../electron/main/window-options.ts';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { buildMain, buildPreload } from '../../../scripts/build-electron.ts';
import { until } from '../../support/until.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const FAKE_ELECTRON = pathToFileURL(path.join(import.meta.dirname, 'helpers', 'fake-electron.ts')).href;
registerHooks({
  resolve: (specifier, context, nextResolve) =>
    specifier === 'electron' ? { url: FAKE_ELECTRON, shortCircuit: true } : nextResolve(specifier, context),
});
const electron = (await import(FAKE_ELECTRON)) as typeof import('./helpers/fake-electron.ts');
const fixture = (name: string) => path.join(REPO_ROOT, 'test', 'fixtures', name);

// ------------------------------------------------------------ what crosses the wire

/** Session keys (HTTP_X_SESSION_KEY) and SSO tokens (A001 bodies) main sent to e-RS, captured at node:https. */
const wireSecrets = new Set<string>();
const realRequest = https.request;
https.request = ((...args: Parameters<typeof https.request>) => {
  const options = args.find((arg) => typeof arg === 'object' && arg !== null && !(arg instanceof URL)) as https.RequestOptions | undefined;
  for (const [name, value] of Object.entries(options?.headers ?? {})) {
    if (/session_key/i.test(name) && typeof value === 'string') wireSecrets.add(value);
  }
  const req = realRequest(...args);
  // Bodies go out in chunks (req.write); keep the start of each to find A001's SSO token.
  const chunks: Buffer[] = [];
  const write = req.write.bind(req) as (...writeArgs: unknown[]) => boolean;
  req.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk) || chunk instanceof Uint8Array || typeof chunk === 'string') {
      if (chunks.reduce((sum, c) => sum + c.length, 0) < 65_536) chunks.push(Buffer.from(chunk as Uint8Array));
    }
    return write(chunk, ...rest);
  }) as typeof req.write;
  req.on('finish', () => {
    const match = /"token"\s*:\s*"([^"]+)"/.exec(Buffer.concat(chunks).toString('utf8'));
    if (match?.[1]) wireSecrets.add(match[1]);
  });
  return req;
}) as typeof https.request;

// ------------------------------------------------------------ the run

let work: string;
let sandbox: Sandbox;
let window: InstanceType<typeof electron.BrowserWindow>;
const logs: string[] = [];
const replies: string[] = [];
const realLog = console.log;

const APP_FRAME = { senderFrame: { url: 'app://ers-attach/index.html', parent: null, isDestroyed: () => false } };

async function invoke<T>(channel: string, request: unknown, event: unknown = APP_FRAME): Promise<T> {
  const handler = electron.ipcMain.handlers.get(channel);
  assert.ok(handler, `main registered ${channel}`);
  const reply = await handler(event, request);
  replies.push(JSON.stringify(reply));
  if (typeof reply === 'object' && reply !== null && 'error' in reply) throw new Error(String(reply.error));
  return (reply as { value: T }).value;
}

before(async () => {
  await mkdir(path.join(REPO_ROOT, 'test-results'), { recursive: true });
  // Inside the repo, so the bundle's external packages resolve from its node_modules.
  work = await mkdtemp(path.join(REPO_ROOT, 'test-results', 'electron-glue-'));
  await Promise.all([buildMain(path.join(work, 'dist', 'electron')), buildPreload(path.join(work, 'dist', 'electron', 'preload.cjs'))]);
  await mkdir(path.join(work, 'dist', 'renderer'), { recursive: true });
  await writeFile(path.join(work, 'dist', 'renderer', 'index.html'), '<!doctype html><title>ers-attach</title>');
  await writeFile(path.join(work, 'dist', 'secret.html'), 'OUTSIDE THE RENDERER');

  sandbox = await startSandbox();
  process.env.ERS_ATTACH_CONFIG = await writeRunningSandboxConfig(sandbox, path.join(work, 'config'));
  electron.fake.userDataDir = path.join(work, 'user-data');
  console.log = (...args: unknown[]) => logs.push(args.map(String).join(' '));
  await import(pathToFileURL(path.join(work, 'dist', 'electron', 'main.js')).href);
});

after(async () => {
  console.log = realLog;
  https.request = realRequest;
  await sandbox?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the bundled main process', () => {
  it('before ready: privileged app:// scheme, process sandbox, single-instance lock; no window yet', () => {
    assert.deepEqual(electron.fake.calls, ['registerSchemesAsPrivileged', 'enableSandbox', 'requestSingleInstanceLock']);
    assert.deepEqual(electron.protocol.privileged, [{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }]);
    assert.equal(electron.BrowserWindow.all.length, 0);
    assert.equal(electron.ipcMain.handlers.size, 0);
  });

  it('on ready: opens the hardened window on app://ers-attach/index.html with the bundled preload', async () => {
    electron.app.becomeReady();
    window = await until('the window to load', () => electron.BrowserWindow.all[0]?.loaded.length ? electron.BrowserWindow.all[0] : undefined);
    assert.deepEqual(window.loaded, ['app://ers-attach/index.html']);
    assert.deepEqual(window.options, mainWindowOptions({ preloadPath: path.join(work, 'dist', 'electron', 'preload.cjs'), isPackaged: false }));
    assert.equal(window.shown, true);
  });

  it('registers exactly the contract\'s operations over IPC', () => {
    assert.deepEqual([...electron.ipcMain.handlers.keys()].sort(), Object.keys(OPERATIONS).sort());
  });

  it('serves the renderer over app:// with the CSP, and nothing outside it', async () => {
    const handle = electron.protocol.handlers.get('app');
    assert.ok(handle);
    const page = await handle(new Request('app://ers-attach/'));
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(await page.text(), '<!doctype html><title>ers-attach</title>');
    const escape = await handle(new Request('app://ers-attach/..%2fsecret.html'));
    assert.equal(escape.status, 403);
    assert.doesNotMatch(await escape.text(), /OUTSIDE/);
  });

  it('hardens the window\'s webContents: no navigation, no new windows, no webviews', () => {
    const contents = window.webContents;
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      contents.emit(event, { preventDefault: () => (prevented = true) }, 'file:///home/gp/Downloads/referral.pdf');
      assert.equal(prevented, true, event);
    }
    assert.deepEqual(contents.windowOpenHandler?.({ url: 'https://www.nhs.uk/' }), { action: 'deny' });
  });

  it('refuses browser permissions but the app page\'s clipboard write', () => {
    const { defaultSession } = electron.session;
    const answers: boolean[] = [];
    defaultSession.request?.(null, 'media', (granted) => answers.push(granted), { requestingUrl: 'app://ers-attach/index.html' });
    defaultSession.request?.(null, 'clipboard-sanitized-write', (granted) => answers.push(granted), { requestingUrl: 'app://ers-attach/index.html' });
    assert.deepEqual(answers, [false, true]);
    assert.equal(defaultSession.check?.(null, 'notifications', 'app://ers-attach'), false);
    assert.equal(defaultSession.device?.({}), false);
  });

  it('a second launch focuses the existing window', () => {
    electron.app.emit('second-instance');
    assert.equal(window.focused, 1);
  });

  it('refuses IPC from anything but the app page\'s main frame', async () => {
    for (const event of [
      { senderFrame: { url: 'app://ers-attach.evil/index.html', parent: null, isDestroyed: () => false } },
      { senderFrame: { url: 'app://ers-attach/index.html', parent: {}, isDestroyed: () => false } },
      { senderFrame: { url: 'file:///home/gp/evil.html', parent: null, isDestroyed: () => false } },
      { senderFrame: { url: 'app://ers-attach/index.html', parent: null, isDestroyed: () => true } },
      { senderFrame: null },
    ]) {
      await assert.rejects(invoke('session:get', {}, event), /did not come from the ers-attach window/);
    }
  });

  it('a whole journey over IPC: sign in, drop, choose, upload, sign out', async () => {
    let view = await invoke<SessionView>('session:get', {});
    assert.equal(view.status, 'signed-out');

    view = await invoke<SessionView>('session:sign-in', { method: 'smartcard', pin: SANDBOX_TEST_PIN });
    if (view.status === 'choose-role') {
      const role = view.roles.find((candidate) => candidate.canUpload);
      assert.ok(role, 'the test card has a role that may upload');
      view = await invoke<SessionView>('session:choose-role', { businessFunction: role.businessFunction, orgIdentifier: role.orgIdentifier });
    }
    assert.equal(view.status, 'active');

    const dropped = await invoke<AddFilesResult>('files:add-dropped', {
      items: [
        { path: fixture('referral.pdf'), name: 'referral.pdf' },
        { path: fixture('bloods.xlsx'), name: 'bloods.xlsx' },
        { path: '', name: 'from-outlook.pdf' },
      ],
    });
    assert.deepEqual(dropped.added.map((item) => item.name), ['referral.pdf', 'bloods.xlsx']);
    assert.deepEqual(dropped.refused.map((item) => item.name), ['from-outlook.pdf']);

    electron.dialog.nextChoice = { canceled: false, filePaths: [fixture('letter.rtf')] };
    const chosen = await invoke<AddFilesResult>('files:choose', {});
    assert.deepEqual(chosen.added.map((item) => item.name), ['letter.rtf']);
    assert.equal(electron.dialog.opened.length, 1);
    assert.equal(electron.dialog.opened[0]?.[0], window, 'the dialog belongs to the window');

    const ready = await until('the checks to finish', async () => {
      const snapshot = await invoke<QueueSnapshot>('queue:snapshot', {});
      return snapshot.items.every((item) => item.status !== 'checking') ? snapshot : undefined;
    });
    assert.deepEqual(
      ready.items.map((item) => [item.name, item.status]),
      [['referral.pdf', 'ready'], ['bloods.xlsx', 'rejected'], ['letter.rtf', 'ready']],
    );

    await invoke<QueueSnapshot>('queue:upload', {});
    const done = await until('the uploads', async () => {
      const snapshot = await invoke<QueueSnapshot>('queue:snapshot', {});
      return snapshot.items.filter((item) => item.status === 'uploaded').length === 2 ? snapshot : undefined;
    });
    const stored = new Set(sandbox.store.list().map((file) => file.id));
    for (const item of done.items.filter((candidate) => candidate.status === 'uploaded')) {
      assert.ok(item.ersFileId !== null && stored.has(item.ersFileId), `${item.name}'s e-RS id is one the sandbox issued`);
    }
    assert.deepEqual(sandbox.store.list().map((file) => file.name).sort(), ['letter.rtf', 'referral.pdf']);

    view = await invoke<SessionView>('session:sign-out', {});
    assert.equal(view.status, 'signed-out');
  });

  it('sent events to the window on the contract\'s names only', () => {
    const channels = new Set(window.webContents.sent.map((message) => message.channel));
    assert.ok(channels.has('queue:changed') && channels.has('session:changed'));
    assert.deepEqual([...channels].filter((channel) => channel !== 'queue:changed' && channel !== 'session:changed'), []);
    for (const message of window.webContents.sent) assert.equal(message.args.length, 1, 'one payload per event');
  });

  it('no message to the renderer, IPC answer or log line carries a session key, SSO token or PIN', () => {
    assert.ok(wireSecrets.size >= 2, `captured the session key and SSO token on the wire (${wireSecrets.size})`);
    const toRenderer = window.webContents.sent.map((message) => JSON.stringify(message));
    assert.ok(toRenderer.length > 5 && replies.length > 5);
    for (const [where, lines] of [['messages to the renderer', toRenderer], ['IPC answers', replies], ['main\'s log', logs]] as const) {
      for (const line of lines) {
        for (const secret of wireSecrets) assert.equal(line.includes(secret), false, `a secret appeared in ${where}`);
        assert.doesNotMatch(line, /pro-xapi-session_|AQIC5wM2LY4S|PRIVATE KEY/, where);
        assert.doesNotMatch(line, new RegExp(`"pin"|"${SANDBOX_TEST_PIN}"`), where);
      }
    }
  });

  it('quitting waits for the backend to end the session and close, then quits', async () => {
    // Sign in again so there is a session for close() to end (A003).
    const view = await invoke<SessionView>('session:sign-in', { method: 'smartcard', pin: SANDBOX_TEST_PIN });
    if (view.status === 'choose-role') {
      const role = view.roles.find((candidate) => candidate.canUpload)!;
      await invoke('session:choose-role', { businessFunction: role.businessFunction, orgIdentifier: role.orgIdentifier });
    }
    const deletesBefore = sandbox.requests.filter((request) => request.method === 'DELETE').length;
    electron.fake.calls.length = 0;
    electron.app.quit();
    assert.deepEqual(electron.fake.calls, ['quit'], 'the first quit is held');
    await until('the quit to complete', () => (electron.fake.calls.includes('quit:done') ? true : undefined));
    assert.deepEqual(electron.fake.calls, ['quit', 'quit', 'quit:done']);
    assert.equal(sandbox.requests.filter((request) => request.method === 'DELETE').length, deletesBefore + 1, 'A003 ended the session');
  });
});
