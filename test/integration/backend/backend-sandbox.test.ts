// The backend on the real stack: the sandbox server, the e-RS client over
// mutual TLS, the file registry and the real fixtures. Every good file must end
// up in the sandbox's store under the id the queue reports; a bad one is
// rejected and never sent; nothing main emits or logs carries a secret.

import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QueueItemView, QueueSnapshot, SessionView, SignInFailure } from '../../../shared/ipc/contract.ts';
import { createBackend, SANDBOX_TEST_PIN, type Backend, type BackendOptions } from '../../../electron/services/backend.ts';
import { writeRunningSandboxConfig } from '../../../electron/services/config/sandbox-config.ts';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { until } from '../../support/until.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const GOOD = ['referral.pdf', 'referral.docx', 'letter.rtf', 'scan.png'];
const ROLE = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' } as const;
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5000 };

const cleanup: (() => Promise<void>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function tempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Everything main sends or logs during a test, to search for secrets afterwards. */
class Wire {
  readonly lines: string[] = [];
  record(what: string, value: unknown) {
    this.lines.push(`${what} ${JSON.stringify(value)}`);
    return value;
  }
  log = (line: string) => void this.lines.push(`log ${line}`);
  watch(backend: Backend) {
    backend.on('queue:changed', (p) => this.record('queue:changed', p));
    backend.on('session:changed', (p) => this.record('session:changed', p));
  }
  assertNoSecrets() {
    const text = this.lines.join('\n');
    assert.doesNotMatch(text, /pro-xapi-session_/, 'a session key reached the renderer or the log');
    assert.doesNotMatch(text, /AQIC5wM2LY4S|@AAJTSQACMDE/, 'an SSO token reached the renderer or the log');
    // The PIN is digits: look in every string value (file ids aside), not in sizes and counts.
    for (const line of this.lines) {
      const json = line.slice(line.indexOf(' ') + 1);
      const strings: string[] = [];
      const walk = (value: unknown, key: string) => {
        if (typeof value === 'string' && key !== 'ersFileId' && key !== 'id') strings.push(value);
        else if (Array.isArray(value)) value.forEach((v) => walk(v, key));
        else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
      };
      if (line.startsWith('log ')) strings.push(json);
      else walk(JSON.parse(json), '');
      for (const s of strings) assert.ok(!s.includes(SANDBOX_TEST_PIN), `the PIN appeared in: ${s}`);
    }
  }
}

const settledSnapshot = (backend: Backend, count: number) =>
  until(`${count} items to settle`, async () => {
    const snap = await backend.handlers['queue:snapshot']({});
    const settled = snap.items.filter((v) => ['uploaded', 'failed', 'rejected', 'cancelled', 'changed'].includes(v.status));
    return settled.length === count ? snap : undefined;
  });

async function signIn(backend: Backend, wire: Wire): Promise<SessionView> {
  const signed = wire.record('sign-in', await backend.handlers['session:sign-in']({ method: 'smartcard', pin: SANDBOX_TEST_PIN })) as SessionView | SignInFailure;
  assert.ok(!('ok' in signed), `sign-in failed: ${'message' in signed ? signed.message : ''}`);
  return wire.record('choose-role', await backend.handlers['session:choose-role'](ROLE)) as SessionView;
}

let sandbox: Sandbox;
let configPath: string;

before(async () => {
  sandbox = await startSandbox();
  cleanup.push(() => sandbox.close());
  configPath = await writeRunningSandboxConfig(sandbox, await tempDir('ers-backend-config-'));
});

async function backendOnSandbox(wire: Wire, extra: Partial<BackendOptions> = {}): Promise<Backend> {
  const backend = await createBackend({ userDataDir: await tempDir('ers-backend-data-'), configPath, log: wire.log, retry: FAST_RETRY, ...extra });
  cleanup.push(() => backend.close());
  wire.watch(backend);
  return backend;
}

const uploadsTo = (s: Sandbox) => s.requests.filter((r) => r.method === 'POST' && /\/STU3\/v1\/Binary$/i.test(r.path)).length;

describe('backend on the sandbox, the e-RS client and the file registry', () => {
  it('signs in with the test card, uploads every good fixture with the id the sandbox holds, and never sends the bad one', async () => {
    const wire = new Wire();
    const backend = await backendOnSandbox(wire);
    const h = backend.handlers;
    const uploadsBefore = uploadsTo(sandbox);
    const storedBefore = sandbox.store.list().length;

    const first = wire.record('session:get', await h['session:get']({})) as SessionView;
    assert.equal(first.status, 'signed-out');
    assert.ok(first.signInMethods.includes('smartcard'));

    const wrong = wire.record('sign-in', await h['session:sign-in']({ method: 'smartcard', pin: '0000' })) as SignInFailure;
    assert.equal(wrong.ok, false);
    assert.equal(wrong.attemptsLeft, 2);

    const signed = wire.record('sign-in', await h['session:sign-in']({ method: 'smartcard', pin: SANDBOX_TEST_PIN })) as SessionView;
    assert.equal(signed.status, 'choose-role');
    assert.equal(signed.user?.displayName, 'SA Assurance GP-Card');
    assert.ok(signed.roles.some((r) => r.businessFunction === 'REFERRING_CLINICIAN' && r.canUpload));
    assert.ok(signed.roles.some((r) => !r.canUpload), 'roles that may not upload are shown as such');
    const active = wire.record('choose-role', await h['session:choose-role'](ROLE)) as SessionView;
    assert.equal(active.status, 'active');

    const added = wire.record(
      'add-dropped',
      await h['files:add-dropped']({
        items: [...GOOD, 'bloods.xlsx'].map((name) => ({ path: join(FIXTURES, name), name })).concat([{ path: '', name: 'From Outlook.pdf' }]),
      }),
    ) as Awaited<ReturnType<typeof h['files:add-dropped']>>;
    assert.deepEqual(added.added.map((v) => [v.name, v.status]), [...GOOD.map((n) => [n, 'ready']), ['bloods.xlsx', 'rejected']]);
    const bloods = added.added.find((v) => v.name === 'bloods.xlsx')!;
    assert.ok(bloods.problems.some((p) => p.code === 'INAPPROPRIATE_VALUE'), JSON.stringify(bloods.problems));
    assert.equal(added.refused.length, 1);
    assert.equal(added.refused[0]!.name, 'From Outlook.pdf');

    wire.record('upload', await h['queue:upload']({ ubrn: '000000070000' }));
    const snap = wire.record('snapshot', await settledSnapshot(backend, GOOD.length + 1)) as QueueSnapshot;

    for (const name of GOOD) {
      const view = snap.items.find((v) => v.name === name)!;
      assert.equal(view.status, 'uploaded', `${name}: ${view.error?.message ?? ''}`);
      assert.ok(view.ersFileId, `${name} has an e-RS id`);
      const stored = sandbox.store.get(view.ersFileId!);
      assert.ok(stored, `the sandbox holds ${name} under ${view.ersFileId}`);
      assert.equal(stored.name, name);
      assert.equal(stored.ubrn, '000000070000');
      assert.deepEqual(Buffer.from(stored.bytes), await readFile(join(FIXTURES, name)), `${name}: the bytes stored are the file's`);
      assert.equal(view.possibleDuplicate, false);
    }
    assert.equal(snap.items.find((v) => v.name === 'bloods.xlsx')!.status, 'rejected');
    assert.equal(uploadsTo(sandbox) - uploadsBefore, GOOD.length, 'one A020 per good file, none for the bad one');
    assert.equal(sandbox.store.list().length - storedBefore, GOOD.length);

    wire.record('sign-out', await h['session:sign-out']({}));
    const a003 = sandbox.requests.filter((r) => r.method === 'DELETE');
    assert.ok(a003.length >= 1, 'A003 was sent');
    wire.assertNoSecrets();
  });

  it('retries a 503 and a lost answer (flagging the possible duplicate), and pauses on session expiry until sign-in', async () => {
    const wire = new Wire();
    const backend = await backendOnSandbox(wire, { concurrency: 1 });
    const h = backend.handlers;
    await signIn(backend, wire);
    sandbox.faults.clear();
    sandbox.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 1 });
    sandbox.faults.add({ kind: 'lose-answer' });
    await h['files:add-dropped']({ items: [{ path: join(FIXTURES, 'referral.pdf'), name: 'referral.pdf' }] });
    const t0 = Date.now();
    await h['queue:upload']({});
    const [pdf] = (await settledSnapshot(backend, 1)).items as [QueueItemView];
    assert.equal(pdf.status, 'uploaded', pdf.error?.message);
    assert.ok(Date.now() - t0 >= 1000, 'Retry-After was honoured');
    // It met the 503 (an answer: nothing stored), then the lost answer (stored, no reply), then success.
    assert.equal(pdf.attempts, 3);
    assert.equal(pdf.possibleDuplicate, true);
    assert.ok(sandbox.store.get(pdf.ersFileId!));
    await h['files:add-dropped']({ items: [{ path: join(FIXTURES, 'letter.rtf'), name: 'letter.rtf' }] });
    await h['queue:upload']({});
    const rtf = (await settledSnapshot(backend, 2)).items[1]!;
    assert.equal(rtf.status, 'uploaded');
    assert.equal(rtf.possibleDuplicate, false);
    assert.equal(rtf.attempts, 1);

    // Session expiry: the queue pauses with nothing dropped and resumes after sign-in.
    sandbox.faults.add({ kind: 'expire-session' });
    await h['files:add-dropped']({ items: [{ path: join(FIXTURES, 'scan.png'), name: 'scan.png' }] });
    await h['queue:upload']({});
    const expired = await until('the session to expire', async () => {
      const v = await h['session:get']({});
      return v.status === 'expired' ? v : undefined;
    });
    assert.match(expired.message ?? '', /Sign in again/);
    const paused = await h['queue:snapshot']({});
    assert.equal(paused.items[2]!.status, 'queued');
    await signIn(backend, wire);
    const resumed = await settledSnapshot(backend, 3);
    assert.equal(resumed.items[2]!.status, 'uploaded');
    assert.ok(sandbox.store.get(resumed.items[2]!.ersFileId!));
    wire.assertNoSecrets();
  });

  it('lock while an upload is in flight: it goes back to queued, nothing is sent after, and it uploads after signing in again', async () => {
    const wire = new Wire();
    const backend = await backendOnSandbox(wire);
    const h = backend.handlers;
    await signIn(backend, wire);
    sandbox.faults.clear();
    sandbox.faults.add({ kind: 'delay', ms: 1500 });
    await h['files:add-dropped']({ items: [{ path: join(FIXTURES, 'referral.docx'), name: 'referral.docx' }] });
    const storedBefore = sandbox.store.list().length;
    await h['queue:upload']({});
    await until('the upload to start', async () => ((await h['queue:snapshot']({})).items[0]!.status === 'uploading' ? true : undefined));
    const started = Date.now();
    const locked = await backend.lock();
    assert.ok(Date.now() - started < 2000, 'locked within 2 seconds');
    assert.equal(locked.status, 'locked');
    const requestsAtLock = sandbox.requests.length;
    const item = (await h['queue:snapshot']({})).items[0]!;
    assert.equal(item.status, 'queued', 'not failed, not uploaded');
    await new Promise((r) => setTimeout(r, 1700));
    assert.equal(sandbox.store.list().length, storedBefore, 'the aborted upload was not stored');
    assert.deepEqual(
      sandbox.requests.slice(requestsAtLock).map((r) => r.method),
      [],
      'no request after the lock (A003 went before it returned)',
    );
    await signIn(backend, wire);
    const done = await settledSnapshot(backend, 1);
    assert.equal(done.items[0]!.status, 'uploaded');
    assert.ok(sandbox.store.get(done.items[0]!.ersFileId!));
    wire.assertNoSecrets();
  });

  it('after a restart the queue is restored from the user data folder: uploaded items keep their ids, queued ones upload after sign-in', async () => {
    const wire = new Wire();
    const dataDir = await tempDir('ers-backend-restart-');
    const first = await createBackend({ userDataDir: dataDir, configPath, log: wire.log, retry: FAST_RETRY });
    wire.watch(first);
    await signIn(first, wire);
    await first.handlers['files:add-dropped']({ items: [{ path: join(FIXTURES, 'referral.pdf'), name: 'referral.pdf' }] });
    await first.handlers['queue:upload']({ ubrn: '000000070002' });
    const [uploaded] = (await settledSnapshot(first, 1)).items as [QueueItemView];
    assert.equal(uploaded.status, 'uploaded');
    // A second file is queued when the app stops: its upload is cut off by a lock, then the app quits.
    await first.handlers['files:add-dropped']({ items: [{ path: join(FIXTURES, 'scan.gif'), name: 'scan.gif' }] });
    sandbox.faults.clear();
    sandbox.faults.add({ kind: 'delay', ms: 1500 });
    await first.handlers['queue:upload']({});
    await until('the upload to start', async () => ((await first.handlers['queue:snapshot']({})).items[1]!.status === 'uploading' ? true : undefined));
    await first.lock();
    assert.equal((await first.handlers['queue:snapshot']({})).items[1]!.status, 'queued');
    await first.close();

    const second = await backendOnSandbox(wire, { userDataDir: dataDir });
    const restored = await second.handlers['queue:snapshot']({});
    assert.deepEqual(restored.items.map((v) => [v.id, v.status, v.ersFileId]), [
      [uploaded.id, 'uploaded', uploaded.ersFileId],
      [restored.items[1]!.id, 'queued', null],
    ]);
    assert.equal(restored.items[1]!.ubrn, null);
    await signIn(second, wire);
    // No need to press Upload again: it was queued, so it goes once someone signs in.
    const done = await settledSnapshot(second, 2);
    assert.equal(done.items[1]!.status, 'uploaded');
    assert.ok(sandbox.store.get(done.items[1]!.ersFileId!));
    wire.assertNoSecrets();
  });

  it('with no environment configured it starts the embedded sandbox, and close() stops it', async () => {
    const dir = await tempDir('ers-backend-embedded-');
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ environment: 'sandbox' }));
    const wire = new Wire();
    const backend = await createBackend({ userDataDir: dir, configPath: config, log: wire.log, sandbox: { pki: sandbox.pki } });
    wire.watch(backend);
    const view = await backend.handlers['session:get']({});
    assert.equal(view.environment.isSandbox, true);
    await signIn(backend, wire);
    await backend.handlers['files:add-dropped']({ items: [{ path: join(FIXTURES, 'notes-ascii.txt'), name: 'notes-ascii.txt' }] });
    await backend.handlers['queue:upload']({});
    const snap = await settledSnapshot(backend, 1);
    assert.equal(snap.items[0]!.status, 'uploaded');
    assert.match(snap.items[0]!.ersFileId ?? '', /^[A-Za-z0-9.-]+$/);
    const origin = wire.lines.find((l) => l.includes('embedded sandbox at'))?.match(/https:\/\/127\.0\.0\.1:\d+/)?.[0];
    assert.ok(origin, 'the backend said where the embedded sandbox runs');
    await backend.close();
    await assert.rejects(fetch(`${origin}/ers-api/v1/ProfessionalSession`), 'the embedded sandbox is stopped');
    wire.assertNoSecrets();
  });
});
