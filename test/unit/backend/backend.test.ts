// The backend's handlers over doubles of the registry and the e-RS client:
// what each operation answers, the events it emits, and that no event or
// answer carries a secret.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventName, FileId, QueueItemView, SessionView } from '../../../shared/ipc/contract.ts';
import { assembleBackend, BackendError, withTestCardPin, type RegistryPort, type Registration } from '../../../electron/services/backend.ts';
import type { RoleChoice, SessionApi, SessionLike } from '../../../electron/services/auth/session-keeper.ts';
import { FileUnreadableError } from '../../../electron/services/queue/ports.ts';
import { badVerdict, okVerdict, sha256 } from '../queue/doubles.ts';

const SESSION_KEY = 'pro-xapi-session_secret-key-0001';
const SSO_TOKEN = 'AQIC5wM2LY4S-secret-token';
const PIN = '1234';

interface S extends SessionLike {
  readonly key: string;
}

class Registry implements RegistryPort {
  readonly disk = new Map<string, string>();
  private n = 0;
  readonly byId = new Map<string, { name: string; text: string | null; path: string | null }>();
  async registerPath(path: string, name: string): Promise<Registration> {
    if (path === '') return { ok: false, name, message: `${name} is not a file on this computer. Save it to a folder first, then add it.` };
    if (!this.disk.has(path)) return { ok: false, name, message: `${name} has been moved or deleted.` };
    const id = `f_fake${String(++this.n).padStart(8, '0')}` as FileId;
    this.byId.set(id, { name, text: null, path });
    return { ok: true, id, name };
  }
  async registerBytes(name: string, bytes: Uint8Array): Promise<Registration> {
    const id = `f_fake${String(++this.n).padStart(8, '0')}` as FileId;
    this.byId.set(id, { name, text: new TextDecoder().decode(bytes), path: null });
    return { ok: true, id, name };
  }
  async readAndCheck(id: string) {
    const entry = this.byId.get(id);
    const text = entry?.path ? this.disk.get(entry.path) : entry?.text;
    if (!entry || text === undefined || text === null) throw new FileUnreadableError('gone');
    const bytes = new TextEncoder().encode(text);
    return {
      name: entry.name,
      bytes,
      size: bytes.length,
      sha256: sha256(bytes),
      look: { format: 'pdf', label: 'PDF document', complete: true },
      verdict: text === '' ? badVerdict(entry.name) : okVerdict(entry.name),
      mtimeMs: 1,
    };
  }
  remove(id: string) {
    this.byId.delete(id);
  }
}

function parts(overrides: { chooseFiles?: () => Promise<string[]> } = {}) {
  const registry = new Registry();
  registry.disk.set('/home/gp/referral.pdf', 'referral letter');
  registry.disk.set('/home/gp/bloods.pdf', 'blood results');
  registry.disk.set('/home/gp/empty.pdf', '');
  const calls: string[] = [];
  const sent: { name: string; ubrn: string | null; key: string }[] = [];
  const sessionApi: SessionApi<S> = {
    async create(token) {
      calls.push(`A001 ${token === SSO_TOKEN}`);
      return {
        key: SESSION_KEY,
        user: { identifier: '555020964101', firstName: 'SA Assurance', middleName: null, lastName: 'GP-Card' },
        permissions: [{ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' }],
        permission: null,
      };
    },
    async selectRole(session, role: RoleChoice) {
      calls.push(`A002 ${role.businessFunction}`);
      return { ...session, permission: { ...role, orgName: 'NHST_X3' } };
    },
    async remove(session) {
      calls.push(`A003 ${session.key === SESSION_KEY}`);
    },
  };
  let n = 0;
  const logs: string[] = [];
  const backend = assembleBackend<S>({
    environment: { name: 'Embedded sandbox', isSandbox: true },
    registry,
    sessionApi,
    sendFile: async (session, request) => {
      sent.push({ name: request.storedName, ubrn: request.ubrn, key: session.key });
      request.onProgress(request.bytes.length, request.bytes.length);
      return { fileId: `att-${++n}` };
    },
    smartcard: withTestCardPin(async () => SSO_TOKEN),
    pastedToken: async (pasted) => pasted.trim(),
    userDataDir: null,
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { backend, calls, sent, registry, logs };
}

/** Waits (bounded) until the predicate holds. */
async function until(predicate: () => boolean, what: string) {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(predicate(), `timed out waiting for ${what}`);
}

describe('backend handlers', () => {
  it('a full journey: refusals before sign-in, wrong PIN, role, upload, sign-out; no secret in any event or answer', async () => {
    const { backend: pending, calls, sent, logs } = parts();
    const backend = await pending;
    const h = backend.handlers;
    const wire: string[] = [];
    const record = (what: string, value: unknown) => wire.push(`${what} ${JSON.stringify(value)}`);
    const latest = new Map<FileId, QueueItemView>();
    const sessions: SessionView[] = [];
    for (const event of ['queue:changed', 'session:changed'] as const satisfies readonly EventName[]) {
      backend.on(event, (payload) => record(event, payload));
    }
    backend.on('queue:changed', ({ items }) => items.forEach((v) => latest.set(v.id, v)));
    backend.on('session:changed', (v) => sessions.push(v));

    record('session:get', await h['session:get']({}));
    const added = await h['files:add-dropped']({
      items: [
        { path: '/home/gp/referral.pdf', name: 'referral.pdf' },
        { path: '/home/gp/empty.pdf', name: 'empty.pdf' },
        { path: '', name: 'from-outlook.pdf' },
        { path: '/home/gp/bloods.pdf', name: 'bloods.pdf' },
      ],
    });
    record('files:add-dropped', added);
    assert.deepEqual(added.added.map((v) => [v.name, v.status]), [
      ['referral.pdf', 'ready'],
      ['empty.pdf', 'rejected'],
      ['bloods.pdf', 'ready'],
    ]);
    assert.deepEqual(added.refused, [{ name: 'from-outlook.pdf', message: 'from-outlook.pdf is not a file on this computer. Save it to a folder first, then add it.' }]);

    await assert.rejects(h['queue:upload']({}), (e: unknown) => e instanceof BackendError && e.message === 'Sign in to e-RS before uploading.');

    const wrong = await h['session:sign-in']({ method: 'smartcard', pin: '9999' });
    record('session:sign-in', wrong);
    assert.deepEqual(wrong, { ok: false, message: 'The PIN is wrong. You have 2 tries left before your smartcard locks.', attemptsLeft: 2 });
    const signedIn = await h['session:sign-in']({ method: 'smartcard', pin: PIN });
    record('session:sign-in', signedIn);
    assert.equal('status' in signedIn && signedIn.status, 'choose-role');
    await assert.rejects(h['queue:upload']({}), /Choose the role you are working in before uploading/);
    const role = await h['session:choose-role']({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' });
    record('session:choose-role', role);
    assert.equal(role.status, 'active');
    assert.equal(role.user?.displayName, 'SA Assurance GP-Card');

    const queued = await h['queue:upload']({ ubrn: '000000070000' });
    record('queue:upload', queued);
    await until(() => [...latest.values()].filter((v) => v.status === 'uploaded').length === 2, 'two uploads');
    const snapshot = await h['queue:snapshot']({});
    record('queue:snapshot', snapshot);
    assert.deepEqual(snapshot.items.map((v) => [v.name, v.status, v.ersFileId, v.ubrn]), [
      ['referral.pdf', 'uploaded', 'att-1', '000000070000'],
      ['empty.pdf', 'rejected', null, null],
      ['bloods.pdf', 'uploaded', 'att-2', '000000070000'],
    ]);
    assert.deepEqual(sent.map((s) => s.name), ['referral.pdf', 'bloods.pdf'], 'the rejected file is never sent');

    record('session:sign-out', await h['session:sign-out']({}));
    await backend.close();
    assert.deepEqual(calls, ['A001 true', 'A002 REFERRING_CLINICIAN', 'A003 true']);
    assert.deepEqual(sessions.map((s) => s.status), ['choose-role', 'active', 'active', 'signed-out']);

    const everything = [...wire, ...logs].join('\n');
    for (const secret of [SESSION_KEY, SSO_TOKEN, PIN, 'secret']) {
      assert.ok(!everything.includes(secret), `${secret} appeared in what main sent or logged`);
    }
    assert.ok(wire.length > 10, 'the journey was recorded');
  });

  it('files:choose refuses clearly when no file dialog was given, and uses it when one was', async () => {
    const without = await parts().backend;
    await assert.rejects(without.handlers['files:choose']({}), (e: unknown) => e instanceof BackendError && /Drag your files onto the window/.test(e.message));
    const withDialog = await parts({ chooseFiles: async () => ['/home/gp/bloods.pdf'] }).backend;
    const result = await withDialog.handlers['files:choose']({});
    assert.deepEqual(result.added.map((v) => [v.name, v.status]), [['bloods.pdf', 'ready']]);
  });

  it('an id it did not issue is refused with a message, and addBytes adds a file with no path', async () => {
    const backend = await parts().backend;
    await assert.rejects(backend.handlers['queue:remove']({ id: 'f_neverissued1' }), /no longer in the list/);
    await assert.rejects(backend.handlers['queue:retry']({ id: 'f_neverissued1' }), /no longer in the list/);
    const result = await backend.addBytes('letter.pdf', new TextEncoder().encode('bytes from the browser'));
    assert.equal(result.added[0]!.status, 'ready');
    assert.equal(result.added[0]!.size, 22);
  });

  it('the test card locks after three wrong PINs, as a card would', async () => {
    const guard = withTestCardPin(async () => 'token');
    const signal = new AbortController().signal;
    const tries: (number | null)[] = [];
    for (const pin of ['1111', '2222', '3333', '1234']) {
      await guard(pin, signal).then(
        () => tries.push(null),
        (e: { attemptsLeft: number; message: string }) => tries.push(e.attemptsLeft),
      );
    }
    assert.deepEqual(tries, [2, 1, 0, 0], 'the right PIN no longer works once locked');
    const fresh = withTestCardPin(async () => 'token');
    await assert.rejects(fresh('0000', signal), /2 tries left/);
    assert.equal(await fresh('1234', signal), 'token');
    await assert.rejects(fresh('0000', signal), /2 tries left/, 'a correct PIN resets the count');
  });
});
