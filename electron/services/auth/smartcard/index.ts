// Smartcard sign-in and card watching: what the rest of main uses.

export { createSmartcardProvider, type SmartcardProvider, type SmartcardProviderOptions } from './smartcard-provider.ts';
export { watchCard, CARD_REMOVED_MESSAGE, type CardWatcher, type CardWatchOptions, type CardRemovedEvent, type CardInsertedEvent, type CardIdentity } from './card-watcher.ts';
export { listCards, signChallengeOnCard, type CardSignature, type SignChallengeRequest } from './pkcs11-card.ts';
export type { CardToken } from './card-tokens.ts';
export { SmartcardError, type SmartcardErrorCode, type PinStatus } from './smartcard-errors.ts';
export { exchangeProofForToken, type IdentityExchangeOptions, type IdentityResult, type PossessionProof } from './identity-exchange.ts';
