// Mutual TLS is enforced, and the identity service only trusts signatures by card-CA certificates.

import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createSandboxPki, type SandboxPki } from '../../../sandbox/pki.ts';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { createSession, send, sharedPki } from './raw-client.ts';

let sb: Sandbox;
let stranger: SandboxPki; // a PKI from other CAs, which the sandbox must not trust
before(async () => {
  stranger = await createSandboxPki();
  sb = await startSandbox({ pki: await sharedPki() });
});
after(() => sb.close());

// What a refused handshake looks like to the client: an alert (TLS 1.3) or the connection dropped.
const tlsRefusal = (err: NodeJS.ErrnoException): boolean => /^(ERR_SSL_|ECONNRESET$|EPIPE$)/.test(err.code ?? '');

describe('mutual TLS', () => {
  it('a client without a certificate never reaches HTTP', async () => {
    const before = sb.requests.length;
    await assert.rejects(send(sb, { method: 'POST', path: '/identity/challenge', clientCert: null }), tlsRefusal);
    assert.equal(sb.requests.length, before, 'a request was recorded without a client certificate');
  });

  it('a client certificate from another CA is refused', async () => {
    const before = sb.requests.length;
    await assert.rejects(send(sb, { method: 'POST', path: '/identity/challenge', clientCert: { certPem: stranger.clientCertPem, keyPem: stranger.clientKeyPem } }), tlsRefusal);
    assert.equal(sb.requests.length, before);
  });

  it('a card certificate is not a TLS client certificate', async () => {
    await assert.rejects(send(sb, { method: 'POST', path: '/identity/challenge', clientCert: sb.pki.testCard }), tlsRefusal);
  });

  it('the endpoint certificate gets in', async () => {
    const res = await send(sb, { method: 'POST', path: '/identity/challenge' });
    assert.equal(res.status, 200);
  });
});

async function challenge(): Promise<string> {
  const res = await send(sb, { method: 'POST', path: '/identity/challenge' });
  assert.equal(res.status, 200);
  return res.json.challenge;
}

function tokenRequest(body: unknown) {
  return send(sb, { method: 'POST', path: '/identity/token', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

const signWith = (keyPem: string, c: string): string => sign('sha256', Buffer.from(c, 'base64url'), keyPem).toString('base64');

describe('identity service', () => {
  it('a challenge is 32 random bytes in base64url, different every time', async () => {
    const [a, b] = [await challenge(), await challenge()];
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a, 'base64url').length, 32);
    assert.notEqual(a, b);
  });

  it('issues an SSO token for a good signature by the test card, which A001 accepts', async () => {
    const c = await challenge();
    const res = await tokenRequest({ certificate: sb.pki.testCard.certPem, challenge: c, signature: signWith(sb.pki.testCard.keyPem, c) });
    assert.equal(res.status, 200);
    assert.equal(res.json.userId, '555020964101');
    assert.equal(typeof res.json.token, 'string');
    assert.equal((await createSession(sb, res.json.token)).status, 201);
  });

  it('refuses a signature made with another key', async () => {
    const c = await challenge();
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const res = await tokenRequest({ certificate: sb.pki.testCard.certPem, challenge: c, signature: signWith(other, c) });
    assert.equal(res.status, 401);
    assert.equal(res.json.token, undefined);
  });

  it('refuses a signature over other bytes', async () => {
    const c = await challenge();
    const res = await tokenRequest({ certificate: sb.pki.testCard.certPem, challenge: c, signature: signWith(sb.pki.testCard.keyPem, await challenge()) });
    assert.equal(res.status, 401);
  });

  it('a challenge works once: replaying it is refused', async () => {
    const c = await challenge();
    const body = { certificate: sb.pki.testCard.certPem, challenge: c, signature: signWith(sb.pki.testCard.keyPem, c) };
    assert.equal((await tokenRequest(body)).status, 200);
    const replay = await tokenRequest(body);
    assert.equal(replay.status, 401);
    assert.match(replay.json.message, /challenge/);
  });

  it('a challenge it never issued is refused', async () => {
    const c = Buffer.alloc(32, 7).toString('base64url');
    const res = await tokenRequest({ certificate: sb.pki.testCard.certPem, challenge: c, signature: signWith(sb.pki.testCard.keyPem, c) });
    assert.equal(res.status, 401);
  });

  it('refuses a card certificate from another card CA, even with a good signature', async () => {
    const c = await challenge();
    const res = await tokenRequest({ certificate: stranger.testCard.certPem, challenge: c, signature: signWith(stranger.testCard.keyPem, c) });
    assert.equal(res.status, 401);
    assert.match(res.json.message, /card CA/);
  });

  it('refuses the TLS endpoint certificate: only the card CA issues cards', async () => {
    const c = await challenge();
    const res = await tokenRequest({ certificate: sb.pki.clientCertPem, challenge: c, signature: signWith(sb.pki.clientKeyPem, c) });
    assert.equal(res.status, 401);
  });

  it('accepts a card certificate issued for a new key (as for a SoftHSM2 token)', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
    const certPem = await sb.pki.issueCardCertificate(new Uint8Array(spki), { id: '021600556514', name: 'Jo, Dr Bloggs-Smith' });
    const c = await challenge();
    const res = await tokenRequest({ certificate: certPem, challenge: c, signature: sign('sha256', Buffer.from(c, 'base64url'), pair.privateKey).toString('base64') });
    assert.equal(res.status, 200);
    assert.equal(res.json.userId, '021600556514');
    const session = await createSession(sb, res.json.token);
    assert.equal(session.json.user.identifier, '021600556514');
    assert.equal(session.json.user.firstName, 'Jo, Dr');
    assert.equal(session.json.user.lastName, 'Bloggs-Smith');
  });

  it('a malformed request is 400', async () => {
    assert.equal((await tokenRequest({ challenge: 'x' })).status, 400);
    const notJson = await send(sb, { method: 'POST', path: '/identity/token', body: 'certificate=' });
    assert.equal(notJson.status, 400);
  });
});
