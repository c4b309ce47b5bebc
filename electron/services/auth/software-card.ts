// A smartcard in software: a PEM certificate and private key (the sandbox's
// test card). It proves possession the way a card does, by signing a one-time
// challenge from the identity service, which answers with an SSO token.
//
//   POST {identityUrl}/challenge            -> { challenge: base64url(32 bytes) }
//   POST {identityUrl}/token { certificate, challenge, signature: base64(RSASSA-PKCS1-v1_5/SHA-256) }
//                                           -> { token, userId }   (401 when refused)
//
// The exchange itself is the smartcard's (identity-exchange.ts); this module
// only proves possession with a key from a file. The key lives in a KeyObject,
// which never prints its material.

import { constants, createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { CredentialError, type CredentialProvider } from './credential-provider.ts';
import { exchangeProofForToken } from './smartcard/identity-exchange.ts';
import type { Transport } from '../ers/transport.ts';

export interface SoftwareCardOptions {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** e.g. https://127.0.0.1:8443/identity */
  readonly identityUrl: string;
  /** The same mutual-TLS transport e-RS calls use. */
  readonly transport: Transport;
}

function loadCard(options: SoftwareCardOptions): { certificatePem: string; key: KeyObject } {
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(options.certificatePem);
  } catch {
    throw new CredentialError('The test card certificate is not a PEM certificate', 'invalid');
  }
  try {
    key = createPrivateKey(options.privateKeyPem);
  } catch {
    throw new CredentialError('The test card private key is not a PEM private key (or it is encrypted)', 'invalid');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new CredentialError('The test card key must be an RSA key', 'invalid');
  if (!certificate.checkPrivateKey(key)) {
    throw new CredentialError('The test card private key does not belong to its certificate', 'invalid');
  }
  return { certificatePem: certificate.toString(), key };
}

export function createSoftwareCardProvider(options: SoftwareCardOptions): CredentialProvider {
  const card = loadCard(options);
  return {
    kind: 'test-card',
    async obtainSsoToken(signal) {
      const result = await exchangeProofForToken({
        identityUrl: options.identityUrl,
        transport: options.transport,
        credentialName: 'the test card',
        ...(signal === undefined ? {} : { signal }),
        prove: async (challenge) => ({
          certificatePem: card.certificatePem,
          signature: sign('sha256', challenge, { key: card.key, padding: constants.RSA_PKCS1_PADDING }),
        }),
      });
      return result.token;
    },
  };
}
