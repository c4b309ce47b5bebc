// Which cards (PKCS#11 tokens) are inserted, as the module reports them now.
// Shared by sign-in and the card watcher so both agree on what "a card" is.

import type { OpenModule } from './pkcs11-module.ts';
import { handleText, trimPadded } from './pkcs11-module.ts';
import type { PinStatus } from './smartcard-errors.ts';

/** An inserted, initialised card. Everything here is public token information. */
export interface CardToken {
  /** The slot (reader) it is in, as hex: slot ids can change when readers come and go. */
  readonly slotId: string;
  readonly label: string;
  /** The token's serial number: what identifies this card across insertions. */
  readonly serialNumber: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly pinStatus: PinStatus;
  /** A PIN pad on the reader: the PIN is typed there, not in the app. */
  readonly protectedAuthenticationPath: boolean;
  /** PIN lengths the token accepts (ulMinPinLen, ulMaxPinLen), or null if it does not say sensibly. */
  readonly pinLength: { readonly min: number; readonly max: number } | null;
}

export interface PresentCard {
  readonly slot: Buffer;
  readonly card: CardToken;
}

export function pinStatusOf(flags: number, k: OpenModule['k']): PinStatus {
  if (flags & k.CKF_USER_PIN_LOCKED) return 'locked';
  if (flags & k.CKF_USER_PIN_FINAL_TRY) return 'final-try';
  if (flags & k.CKF_USER_PIN_COUNT_LOW) return 'count-low';
  return 'ok';
}

/** The token in `slot`, or null if there is none usable (absent, uninitialised, or the module errs on it). */
export function readCard({ p11, k }: OpenModule, slot: Buffer): CardToken | null {
  let info;
  try {
    info = p11.C_GetTokenInfo(slot);
  } catch {
    // SoftHSM2 keeps reporting a deleted token's slot as present and fails
    // C_GetTokenInfo with CKR_GENERAL_ERROR; real readers say CKR_TOKEN_NOT_PRESENT.
    // Either way there is no card we can use in that slot.
    return null;
  }
  // Uninitialised tokens are blank cards (SoftHSM2 always offers one): nothing to sign in with.
  if (!(info.flags & k.CKF_TOKEN_INITIALIZED)) return null;
  return {
    slotId: handleText(slot),
    label: trimPadded(info.label),
    serialNumber: trimPadded(info.serialNumber),
    manufacturer: trimPadded(info.manufacturerID),
    model: trimPadded(info.model),
    pinStatus: pinStatusOf(info.flags, k),
    protectedAuthenticationPath: (info.flags & k.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0,
    pinLength: info.minPinLen > 0 && info.maxPinLen >= info.minPinLen && info.maxPinLen < 1024 ? { min: info.minPinLen, max: info.maxPinLen } : null,
  };
}

/** Every usable card present now, in slot order. */
export function presentCards(module: OpenModule): PresentCard[] {
  const out: PresentCard[] = [];
  for (const slot of module.p11.C_GetSlotList(true)) {
    const card = readCard(module, slot);
    if (card !== null) out.push({ slot, card });
  }
  return out;
}
