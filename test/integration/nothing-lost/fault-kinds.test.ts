// The real backend (in this process) on the real sandbox under each fault the
// sandbox can inject, one at a time, on uploads and on the session calls: each
// ends where it should (uploaded once, or flagged when e-RS may hold a copy; a
// sign-in refused with a message), the configured timeouts are the ones used,
// and no socket error at any point escapes as an unhandled rejection or an
// uncaught exception.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FileId, QueueItemView, SessionView, SignInFailure } from '../../../shared/ipc/contract.ts';
import { createBackend, SANDBOX_TEST_PIN, type Backend } from '../../../electron/services/backend.ts';
import { startSandbox, type Fault, type Sandbox } from '../../../sandbox/server.ts';
import { makeFiles, reconcile, sandboxConfig, SETTLED, tempDir, until, type MadeFile } from './support.ts';

const escaped: { kind: string; error: unknown }[] = [];
const onRejection = (error: unknown) => void escaped.push({ kind: 'unhandledRejection', error });
const onException = (error: unknown) => void escaped.push({ kind: 'uncaughtException', error });
process.on('unhandledRejection', onRejection);
process.on('uncaughtException', onException);

const ROLE = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' } as const;
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5000 };
const REQUEST_TIMEOUT_MS = 1000;

const cleanup: (() => Promise<void>)[] = [];
let sandbox: Sandbox;
let backend: Backend;
let files: MadeFile[];
let next = 0;
const done: QueueItemView[] = [];

before(async () => {
  sandbox = await startSandbox();
  cleanup.push(() => sandbox.close());
  // The shortest whole-request timeout the config allows, so a `delay` fault outlasts it.
  const configPath = await sandboxConfig(sandbox, await tempDir('ers-faults-config-', cleanup), { connectMs: 2000, requestMs: REQUEST_TIMEOUT_MS });
  backend = await createBackend({ userDataDir: await tempDir('ers-faults-data-', cleanup), configPath, retry: FAST_RETRY });
  cleanup.push(() => backend.close());
  // A person who signs in again whenever e-RS ends the session.
  backend.on('session:changed', (view) => {
    if (view.status === 'expired') void signIn().catch(() => undefined);
  });
  files = await makeFiles(await tempDir('ers-faults-files-', cleanup), 12, 'fault');
  await signIn();
});

after(async () => {
  for (const fn of cleanup.reverse()) await fn();
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});

async function signIn(): Promise<SessionView | SignInFailure> {
  const h = backend.handlers;
  const signed = await h['session:sign-in']({ method: 'smartcard', pin: SANDBOX_TEST_PIN });
  if ('ok' in signed) return signed;
  return h['session:choose-role'](ROLE);
}

/** Uploads the next file with `fault` on its first attempt; resolves with its settled view and how long it took. */
async function uploadUnder(fault: Fault): Promise<{ view: QueueItemView; file: MadeFile; ms: number }> {
  const file = files[next++]!;
  const added = await backend.handlers['files:add-dropped']({ items: [{ path: file.path, name: file.name }] });
  const id: FileId = added.added[0]!.id;
  sandbox.faults.add(fault);
  const started = Date.now();
  await backend.handlers['queue:upload']({ ids: [id] });
  const view = await until(`${file.name} to settle`, async () => {
    const v = (await backend.handlers['queue:snapshot']({})).items.find((x) => x.id === id);
    return v && SETTLED.has(v.status) ? v : undefined;
  });
  done.push(view);
  return { view, file, ms: Date.now() - started };
}

const copiesOf = (file: MadeFile) => sandbox.store.list().filter((s) => s.sha256 === file.sha256).length;

describe('uploads under each fault', () => {
  for (const fault of [
    { kind: 'reset-mid-body', afterBytes: 0 },
    { kind: 'reset-mid-body', afterBytes: 700 },
    { kind: 'status', status: 429 },
    { kind: 'status', status: 500 },
    { kind: 'status', status: 502 },
    { kind: 'status', status: 504 },
  ] as const satisfies readonly Fault[]) {
    it(`${fault.kind} ${'status' in fault ? fault.status : fault.afterBytes}: retried, stored once`, async () => {
      const { view, file } = await uploadUnder(fault);
      assert.equal(view.status, 'uploaded');
      assert.equal(view.attempts, 2);
      assert.equal(copiesOf(file), 1, 'nothing was stored by the failed attempt');
      assert.equal(sandbox.store.get(view.ersFileId!)?.sha256, file.sha256);
    });
  }

  it('503 with Retry-After: waits at least that long, then stored once', async () => {
    const { view, file, ms } = await uploadUnder({ kind: 'status', status: 503, retryAfterSeconds: 1 });
    assert.equal(view.status, 'uploaded');
    assert.ok(ms >= 1000, `retried after ${ms} ms, before the Retry-After of 1 s`);
    assert.equal(copiesOf(file), 1);
  });

  it('an answer slower than the configured request timeout: given up after that timeout, retried, stored once', async () => {
    const { view, file, ms } = await uploadUnder({ kind: 'delay', ms: REQUEST_TIMEOUT_MS + 1500 });
    assert.equal(view.status, 'uploaded');
    assert.equal(view.attempts, 2);
    // Two attempts: the first was given up on before the sandbox's answer (at 2.5 s) came, so the
    // config's 1 s timeout is the one the transport used (the default is 180 s).
    assert.ok(ms >= REQUEST_TIMEOUT_MS, `took ${ms} ms, less than the ${REQUEST_TIMEOUT_MS} ms timeout`);
    assert.equal(view.possibleDuplicate, true, 'the whole file went out and no answer came: it may be stored');
    assert.equal(copiesOf(file), 1, 'the sandbox dropped the request the client had given up on');
  });

  it('session expiry: back in the queue, sent after signing in again, stored once and not flagged', async () => {
    const { view, file } = await uploadUnder({ kind: 'expire-session' });
    assert.equal(view.status, 'uploaded');
    assert.equal(view.possibleDuplicate, false, 'a 401 means e-RS did not store it');
    assert.equal(copiesOf(file), 1);
  });

  it('the answer lost after e-RS stored the file: retried, flagged, and e-RS holds two copies', async () => {
    const { view, file } = await uploadUnder({ kind: 'lose-answer' });
    assert.equal(view.status, 'uploaded');
    assert.equal(view.possibleDuplicate, true);
    assert.equal(copiesOf(file), 2);
  });
});

describe('session calls under faults', () => {
  const message = (r: SessionView | SignInFailure) => ('ok' in r ? r.message : null);

  for (const fault of [
    { kind: 'reset-mid-body', afterBytes: 0 },
    { kind: 'status', status: 503 },
    { kind: 'delay', ms: REQUEST_TIMEOUT_MS + 1500 },
    { kind: 'lose-answer' },
  ] as const satisfies readonly Fault[]) {
    it(`A001 ${fault.kind}: sign-in says e-RS could not be reached, and the next sign-in works`, async () => {
      await backend.handlers['session:sign-out']({});
      sandbox.faults.add({ ...fault, operation: 'A001' });
      assert.equal(message(await signIn()), 'e-RS could not be reached. Check your connection, then try again.');
      assert.equal(((await signIn()) as SessionView).status, 'active');
    });
  }

  it('A002 lose-answer: the role is chosen (PUT is resent once on a fresh socket), or the person is told and can choose again', async () => {
    await backend.handlers['session:sign-out']({});
    sandbox.faults.add({ kind: 'lose-answer', operation: 'A002' });
    let view = (await signIn()) as SessionView;
    if (view.status !== 'active') {
      assert.equal(view.message, 'e-RS could not be reached. Check your connection, then try again.');
      view = await backend.handlers['session:choose-role'](ROLE);
    }
    assert.equal(view.status, 'active');
  });

  for (const fault of [{ kind: 'reset-mid-body', afterBytes: 0 }, { kind: 'lose-answer' }] as const) {
    it(`A003 ${fault.kind}: signing out still ends here`, async () => {
      sandbox.faults.add({ ...fault, operation: 'A003' });
      const out = await backend.handlers['session:sign-out']({});
      assert.equal(out.status, 'signed-out');
      assert.equal((await signIn() as SessionView).status, 'active');
    });
  }
});

describe('afterwards', () => {
  it('every file is accounted for, and no socket error escaped as an unhandled rejection or uncaught exception', async () => {
    await backend.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const tally = reconcile(files.slice(0, next), done, sandbox);
    assert.equal(tally.lost, 0);
    assert.deepEqual(escaped, []);
  });
});
