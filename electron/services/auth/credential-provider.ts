// Where an SSO token comes from. The session keeper asks a provider for a
// token, then runs A001/A002 with it; it never learns how the token was made.

export type CredentialKind = 'smartcard' | 'sso-token' | 'test-card';

export interface CredentialProvider {
  readonly kind: CredentialKind;
  /** A fresh SSO token for A001. Rejects with CredentialError, or an ErsError for transport failures. */
  obtainSsoToken(signal?: AbortSignal): Promise<string>;
}

export type CredentialFailure =
  | 'invalid' // the credential itself is unusable (bad PEM, key does not match, empty token)
  | 'refused' // the identity service said no
  | 'not-allowed'; // this way of signing in is not allowed here (e.g. a pasted token in production)

export class CredentialError extends Error {
  readonly reason: CredentialFailure;

  constructor(message: string, reason: CredentialFailure) {
    super(message);
    this.name = 'CredentialError';
    this.reason = reason;
  }
}
