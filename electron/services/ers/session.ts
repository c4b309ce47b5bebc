// The e-RS professional session: A001 create, A002 select role, A003 delete.
//
// A session is immutable data; selectRole returns a new one. Its key and token
// are Secrets, so logging or serialising a session never shows them, and they
// are scrubbed from server text in errors.
//
// After A002 we use the id (and token) A002 returned: in the official examples
// they differ from A001's, and the one public client (WMS) replaces its session
// with the A002 answer. When A002 echoes the same id nothing changes.

import * as z from 'zod';
import { contextOf, ErsProtocolError } from './errors.ts';
import { call, jsonBody, parseAnswer, type ErsConnection } from './endpoint.ts';
import { Secret } from './secret.ts';
import type { TransportResponse } from './transport.ts';
import { BUSINESS_FUNCTIONS_THAT_UPLOAD } from '../../../shared/ipc/contract.ts';

export const SESSION_TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';

export interface Permission {
  readonly businessFunction: string;
  readonly orgIdentifier: string;
  readonly orgName: string | null;
}

export interface ErsUser {
  readonly identifier: string;
  readonly firstName: string | null;
  readonly middleName: string | null;
  readonly lastName: string | null;
}

export interface ProfessionalSession {
  readonly connection: ErsConnection;
  /** HTTP_X_SESSION_KEY. */
  readonly key: Secret;
  readonly token: Secret;
  readonly user: ErsUser;
  /** Every role the user holds. */
  readonly permissions: readonly Permission[];
  /** The role chosen with A002; null until then, when e-RS refuses other calls. */
  readonly permission: Permission | null;
}

export interface RoleChoice {
  readonly businessFunction: string;
  readonly orgIdentifier: string;
}

// Keys are opaque (pro-xapi-session_<uuid>, pro-api-session:<uuid>, ...) but go
// into a header and a path, so: printable ASCII, no spaces, bounded.
const SessionKey = z.string().regex(/^[\x21-\x7e]{1,256}$/);
const Token = z.string().trim().regex(/^[\x21-\x7e]{1,4096}$/);

const PermissionSchema = z.looseObject({
  businessFunction: z.string().regex(/^[A-Z_]{1,64}$/),
  orgIdentifier: z.string().regex(/^[A-Za-z0-9]{1,16}$/),
  orgName: z.string().max(256).nullish(),
});

const SessionSchema = z.looseObject({
  id: SessionKey,
  token: Token.nullish(),
  user: z.looseObject({
    identifier: z.string().min(1).max(64),
    firstName: z.string().max(256).nullish(),
    middleName: z.string().max(256).nullish(),
    lastName: z.string().max(256).nullish(),
    permissions: z.array(PermissionSchema).max(200),
  }),
  permission: PermissionSchema.nullish(),
});

function permissionOf(p: z.infer<typeof PermissionSchema>): Permission {
  const orgName = p.orgName?.trim() ?? '';
  return { businessFunction: p.businessFunction, orgIdentifier: p.orgIdentifier, orgName: orgName === '' ? null : orgName };
}

const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
};

function sessionOf(
  connection: ErsConnection,
  response: TransportResponse,
  what: string,
  fallbackToken: Secret,
): ProfessionalSession {
  const data = parseAnswer(response, SessionSchema, what, 'a professional session');
  return {
    connection,
    key: new Secret(data.id, 'session key'),
    token: data.token == null ? fallbackToken : new Secret(data.token, 'SSO token'),
    user: {
      identifier: data.user.identifier,
      firstName: text(data.user.firstName),
      middleName: text(data.user.middleName),
      lastName: text(data.user.lastName),
    },
    permissions: data.user.permissions.map(permissionOf),
    permission: data.permission == null ? null : permissionOf(data.permission),
  };
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' } as const;

/** The session's secrets, for scrubbing server text. */
export function sessionSecrets(session: ProfessionalSession): string[] {
  return [session.key.reveal(), session.token.reveal()];
}

/** Headers every call on an established session carries. */
export function sessionHeaders(session: ProfessionalSession): Record<string, string> {
  return { XAPI_ASID: session.connection.asid, HTTP_X_SESSION_KEY: session.key.reveal() };
}

/** A001: exchange an SSO token for a session (role not yet chosen). */
export async function createProfessionalSession(
  connection: ErsConnection,
  ssoToken: string,
  options: { signal?: AbortSignal } = {},
): Promise<ProfessionalSession> {
  const parsedToken = Token.safeParse(ssoToken);
  if (!parsedToken.success) throw new TypeError('The SSO token is empty or holds characters a token cannot have');
  const token = parsedToken.data;
  const what = 'e-RS request to start a session (A001)';
  const response = await call(connection, {
    method: 'POST',
    path: '/v1/ProfessionalSession',
    headers: { XAPI_ASID: connection.asid, ...JSON_HEADERS },
    body: jsonBody({ typeInfo: SESSION_TYPE_INFO, token }),
    signal: options.signal,
    expect: [200, 201],
    secrets: [token],
    what,
  });
  return sessionOf(connection, response, what, new Secret(token, 'SSO token'));
}

/** A002: choose the role to act in. Returns the session to use from now on (A002's id). */
export async function selectRole(
  session: ProfessionalSession,
  role: RoleChoice,
  options: { signal?: AbortSignal } = {},
): Promise<ProfessionalSession> {
  const what = 'e-RS request to choose a role (A002)';
  const response = await call(session.connection, {
    method: 'PUT',
    path: `/v1/ProfessionalSession/${encodeURIComponent(session.key.reveal())}`,
    headers: { ...sessionHeaders(session), ...JSON_HEADERS },
    body: jsonBody({
      typeInfo: SESSION_TYPE_INFO,
      token: session.token.reveal(),
      permission: { businessFunction: role.businessFunction, orgIdentifier: role.orgIdentifier },
    }),
    signal: options.signal,
    expect: [200],
    secrets: sessionSecrets(session),
    what,
  });
  const next = sessionOf(session.connection, response, what, session.token);
  if (next.permission === null) {
    throw new ErsProtocolError('e-RS did not confirm the role chosen (A002)', contextOf(response));
  }
  return next;
}

/** A003: end the session. Call only once every call made with it has returned. */
export async function deleteProfessionalSession(
  session: ProfessionalSession,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await call(session.connection, {
    method: 'DELETE',
    path: `/v1/ProfessionalSession/${encodeURIComponent(session.key.reveal())}`,
    headers: sessionHeaders(session),
    signal: options.signal,
    expect: [200, 204],
    secrets: sessionSecrets(session),
    what: 'e-RS request to end the session (A003)',
  });
}

const UPLOAD_ROLES: ReadonlySet<string> = new Set(BUSINESS_FUNCTIONS_THAT_UPLOAD);

/** Whether a role may upload attachments (A020: RC, RCA, SPC, SPCA). */
export function canUpload(permission: Pick<Permission, 'businessFunction'>): boolean {
  return UPLOAD_ROLES.has(permission.businessFunction);
}
