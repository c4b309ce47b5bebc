// What can go wrong with a smartcard, in words a person can act on.
//
// PKCS#11 answers with CKR_* names and token flags; people need "Insert your
// smartcard" or "Your smartcard is locked". Every failure in this folder is a
// SmartcardError whose message is shown as is; `pkcs11Code` keeps the module's
// own answer for logs and support calls. Nothing here ever holds the PIN.
// SmartcardError is a CredentialError, as every provider failure is.

import { CredentialError } from '../credential-provider.ts';

/** The user PIN's state as the token reports it in CK_TOKEN_INFO.flags. */
export type PinStatus =
  | 'ok'
  // CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since the last good one. PKCS#11
  // does not say how many tries are left, so neither do we.
  | 'count-low'
  // CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the card.
  | 'final-try'
  // CKF_USER_PIN_LOCKED
  | 'locked';

export type SmartcardErrorCode =
  | 'binding-missing' // the pkcs11js native addon is not built
  | 'module-not-found' // nothing at the configured module path
  | 'module-unusable' // a file is there but it is not a working PKCS#11 module
  | 'no-card'
  | 'several-cards'
  | 'card-removed' // the card went away during the operation
  | 'pin-missing'
  | 'wrong-pin'
  | 'pin-locked'
  | 'pin-format' // CKR_PIN_LEN_RANGE / CKR_PIN_INVALID
  | 'pin-expired'
  | 'no-certificate'
  | 'certificate-expired'
  | 'no-key'
  | 'key-mismatch'
  | 'mechanism-unsupported'
  | 'cancelled'
  | 'card-error'; // anything else the module reports

export interface SmartcardErrorDetails {
  /** The CKR_* name the module returned, when one caused this. Safe to log. */
  readonly pkcs11Code?: string | null;
  readonly pinStatus?: PinStatus | null;
  readonly cause?: unknown;
}

export class SmartcardError extends CredentialError {
  readonly code: SmartcardErrorCode;
  readonly pkcs11Code: string | null;
  readonly pinStatus: PinStatus | null;

  constructor(code: SmartcardErrorCode, message: string, details: SmartcardErrorDetails = {}) {
    super(message, 'invalid');
    if (details.cause !== undefined) this.cause = details.cause;
    this.name = 'SmartcardError';
    this.code = code;
    this.pkcs11Code = details.pkcs11Code ?? null;
    this.pinStatus = details.pinStatus ?? null;
  }

  /** PIN tries the card reports as left, when it reports them (SignInFailure.attemptsLeft). */
  get attemptsLeft(): number | null {
    if (this.pinStatus === 'final-try') return 1;
    if (this.pinStatus === 'locked') return 0;
    return null;
  }
}

export const LOCKED_MESSAGE = 'Your smartcard is locked. Contact your Registration Authority to unlock it';
export const INSERT_CARD_MESSAGE = 'Insert your smartcard';

/** The message for a refused PIN, saying only what the card itself reports about tries left. */
export function wrongPinMessage(status: PinStatus): string {
  switch (status) {
    case 'final-try':
      return 'The PIN is wrong. You have one try left before your smartcard locks';
    case 'count-low':
      return 'The PIN is wrong. Check it and try again: your smartcard locks after too many wrong PINs';
    case 'locked':
      return LOCKED_MESSAGE;
    case 'ok':
      return 'The PIN is wrong. Check it and try again';
  }
}

/** A module's error name, e.g. "CKR_PIN_INCORRECT", if `err` came from pkcs11js. */
export function pkcs11CodeOf(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const name = /^(CKR_[A-Z0-9_]+)/.exec(err.message)?.[1];
  return name ?? null;
}

/** The card or reader is gone (or its session with it), as opposed to a fault on a card that is there. */
const CARD_GONE = new Set([
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_SLOT_ID_INVALID',
]);

/**
 * Turn anything a PKCS#11 call threw into a SmartcardError. Login results
 * (wrong PIN, locked) are handled where the token's flags are known; this is
 * for the rest.
 */
export function toSmartcardError(err: unknown, doing: string): SmartcardError {
  if (err instanceof SmartcardError) return err;
  const code = pkcs11CodeOf(err);
  if (code !== null && CARD_GONE.has(code)) {
    return new SmartcardError('card-removed', 'Your smartcard was removed. Insert it and try again', {
      pkcs11Code: code,
      cause: err,
    });
  }
  if (code === 'CKR_PIN_LOCKED') return new SmartcardError('pin-locked', LOCKED_MESSAGE, { pkcs11Code: code, pinStatus: 'locked' });
  if (code === 'CKR_PIN_EXPIRED') {
    return new SmartcardError('pin-expired', 'Your smartcard PIN has expired. Contact your Registration Authority to reset it', {
      pkcs11Code: code,
    });
  }
  if (code === 'CKR_MECHANISM_INVALID' || code === 'CKR_KEY_FUNCTION_NOT_PERMITTED' || code === 'CKR_KEY_TYPE_INCONSISTENT') {
    return new SmartcardError(
      'mechanism-unsupported',
      'Your smartcard cannot make the kind of signature the NHS identity service needs (RSA with SHA-256). Contact your Registration Authority',
      { pkcs11Code: code, cause: err },
    );
  }
  return new SmartcardError(
    'card-error',
    `The smartcard could not ${doing}${code === null ? '' : ` (${code})`}. Remove it, insert it again and try again`,
    { pkcs11Code: code, cause: err },
  );
}
