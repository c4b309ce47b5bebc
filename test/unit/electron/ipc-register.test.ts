// The IPC registration wrapper against a fake ipcMain that behaves like
// Electron's: one handler per channel, invoking an unregistered channel fails.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IPC_LIMITS,
  OPERATIONS,
  type MainHandlers,
  type OperationName,
  type OperationRequest,
} from '../../../shared/ipc/contract.ts';
import { handleInvoke, registerIpcHandlers, type IpcMainLike } from '../../../electron/main/ipc/register.ts';
import { MAX_ERROR_MESSAGE_CHARS } from '../../../electron/main/ipc/reply.ts';
import type { SenderFacts } from '../../../electron/main/security/validate-sender.ts';

interface FakeEvent {
  readonly frame: SenderFacts | null;
}
type Listener = (event: FakeEvent, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcMainLike<FakeEvent> {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(channel: string, event: FakeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (listener === undefined) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return listener(event, ...args);
  }
}

const APP_PAGE: FakeEvent = { frame: { url: 'app://ers-attach/index.html', isMainFrame: true } };
const ID = 'f_Ab3dEf6hIj';

/** One valid request per operation; typed so a contract change shows up here. */
const VALID: { readonly [K in OperationName]: OperationRequest<K> } = {
  'files:add-dropped': { items: [{ path: '/home/gp/Letters/referral.pdf', name: 'referral.pdf' }, { path: '', name: 'from-outlook.pdf' }] },
  'files:choose': {},
  'queue:snapshot': {},
  'queue:remove': { id: ID },
  'queue:cancel': { id: ID },
  'queue:retry': { id: ID },
  'queue:upload': { ids: [ID], ubrn: '000000012345' },
  'session:get': {},
  'session:sign-in': { method: 'smartcard', pin: '1234' },
  'session:choose-role': { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R69' },
  'session:sign-out': {},
};

function recordingBackend(): { handlers: MainHandlers; calls: { operation: string; request: unknown }[] } {
  const calls: { operation: string; request: unknown }[] = [];
  const entries = Object.keys(OPERATIONS).map((operation) => [
    operation,
    async (request: unknown) => {
      calls.push({ operation, request });
      return { answeredBy: operation };
    },
  ]);
  return { handlers: Object.fromEntries(entries) as MainHandlers, calls };
}

function setUp(): { ipc: FakeIpcMain; calls: { operation: string; request: unknown }[]; logs: string[] } {
  const ipc = new FakeIpcMain();
  const { handlers, calls } = recordingBackend();
  const logs: string[] = [];
  registerIpcHandlers(ipc, handlers, { senderOf: (event) => event.frame, log: (line) => logs.push(line) });
  return { ipc, calls, logs };
}

describe('registerIpcHandlers', () => {
  it('registers exactly the operations in the contract', () => {
    const { ipc } = setUp();
    assert.deepEqual([...ipc.listeners.keys()].sort(), Object.keys(OPERATIONS).sort());
  });

  it('never registers a channel the backend offers beyond the contract', async () => {
    const ipc = new FakeIpcMain();
    const { handlers, calls } = recordingBackend();
    const extended = { ...handlers, 'fs:read': async () => 'secret', 'shell:open': async () => undefined } as MainHandlers;
    registerIpcHandlers(ipc, extended, { senderOf: (event) => event.frame });
    assert.equal(ipc.listeners.has('fs:read'), false);
    assert.equal(ipc.listeners.has('shell:open'), false);
    await assert.rejects(ipc.invoke('fs:read', APP_PAGE, { path: '/etc/passwd' }), /No handler registered for 'fs:read'/);
    assert.equal(calls.length, 0);
  });

  for (const channel of ['queue:delete-all', 'files:read', '__proto__', 'constructor', 'toString', 'QUEUE:SNAPSHOT', 'queue:snapshot ']) {
    it(`a forged channel is not registered: ${JSON.stringify(channel)}`, async () => {
      const { ipc, calls } = setUp();
      await assert.rejects(ipc.invoke(channel, APP_PAGE, {}), /No handler registered/);
      assert.equal(calls.length, 0);
    });
  }

  it('the returned function removes every handler', () => {
    const ipc = new FakeIpcMain();
    const unregister = registerIpcHandlers(ipc, recordingBackend().handlers, { senderOf: (event) => event.frame });
    unregister();
    assert.equal(ipc.listeners.size, 0);
  });

  for (const operation of Object.keys(VALID) as OperationName[]) {
    it(`a valid ${operation} from the app page reaches its handler with the parsed request`, async () => {
      const { ipc, calls } = setUp();
      const reply = await ipc.invoke(operation, APP_PAGE, VALID[operation]);
      assert.deepEqual(reply, { value: { answeredBy: operation } });
      assert.deepEqual(calls, [{ operation, request: VALID[operation] }]);
    });
  }

  it('accepts the sso-token sign-in shape too', async () => {
    const { ipc, calls } = setUp();
    const reply = await ipc.invoke('session:sign-in', APP_PAGE, { method: 'sso-token', token: 'opaque' });
    assert.deepEqual(reply, { value: { answeredBy: 'session:sign-in' } });
    assert.equal(calls.length, 1);
  });
});

describe('the sender is checked before the payload', () => {
  const senders: [string, SenderFacts | null][] = [
    ['a look-alike origin', { url: 'app://ers-attach.evil/index.html', isMainFrame: true }],
    ['https with our host', { url: 'https://ers-attach/index.html', isMainFrame: true }],
    ['file://', { url: 'file:///home/gp/evil.html', isMainFrame: true }],
    ['about:blank', { url: 'about:blank', isMainFrame: true }],
    ['a subframe on our origin', { url: 'app://ers-attach/index.html', isMainFrame: false }],
    ['a frame that has gone', null],
  ];
  for (const [what, frame] of senders) {
    it(`refuses ${what} without running the handler, even with a valid payload`, async () => {
      const { ipc, calls, logs } = setUp();
      const reply = await ipc.invoke('queue:upload', { frame }, VALID['queue:upload']);
      assert.deepEqual(reply, { error: 'This request did not come from the ers-attach window.' });
      assert.equal(calls.length, 0);
      assert.match(logs.join('\n'), /ipc queue:upload refused: /);
    });
  }

  it('a forged sender learns nothing about the schema from a bad payload', async () => {
    const { ipc } = setUp();
    const reply = await ipc.invoke('queue:remove', { frame: { url: 'about:blank', isMainFrame: true } }, { id: '/etc/passwd' });
    assert.deepEqual(reply, { error: 'This request did not come from the ers-attach window.' });
  });
});

describe('payloads are validated before the handler runs', () => {
  const long = (n: number) => 'a'.repeat(n);
  const refused: [string, OperationName, unknown, RegExp][] = [
    ['a path where an id belongs (POSIX)', 'queue:remove', { id: '/etc/passwd' }, /queue:remove refused: id: not a file id issued by ers-attach/],
    ['a path where an id belongs (Windows)', 'queue:retry', { id: 'C:\\Users\\gp\\Documents\\letter.docx' }, /id: not a file id/],
    ['a relative path where an id belongs', 'queue:cancel', { id: '../../.ssh/id_rsa' }, /id: not a file id/],
    ['a file:// URL where an id belongs', 'queue:remove', { id: 'file:///etc/passwd' }, /id: not a file id/],
    ['a path among upload ids', 'queue:upload', { ids: [ID, '/home/gp/letter.pdf'] }, /ids\.1: not a file id/],
    ['an id without the issued prefix', 'queue:remove', { id: 'Ab3dEf6hIjkl' }, /id: not a file id/],
    ['an id that is too short to be issued', 'queue:remove', { id: 'f_abc' }, /id: not a file id/],
    ['an id that is too long to be issued', 'queue:remove', { id: `f_${long(61)}` }, /id: not a file id/],
    ['a number where an id belongs', 'queue:remove', { id: 42 }, /id: /],
    ['an object where an id belongs', 'queue:remove', { id: { toString: 'f_Ab3dEf6hIj' } }, /id: /],
    ['a string where the ids array belongs', 'queue:upload', { ids: ID }, /ids: /],
    ['null instead of a request', 'queue:snapshot', null, /queue:snapshot refused: request: /],
    ['an array instead of a request', 'session:get', [], /session:get refused: request: /],
    ['a string instead of a request', 'files:choose', 'open /etc', /files:choose refused/],
    ['a UBRN that is not 12 digits', 'queue:upload', { ubrn: '12345' }, /ubrn: a UBRN is 12 digits/],
    ['a UBRN with letters', 'queue:upload', { ubrn: '00000001234X' }, /ubrn: a UBRN is 12 digits/],
    ['an oversized path', 'files:add-dropped', { items: [{ path: `/${long(IPC_LIMITS.pathLength)}`, name: 'x.pdf' }] }, /items\.0\.path: /],
    ['an oversized name', 'files:add-dropped', { items: [{ path: '/x.pdf', name: long(IPC_LIMITS.nameLength + 1) }] }, /items\.0\.name: /],
    ['too many dropped items', 'files:add-dropped', { items: Array.from({ length: IPC_LIMITS.itemsPerRequest + 1 }, () => ({ path: '', name: 'a.pdf' })) }, /items: /],
    ['too many upload ids', 'queue:upload', { ids: Array.from({ length: IPC_LIMITS.itemsPerRequest + 1 }, () => ID) }, /ids: /],
    ['an oversized PIN', 'session:sign-in', { method: 'smartcard', pin: '1'.repeat(IPC_LIMITS.pinLength + 1) }, /pin: /],
    ['an oversized SSO token', 'session:sign-in', { method: 'sso-token', token: long(IPC_LIMITS.tokenLength + 1) }, /token: /],
    ['an unknown sign-in method', 'session:sign-in', { method: 'password', password: 'hunter2' }, /session:sign-in refused/],
    ['a lower-case business function', 'session:choose-role', { businessFunction: 'referring_clinician', orgIdentifier: 'R69' }, /businessFunction: /],
    ['an extra key next to an id', 'queue:remove', { id: ID, path: '/etc/passwd' }, /queue:remove refused: request: .*path/],
    ['an extra key on an empty request', 'files:choose', { defaultPath: '/etc' }, /files:choose refused: .*defaultPath/],
    ['an extra key on a dropped item', 'files:add-dropped', { items: [{ path: '/a.pdf', name: 'a.pdf', bytes: [1, 2] }] }, /items\.0: .*bytes/],
    ['an extra key on upload', 'queue:upload', { ids: [ID], url: 'https://evil.example/' }, /queue:upload refused: .*url/],
  ];
  for (const [what, operation, payload, message] of refused) {
    it(`refuses ${what}`, async () => {
      const { ipc, calls } = setUp();
      const reply = await ipc.invoke(operation, APP_PAGE, payload);
      assert.equal(calls.length, 0, 'the handler must not run');
      assert.ok(typeof reply === 'object' && reply !== null && 'error' in reply, 'an error reply');
      assert.match((reply as { error: string }).error, message);
    });
  }

  it('refuses a call with no request, or with more than one argument', async () => {
    const { ipc, calls } = setUp();
    assert.deepEqual(await ipc.invoke('queue:snapshot', APP_PAGE), { error: 'queue:snapshot refused: expected one request object' });
    assert.deepEqual(await ipc.invoke('queue:remove', APP_PAGE, { id: ID }, '/etc/passwd'), {
      error: 'queue:remove refused: expected one request object',
    });
    assert.equal(calls.length, 0);
  });

  it('never echoes a refused PIN in the message', async () => {
    const { ipc } = setUp();
    const pin = '98765432109876543';
    const reply = (await ipc.invoke('session:sign-in', APP_PAGE, { method: 'smartcard', pin })) as { error: string };
    assert.doesNotMatch(reply.error, new RegExp(pin));
  });
});

describe('handler errors', () => {
  const sender: SenderFacts = { url: 'app://ers-attach/index.html', isMainFrame: true };
  const failing = (thrown: unknown): MainHandlers =>
    ({ 'queue:snapshot': async () => { throw thrown; } }) as unknown as MainHandlers;

  it('come back as a plain message without the stack', async () => {
    const error = new Error('letter.docx is open in another program: close it and try again');
    const reply = await handleInvoke('queue:snapshot', failing(error), sender, [{}]);
    assert.deepEqual(reply, { error: 'letter.docx is open in another program: close it and try again' });
    assert.doesNotMatch(JSON.stringify(reply), /at .*\.ts:\d+/);
  });

  it('a thrown non-Error becomes a generic message', async () => {
    const reply = await handleInvoke('queue:snapshot', failing({ sessionKey: 'pro-xapi-session_123' }), sender, [{}]);
    assert.deepEqual(reply, { error: 'Something went wrong in ers-attach.' });
  });

  it('a very long message is cut', async () => {
    const reply = (await handleInvoke('queue:snapshot', failing(new Error('x'.repeat(5000))), sender, [{}])) as { error: string };
    assert.equal(reply.error.length, MAX_ERROR_MESSAGE_CHARS);
    assert.ok(reply.error.endsWith('…'));
  });
});
