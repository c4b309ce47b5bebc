// The small policies the glue applies to Electron objects: navigation and
// window denial, permission denial, the quit guard, event forwarding and the
// file dialog's filters. Each is exercised on a fake of the Electron object.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventName, EventPayloads, SessionView } from '../../../shared/ipc/contract.ts';
import { ATTACHMENT_TYPES } from '../../../shared/rules/attachment-types.ts';
import { openDialogFilters } from '../../../electron/main/dialog-filters.ts';
import { forwardEvents, type EventSink } from '../../../electron/main/ipc/forward-events.ts';
import { createQuitGuard } from '../../../electron/main/quit-guard.ts';
import { applyPermissionPolicy, type PermissionSession } from '../../../electron/main/security/permissions.ts';
import { hardenContents, type NavigationEventLike } from '../../../electron/main/security/harden-contents.ts';

class FakeEvent implements NavigationEventLike {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

describe('hardenContents', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: NavigationEventLike, ...rest: unknown[]) => void>();
    let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    return {
      listeners,
      open: (url: string) => openHandler?.({ url }),
      on(event: string, listener: (event: NavigationEventLike, ...rest: unknown[]) => void) {
        listeners.set(event, listener);
      },
      setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
        openHandler = handler;
      },
    };
  }

  for (const [event, target] of [
    ['will-navigate', 'file:///home/gp/Downloads/referral.pdf'],
    ['will-navigate', 'https://digital.nhs.uk/'],
    ['will-navigate', 'app://ers-attach/index.html'],
    ['will-redirect', 'https://evil.example/'],
    ['will-attach-webview', 'https://evil.example/'],
  ] as const) {
    it(`prevents ${event} to ${target}`, () => {
      const contents = fakeContents();
      hardenContents(contents);
      const fake = new FakeEvent();
      contents.listeners.get(event)?.(fake, { url: target });
      assert.equal(fake.defaultPrevented, true);
    });
  }

  it('denies every new window', () => {
    const contents = fakeContents();
    hardenContents(contents);
    for (const url of ['https://www.nhs.uk/', 'app://ers-attach/index.html', 'about:blank', 'file:///etc/passwd']) {
      assert.deepEqual(contents.open(url), { action: 'deny' });
    }
  });
});

describe('applyPermissionPolicy', () => {
  type RequestHandler = Parameters<PermissionSession['setPermissionRequestHandler']>[0];
  type CheckHandler = Parameters<PermissionSession['setPermissionCheckHandler']>[0];
  function applied() {
    let request: RequestHandler | null = null;
    let check: CheckHandler | null = null;
    let device: ((details: unknown) => boolean) | null = null;
    applyPermissionPolicy({
      setPermissionRequestHandler: (handler) => (request = handler),
      setPermissionCheckHandler: (handler) => (check = handler),
      setDevicePermissionHandler: (handler) => (device = handler),
    });
    const ask = (permission: string, requestingUrl: string) => {
      const answers: boolean[] = [];
      request!(null, permission, (granted) => answers.push(granted), { requestingUrl });
      assert.equal(answers.length, 1, 'answered exactly once');
      return answers[0];
    };
    return { ask, check: (permission: string, origin: string) => check!(null, permission, origin), device: device! };
  }

  it('refuses every permission the app does not need, even to its own page', () => {
    const policy = applied();
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'fileSystem', 'openExternal', 'hid', 'serial', 'pointerLock', 'fullscreen']) {
      assert.equal(policy.ask(permission, 'app://ers-attach/index.html'), false, permission);
      assert.equal(policy.check(permission, 'app://ers-attach'), false, permission);
    }
    assert.equal(policy.device({ deviceType: 'usb' }), false);
  });

  it('lets only the app page write to the clipboard (the Copy button for an e-RS file id)', () => {
    const policy = applied();
    assert.equal(policy.ask('clipboard-sanitized-write', 'app://ers-attach/index.html'), true);
    assert.equal(policy.check('clipboard-sanitized-write', 'app://ers-attach'), true);
    for (const url of ['https://evil.example/', 'app://ers-attach.evil/', 'file:///home/gp/evil.html', 'about:blank', '']) {
      assert.equal(policy.ask('clipboard-sanitized-write', url), false, url);
      assert.equal(policy.check('clipboard-sanitized-write', url), false, url);
    }
  });
});

describe('createQuitGuard', () => {
  it('holds the first quit until the backend has closed, then quits once', async () => {
    const order: string[] = [];
    let finishClose!: () => void;
    const quitGuard = createQuitGuard({
      close: () => new Promise<void>((resolve) => (finishClose = () => { order.push('closed'); resolve(); })),
      quit: () => order.push('quit'),
      timeoutMs: 5_000,
    });
    const first = new FakeEvent();
    quitGuard(first);
    assert.equal(first.defaultPrevented, true);
    const second = new FakeEvent(); // e.g. the person pressed Quit again while closing
    quitGuard(second);
    assert.equal(second.defaultPrevented, true);
    assert.deepEqual(order, []);
    finishClose();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ['closed', 'quit']);
    const afterClose = new FakeEvent(); // our own app.quit()
    quitGuard(afterClose);
    assert.equal(afterClose.defaultPrevented, false);
  });

  it('quits anyway when close fails, and says why', async () => {
    const logs: string[] = [];
    let quits = 0;
    const quitGuard = createQuitGuard({
      close: () => Promise.reject(new Error('A003 timed out')),
      quit: () => quits++,
      timeoutMs: 5_000,
      log: (line) => logs.push(line),
    });
    quitGuard(new FakeEvent());
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(quits, 1);
    assert.deepEqual(logs, ['backend close failed: A003 timed out']);
  });

  it('quits anyway when close hangs past the timeout', async () => {
    const logs: string[] = [];
    let quits = 0;
    const quitGuard = createQuitGuard({
      close: () => new Promise<void>(() => {}),
      quit: () => quits++,
      timeoutMs: 20,
      log: (line) => logs.push(line),
    });
    quitGuard(new FakeEvent());
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(quits, 1);
    assert.deepEqual(logs, ['backend did not close within 20 ms; quitting anyway']);
  });
});

describe('forwardEvents', () => {
  function fakeBackend() {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    return {
      listeners,
      on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
        const set = listeners.get(event) ?? new Set();
        set.add(listener as (payload: unknown) => void);
        listeners.set(event, set);
        return () => set.delete(listener as (payload: unknown) => void);
      },
      emit(event: string, payload: unknown) {
        for (const listener of listeners.get(event) ?? []) listener(payload);
      },
    };
  }
  const session: SessionView = {
    status: 'signed-out',
    environment: { name: 'sandbox', isSandbox: true },
    signInMethods: ['smartcard'],
    user: null,
    roles: [],
    role: null,
    message: null,
  };

  it('sends each contract event on its own name with only its payload', () => {
    const backend = fakeBackend();
    const sent: [string, unknown][] = [];
    const sink: EventSink = { isDestroyed: () => false, send: (channel, payload) => sent.push([channel, payload]) };
    forwardEvents(backend, () => sink);
    assert.deepEqual([...backend.listeners.keys()].sort(), ['queue:changed', 'session:changed']);
    backend.emit('session:changed', session);
    backend.emit('queue:changed', { items: [], removed: ['f_Ab3dEf6hIj'] });
    assert.deepEqual(sent, [
      ['session:changed', session],
      ['queue:changed', { items: [], removed: ['f_Ab3dEf6hIj'] }],
    ]);
  });

  it('drops events while there is no window or it has been destroyed, and unsubscribes', () => {
    const backend = fakeBackend();
    const sent: string[] = [];
    let sink: EventSink | null = null;
    const stop = forwardEvents(backend, () => sink);
    backend.emit('session:changed', session);
    sink = { isDestroyed: () => true, send: (channel) => sent.push(channel) };
    backend.emit('session:changed', session);
    assert.deepEqual(sent, []);
    stop();
    assert.equal([...backend.listeners.values()].every((set) => set.size === 0), true);
  });
});

describe('openDialogFilters', () => {
  it('offers the types e-RS accepts first, then all files', () => {
    const [accepted, all] = openDialogFilters();
    assert.equal(accepted?.name, 'Files e-RS accepts');
    for (const type of ATTACHMENT_TYPES) {
      for (const extension of type.extensions) assert.ok(accepted?.extensions.includes(extension), extension);
    }
    assert.equal(accepted?.extensions.includes('xlsx'), false);
    assert.equal(new Set(accepted?.extensions).size, accepted?.extensions.length);
    assert.deepEqual(all, { name: 'All files', extensions: ['*'] });
  });
});
