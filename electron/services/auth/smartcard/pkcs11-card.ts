// Proving possession of a smartcard: log in with the PIN, read the user's
// certificate and sign the identity service's challenge with its private key
// (CKM_SHA256_RSA_PKCS = RSASSA-PKCS1-v1_5 with SHA-256), then log out.
//
// The PIN is passed to C_Login and nowhere else: it is not kept, logged or put
// in an error. (JavaScript strings cannot be wiped; the binding copies the PIN
// into a native buffer for the call only.)

import { X509Certificate, verify } from 'node:crypto';
import type { CardToken, PresentCard } from './card-tokens.ts';
import { presentCards, readCard } from './card-tokens.ts';
import type { OpenModule } from './pkcs11-module.ts';
import { withModule } from './pkcs11-module.ts';
import {
  INSERT_CARD_MESSAGE,
  LOCKED_MESSAGE,
  SmartcardError,
  pkcs11CodeOf,
  toSmartcardError,
  wrongPinMessage,
} from './smartcard-errors.ts';

export interface SignChallengeRequest {
  /** The PKCS#11 module (card middleware) to load. */
  readonly modulePath: string;
  /** Used for one C_Login. Ignored on readers with a PIN pad. */
  readonly pin: string;
  /** The bytes to sign (the decoded challenge). */
  readonly challenge: Uint8Array;
  /** Sign with this card only (its serial number); needed when several cards are inserted. */
  readonly tokenSerial?: string;
  readonly signal?: AbortSignal;
}

export interface CardSignature {
  /** The user's certificate from the card, PEM. */
  readonly certificatePem: string;
  /** The certificate's subject, e.g. "CN=..., serialNumber=...". */
  readonly subject: string;
  /** RSASSA-PKCS1-v1_5 SHA-256 over the challenge, verified against the certificate before it is returned. */
  readonly signature: Uint8Array;
  /** The card that signed, so a watcher can follow that card. */
  readonly card: CardToken;
}

/** The cards inserted now (public token information only; no PIN needed). */
export function listCards(modulePath: string): Promise<CardToken[]> {
  return withModule(modulePath, async (module) => presentCards(module).map((present) => present.card));
}

export async function signChallengeOnCard(request: SignChallengeRequest): Promise<CardSignature> {
  // Always a rejection, never a synchronous throw: callers chain on the promise.
  throwIfCancelled(request.signal);
  return withModule(request.modulePath, (module) => signWith(module, request));
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SmartcardError('cancelled', 'Signing in with the smartcard was cancelled');
}

function chooseCard(cards: readonly PresentCard[], tokenSerial: string | undefined): PresentCard {
  const candidates = tokenSerial === undefined ? cards : cards.filter((c) => c.card.serialNumber === tokenSerial);
  const [first, second] = candidates;
  if (first === undefined) {
    throw new SmartcardError('no-card', tokenSerial === undefined || cards.length === 0 ? INSERT_CARD_MESSAGE : 'Insert the smartcard you signed in with');
  }
  if (second !== undefined) {
    throw new SmartcardError('several-cards', 'More than one smartcard is inserted. Remove the ones you are not using and try again');
  }
  return first;
}

async function signWith(module: OpenModule, request: SignChallengeRequest): Promise<CardSignature> {
  const { p11, k } = module;
  const { slot, card } = chooseCard(presentCards(module), request.tokenSerial);
  // A card that says it is locked would only refuse the PIN: say so without spending a try.
  if (card.pinStatus === 'locked') throw new SmartcardError('pin-locked', LOCKED_MESSAGE, { pinStatus: 'locked' });
  if (!card.protectedAuthenticationPath) checkPinShape(request.pin, card);

  let session: Buffer;
  try {
    session = p11.C_OpenSession(slot, k.CKF_SERIAL_SESSION);
  } catch (err) {
    throw toSmartcardError(err, 'be opened');
  }
  let loggedIn = false;
  try {
    const certificates = readCertificates(module, session);
    if (certificates.length === 0) {
      throw new SmartcardError('no-certificate', 'Your smartcard has no certificate to sign in with. Contact your Registration Authority');
    }
    throwIfCancelled(request.signal);
    logIn(module, slot, session, card, request.pin);
    loggedIn = true;

    const pair = findKeyPair(module, session, certificates);
    if (pair === null) {
      throw new SmartcardError('no-key', 'Your smartcard has a certificate but no key to sign with. Contact your Registration Authority');
    }
    const { certificate, key } = pair;
    if (Date.parse(certificate.validTo) < Date.now()) {
      throw new SmartcardError(
        'certificate-expired',
        `The certificate on your smartcard expired on ${new Date(certificate.validTo).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' })}. Contact your Registration Authority`,
      );
    }
    throwIfCancelled(request.signal);
    const signature = await sign(module, session, key, request.challenge);
    // Catch a card whose key and certificate do not belong together here, with a
    // clear message, rather than as a refusal from the identity service.
    if (!verify('sha256', request.challenge, certificate.publicKey, signature)) {
      throw new SmartcardError('key-mismatch', "The key on your smartcard does not match its certificate. Contact your Registration Authority");
    }
    return { certificatePem: certificate.toString(), subject: certificate.subject.replace(/\n/g, ', '), signature, card };
  } finally {
    if (loggedIn) {
      try {
        p11.C_Logout(session);
      } catch {
        // The card may be gone; closing the session below ends the login anyway.
      }
    }
    try {
      p11.C_CloseSession(session);
    } catch {
      // As above.
    }
  }
}

function logIn({ p11, k }: OpenModule, slot: Buffer, session: Buffer, card: CardToken, pin: string): void {
  try {
    if (card.protectedAuthenticationPath) p11.C_Login(session, k.CKU_USER);
    else p11.C_Login(session, k.CKU_USER, pin);
  } catch (err) {
    const code = pkcs11CodeOf(err);
    if (code === 'CKR_USER_ALREADY_LOGGED_IN') return;
    if (code === 'CKR_PIN_INCORRECT') {
      // The flags after the failure say how close the card is to locking.
      const after = readCard({ p11, k }, slot)?.pinStatus ?? 'ok';
      throw new SmartcardError(after === 'locked' ? 'pin-locked' : 'wrong-pin', wrongPinMessage(after), {
        pkcs11Code: code,
        pinStatus: after,
      });
    }
    if (code === 'CKR_PIN_LEN_RANGE' || code === 'CKR_PIN_INVALID') {
      throw new SmartcardError('pin-format', pinFormatMessage(card), { pkcs11Code: code, pinStatus: card.pinStatus });
    }
    throw toSmartcardError(err, 'check the PIN');
  }
}

function pinFormatMessage(card: CardToken): string {
  return card.pinLength === null
    ? 'That is not a PIN your smartcard accepts. Check your PIN and try again'
    : `A smartcard PIN has ${card.pinLength.min} to ${card.pinLength.max} characters. Check your PIN and try again`;
}

/** Refuse a PIN the card cannot accept before C_Login, where a real card would count it as a wrong try. */
function checkPinShape(pin: string, card: CardToken): void {
  if (pin === '') throw new SmartcardError('pin-missing', 'Enter your smartcard PIN');
  const length = new TextEncoder().encode(pin).byteLength; // ulPinLen counts UTF-8 bytes
  if (card.pinLength !== null && (length < card.pinLength.min || length > card.pinLength.max)) {
    throw new SmartcardError('pin-format', pinFormatMessage(card), { pinStatus: card.pinStatus });
  }
}

interface CardCertificate {
  readonly id: Buffer;
  readonly certificate: X509Certificate;
}

function findAll(p11: OpenModule['p11'], session: Buffer, template: { type: number; value: number | Buffer | boolean }[]): Buffer[] {
  p11.C_FindObjectsInit(session, template);
  try {
    const found: Buffer[] = [];
    // Bounded: a card holds a handful of objects.
    for (let batch = 0; batch < 16; batch++) {
      const handles = p11.C_FindObjects(session, 32);
      found.push(...handles);
      if (handles.length < 32) break;
    }
    return found;
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

/** X.509 certificates on the card (public objects: readable before login). */
function readCertificates({ p11, k }: OpenModule, session: Buffer): CardCertificate[] {
  try {
    const handles = findAll(p11, session, [
      { type: k.CKA_CLASS, value: k.CKO_CERTIFICATE },
      { type: k.CKA_CERTIFICATE_TYPE, value: k.CKC_X_509 },
    ]);
    const out: CardCertificate[] = [];
    for (const handle of handles) {
      const [id, value] = p11.C_GetAttributeValue(session, handle, [{ type: k.CKA_ID }, { type: k.CKA_VALUE }]);
      if (id === undefined || value === undefined || value.value.length === 0) continue;
      try {
        out.push({ id: id.value, certificate: new X509Certificate(value.value) });
      } catch {
        // Not a certificate we can parse: skip it, another may serve.
      }
    }
    return out;
  } catch (err) {
    throw toSmartcardError(err, 'be read');
  }
}

/** The first certificate whose RSA private key (same CKA_ID) is on the card and may sign. */
function findKeyPair({ p11, k }: OpenModule, session: Buffer, certificates: readonly CardCertificate[]): { certificate: X509Certificate; key: Buffer } | null {
  try {
    for (const { id, certificate } of certificates) {
      if (certificate.publicKey.asymmetricKeyType !== 'rsa') continue;
      const [key] = findAll(p11, session, [
        { type: k.CKA_CLASS, value: k.CKO_PRIVATE_KEY },
        { type: k.CKA_KEY_TYPE, value: k.CKK_RSA },
        { type: k.CKA_ID, value: id },
        { type: k.CKA_SIGN, value: true },
      ]);
      if (key !== undefined) return { certificate, key };
    }
    return null;
  } catch (err) {
    throw toSmartcardError(err, 'be read');
  }
}

/** Room for an RSA signature up to 8192 bits; the binding returns the used part. */
const SIGNATURE_BUFFER_BYTES = 1024;

async function sign({ p11, k }: OpenModule, session: Buffer, key: Buffer, challenge: Uint8Array): Promise<Buffer> {
  try {
    p11.C_SignInit(session, { mechanism: k.CKM_SHA256_RSA_PKCS }, key);
    // Async: the card can take a second to sign, and main must not freeze meanwhile.
    return await p11.C_SignAsync(session, Buffer.from(challenge), Buffer.alloc(SIGNATURE_BUFFER_BYTES));
  } catch (err) {
    throw toSmartcardError(err, 'sign');
  }
}
