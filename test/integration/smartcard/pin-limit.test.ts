// Wrong and locked PINs as a real smartcard reports them: SoftHSM2 behind the
// test PIN-limit module (3 tries, as NHS smartcards have), on a real token.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSandboxPki } from '../../../sandbox/pki.ts';
import { listCards, signChallengeOnCard } from '../../../electron/services/auth/smartcard/pkcs11-card.ts';
import { SmartcardError } from '../../../electron/services/auth/smartcard/smartcard-errors.ts';
import { createSoftHsmCard, pinLimitModule, requireSoftHsm, type PinLimitModule, type SoftHsmCard } from '../../support/softhsm.ts';

const WRONG_PIN = '000000';
const LOCKED = 'Your smartcard is locked. Contact your Registration Authority to unlock it';

let card: SoftHsmCard;
let limited: PinLimitModule;

before(async () => {
  const install = await requireSoftHsm();
  const pki = await createSandboxPki();
  card = await createSoftHsmCard(install, { certify: (spki) => pki.issueCardCertificate(spki, { id: '555000000018', name: 'Sam Patel' }) });
  card.insertIntoProcess();
  limited = await pinLimitModule(install, 3);
});

after(async () => {
  await limited?.dispose();
  await card?.dispose();
});

beforeEach(async () => {
  await limited.setWrongPins(0);
  limited.hideLockFlag(false);
});

async function signIn(pin: string): Promise<SmartcardError | 'signed'> {
  try {
    await signChallengeOnCard({ modulePath: limited.modulePath, pin, challenge: randomBytes(32) });
    return 'signed';
  } catch (err) {
    assert.ok(err instanceof SmartcardError, String(err));
    return err;
  }
}

const summary = (result: SmartcardError | 'signed') =>
  result === 'signed' ? result : { code: result.code, pkcs11Code: result.pkcs11Code, attemptsLeft: result.attemptsLeft, message: result.message };

describe('PIN tries on a card that locks after 3 wrong PINs', () => {
  it('counts down as the card reports it, then locks', async () => {
    assert.deepEqual(summary(await signIn(WRONG_PIN)), {
      code: 'wrong-pin',
      pkcs11Code: 'CKR_PIN_INCORRECT',
      attemptsLeft: null, // CKF_USER_PIN_COUNT_LOW only: the card does not say how many
      message: 'The PIN is wrong. Check it and try again: your smartcard locks after too many wrong PINs',
    });
    assert.deepEqual(summary(await signIn(WRONG_PIN)), {
      code: 'wrong-pin',
      pkcs11Code: 'CKR_PIN_INCORRECT',
      attemptsLeft: 1, // CKF_USER_PIN_FINAL_TRY
      message: 'The PIN is wrong. You have one try left before your smartcard locks',
    });
    assert.deepEqual(summary(await signIn(WRONG_PIN)), {
      code: 'pin-locked',
      pkcs11Code: 'CKR_PIN_INCORRECT',
      attemptsLeft: 0,
      message: LOCKED,
    });
    // Now even the right PIN is refused, and the card lists as locked.
    assert.deepEqual(summary(await signIn(card.userPin)), { code: 'pin-locked', pkcs11Code: null, attemptsLeft: 0, message: LOCKED });
    assert.equal((await listCards(limited.modulePath))[0]?.pinStatus, 'locked');
  });

  it('a locked card whose flags do not say so: C_Login answers CKR_PIN_LOCKED and the message says locked', async () => {
    await limited.setWrongPins(3);
    limited.hideLockFlag(true);
    assert.equal((await listCards(limited.modulePath))[0]?.pinStatus, 'ok');
    assert.deepEqual(summary(await signIn(card.userPin)), {
      code: 'pin-locked',
      pkcs11Code: 'CKR_PIN_LOCKED',
      attemptsLeft: 0,
      message: LOCKED,
    });
  });

  it('the right PIN after a wrong one signs in and resets the count', async () => {
    assert.equal(summary(await signIn(WRONG_PIN)) === 'signed', false);
    assert.equal(await signIn(card.userPin), 'signed');
    assert.equal((await listCards(limited.modulePath))[0]?.pinStatus, 'ok');
  });

  it('a PIN of impossible length spends no try', async () => {
    await limited.setWrongPins(2); // one try left
    const result = await signIn('1');
    assert.ok(result !== 'signed' && result.code === 'pin-format');
    assert.equal(await signIn(card.userPin), 'signed');
  });

  it('a locked card is reported without another C_Login', async () => {
    await limited.setWrongPins(3);
    const result = await signIn(card.userPin);
    assert.ok(result !== 'signed');
    assert.equal(result.pkcs11Code, null, 'refused from the token flags, before any login');
    assert.equal(result.message, LOCKED);
  });
});
