// Signing in to the preview's embedded sandbox with a PKCS#11 card (a SoftHSM2
// token on a developer's machine) instead of the sandbox's software test card:
//
//   npm run sandbox:card                      makes a SoftHSM2 token whose certificate
//                                             .sandbox-state's card CA issued
//   SOFTHSM2_CONF=... npm run preview -- --card-module /usr/lib/softhsm/libsofthsm2.so
//
// The card's certificate must chain to the embedded sandbox's card CA, so with
// --card-module the sandbox uses the PKI saved in --sandbox-pki (default
// .sandbox-state, the folder `npm run sandbox` uses), made there if missing.

import { resolve } from 'node:path';
import type { BackendOptions } from '../electron/services/backend.ts';
import { loadOrCreatePki } from '../sandbox/pki.ts';

export const DEFAULT_SANDBOX_PKI_DIR = '.sandbox-state';

export interface CardSignInFlags {
  /** --card-module: the PKCS#11 module the card is in. */
  readonly cardModule?: string | undefined;
  /** --sandbox-pki: the folder the embedded sandbox's PKI is kept in. */
  readonly sandboxPki?: string | undefined;
}

/** The backend options the flags ask for: the sandbox's saved PKI, and smartcard sign-in through the module. */
export async function cardSignInOptions(flags: CardSignInFlags, cwd: string = process.cwd()): Promise<Pick<BackendOptions, 'sandbox' | 'sandboxSmartcard'>> {
  const pkiDir = flags.sandboxPki ?? (flags.cardModule === undefined ? undefined : DEFAULT_SANDBOX_PKI_DIR);
  if (pkiDir === undefined) return {};
  const pki = await loadOrCreatePki(resolve(cwd, pkiDir));
  return {
    sandbox: { pki },
    ...(flags.cardModule === undefined ? {} : { sandboxSmartcard: { pkcs11Module: resolve(cwd, flags.cardModule) } }),
  };
}
