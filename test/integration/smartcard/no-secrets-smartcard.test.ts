// Through a whole smartcard journey (wrong PIN, sign-in, role choice, uploads,
// the card taken out mid-upload, the lock, signing in again, sign-out), every
// message main would put on IPC — each handler's reply as the IPC layer
// returns it and each event as it is forwarded to the window — and every log
// line are recorded. None may hold a session key or SSO token the sandbox
// issued, or either PIN typed.

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPERATIONS, type OperationName, type OperationRequest, type QueueItemView } from '../../../shared/ipc/contract.ts';
import { createBackend, type Backend } from '../../../electron/services/backend.ts';
import { APP_ENTRY_URL } from '../../../electron/main/app-origin.ts';
import { forwardEvents } from '../../../electron/main/ipc/forward-events.ts';
import { registerIpcHandlers, type IpcMainLike } from '../../../electron/main/ipc/register.ts';
import type { IpcReply } from '../../../electron/main/ipc/reply.ts';
import { isUpload, startSmartcardWorld, until, type SmartcardWorld } from '../../support/smartcard-world.ts';

const PIN = '739184';
const WRONG_PIN = '582630';
const ROLE = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' } as const;
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

let world: SmartcardWorld;
let backend: Backend | null = null;

before(async () => {
  world = await startSmartcardWorld({ id: '555000000022', name: 'Tom Evans' }, { userPin: PIN });
});

after(async () => {
  await backend?.close();
  await world?.dispose();
});

/** Main's side of IPC, as Electron would carry it: handlers registered by the real glue, events forwarded by it. */
class IpcRecorder {
  readonly messages: string[] = [];
  readonly logs: string[] = [];
  readonly #handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();

  readonly ipcMain: IpcMainLike<unknown> = {
    handle: (channel, listener) => void this.#handlers.set(channel, listener),
    removeHandler: (channel) => void this.#handlers.delete(channel),
  };

  /** What crosses the process boundary: Electron structured-clones it. */
  #record(channel: string, value: unknown): void {
    this.messages.push(`${channel} ${JSON.stringify(structuredClone(value))}`);
  }

  async invoke<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<IpcReply<unknown>> {
    const handler = this.#handlers.get(operation);
    assert.ok(handler, `${operation} is not registered`);
    const reply = (await handler({}, request)) as IpcReply<unknown>;
    this.#record(operation, reply);
    return reply;
  }

  async value<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<any> {
    const reply = await this.invoke(operation, request);
    assert.ok('value' in reply, `${operation} failed: ${'error' in reply ? reply.error : ''}`);
    return reply.value;
  }

  attach(target: Backend): void {
    registerIpcHandlers(this.ipcMain, target.handlers, { senderOf: () => ({ url: APP_ENTRY_URL, isMainFrame: true }), log: this.log });
    forwardEvents(target, () => ({ isDestroyed: () => false, send: (channel, payload) => this.#record(channel, payload) }));
  }

  log = (line: string): void => void this.logs.push(line);
}

it('no IPC message and no log line carries a session key, an SSO token or the PIN', async () => {
  const ipc = new IpcRecorder();
  backend = await createBackend({ userDataDir: await world.tempDir('ers-secrets-data-'), configPath: world.configPath, log: ipc.log, concurrency: 1 });
  ipc.attach(backend);
  const items = async (): Promise<QueueItemView[]> => (await ipc.value('queue:snapshot', {})).items;

  await ipc.value('session:get', {});
  const wrong = await ipc.value('session:sign-in', { method: 'smartcard', pin: WRONG_PIN });
  assert.equal(wrong.ok, false);
  assert.equal((await ipc.value('session:sign-in', { method: 'smartcard', pin: PIN })).status, 'choose-role');
  await ipc.value('session:choose-role', { businessFunction: 'SERVICE_DEFINER', orgIdentifier: 'R01' });
  assert.equal((await ipc.value('session:choose-role', ROLE)).status, 'active');

  const names = ['referral.pdf', 'letter.rtf', 'scan.png'];
  await ipc.value('files:add-dropped', { items: names.map((name) => ({ path: `${FIXTURES}${name}`, name })) });
  await until('the files checked', async () => ((await items()).every((v) => v.status === 'ready') ? true : undefined));

  // The first upload is held at e-RS so the card goes while it is in flight.
  world.sandbox.faults.add({ kind: 'delay', ms: 3000, operation: 'A020', times: 1 });
  const sent = world.sandbox.requests.filter(isUpload).length;
  await ipc.value('queue:upload', {});
  await until('an upload in flight', () => (world.sandbox.requests.filter(isUpload).length > sent ? true : undefined));
  await world.card.takeOut();
  await until('the lock', async () => ((await ipc.value('session:get', {})).status === 'locked' ? true : undefined), 5000);
  const refused = await ipc.invoke('queue:upload', {});
  assert.deepEqual(refused, { error: 'ers-attach is locked. Insert your smartcard and sign in to upload.' });

  await world.card.putBack();
  world.sandbox.faults.clear();
  assert.equal((await ipc.value('session:sign-in', { method: 'smartcard', pin: PIN })).status, 'choose-role');
  await ipc.value('session:choose-role', ROLE);
  const done = await until('every file uploaded', async () => {
    const now = await items();
    return now.every((v) => v.status === 'uploaded') ? now : undefined;
  });
  await ipc.value('session:sign-out', {});
  await backend.close();
  backend = null;

  // The recording is the real traffic: it has the ids, the names, the lock and the card holder.
  const all = [...ipc.messages, ...ipc.logs].join('\n');
  for (const item of done) assert.ok(all.includes(item.ersFileId!), `the recording lacks ${item.ersFileId}`);
  assert.ok(ipc.messages.some((m) => m.startsWith('session:changed ') && m.includes('"status":"locked"')));
  assert.ok(all.includes('Tom Evans'));
  assert.ok(ipc.logs.length > 0, 'the backend logged nothing');
  assert.ok(Object.keys(OPERATIONS).filter((op) => ipc.messages.some((m) => m.startsWith(`${op} `))).length >= 7);

  // Two sessions were made (before and after the card came out): their keys and tokens are nowhere, nor the PINs.
  const issued = world.sandbox.sessionsIssued;
  assert.equal(issued.length, 2);
  const secrets = [...issued.flatMap((s) => [s.key, s.token]), PIN, WRONG_PIN];
  for (const secret of secrets) {
    for (const line of [...ipc.messages, ...ipc.logs]) assert.ok(!line.includes(secret), `a secret (${secret.slice(0, 6)}…) appeared in: ${line.slice(0, 200)}`);
  }
  // Nor anything shaped like one, in case some secret came from somewhere else.
  assert.doesNotMatch(all, /pro-xapi-session_|AQIC5wM2LY4S/);
});
