// Signing in with a real SoftHSM2 token against the sandbox's identity service,
// then A001 with the SSO token it gives.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { createTransport, type Transport } from '../../../electron/services/ers/transport.ts';
import { createProfessionalSession } from '../../../electron/services/ers/session.ts';
import { createSmartcardProvider } from '../../../electron/services/auth/smartcard/smartcard-provider.ts';
import { listCards, signChallengeOnCard } from '../../../electron/services/auth/smartcard/pkcs11-card.ts';
import { SmartcardError } from '../../../electron/services/auth/smartcard/smartcard-errors.ts';
import { CredentialError } from '../../../electron/services/auth/credential-provider.ts';
import { createSoftHsmCard, requireSoftHsm, type SoftHsmCard } from '../../support/softhsm.ts';

const USER = { id: '555000000017', name: 'Jo Bloggs' };
const WRONG_PIN = '654321';

let sandbox: Sandbox;
let transport: Transport;
let card: SoftHsmCard;

before(async () => {
  // Fails (does not skip) without SoftHSM2, saying how to install it.
  const install = await requireSoftHsm();
  sandbox = await startSandbox();
  transport = createTransport({
    tls: {
      certificatePem: sandbox.pki.clientCertPem,
      privateKeyPem: sandbox.pki.clientKeyPem,
      caCertificatesPem: [sandbox.pki.caCertPem],
    },
  });
  card = await createSoftHsmCard(install, { certify: (spki) => sandbox.pki.issueCardCertificate(spki, USER) });
  card.insertIntoProcess();
});

after(async () => {
  transport?.close();
  await sandbox?.close();
  await card?.dispose();
});

const provider = (pin: string, modulePath = card.modulePath) =>
  createSmartcardProvider({ modulePath, identityUrl: sandbox.identityUrl, transport, pin });

/** The error a promise rejects with (failing the test if it resolves). */
async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  const err = await promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
  return err;
}

describe('smartcard sign-in on a SoftHSM2 token', () => {
  it('lists the inserted card by label and serial number', async () => {
    const cards = await listCards(card.modulePath);
    assert.deepEqual(
      cards.map((c) => [c.label, c.serialNumber, c.pinStatus]),
      [[card.label, card.serialNumber, 'ok']],
    );
  });

  it('with the right PIN gets an SSO token from the identity service, and A001 accepts it', async () => {
    const signIn = provider(card.userPin);
    assert.equal(signIn.kind, 'smartcard');
    const token = await signIn.obtainSsoToken();
    assert.match(token, /^AQIC5wM2LY4S/);
    assert.equal(signIn.userId, USER.id);
    assert.equal(signIn.card?.serialNumber, card.serialNumber);

    const session = await createProfessionalSession(
      { baseUrl: sandbox.baseUrl, asid: sandbox.asid, fqdn: sandbox.fqdn, transport },
      token,
    );
    assert.equal(session.user.identifier, USER.id);
    assert.ok(session.permissions.length > 0);
  });

  it('signs with the card key: the signature verifies against the certificate stored on the card', async () => {
    const challenge = new Uint8Array(32).fill(7);
    const signed = await signChallengeOnCard({ modulePath: card.modulePath, pin: card.userPin, challenge });
    assert.equal(signed.certificatePem, new X509Certificate(card.certificatePem).toString());
    assert.match(signed.subject, /CN=Jo Bloggs/);
    assert.equal(signed.signature.byteLength, 256);
    const { verify } = await import('node:crypto');
    assert.ok(verify('sha256', challenge, new X509Certificate(card.certificatePem).publicKey, signed.signature));
    assert.ok(!verify('sha256', new Uint8Array(32).fill(8), new X509Certificate(card.certificatePem).publicKey, signed.signature));
  });

  it('uses the PIN once: a second obtainSsoToken asks for the PIN again', async () => {
    const signIn = provider(card.userPin);
    await signIn.obtainSsoToken();
    const err = await failure(signIn.obtainSsoToken(), SmartcardError);
    assert.equal(err.code, 'pin-missing');
    assert.equal(err.message, 'Enter your smartcard PIN');
  });

  it('with a wrong PIN says so, with what SoftHSM2 reports (a wrong PIN was entered, no count)', async () => {
    const err = await failure(provider(WRONG_PIN).obtainSsoToken(), SmartcardError);
    assert.equal(err.code, 'wrong-pin');
    assert.equal(err.pkcs11Code, 'CKR_PIN_INCORRECT');
    assert.equal(err.pinStatus, 'count-low');
    assert.equal(err.attemptsLeft, null);
    assert.equal(err.message, 'The PIN is wrong. Check it and try again: your smartcard locks after too many wrong PINs');
    assert.ok(!err.message.includes(WRONG_PIN) && !String(err.stack).includes(WRONG_PIN));
    // The right PIN still works afterwards, and clears the warning flag.
    await provider(card.userPin).obtainSsoToken();
    assert.equal((await listCards(card.modulePath))[0]?.pinStatus, 'ok');
  });

  it('refuses a PIN of the wrong length with the lengths the card accepts, without spending a try', async () => {
    const err = await failure(provider('12').obtainSsoToken(), SmartcardError);
    assert.equal(err.code, 'pin-format');
    assert.equal(err.message, 'A smartcard PIN has 4 to 255 characters. Check your PIN and try again');
    // No C_Login happened: SoftHSM2 would have flagged a wrong PIN.
    assert.equal((await listCards(card.modulePath))[0]?.pinStatus, 'ok');
  });

  it('a card whose certificate the identity service does not trust is refused (401), not signed in', async () => {
    const other = await startSandbox(); // its own PKI, so a card CA that did not issue this card
    const toOther = createTransport({
      tls: { certificatePem: other.pki.clientCertPem, privateKeyPem: other.pki.clientKeyPem, caCertificatesPem: [other.pki.caCertPem] },
    });
    try {
      const signIn = createSmartcardProvider({ modulePath: card.modulePath, identityUrl: other.identityUrl, transport: toOther, pin: card.userPin });
      const err = await failure(signIn.obtainSsoToken(), CredentialError);
      assert.ok(!(err instanceof SmartcardError), 'the card worked: it is the service that refused');
      assert.equal(err.reason, 'refused');
      assert.equal(
        err.message,
        'The NHS identity service did not accept your smartcard (The certificate was not issued by the card CA). If this keeps happening, contact your Registration Authority',
      );
      assert.equal(signIn.card, null);
    } finally {
      toOther.close();
      await other.close();
    }
  });

  it('a missing module path is a configuration error naming the path', async () => {
    const missing = '/opt/no-such-middleware/libpkcs11.so';
    const err = await failure(provider(card.userPin, missing).obtainSsoToken(), SmartcardError);
    assert.equal(err.code, 'module-not-found');
    assert.equal(err.message, `The smartcard software was not found at ${missing}. Check the PKCS#11 module path in the app's configuration`);
    const notModule = await failure(listCards('/etc/hostname'), SmartcardError);
    assert.equal(notModule.code, 'module-unusable');
    assert.match(notModule.message, /^\/etc\/hostname is not smartcard software this app can use/);
  });

  it('a card whose certificate is for another key is caught before the identity service sees it', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    const mismatched = await createSoftHsmCard(await requireSoftHsm(), {
      label: 'mismatched card',
      certify: () => sandbox.pki.issueCardCertificate(new Uint8Array(otherKey), USER),
    });
    try {
      mismatched.insertIntoProcess();
      const err = await failure(provider(mismatched.userPin).obtainSsoToken(), SmartcardError);
      assert.equal(err.code, 'key-mismatch');
      assert.equal(err.message, 'The key on your smartcard does not match its certificate. Contact your Registration Authority');
    } finally {
      await mismatched.dispose();
      card.insertIntoProcess();
    }
  });

  it('a sign-in cancelled before it reaches the card does not log in', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await failure(
      signChallengeOnCard({ modulePath: card.modulePath, pin: WRONG_PIN, challenge: new Uint8Array(32), signal: controller.signal }),
      SmartcardError,
    );
    assert.equal(err.code, 'cancelled');
    assert.equal((await listCards(card.modulePath))[0]?.pinStatus, 'ok', 'no wrong PIN was tried');
  });

  it('no card inserted: "Insert your smartcard"', async () => {
    await card.takeOut();
    try {
      const err = await failure(provider(card.userPin).obtainSsoToken(), SmartcardError);
      assert.equal(err.code, 'no-card');
      assert.equal(err.message, 'Insert your smartcard');
    } finally {
      await card.putBack();
    }
    // Back in: signing in works again (a fresh C_Initialize sees it).
    await provider(card.userPin).obtainSsoToken();
  });
});
