// One line of the audit trail: what e-RS asks suppliers to keep for each call
// (legacy API hub, "Audit logs": user UUID, OBO UUID, UBRN, NHS number, session
// id, organisation, business function, ASID, FQDN, attachment id/type, file
// name, in UTC), for one A020 attempt or its outcome.
//
// Deliberately absent: file content, the PIN, the SSO token and the session key.
// e-RS's "Session ID" is the session key itself (HTTP_X_SESSION_KEY), a bearer
// credential until A003, so the trail keeps `sessionRef` instead: the first 16
// hex digits of its SHA-256 (see session-ref.ts). The schema is strict, so a
// line can only ever hold these fields.

import * as z from 'zod';

export const AUDIT_FORMAT = 1;

/** What became of one attempt, from e-RS's answer (or the lack of one). */
export const AUDIT_OUTCOMES = [
  'uploaded', // 200/201 with an attachment id
  'rejected', // 422 or another 4xx: e-RS said no, with its code
  'type-refused', // 406/415
  'session-ended', // 401/403
  'retry-later', // 429/5xx: e-RS answered "not now"
  'no-answer', // the connection failed or timed out before an answer
  'cancelled', // stopped by the person, a sign-out or a card removal
  'error', // anything else (an unusable answer, a certificate problem)
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

const text = (max: number) => z.string().max(max);

export const AuditEventSchema = z.strictObject({
  format: z.literal(AUDIT_FORMAT),
  /** Unique per line. */
  eventId: z.uuid(),
  /** UTC, ISO 8601 with milliseconds. */
  time: z.iso.datetime({ precision: 3 }),
  event: z.enum(['upload-attempt', 'upload-outcome']),
  /** e-RS "Event Type" and "Audit Type" / "Resource Type" for A020. */
  method: z.literal('POST'),
  auditType: z.literal('API Upload File (A020)'),
  resourceType: z.literal('Clinical Attachment'),
  /** The configured environment the call went to. */
  environment: text(64),
  /** The smartcard user's UUID (e-RS user identifier). */
  userUuid: text(64),
  /** On-behalf-of user: ers-attach never acts for another user, so always null. */
  oboUuid: text(64).nullable(),
  /** A020 carries no patient identifier and ers-attach is not told one, so null. */
  nhsNumber: text(10).nullable(),
  /** A non-reversible reference to the e-RS session (never the key). */
  sessionRef: z.string().regex(/^sha256:[0-9a-f]{16}$/),
  /** ODS code of the organisation of the role in use. */
  odsCode: text(16).nullable(),
  orgName: text(256).nullable(),
  businessFunction: text(64).nullable(),
  asid: text(16),
  fqdn: text(253),
  ubrn: z.string().regex(/^\d{12}$/).nullable(),
  /** The queue item (or CLI run's file) this attempt was for, and which attempt (1 = first). */
  itemId: text(100),
  attempt: z.number().int().positive(),
  /** The name sent in X-ERS-XAPI-META-FILE_NAME. */
  fileName: text(255),
  /** The Content-Type sent. */
  attachmentType: text(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** An earlier attempt's answer never came, so e-RS may hold another, unattached copy. */
  possibleDuplicate: z.boolean(),
  // ---- outcome lines only (null on attempt lines)
  outcome: z.enum(AUDIT_OUTCOMES).nullable(),
  /** The e-RS file id (Location: Binary/<id>). */
  attachmentId: text(64).nullable(),
  httpStatus: z.number().int().min(100).max(599).nullable(),
  /** e-RS's code (e.g. FILE_SIZE_ERROR), else the socket's (ECONNRESET) or the timeout's. */
  errorCode: text(64).nullable(),
  /** X_ERS_TRANSACTION_ID, for e-RS support. */
  transactionId: text(128).nullable(),
  /** The whole file went out and no answer says whether e-RS stored it. */
  outcomeUnknown: z.boolean().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** The client's one-line reason (already cleaned of secrets and control characters). */
  detail: text(300).nullable(),
});

export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** The column order used by the CSV export: the schema's own order. */
export const AUDIT_FIELDS = Object.keys(AuditEventSchema.shape) as (keyof AuditEvent)[];
