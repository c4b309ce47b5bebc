import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CredentialError } from '../../../electron/services/auth/credential-provider.ts';
import { ErsRetryableError, ErsSessionError } from '../../../electron/services/ers/errors.ts';
import {
  createSessionKeeper,
  MESSAGES,
  NoSessionError,
  type RoleChoice,
  type SessionApi,
  type SessionLike,
} from '../../../electron/services/auth/session-keeper.ts';

interface FakeSession extends SessionLike {
  readonly key: string;
}

const PERMISSIONS = [
  { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' },
  { businessFunction: 'SERVICE_DEFINER', orgIdentifier: 'R01', orgName: 'NHST_X3' },
  { businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN', orgIdentifier: 'R02', orgName: null },
];

class FakeApi implements SessionApi<FakeSession> {
  readonly log: string[] = [];
  private n = 0;
  failCreate: Error | null = null;
  async create(token: string): Promise<FakeSession> {
    this.log.push(`A001 ${token}`);
    if (this.failCreate) throw this.failCreate;
    return {
      key: `key-${++this.n}`,
      user: { identifier: '555020964101', firstName: 'Sam', middleName: null, lastName: 'Jones' },
      permissions: PERMISSIONS,
      permission: null,
    };
  }
  async selectRole(session: FakeSession, role: RoleChoice): Promise<FakeSession> {
    this.log.push(`A002 ${session.key} ${role.businessFunction}`);
    const permission = PERMISSIONS.find((p) => p.businessFunction === role.businessFunction)!;
    return { ...session, key: `${session.key}-r`, permission };
  }
  async remove(session: FakeSession): Promise<void> {
    this.log.push(`A003 ${session.key}`);
  }
}

class WrongPin extends Error {
  readonly attemptsLeft: number | null;
  constructor(attemptsLeft: number | null) {
    super(attemptsLeft === 1 ? 'The PIN is wrong. You have one try left before your smartcard locks' : 'The PIN is wrong. Check it and try again');
    this.attemptsLeft = attemptsLeft;
  }
}

function setup(allowPasting = true) {
  const api = new FakeApi();
  let left = 3;
  const keeper = createSessionKeeper<FakeSession>({
    api,
    environment: { name: 'Sandbox', isSandbox: true },
    pastedToken: allowPasting ? async (pasted) => pasted.trim() : null,
    smartcard: async (pin) => {
      if (pin !== '1234') throw new WrongPin(--left);
      left = 3;
      return 'sso-from-card';
    },
  });
  return { api, keeper };
}

async function active() {
  const s = setup();
  await s.keeper.signIn({ method: 'smartcard', pin: '1234' });
  await s.keeper.chooseRole({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' });
  return s;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('session keeper', () => {
  it('signs in with the card, shows the user and which roles may upload, and holds no secret in its view', async () => {
    const { api, keeper } = setup();
    assert.equal(keeper.view().status, 'signed-out');
    assert.deepEqual(keeper.view().signInMethods, ['smartcard', 'sso-token']);
    const view = await keeper.signIn({ method: 'smartcard', pin: '1234' });
    assert.ok(!('ok' in view));
    assert.equal(view.status, 'choose-role');
    assert.deepEqual(view.user, { id: '555020964101', displayName: 'Sam Jones' });
    assert.deepEqual(
      view.roles.map((r) => [r.businessFunction, r.orgName, r.canUpload]),
      [
        ['REFERRING_CLINICIAN', 'NHST_X3', true],
        ['SERVICE_DEFINER', 'NHST_X3', false],
        ['SERVICE_PROVIDER_CLINICIAN_ADMIN', 'R02', true],
      ],
    );
    assert.deepEqual(api.log, ['A001 sso-from-card']);
    assert.equal(keeper.canUpload(), false, 'no uploads before a role is chosen');
    const text = JSON.stringify(view);
    assert.ok(!text.includes('key-1') && !text.includes('sso-from-card') && !text.includes('1234'));
  });

  it('a wrong PIN gives the card\'s message and the attempts it reports, and starts no session', async () => {
    const { api, keeper } = setup();
    const first = await keeper.signIn({ method: 'smartcard', pin: '0000' });
    assert.deepEqual(first, { ok: false, message: 'The PIN is wrong. Check it and try again', attemptsLeft: 2 });
    const second = await keeper.signIn({ method: 'smartcard', pin: '9999' });
    assert.deepEqual(second, { ok: false, message: 'The PIN is wrong. You have one try left before your smartcard locks', attemptsLeft: 1 });
    assert.deepEqual(api.log, []);
    assert.equal(keeper.view().status, 'signed-out');
  });

  it('says plainly when e-RS refuses the sign-in or cannot be reached', async () => {
    const { api, keeper } = setup();
    api.failCreate = new ErsSessionError('x', 'forbidden', null, { status: 403, transactionId: null, bodySent: true });
    assert.deepEqual(await keeper.signIn({ method: 'sso-token', token: 't' }), { ok: false, message: MESSAGES.refused, attemptsLeft: null });
    api.failCreate = new ErsRetryableError('x', 'network', { status: null, transactionId: null, bodySent: false });
    assert.deepEqual(await keeper.signIn({ method: 'sso-token', token: 't' }), { ok: false, message: MESSAGES.unreachable, attemptsLeft: null });
  });

  it('refuses a pasted token where the environment does not allow one', async () => {
    const { api, keeper } = setup(false);
    assert.deepEqual(keeper.view().signInMethods, ['smartcard']);
    assert.deepEqual(await keeper.signIn({ method: 'sso-token', token: 'abc' }), { ok: false, message: MESSAGES.noToken, attemptsLeft: null });
    assert.deepEqual(api.log, []);
  });

  it('a pasted token goes through the token provider, whose refusal is shown as it words it', async () => {
    const api = new FakeApi();
    const keeper = createSessionKeeper<FakeSession>({
      api,
      environment: { name: 'DEV3', isSandbox: false },
      smartcard: null,
      pastedToken: async (pasted) => {
        if (pasted.includes(' ')) throw new CredentialError('That is not an SSO token: paste the TokenID value only, without spaces or line breaks', 'invalid');
        return pasted;
      },
    });
    assert.deepEqual(keeper.view().signInMethods, ['sso-token']);
    const refused = await keeper.signIn({ method: 'sso-token', token: 'two words' });
    assert.deepEqual(refused, { ok: false, message: 'That is not an SSO token: paste the TokenID value only, without spaces or line breaks', attemptsLeft: null });
    assert.deepEqual(await keeper.signIn({ method: 'smartcard', pin: '1234' }), { ok: false, message: MESSAGES.noCard, attemptsLeft: null });
    const ok = await keeper.signIn({ method: 'sso-token', token: 'AQIC-token' });
    assert.equal('status' in ok && ok.status, 'choose-role');
    assert.deepEqual(api.log, ['A001 AQIC-token']);
  });

  it('choosing an upload role sends A002 and makes the session active; other roles are refused with a reason', async () => {
    const { api, keeper } = setup();
    await keeper.signIn({ method: 'smartcard', pin: '1234' });
    const definer = await keeper.chooseRole({ businessFunction: 'SERVICE_DEFINER', orgIdentifier: 'R01' });
    assert.equal(definer.status, 'choose-role');
    assert.equal(definer.message, 'Service definer cannot attach files in e-RS. Choose another role.');
    const notMine = await keeper.chooseRole({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'X99' });
    assert.equal(notMine.message, MESSAGES.notYourRole);
    const view = await keeper.chooseRole({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' });
    assert.equal(view.status, 'active');
    assert.equal(view.role?.businessFunction, 'REFERRING_CLINICIAN');
    assert.equal(keeper.canUpload(), true);
    assert.deepEqual(api.log, ['A001 sso-from-card', 'A002 key-1 REFERRING_CLINICIAN']);
    // Calls use the session A002 returned.
    assert.equal(await keeper.run(async (s) => s.key), 'key-1-r');
  });

  it('sign-out sends A003 only after the calls in flight have returned', async () => {
    const { api, keeper } = await active();
    const gate = deferred();
    const call = keeper.run(async () => {
      await gate.promise;
      api.log.push('upload returned');
    });
    const out = keeper.signOut();
    await new Promise((r) => setImmediate(r));
    assert.equal(keeper.canUpload(), false, 'no new uploads once sign-out starts');
    await assert.rejects(keeper.run(async () => 1), NoSessionError);
    assert.ok(!api.log.some((l) => l.startsWith('A003')), 'A003 waits');
    gate.resolve();
    await call;
    const view = await out;
    assert.deepEqual(api.log.slice(-2), ['upload returned', 'A003 key-1-r']);
    assert.equal(view.status, 'signed-out');
    assert.equal(view.user, null);
  });

  it('a 401 on a working session makes it expired; signing in again makes uploads possible again', async () => {
    const { api, keeper } = await active();
    const seen: string[] = [];
    keeper.onChange((v) => seen.push(v.status));
    const unauthorised = new ErsSessionError('x', 'unauthenticated', 'NO_ACCESS', { status: 401, transactionId: null, bodySent: true });
    await assert.rejects(
      keeper.run(async () => {
        throw unauthorised;
      }),
      ErsSessionError,
    );
    assert.equal(keeper.view().status, 'expired');
    assert.equal(keeper.view().message, MESSAGES.expired);
    assert.equal(keeper.canUpload(), false);
    assert.deepEqual(seen, ['expired']);
    await keeper.signIn({ method: 'smartcard', pin: '1234' });
    await keeper.chooseRole({ businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' });
    assert.equal(keeper.canUpload(), true);
    assert.ok(!api.log.includes('A003 key-1-r'), 'no A003 for a session e-RS already ended');
  });

  it('lock aborts the calls in flight, waits for them, sends A003 and clears the session', async () => {
    const { api, keeper } = await active();
    let aborted = false;
    const call = keeper.run(
      (_s, signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            setImmediate(() => {
              api.log.push('upload returned');
              resolve();
            });
          }),
        ),
    );
    const view = await keeper.lock();
    await call;
    assert.equal(aborted, true);
    assert.deepEqual(api.log.slice(-2), ['upload returned', 'A003 key-1-r']);
    assert.equal(view.status, 'locked');
    assert.equal(view.message, MESSAGES.locked);
    assert.equal(view.user, null);
    assert.equal(keeper.canUpload(), false);
    await assert.rejects(keeper.run(async () => 1), NoSessionError);
    const again = await keeper.signIn({ method: 'smartcard', pin: '1234' });
    assert.equal('status' in again && again.status, 'choose-role');
  });

  it('a lock during sign-in wins: the half-made session is ended, not kept', async () => {
    const api = new FakeApi();
    const card = deferred();
    const keeper = createSessionKeeper<FakeSession>({
      api,
      environment: { name: 'Sandbox', isSandbox: true },
      pastedToken: null,
      smartcard: async () => {
        await card.promise;
        return 'tok';
      },
    });
    const signingIn = keeper.signIn({ method: 'smartcard', pin: '1234' });
    await keeper.lock();
    card.resolve();
    const result = await signingIn;
    assert.deepEqual(result, { ok: false, message: MESSAGES.interrupted, attemptsLeft: null });
    assert.equal(keeper.view().status, 'locked');
    assert.deepEqual(api.log, ['A001 tok', 'A003 key-1']);
  });
});
