// The run-time test PKI: who issued what, for which names and uses, and save/load.

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import assert from 'node:assert/strict';
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSandboxPki, loadOrCreatePki, loadPki, PKI_FILES, SANDBOX_FQDN, savePki, type SandboxPki } from '../../../sandbox/pki.ts';

let pki: SandboxPki;
let dir: string;
before(async () => {
  pki = await createSandboxPki();
  dir = await mkdtemp(join(tmpdir(), 'ers-sandbox-pki-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const cert = (pem: string): X509Certificate => new X509Certificate(pem);
const spki = (key: KeyObject): Buffer => (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });

function assertKeyPair(certPem: string, keyPem: string): void {
  assert.deepEqual(spki(createPrivateKey(keyPem)), spki(cert(certPem).publicKey), 'the key does not belong to the certificate');
}

function assertIssuedBy(certPem: string, caPem: string): void {
  const c = cert(certPem);
  const ca = cert(caPem);
  assert.ok(c.checkIssued(ca) && c.verify(ca.publicKey), `${c.subject} was not issued by ${ca.subject}`);
}

describe('createSandboxPki', () => {
  it('uses RSA 2048 keys and SHA-256 signatures throughout', () => {
    for (const pem of [pki.caCertPem, pki.serverCertPem, pki.clientCertPem, pki.cardCaCertPem, pki.testCard.certPem]) {
      assert.equal(cert(pem).publicKey.asymmetricKeyDetails?.modulusLength, 2048);
      assert.deepEqual(new x509.X509Certificate(pem).signatureAlgorithm, { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    }
  });

  it('the server certificate is for 127.0.0.1 and localhost, for TLS servers, from the test CA', () => {
    const c = cert(pki.serverCertPem);
    assert.match(c.subjectAltName ?? '', /DNS:localhost/);
    assert.match(c.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.equal(c.checkHost('localhost'), 'localhost');
    assert.equal(c.checkIP('127.0.0.1'), '127.0.0.1');
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assertIssuedBy(pki.serverCertPem, pki.caCertPem);
    assertKeyPair(pki.serverCertPem, pki.serverKeyPem);
  });

  it('the endpoint certificate has CN = the FQDN, for TLS clients, from the test CA', () => {
    const c = cert(pki.clientCertPem);
    assert.match(c.subject, new RegExp(`^CN=${SANDBOX_FQDN.replace(/\./g, '\\.')}$`, 'm'));
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assertIssuedBy(pki.clientCertPem, pki.caCertPem);
    assertKeyPair(pki.clientCertPem, pki.clientKeyPem);
  });

  it('the CAs are CAs, and separate: the card CA did not issue TLS certificates, nor the test CA cards', () => {
    assert.equal(cert(pki.caCertPem).ca, true);
    assert.equal(cert(pki.cardCaCertPem).ca, true);
    assert.equal(cert(pki.serverCertPem).ca, false);
    assert.notEqual(cert(pki.caCertPem).fingerprint256, cert(pki.cardCaCertPem).fingerprint256);
    assert.equal(cert(pki.testCard.certPem).checkIssued(cert(pki.caCertPem)), false);
    assert.equal(cert(pki.clientCertPem).checkIssued(cert(pki.cardCaCertPem)), false);
  });

  it('the test card names user 555020964101 and its key signs', () => {
    assert.equal(pki.testCard.userId, '555020964101');
    const c = cert(pki.testCard.certPem);
    assert.match(c.subject, /^serialNumber=555020964101$/m);
    assert.match(c.subject, /^CN=SA Assurance GP-Card$/m);
    assertIssuedBy(pki.testCard.certPem, pki.cardCaCertPem);
    const data = Buffer.from('challenge');
    assert.ok(verify('sha256', data, c.publicKey, sign('sha256', data, pki.testCard.keyPem)));
  });

  it('issueCardCertificate certifies a given public key for a user, escaping the name', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = await pki.issueCardCertificate(new Uint8Array(spki(pair.publicKey)), { id: '021600556514', name: 'Smith, Jo+O=Evil' });
    const c = cert(pem);
    assertIssuedBy(pem, pki.cardCaCertPem);
    assert.deepEqual(spki(c.publicKey), spki(pair.publicKey));
    assert.match(c.subject, /^serialNumber=021600556514$/m);
    assert.match(c.subject, /^O=ers-attach sandbox$/m);
    assert.doesNotMatch(c.subject, /^O=Evil$/m, 'the name added an attribute');
  });
});

describe('save and load', () => {
  it('round-trips every PEM; keys are owner-only; the loaded PKI can still issue cards', async () => {
    await savePki(pki, dir);
    for (const [field, file] of Object.entries(PKI_FILES)) {
      const mode = (await stat(join(dir, file))).mode & 0o777;
      assert.equal(mode, field.endsWith('KeyPem') ? 0o600 : 0o644, file);
    }
    assert.equal(await readFile(join(dir, PKI_FILES.clientCertPem), 'utf8'), pki.clientCertPem);
    const loaded = await loadPki(dir);
    assert.ok(loaded);
    for (const field of ['caCertPem', 'serverCertPem', 'serverKeyPem', 'clientCertPem', 'clientKeyPem', 'cardCaCertPem'] as const) {
      assert.equal(loaded[field], pki[field], field);
    }
    assert.deepEqual(loaded.testCard, pki.testCard);
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assertIssuedBy(await loaded.issueCardCertificate(new Uint8Array(spki(pair.publicKey)), { id: '1', name: 'A B' }), pki.cardCaCertPem);
  });

  it('loadPki is null for an empty directory; loadOrCreatePki creates once, then reuses', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'ers-sandbox-pki-'));
    try {
      assert.equal(await loadPki(fresh), null);
      const first = await loadOrCreatePki(fresh);
      const second = await loadOrCreatePki(fresh);
      assert.equal(second.caCertPem, first.caCertPem);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
