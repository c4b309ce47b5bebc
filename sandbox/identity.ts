// The sandbox's stand-in for the Spine security broker: a person proves they hold a
// smartcard by signing a one-time challenge with the card's key, and gets an SSO
// token that A001 accepts. The card certificate must be issued by the card CA.

import { X509Certificate, constants, randomBytes, verify } from 'node:crypto';
import * as z from 'zod';
import { jsonReply, type Reply } from './http.ts';

const CHALLENGE_TTL_MS = 2 * 60_000;

export interface CardUser {
  readonly id: string;
  readonly name: string;
}

const TokenRequest = z.object({
  certificate: z.string().min(1),
  challenge: z.string().min(1),
  signature: z.string().min(1),
});

const refuse = (reason: string): Reply => jsonReply(401, { error: 'unauthorised', message: reason });

/** The card holder named in a card certificate: UID from serialNumber, name from CN. */
function cardUser(cert: X509Certificate): CardUser | null {
  const attrs = new Map<string, string>();
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    // Node escapes DN specials in values (Smith\, Jo); undo that.
    if (eq > 0) attrs.set(line.slice(0, eq), line.slice(eq + 1).replace(/\\(.)/g, '$1'));
  }
  const id = attrs.get('serialNumber');
  const name = attrs.get('CN');
  return id && name ? { id, name } : null;
}

export class IdentityService {
  readonly #cardCa: X509Certificate;
  readonly #challenges = new Map<string, number>();
  readonly #tokens = new Map<string, CardUser>();

  constructor(cardCaCertPem: string) {
    this.#cardCa = new X509Certificate(cardCaCertPem);
  }

  /** POST /identity/challenge: 32 random bytes, base64url, single use, valid for 2 minutes. */
  challenge(now = Date.now()): Reply {
    for (const [c, expires] of this.#challenges) if (expires <= now) this.#challenges.delete(c);
    const challenge = randomBytes(32).toString('base64url');
    this.#challenges.set(challenge, now + CHALLENGE_TTL_MS);
    return jsonReply(200, { challenge });
  }

  /** POST /identity/token: verifies the card certificate and the signature, and issues an SSO token. */
  token(body: Buffer, now = Date.now()): Reply {
    let parsed: z.infer<typeof TokenRequest>;
    try {
      parsed = TokenRequest.parse(JSON.parse(body.toString('utf8')));
    } catch {
      return jsonReply(400, { error: 'bad_request', message: 'Send JSON with certificate, challenge and signature' });
    }
    // A challenge is spent by any attempt, good or bad, so it can never be replayed.
    const expires = this.#challenges.get(parsed.challenge);
    this.#challenges.delete(parsed.challenge);
    if (expires === undefined || expires <= now) return refuse('Unknown, used or expired challenge');

    let cert: X509Certificate;
    try {
      cert = new X509Certificate(parsed.certificate);
    } catch {
      return refuse('The certificate could not be read');
    }
    if (!cert.checkIssued(this.#cardCa) || !cert.verify(this.#cardCa.publicKey)) {
      return refuse('The certificate was not issued by the card CA');
    }
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
      return refuse('The certificate is not valid now');
    }
    let signed = false;
    try {
      signed = verify(
        'sha256',
        Buffer.from(parsed.challenge, 'base64url'),
        { key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(parsed.signature, 'base64'),
      );
    } catch {
      signed = false;
    }
    if (!signed) return refuse('The signature does not verify with the certificate');
    const user = cardUser(cert);
    if (!user) return refuse('The certificate does not name a user (CN and serialNumber)');

    const token = ssoToken();
    this.#tokens.set(token, user);
    return jsonReply(200, { token, userId: user.id });
  }

  /** The user an SSO token was issued to, if it is one of ours. */
  userFor(token: string): CardUser | undefined {
    return this.#tokens.get(token);
  }
}

/** Opaque, shaped like the OpenAM tokens e-RS examples show ("AQIC5wM2LY4S…@AAJTSQACMDE=#"). */
function ssoToken(): string {
  return `AQIC5wM2LY4S${randomBytes(24).toString('base64')}@AAJTSQACMDE=#`;
}
