// Each injected fault, as a client sees it, and what the server did (stored or not).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { PDF, send, sessionKey, sharedPki, upload } from './raw-client.ts';

let sb: Sandbox;
let key: string;
before(async () => {
  sb = await startSandbox({ pki: await sharedPki() });
  key = await sessionKey(sb);
});
afterEach(() => sb.faults.clear());
after(() => sb.close());

const stored = (): number => sb.store.list().length;
const networkError = (err: NodeJS.ErrnoException): boolean => ['ECONNRESET', 'EPIPE'].includes(err.code ?? '') || /socket hang up/.test(err.message);

// A body big enough that the reset lands while the client is still sending it.
const BIG_TEXT = Buffer.alloc(512 * 1024, 0x61);
const bigUpload = () => upload(sb, key, { body: BIG_TEXT, headers: { 'X-ERS-XAPI-META-FILE_NAME': 'notes.txt', 'Content-Type': 'text/plain' } });

describe('reset-mid-body', () => {
  it('drops the connection part-way through the body; nothing is stored; the next upload is unaffected', async () => {
    sb.faults.add({ kind: 'reset-mid-body', afterBytes: 64 * 1024 });
    const before = stored();
    await assert.rejects(bigUpload(), networkError);
    assert.equal(stored(), before);
    assert.equal((await bigUpload()).status, 201);
    assert.deepEqual(sb.faults.injected.at(-1)?.fault, { kind: 'reset-mid-body', afterBytes: 64 * 1024 });
  });

  it('with afterBytes beyond the body, resets once the whole body is in', async () => {
    sb.faults.add({ kind: 'reset-mid-body', afterBytes: 10_000_000 });
    const before = stored();
    await assert.rejects(upload(sb, key), networkError);
    assert.equal(stored(), before);
  });
});

describe('status', () => {
  it('429: empty body and Retry-After, nothing stored', async () => {
    sb.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 2 });
    const before = stored();
    const res = await upload(sb, key);
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '2');
    assert.equal(res.body.length, 0);
    assert.equal(stored(), before);
  });

  it('503: OperationOutcome SYSTEM_UNAVAILABLE (transient, no diagnostics)', async () => {
    sb.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 30 });
    const res = await upload(sb, key);
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '30');
    assert.equal(res.headers['content-type'], 'application/fhir+json');
    assert.deepEqual(res.json.issue, [{
      severity: 'error',
      code: 'transient',
      details: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1', code: 'SYSTEM_UNAVAILABLE', display: 'System Unavailable' }] },
    }]);
  });

  it('500, 502 and 504, each for one request; answered even while a large body is still arriving', async () => {
    for (const status of [500, 502, 504] as const) {
      sb.faults.add({ kind: 'status', status });
      const res = await bigUpload();
      assert.equal(res.status, status);
      assert.equal(res.headers['retry-after'], undefined);
    }
    assert.equal((await upload(sb, key)).status, 201);
  });

  it('times: N applies to the next N matching requests only', async () => {
    sb.faults.add({ kind: 'status', status: 503, times: 2 });
    assert.equal((await upload(sb, key)).status, 503);
    assert.equal((await upload(sb, key)).status, 503);
    assert.equal((await upload(sb, key)).status, 201);
  });

  it('targets only its operation (A020 by default)', async () => {
    sb.faults.add({ kind: 'status', status: 500, operation: 'A006' });
    const up = await upload(sb, key);
    assert.equal(up.status, 201);
    const res = await send(sb, { path: `/ers-api/STU3/v1/Binary/${String(up.headers.location).slice(7)}`, headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key } });
    assert.equal(res.status, 500);
  });
});

describe('delay', () => {
  it('answers later than a client timeout; the client that gave up has nothing stored', async () => {
    sb.faults.add({ kind: 'delay', ms: 400 });
    const before = stored();
    await assert.rejects(send(sb, {
      method: 'POST',
      path: '/ers-api/STU3/v1/Binary',
      headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key, 'X-ERS-XAPI-META-FILE_NAME': 'letter.pdf', 'Content-Type': 'application/pdf' },
      body: PDF,
      timeoutMs: 100,
    }), /test client timeout/);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(stored(), before);
  });

  it('a patient client gets the answer after the delay', async () => {
    sb.faults.add({ kind: 'delay', ms: 200 });
    const started = Date.now();
    const res = await upload(sb, key);
    assert.equal(res.status, 201);
    assert.ok(Date.now() - started >= 190, 'answered too soon');
  });
});

describe('expire-session', () => {
  it('the session ends: 401 NO_ACCESS now and from then on; a new session works', async () => {
    const doomed = await sessionKey(sb);
    sb.faults.add({ kind: 'expire-session' });
    const res = await upload(sb, doomed);
    assert.equal(res.status, 401);
    assert.equal(res.json.issue[0].details.coding[0].code, 'NO_ACCESS');
    assert.equal((await upload(sb, doomed)).status, 401);
    assert.equal((await upload(sb, await sessionKey(sb))).status, 201);
  });
});

describe('lose-answer', () => {
  it('stores the file, then hangs up without answering', async () => {
    sb.faults.add({ kind: 'lose-answer' });
    const before = stored();
    await assert.rejects(upload(sb, key), networkError);
    assert.equal(stored(), before + 1);
    assert.deepEqual(Buffer.from(sb.store.list().at(-1)!.bytes), PDF);
  });
});

describe('random', () => {
  it('rate 1 faults every matching request; clear() stops it', async () => {
    sb.faults.random({ rate: 1, seed: 7, kinds: [{ kind: 'status', status: 503 }] });
    assert.equal((await upload(sb, key)).status, 503);
    assert.equal((await upload(sb, key)).status, 503);
    sb.faults.clear();
    assert.equal((await upload(sb, key)).status, 201);
  });

  it('queued faults come before random ones', async () => {
    sb.faults.random({ rate: 1, seed: 7, kinds: [{ kind: 'status', status: 503 }] });
    sb.faults.add({ kind: 'status', status: 429 });
    assert.equal((await upload(sb, key)).status, 429);
    assert.equal((await upload(sb, key)).status, 503);
  });
});

describe('close', () => {
  it('closes promptly even with a delayed request pending', async () => {
    const other = await startSandbox({ pki: sb.pki });
    const otherKey = await sessionKey(other);
    other.faults.add({ kind: 'delay', ms: 60_000 });
    const pending = upload(other, otherKey).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await other.close();
    assert.ok(Date.now() - started < 2000);
    assert.ok((await pending) instanceof Error);
  });
});
