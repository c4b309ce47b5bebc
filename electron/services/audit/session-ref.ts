// The audit trail's reference to an e-RS session.
//
// e-RS's audit guidance asks for the "Session ID" (its example is
// pro-xapi-session_<uuid>). In the XAPI that id *is* HTTP_X_SESSION_KEY: every
// call on the session is authorised by it until A003 or expiry. A trail kept for
// months and exported for Subject Access Requests must not hold a credential, and
// the UUID part alone is the key minus a fixed prefix, so it is no safer.
//
// So the trail keeps the first 16 hex digits (64 bits) of the key's SHA-256:
// - the same on every line of one session, different between sessions;
// - not reversible: the key has 122 random bits, so it cannot be guessed from it;
// - checkable: whoever holds the real id (e-RS support quoting it in an incident)
//   computes sessionRef(id) and finds the matching lines.

import { createHash } from 'node:crypto';

export function sessionRef(sessionKey: string): string {
  return `sha256:${createHash('sha256').update(sessionKey, 'utf8').digest('hex').slice(0, 16)}`;
}
