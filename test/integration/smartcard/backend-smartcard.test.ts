// Issue 4 on the real stack: a SoftHSM2 token, the real backend (config ->
// smartcard provider -> identity service -> A001/A002 -> queue -> A020) and the
// sandbox. Signing in, the card's PIN messages, the roles, uploading, taking
// the card out while files are queued and in flight (locks within 2 seconds,
// nothing more sent but A003, nothing lost), and carrying on after signing in
// again.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QueueItemView, SessionView, SignInFailure } from '../../../shared/ipc/contract.ts';
import { createBackend, type Backend, type BackendOptions } from '../../../electron/services/backend.ts';
import { forkWatcherProcess, type LaunchWatcherProcess } from '../../../electron/services/auth/smartcard/card-watch-process.ts';
import { pinLimitModule, type PinLimitModule } from '../../support/softhsm.ts';
import { isUpload, startSmartcardWorld, until, type SmartcardWorld } from '../../support/smartcard-world.ts';
import { send } from '../sandbox/raw-client.ts';

const USER = { id: '555000000021', name: 'Priya Shah' };
const ROLE = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' } as const;
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5000 };
const LOCK_BUDGET_MS = 2000;
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const FILES = ['referral.pdf', 'referral.docx', 'letter.rtf', 'scan.png', 'notes-utf8.txt'];
const DYING_CHILD = fileURLToPath(new URL('./fixtures/watch-child-that-dies.ts', import.meta.url));

let world: SmartcardWorld;
const backends: Backend[] = [];

before(async () => {
  world = await startSmartcardWorld(USER);
});

after(async () => {
  for (const backend of backends) await backend.close();
  await world?.dispose();
});

async function newBackend(extra: Partial<BackendOptions> = {}): Promise<{ backend: Backend; sessions: SessionView[]; logs: string[] }> {
  const sessions: SessionView[] = [];
  const logs: string[] = [];
  const backend = await createBackend({
    userDataDir: await world.tempDir('ers-card-data-'),
    configPath: world.configPath,
    retry: FAST_RETRY,
    log: (line) => logs.push(line),
    ...extra,
  });
  backends.push(backend);
  backend.on('session:changed', (view) => sessions.push(view));
  return { backend, sessions, logs };
}

async function signIn(backend: Backend, pin: string): Promise<SessionView> {
  const answer = await backend.handlers['session:sign-in']({ method: 'smartcard', pin });
  assert.ok(!('ok' in answer), `sign-in failed: ${'ok' in answer ? answer.message : ''}`);
  return answer;
}

async function signInWrong(backend: Backend, pin: string): Promise<SignInFailure> {
  const answer = await backend.handlers['session:sign-in']({ method: 'smartcard', pin });
  assert.ok('ok' in answer, 'a wrong PIN signed in');
  return answer;
}

async function addFixtures(backend: Backend, names: readonly string[]): Promise<QueueItemView[]> {
  const added = await backend.handlers['files:add-dropped']({ items: names.map((name) => ({ path: `${FIXTURES}${name}`, name })) });
  assert.deepEqual(added.refused, []);
  const ids = added.added.map((item) => item.id);
  return until('the files to be checked', async () => {
    const items = (await backend.handlers['queue:snapshot']({})).items.filter((item) => ids.includes(item.id));
    return items.every((item) => item.status === 'ready') ? items : undefined;
  });
}

const snapshotOf = async (backend: Backend) => (await backend.handlers['queue:snapshot']({})).items;
const requestsSince = (at: number) => world.sandbox.requests.filter((r) => r.at >= at);

describe('smartcard sign-in through the backend', () => {
  it("signs in with the right PIN: the card holder's name, their roles, and which may upload", async () => {
    const { backend } = await newBackend();
    const first = await backend.handlers['session:get']({});
    assert.equal(first.status, 'signed-out');
    assert.deepEqual(first.signInMethods, ['smartcard', 'sso-token']);

    const view = await signIn(backend, world.card.userPin);
    assert.equal(view.status, 'choose-role');
    assert.deepEqual(view.user, { id: USER.id, displayName: USER.name });
    assert.deepEqual(
      view.roles.map((r) => [r.businessFunction, r.orgIdentifier, r.canUpload]),
      [
        ['REFERRING_CLINICIAN', 'R01', true],
        ['REFERRING_CLINICIAN_ADMIN', 'R01', true],
        ['SERVICE_DEFINER', 'R01', false],
        ['SERVICE_PROVIDER_CLINICIAN', 'R01', true],
        ['SERVICE_PROVIDER_CLINICIAN_ADMIN', 'R01', true],
      ],
    );
    // The session A001 made is the card holder's.
    assert.equal(world.sandbox.sessionsIssued.at(-1)?.userId, USER.id);
  });

  it('a wrong PIN gets the card\'s own words and tries left; a locked card says what to do; nothing reaches e-RS', async () => {
    const limited: PinLimitModule = await pinLimitModule(world.install, 3);
    try {
      const { backend } = await newBackend({ configPath: await world.configFor(limited.modulePath) });
      const since = Date.now();
      assert.deepEqual(await signInWrong(backend, '000000'), {
        ok: false,
        message: 'The PIN is wrong. Check it and try again: your smartcard locks after too many wrong PINs',
        attemptsLeft: null, // the card says "count low", not how many
      });
      assert.deepEqual(await signInWrong(backend, '000000'), {
        ok: false,
        message: 'The PIN is wrong. You have one try left before your smartcard locks',
        attemptsLeft: 1,
      });
      // The PIN never got as far as the identity service, let alone e-RS.
      assert.deepEqual(
        requestsSince(since).map((r) => r.path),
        ['/identity/challenge', '/identity/challenge'],
      );
      assert.equal((await backend.handlers['session:get']({})).status, 'signed-out');

      // The right PIN resets the count; three wrong ones lock the card, and then even the right one is refused.
      await signIn(backend, world.card.userPin);
      await backend.handlers['session:sign-out']({});
      await limited.setWrongPins(2);
      const locked = { ok: false, message: 'Your smartcard is locked. Contact your Registration Authority to unlock it', attemptsLeft: 0 };
      assert.deepEqual(await signInWrong(backend, '000000'), locked);
      assert.deepEqual(await signInWrong(backend, world.card.userPin), locked);
    } finally {
      await limited.dispose();
    }
  });

  it('choosing SERVICE_DEFINER is refused (it cannot upload); a role that can upload uploads as the card holder', async () => {
    const { backend } = await newBackend();
    const h = backend.handlers;
    await signIn(backend, world.card.userPin);
    const [item] = await addFixtures(backend, ['referral.pdf']);
    const since = Date.now();

    const refused = await h['session:choose-role']({ businessFunction: 'SERVICE_DEFINER', orgIdentifier: 'R01' });
    assert.equal(refused.status, 'choose-role');
    assert.equal(refused.message, 'Service definer cannot attach files in e-RS. Choose another role.');
    await assert.rejects(h['queue:upload']({}), { message: 'Choose the role you are working in before uploading.' });
    assert.deepEqual(requestsSince(since), [], 'no A002 for a role that cannot upload, and no upload');

    const active = await h['session:choose-role'](ROLE);
    assert.equal(active.status, 'active');
    assert.equal(active.role?.businessFunction, 'REFERRING_CLINICIAN');
    assert.equal(active.role?.canUpload, true);
    await h['queue:upload']({});
    const done = await until('the upload', async () => (await snapshotOf(backend)).find((v) => v.id === item!.id && v.status === 'uploaded'));
    const stored = world.sandbox.store.get(done.ersFileId ?? '');
    assert.equal(stored?.name, 'referral.pdf');
    assert.equal(stored?.sessionUser, USER.id);
  });
});

describe('taking the card out while files are queued and in flight', () => {
  let backend: Backend;
  let sessions: SessionView[];
  let ids: string[];
  let inFlightAtRemoval: string[];
  let storedBefore: number;

  it(`locks within ${LOCK_BUDGET_MS} ms: only A003 is sent after, the queue is intact, the secrets are gone`, async (t) => {
    // Every backend signed in with this card would lock (and send A003) too: only this one may be.
    for (const earlier of backends.splice(0)) await earlier.close();
    ({ backend, sessions } = await newBackend({ concurrency: 2 }));
    await signIn(backend, world.card.userPin);
    await backend.handlers['session:choose-role'](ROLE);
    ids = (await addFixtures(backend, FILES)).map((item) => item.id);
    storedBefore = world.sandbox.store.list().length;

    // The first two uploads are held by e-RS long enough to be in flight when the card goes.
    world.sandbox.faults.add({ kind: 'delay', ms: 4000, operation: 'A020', times: 2 });
    const uploadsBefore = world.sandbox.requests.filter(isUpload).length;
    await backend.handlers['queue:upload']({});
    await until('two uploads in flight at e-RS', () => (world.sandbox.requests.filter(isUpload).length - uploadsBefore === 2 ? true : undefined));
    const before = await snapshotOf(backend);
    inFlightAtRemoval = before.filter((v) => v.status === 'uploading').map((v) => v.id);
    assert.equal(inFlightAtRemoval.length, 2);
    assert.equal(before.filter((v) => v.status === 'queued').length, 3);

    const lockedSeen = new Promise<number>((resolve) => {
      const off = backend.on('session:changed', (view) => {
        if (view.status === 'locked') {
          off();
          resolve(Date.now());
        }
      });
    });
    const removedAt = Date.now();
    await world.card.takeOut();
    const lockMs = (await lockedSeen) - removedAt;
    t.diagnostic(`card removed -> session locked in ${lockMs} ms`);
    assert.ok(lockMs < LOCK_BUDGET_MS, `locked after ${lockMs} ms`);

    // The session is ended (A003) once the aborted uploads have returned; then nothing else.
    await until('A003', () => (requestsSince(removedAt).some((r) => r.method === 'DELETE') ? true : undefined), 5000);
    await until('no upload in flight', async () => ((await snapshotOf(backend)).every((v) => v.status !== 'uploading') ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(
      requestsSince(removedAt).map((r) => `${r.method} ${r.path}`),
      ['DELETE /ers-api/v1/ProfessionalSession/[redacted]'],
    );

    // Same items in the same order, all waiting again; none failed, none marked uploaded, nothing stored.
    const after = await snapshotOf(backend);
    assert.deepEqual(after.map((v) => v.id), ids);
    assert.deepEqual(after.map((v) => v.status), ['queued', 'queued', 'queued', 'queued', 'queued']);
    assert.ok(after.every((v) => v.ersFileId === null && v.error === null));
    assert.equal(world.sandbox.store.list().length, storedBefore);

    // Locked, with the derived secrets dropped: no user, no roles, and e-RS no longer knows the session key.
    const view = await backend.handlers['session:get']({});
    assert.equal(view.status, 'locked');
    assert.equal(view.user, null);
    assert.deepEqual(view.roles, []);
    assert.equal(view.message, 'ers-attach is locked because your smartcard was removed. Insert your card and sign in to carry on: your files are still in the list.');
    assert.deepEqual([...new Set(sessions.slice(sessions.findIndex((s) => s.status === 'locked')).map((s) => s.status))], ['locked']);
    await assert.rejects(backend.handlers['queue:upload']({}), { message: 'ers-attach is locked. Insert your smartcard and sign in to upload.' });
    const key = world.sandbox.sessionsIssued.at(-1)!.key;
    const probe = await send(world.sandbox, {
      path: '/ers-api/STU3/v1/Binary/00000000-0000-0000-0000-000000000000',
      headers: { XAPI_ASID: world.sandbox.asid, HTTP_X_SESSION_KEY: key },
    });
    assert.equal(probe.status, 401, 'the session key still worked after the lock');
  });

  it('signing in again with the card put back uploads the rest, each file once', async () => {
    assert.ok(backend, 'needs the previous test');
    world.sandbox.faults.clear();
    // With the card still out, signing in is refused in the card's words, and the queue stays put.
    const out = await signInWrong(backend, world.card.userPin);
    assert.deepEqual(out, { ok: false, message: 'Insert your smartcard', attemptsLeft: null });
    assert.equal((await backend.handlers['session:get']({})).status, 'locked');
    await world.card.putBack();
    const view = await signIn(backend, world.card.userPin);
    assert.equal(view.status, 'choose-role');
    await backend.handlers['session:choose-role'](ROLE);
    const done = await until('every file uploaded', async () => {
      const items = await snapshotOf(backend);
      return items.every((v) => v.status === 'uploaded') ? items : undefined;
    });
    assert.deepEqual(done.map((v) => v.id), ids);
    const stored = world.sandbox.store.list().slice(storedBefore);
    assert.deepEqual(stored.map((f) => f.name).sort(), [...FILES].sort(), 'each file stored exactly once');
    for (const item of done) assert.equal(world.sandbox.store.get(item.ersFileId ?? '')?.name, item.name);
    // The two sent before the lock may have reached e-RS as far as the app can tell: they say so.
    assert.deepEqual(
      done.filter((v) => v.possibleDuplicate).map((v) => v.id).sort(),
      [...inFlightAtRemoval].sort(),
    );
  });
});

describe('the card watcher fails closed', () => {
  it('a watcher that cannot start: sign-in fails, and no e-RS session is made', async () => {
    const missing: LaunchWatcherProcess = (launch) => forkWatcherProcess()({ ...launch, script: '/nowhere/card-watch-child.js' });
    const { backend } = await newBackend({ launchWatcherProcess: missing });
    const since = Date.now();
    const answer = await signInWrong(backend, world.card.userPin);
    assert.match(answer.message, /^The card watcher stopped \(exit code 1\)/);
    assert.equal(requestsSince(since).some((r) => /ProfessionalSession/.test(r.path)), false, 'A001 was sent without a watched card');
    assert.equal((await backend.handlers['session:get']({})).status, 'signed-out');
  });

  it('a watcher that dies after sign-in locks the session with a message that says why', async () => {
    const dying: LaunchWatcherProcess = (launch) => forkWatcherProcess()({ ...launch, script: DYING_CHILD });
    const { backend } = await newBackend({ launchWatcherProcess: dying });
    const since = Date.now();
    await backend.handlers['session:sign-in']({ method: 'smartcard', pin: world.card.userPin });
    const view = await until('the lock', async () => {
      const v = await backend.handlers['session:get']({});
      return v.status === 'locked' && v.user === null ? v : undefined;
    });
    assert.equal(view.message, 'The app can no longer check your smartcard, so it is locked. Check the card reader and sign in again');
    // Whatever session sign-in got to was ended.
    await until('A003', () => (requestsSince(since).some((r) => r.method === 'DELETE') ? true : undefined), 5000);
  });
});
