// A smartcard in software: a PEM certificate and private key (the sandbox's
// test card). It proves possession the way a card does, by signing a one-time
// challenge from the identity service, which answers with an SSO token.
//
//   POST {identityUrl}/challenge            -> { challenge: base64url(32 bytes) }
//   POST {identityUrl}/token { certificate, challenge, signature: base64(RSASSA-PKCS1-v1_5/SHA-256) }
//                                           -> { token, userId }   (401 when refused)
//
// The key lives in a KeyObject, which never prints its material.

import { constants, createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { CredentialError, type CredentialProvider } from './credential-provider.ts';
import { call, jsonBody, jsonIn, parseAnswer } from '../ers/endpoint.ts';
import { cleanServerText } from '../ers/errors.ts';
import type { Transport } from '../ers/transport.ts';

export interface SoftwareCardOptions {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** e.g. https://127.0.0.1:8443/identity */
  readonly identityUrl: string;
  /** The same mutual-TLS transport e-RS calls use. */
  readonly transport: Transport;
}

const Challenge = z.object({ challenge: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/) });
const Issued = z.object({ token: z.string().regex(/^[\x21-\x7e]{1,4096}$/) });
const Refusal = z.object({ message: z.string() });

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

const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' } as const;

export function createSoftwareCardProvider(options: SoftwareCardOptions): CredentialProvider {
  const card = loadCard(options);
  const identity = { baseUrl: options.identityUrl, transport: options.transport };

  return {
    kind: 'test-card',
    async obtainSsoToken(signal) {
      const what = 'identity service challenge';
      const asked = await call(identity, {
        method: 'POST', path: '/challenge', headers: HEADERS, body: jsonBody({}), signal, expect: [200], secrets: [], what,
      });
      const { challenge } = parseAnswer(asked, Challenge, what, 'a challenge');

      const signature = sign('sha256', Buffer.from(challenge, 'base64url'), {
        key: card.key,
        padding: constants.RSA_PKCS1_PADDING,
      }).toString('base64');
      const tokenWhat = 'identity service token request';
      const answered = await call(identity, {
        method: 'POST',
        path: '/token',
        headers: HEADERS,
        body: jsonBody({ certificate: card.certificatePem, challenge, signature }),
        signal,
        expect: [200, 401],
        secrets: [],
        what: tokenWhat,
      });
      if (answered.status === 401) {
        const refusal = Refusal.safeParse(jsonIn(answered.body));
        const why = refusal.success ? `: ${cleanServerText(refusal.data.message, [])}` : '';
        throw new CredentialError(`The identity service did not accept the test card${why}`, 'refused');
      }
      return parseAnswer(answered, Issued, tokenWhat, 'a token').token;
    },
  };
}
