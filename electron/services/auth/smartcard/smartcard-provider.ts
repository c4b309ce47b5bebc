// The smartcard credential provider: the PIN the person typed, the card, and
// the identity service together give an SSO token for A001.
//
// One provider is one sign-in attempt: the PIN is used by the first
// obtainSsoToken and then dropped, whatever the outcome. To try again (after a
// wrong PIN, say) make a new provider with the newly typed PIN.

import type { CredentialProvider } from '../credential-provider.ts';
import type { Transport } from '../../ers/transport.ts';
import type { CardToken } from './card-tokens.ts';
import { exchangeProofForToken } from './identity-exchange.ts';
import { signChallengeOnCard } from './pkcs11-card.ts';
import { SmartcardError } from './smartcard-errors.ts';

export interface SmartcardProviderOptions {
  /** The PKCS#11 module (card middleware) path from the configuration. */
  readonly modulePath: string;
  /** The identity service, e.g. the sandbox's identityUrl. */
  readonly identityUrl: string;
  /** Mutual-TLS transport to the identity service. */
  readonly transport: Transport;
  /** The PIN as typed; used once. */
  readonly pin: string;
  /** Use only this card (serial number), e.g. to sign in again with the card that was removed. */
  readonly tokenSerial?: string;
}

export interface SmartcardProvider extends CredentialProvider {
  readonly kind: 'smartcard';
  /** Challenge -> sign on the card -> SSO token. Rejects with SmartcardError (card, PIN), CredentialError('refused') (identity service), or an ErsError (transport). */
  obtainSsoToken(signal?: AbortSignal): Promise<string>;
  /** After a successful obtainSsoToken: the card used (give its serialNumber to watchCard). */
  readonly card: CardToken | null;
  /** After a successful obtainSsoToken: the user id the identity service named. */
  readonly userId: string | null;
}

export function createSmartcardProvider(options: SmartcardProviderOptions): SmartcardProvider {
  let pin: string | null = options.pin;
  let card: CardToken | null = null;
  let userId: string | null = null;
  return {
    kind: 'smartcard',
    get card() {
      return card;
    },
    get userId() {
      return userId;
    },
    async obtainSsoToken(signal?: AbortSignal): Promise<string> {
      const typed = pin;
      pin = null;
      if (typed === null) throw new SmartcardError('pin-missing', 'Enter your smartcard PIN');
      let used: CardToken | null = null;
      const result = await exchangeProofForToken({
        identityUrl: options.identityUrl,
        transport: options.transport,
        ...(signal === undefined ? {} : { signal }),
        prove: async (challenge) => {
          const signed = await signChallengeOnCard({
            modulePath: options.modulePath,
            pin: typed,
            challenge,
            ...(options.tokenSerial === undefined ? {} : { tokenSerial: options.tokenSerial }),
            ...(signal === undefined ? {} : { signal }),
          });
          used = signed.card;
          return { certificatePem: signed.certificatePem, signature: signed.signature };
        },
      });
      card = used;
      userId = result.userId;
      return result.token;
    },
  };
}
