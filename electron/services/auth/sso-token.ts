// A pasted SSO token (the e-RS connectivity guide's test route: copy the
// TokenID from the Professional Application). Test environments only.

import { CredentialError, type CredentialProvider } from './credential-provider.ts';
import { ErsCancelledError } from '../ers/errors.ts';
import { Secret } from '../ers/secret.ts';

export interface EnvironmentFacts {
  readonly name: string;
  readonly production: boolean;
}

// The official example carries a leading space and IE-captured tokens arrive URL-encoded.
function cleanToken(pasted: string): string {
  let token = pasted.trim();
  if (/%[0-9A-Fa-f]{2}/.test(token)) {
    try {
      token = decodeURIComponent(token);
    } catch {
      // leave it: the shape check below decides
    }
  }
  return token;
}

export function createSsoTokenProvider(pasted: string, environment: EnvironmentFacts): CredentialProvider {
  if (environment.production) {
    throw new CredentialError(
      `${environment.name} is a production environment: sign in with your smartcard. A pasted token is for test environments only`,
      'not-allowed',
    );
  }
  const token = cleanToken(pasted);
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
    throw new CredentialError('That is not an SSO token: paste the TokenID value only, without spaces or line breaks', 'invalid');
  }
  const secret = new Secret(token, 'SSO token');
  return {
    kind: 'sso-token',
    async obtainSsoToken(signal) {
      if (signal?.aborted) throw new ErsCancelledError();
      return secret.reveal();
    },
  };
}
