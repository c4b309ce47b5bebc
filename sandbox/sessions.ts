// Professional sessions (A001 create, A002 select role, A003 delete) and the
// session check every later call goes through. Shapes follow the legacy e-RS
// examples (research notes §3.3-3.5).
//
// Status choices where e-RS documents none (research notes §12): an unknown, deleted
// or expired session key is 401 NO_ACCESS ("reauthenticate"); a session without a
// role, or whose role may not do the call, is 403 FORBIDDEN.

import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { jsonReply, outcomeReply, type Reply } from './http.ts';
import type { CardUser } from './identity.ts';

const TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';

export interface Permission {
  readonly businessFunction: string;
  readonly orgIdentifier: string;
  readonly orgName: string;
}

/** Every sandbox user holds the roles of the A001 example: four that may upload, and SERVICE_DEFINER, which may not. */
const PERMISSIONS: readonly Permission[] = [
  'REFERRING_CLINICIAN',
  'REFERRING_CLINICIAN_ADMIN',
  'SERVICE_DEFINER',
  'SERVICE_PROVIDER_CLINICIAN',
  'SERVICE_PROVIDER_CLINICIAN_ADMIN',
].map((businessFunction) => ({ businessFunction, orgIdentifier: 'R01', orgName: 'NHST_X3' }));

/** The roles A020 allows (legacy A020 user story, 2021; APIM A020 business functions). */
export const UPLOAD_ROLES: ReadonlySet<string> = new Set([
  'REFERRING_CLINICIAN',
  'REFERRING_CLINICIAN_ADMIN',
  'SERVICE_PROVIDER_CLINICIAN',
  'SERVICE_PROVIDER_CLINICIAN_ADMIN',
]);

export interface Session {
  readonly key: string;
  readonly token: string;
  readonly user: CardUser;
  permission: Permission | null;
  expired: boolean;
}

const CreateRequest = z.object({ typeInfo: z.literal(TYPE_INFO), token: z.string().min(1) });
const SelectRoleRequest = z.object({
  typeInfo: z.literal(TYPE_INFO),
  permission: z.object({ businessFunction: z.string(), orgIdentifier: z.string() }),
});

function splitName(name: string): { firstName: string; lastName: string } {
  const space = name.lastIndexOf(' ');
  return space < 0 ? { firstName: '', lastName: name } : { firstName: name.slice(0, space), lastName: name.slice(space + 1) };
}

function sessionJson(s: Session): unknown {
  return {
    typeInfo: TYPE_INFO,
    id: s.key,
    token: s.token,
    user: { identifier: s.user.id, ...splitName(s.user.name), middleName: null, permissions: PERMISSIONS },
    permission: s.permission,
  };
}

function parseJson<T>(schema: z.ZodType<T>, body: Buffer): { ok: true; value: T } | { ok: false; reply: Reply } {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reply: outcomeReply(400, 'INVALID_FHIR_STRUCTURE', 'The request body is not valid JSON') };
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    const path = result.error.issues[0]?.path ?? [];
    const value = path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), raw);
    const where = path.join('.') || 'the body';
    return value === undefined
      ? { ok: false, reply: outcomeReply(422, 'MISSING_VALUE', `${where} is missing`) }
      : { ok: false, reply: outcomeReply(422, 'INVALID_VALUE', `${where} is not valid`) };
  }
  return { ok: true, value: result.data };
}

/** A session as A001 issued it, kept after A003 so tests can look for its secrets where they must not be. */
export interface IssuedSession {
  readonly key: string;
  readonly token: string;
  readonly userId: string;
  readonly at: number;
}

/** Most issued sessions remembered (the oldest are forgotten first), so a long-running sandbox stays small. */
const ISSUED_KEPT = 1000;

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly issued: IssuedSession[] = [];
  readonly #userFor: (token: string) => CardUser | undefined;

  constructor(userFor: (token: string) => CardUser | undefined) {
    this.#userFor = userFor;
  }

  /** A001. */
  create(body: Buffer): Reply {
    const req = parseJson(CreateRequest, body);
    if (!req.ok) return req.reply;
    const user = this.#userFor(req.value.token);
    if (!user) return outcomeReply(401, 'NO_ACCESS', 'The SSO token is not valid');
    const session: Session = { key: `pro-xapi-session_${randomUUID()}`, token: req.value.token, user, permission: null, expired: false };
    this.#sessions.set(session.key, session);
    this.issued.push({ key: session.key, token: session.token, userId: user.id, at: Date.now() });
    if (this.issued.length > ISSUED_KEPT) this.issued.shift();
    return jsonReply(201, sessionJson(session));
  }

  /** A002: the chosen permission must be one the user holds. */
  selectRole(pathKey: string, headerKey: string | undefined, body: Buffer): Reply {
    const found = this.find(pathKey, headerKey);
    if ('reply' in found) return found.reply;
    const req = parseJson(SelectRoleRequest, body);
    if (!req.ok) return req.reply;
    const { businessFunction, orgIdentifier } = req.value.permission;
    const held = PERMISSIONS.find((p) => p.businessFunction === businessFunction && p.orgIdentifier === orgIdentifier);
    if (!held) return outcomeReply(403, 'FORBIDDEN', `The user does not hold ${businessFunction} at ${orgIdentifier}`);
    found.session.permission = held;
    return jsonReply(200, sessionJson(found.session));
  }

  /** A003: 204, and the key is dead from then on. */
  delete(pathKey: string, headerKey: string | undefined): Reply {
    const found = this.find(pathKey, headerKey);
    if ('reply' in found) return found.reply;
    this.#sessions.delete(found.session.key);
    return { status: 204 };
  }

  /** The live session for a key; `headerKey` (HTTP_X_SESSION_KEY) must be sent and match the path's key. */
  find(key: string | undefined, headerKey: string | undefined): { session: Session } | { reply: Reply } {
    if (headerKey === undefined || headerKey === '') return { reply: outcomeReply(401, 'NO_ACCESS', 'The HTTP_X_SESSION_KEY header is missing') };
    if (key !== headerKey) return { reply: outcomeReply(401, 'NO_ACCESS', 'HTTP_X_SESSION_KEY does not match the session in the path') };
    const session = this.#sessions.get(key);
    if (!session) return { reply: outcomeReply(401, 'NO_ACCESS', 'The session key is not valid') };
    if (session.expired) return { reply: outcomeReply(401, 'NO_ACCESS', 'The session has expired') };
    return { session };
  }

  /** The session for a call other than A002/A003: it must have a role, and (for uploads) one that may upload. */
  authorise(headerKey: string | undefined, need: 'any-role' | 'upload'): { session: Session } | { reply: Reply } {
    const found = this.find(headerKey, headerKey);
    if ('reply' in found) return found;
    const role = found.session.permission;
    if (!role) return { reply: outcomeReply(403, 'FORBIDDEN', 'No role has been selected for this session (A002)') };
    if (need === 'upload' && !UPLOAD_ROLES.has(role.businessFunction)) {
      return { reply: outcomeReply(403, 'FORBIDDEN', `The role ${role.businessFunction} cannot upload files`) };
    }
    return found;
  }

  /** Ends a session as if it had timed out: every later use is 401. */
  expire(key: string | undefined): void {
    const session = key === undefined ? undefined : this.#sessions.get(key);
    if (session) session.expired = true;
  }
}
