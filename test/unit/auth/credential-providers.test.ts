import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, randomBytes, verify, X509Certificate } from 'node:crypto';
import { makeRsaCard, makeTestPki, type KeyPair, type TestPki } from '../ers/helpers/test-pki.ts';
import { readBody, startTlsServer, clientTransport, type TestServer } from '../ers/helpers/tls-server.ts';
import { createSoftwareCardProvider } from '../../../electron/services/auth/software-card.ts';
import { createSsoTokenProvider } from '../../../electron/services/auth/sso-token.ts';
import { CredentialError } from '../../../electron/services/auth/credential-provider.ts';
import { ErsCancelledError } from '../../../electron/services/ers/errors.ts';
import type { Transport } from '../../../electron/services/ers/transport.ts';

let pki: TestPki;
let card: KeyPair;
let rogueCard: KeyPair;
let identity: TestServer;
let transport: Transport;
const challenges = new Set<string>();
let tokensIssued = 0;

before(async () => {
  pki = makeTestPki();
  card = makeRsaCard(pki, 'card', 'ca');
  rogueCard = makeRsaCard(pki, 'rogue-card', 'rogue-ca');
  const ca = new X509Certificate(pki.ca.certPem);
  // A minimal identity service with the sandbox's contract.
  identity = await startTlsServer(pki, async (req, res) => {
    const body = await readBody(req);
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/identity/challenge') {
      const challenge = randomBytes(32).toString('base64url');
      challenges.add(challenge);
      res.end(JSON.stringify({ challenge }));
      return;
    }
    const { certificate, challenge, signature } = JSON.parse(body.toString());
    const cert = new X509Certificate(certificate);
    const known = challenges.delete(challenge);
    const signed = verify('sha256', Buffer.from(challenge, 'base64url'), { key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signature, 'base64'));
    if (!known || !cert.checkIssued(ca) || !cert.verify(ca.publicKey) || !signed) {
      res.writeHead(401).end(JSON.stringify({ error: 'unauthorised', message: 'The certificate was not issued by the card CA' }));
      return;
    }
    tokensIssued++;
    res.end(JSON.stringify({ token: `AQIC5wM2LY4S${tokensIssued}@AAJTSQACMDE=#`, userId: '555020964101' }));
  });
  transport = clientTransport(pki);
});
after(async () => {
  transport.close();
  await identity.close();
  pki.remove();
});

describe('software test card', () => {
  it('signs the challenge and gets an SSO token', async () => {
    const provider = createSoftwareCardProvider({ certificatePem: card.certPem, privateKeyPem: card.keyPem, identityUrl: `${identity.origin}/identity/`, transport });
    assert.equal(provider.kind, 'test-card');
    assert.equal(await provider.obtainSsoToken(), `AQIC5wM2LY4S${tokensIssued}@AAJTSQACMDE=#`);
    assert.equal(tokensIssued, 1);
  });

  it('reports the identity service refusing a card from another CA', async () => {
    const provider = createSoftwareCardProvider({ certificatePem: rogueCard.certPem, privateKeyPem: rogueCard.keyPem, identityUrl: `${identity.origin}/identity`, transport });
    await assert.rejects(provider.obtainSsoToken(), (err) => {
      assert.ok(err instanceof CredentialError);
      assert.equal(err.reason, 'refused');
      assert.match(err.message, /did not accept the test card \(The certificate was not issued by the card CA\)/);
      return true;
    });
  });

  it('refuses unusable card material up front', () => {
    const make = (certificatePem: string, privateKeyPem: string) => () =>
      createSoftwareCardProvider({ certificatePem, privateKeyPem, identityUrl: identity.origin, transport });
    assert.throws(make(card.certPem, rogueCard.keyPem), /does not belong/);
    assert.throws(make(pki.client.certPem, pki.client.keyPem), /RSA/);
    assert.throws(make('not a pem', card.keyPem), /not a PEM certificate/);
    assert.throws(make(card.certPem, 'nope'), /not a PEM private key/);
  });

  it('honours cancellation', async () => {
    const provider = createSoftwareCardProvider({ certificatePem: card.certPem, privateKeyPem: card.keyPem, identityUrl: identity.origin, transport });
    await assert.rejects(provider.obtainSsoToken(AbortSignal.abort()), ErsCancelledError);
  });
});

describe('pasted SSO token', () => {
  const test = { name: 'dev3', production: false };

  it('gives back the token, trimmed and URL-decoded', async () => {
    assert.equal(await createSsoTokenProvider(' AQIC5wM2LY4S=@AAJTSQACMDE=# \n', test).obtainSsoToken(), 'AQIC5wM2LY4S=@AAJTSQACMDE=#');
    assert.equal(await createSsoTokenProvider('AQIC5wM2LY4S%3D%40AAJTSQACMDE%3D%23', test).obtainSsoToken(), 'AQIC5wM2LY4S=@AAJTSQACMDE=#');
  });

  it('is refused in a production environment', () => {
    assert.throws(() => createSsoTokenProvider('AQIC5wM2LY4S=@AAJTSQACMDE=#', { name: 'live', production: true }), (err) => {
      assert.ok(err instanceof CredentialError);
      assert.equal(err.reason, 'not-allowed');
      assert.match(err.message, /live is a production environment/);
      return true;
    });
  });

  it('refuses text that is not a token', () => {
    for (const pasted of ['', '   ', 'two words', 'AQIC\nline']) {
      assert.throws(() => createSsoTokenProvider(pasted, test), CredentialError, JSON.stringify(pasted));
    }
  });
});
