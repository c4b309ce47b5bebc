// The identity service exchange (the Spine security broker's role; the sandbox
// plays it): get a one-time challenge, prove possession of a card key by
// signing it, get an SSO token for A001.
//
//   POST {identityUrl}/challenge -> { challenge: base64url of 32 bytes }
//   POST {identityUrl}/token { certificate: PEM, challenge, signature: base64 } -> { token, userId } (401 when refused)
//
// The proof is a callback, so any holder of a card key (the PKCS#11 card, a
// software test card) can use the same exchange.

import * as z from 'zod';
import { CredentialError } from '../credential-provider.ts';
import { call, jsonBody, jsonIn, parseAnswer } from '../../ers/endpoint.ts';
import { cleanServerText } from '../../ers/errors.ts';
import type { Transport } from '../../ers/transport.ts';

export interface PossessionProof {
  readonly certificatePem: string;
  /** RSASSA-PKCS1-v1_5 SHA-256 over the challenge's decoded bytes. */
  readonly signature: Uint8Array;
}

export interface IdentityExchangeOptions {
  /** e.g. https://127.0.0.1:PORT/identity */
  readonly identityUrl: string;
  /** The mutual-TLS transport e-RS calls use. */
  readonly transport: Transport;
  /** Sign the challenge bytes. */
  readonly prove: (challenge: Uint8Array) => Promise<PossessionProof>;
  readonly signal?: AbortSignal;
  /** How messages name the credential. Default "your smartcard". */
  readonly credentialName?: string;
}

export interface IdentityResult {
  readonly token: string;
  readonly userId: string;
}

const Challenge = z.object({ challenge: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/) });
const Issued = z.object({ token: z.string().regex(/^[\x21-\x7e]{1,4096}$/), userId: z.string().min(1).max(64) });
const Refusal = z.object({ message: z.string() });

const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' } as const;

/** Challenge -> proof -> token. Rejects with CredentialError('refused') on a 401, an ErsError for transport failures. */
export async function exchangeProofForToken(options: IdentityExchangeOptions): Promise<IdentityResult> {
  const identity = { baseUrl: options.identityUrl, transport: options.transport };
  const { signal } = options;

  const what = 'identity service challenge';
  const asked = await call(identity, {
    method: 'POST', path: '/challenge', headers: HEADERS, body: jsonBody({}), signal, expect: [200], secrets: [], what,
  });
  const { challenge } = parseAnswer(asked, Challenge, what, 'a challenge');

  const proof = await options.prove(new Uint8Array(Buffer.from(challenge, 'base64url')));

  const tokenWhat = 'identity service token request';
  const answered = await call(identity, {
    method: 'POST',
    path: '/token',
    headers: HEADERS,
    body: jsonBody({ certificate: proof.certificatePem, challenge, signature: Buffer.from(proof.signature).toString('base64') }),
    signal,
    expect: [200, 401],
    secrets: [],
    what: tokenWhat,
  });
  if (answered.status === 401) {
    const refusal = Refusal.safeParse(jsonIn(answered.body));
    const why = refusal.success ? ` (${cleanServerText(refusal.data.message, [])})` : '';
    throw new CredentialError(
      `The NHS identity service did not accept ${options.credentialName ?? 'your smartcard'}${why}. If this keeps happening, contact your Registration Authority`,
      'refused',
    );
  }
  return parseAnswer(answered, Issued, tokenWhat, 'a token');
}
