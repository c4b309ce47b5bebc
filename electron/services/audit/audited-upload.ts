// Auditing one A020 attempt: a line before the bytes go out (on disk before
// the request starts, so even a crash mid-upload leaves the attempt on record)
// and a line for what came back. Used by the backend's uploader and by the
// headless upload command, so both leave the same trail.

import { randomUUID } from 'node:crypto';
import { ErsError, ErsRetryableError } from '../ers/errors.ts';
import type { ProfessionalSession } from '../ers/session.ts';
import type { UploadRequest } from '../queue/ports.ts';
import { classifyUploadError } from '../queue/ers-attempt.ts';
import { AUDIT_FORMAT, type AuditEvent, type AuditOutcome } from './audit-event.ts';
import type { AuditTrail } from './audit-trail.ts';
import { sessionRef } from './session-ref.ts';

/** Who sent it, where, on which session: the same for every attempt on one session. */
export interface AuditSessionFacts {
  readonly environment: string;
  readonly userUuid: string;
  readonly sessionRef: string;
  readonly odsCode: string | null;
  readonly orgName: string | null;
  readonly businessFunction: string | null;
  readonly asid: string;
  readonly fqdn: string;
}

/** What was sent. */
export interface AuditUploadFacts {
  readonly itemId: string;
  readonly attempt: number;
  readonly fileName: string;
  readonly attachmentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly ubrn: string | null;
  readonly possibleDuplicate: boolean;
}

/** The part of uploadBinary's result the trail records. */
export interface UploadAnswer {
  readonly fileId: string;
  readonly transactionId: string | null;
  readonly status: number;
}

export function sessionFacts(session: ProfessionalSession, environment: string): AuditSessionFacts {
  const role = session.permission;
  return {
    environment,
    userUuid: session.user.identifier,
    sessionRef: sessionRef(session.key.reveal()),
    odsCode: role?.orgIdentifier ?? null,
    orgName: role?.orgName ?? null,
    businessFunction: role?.businessFunction ?? null,
    asid: session.connection.asid,
    fqdn: session.connection.fqdn,
  };
}

type OutcomeFacts = Pick<AuditEvent, 'outcome' | 'attachmentId' | 'httpStatus' | 'errorCode' | 'transactionId' | 'outcomeUnknown' | 'detail'>;

const NO_OUTCOME: OutcomeFacts & { durationMs: null } = {
  outcome: null,
  attachmentId: null,
  httpStatus: null,
  errorCode: null,
  transactionId: null,
  outcomeUnknown: null,
  durationMs: null,
  detail: null,
};

function line(who: AuditSessionFacts, what: AuditUploadFacts, at: number, rest: Pick<AuditEvent, 'event' | 'durationMs'> & OutcomeFacts): AuditEvent {
  // Every field named: nothing from a request or session object is spread in.
  return {
    format: AUDIT_FORMAT,
    eventId: randomUUID(),
    time: new Date(at).toISOString(),
    event: rest.event,
    method: 'POST',
    auditType: 'API Upload File (A020)',
    resourceType: 'Clinical Attachment',
    environment: who.environment,
    userUuid: who.userUuid,
    oboUuid: null,
    nhsNumber: null,
    sessionRef: who.sessionRef,
    odsCode: who.odsCode,
    orgName: who.orgName,
    businessFunction: who.businessFunction,
    asid: who.asid,
    fqdn: who.fqdn,
    ubrn: what.ubrn,
    itemId: what.itemId,
    attempt: what.attempt,
    fileName: what.fileName,
    attachmentType: what.attachmentType,
    size: what.size,
    sha256: what.sha256,
    possibleDuplicate: what.possibleDuplicate,
    outcome: rest.outcome,
    attachmentId: rest.attachmentId,
    httpStatus: rest.httpStatus,
    errorCode: rest.errorCode,
    transactionId: rest.transactionId,
    outcomeUnknown: rest.outcomeUnknown,
    durationMs: rest.durationMs,
    detail: rest.detail,
  };
}

const OUTCOME_OF_KIND = {
  session: 'session-ended',
  rejected: 'rejected',
  'type-refused': 'type-refused',
  aborted: 'cancelled',
  internal: 'error',
} as const satisfies Record<string, AuditOutcome>;

/** e-RS's code if it gave one; else what the socket said, or which timeout ran out. */
function errorCodeOf(error: unknown): string | null {
  const own = error instanceof ErsError ? (error as { code?: unknown }).code : undefined;
  if (typeof own === 'string' && own !== '') return own.slice(0, 64);
  if (error instanceof ErsRetryableError) {
    const socket = (error.cause as { code?: unknown } | undefined)?.code;
    if (typeof socket === 'string') return socket.slice(0, 64);
    if (error.status === null) return error.reason;
  }
  return null;
}

export function failureFacts(error: unknown, signal: AbortSignal): OutcomeFacts {
  const failure = classifyUploadError(error, signal);
  const outcome: AuditOutcome =
    failure.kind === 'retryable' ? (failure.status === null ? 'no-answer' : 'retry-later') : OUTCOME_OF_KIND[failure.kind];
  const outcomeUnknown =
    failure.kind === 'retryable' || failure.kind === 'internal' ? failure.outcomeUnknown : failure.kind === 'aborted' ? failure.bodySent : false;
  const ers = error instanceof ErsError ? error : null;
  return {
    outcome,
    attachmentId: null,
    httpStatus: ers?.status ?? null,
    errorCode: errorCodeOf(error),
    transactionId: ers?.transactionId ?? null,
    outcomeUnknown,
    // The client's messages are written without secrets; anything else is named, not quoted.
    detail: ers ? ers.message.slice(0, 300) : error instanceof Error ? error.name : 'error',
  };
}

/**
 * Runs `send` between an attempt line (written and synced first) and an outcome
 * line. Returns or throws exactly what `send` did.
 */
export async function auditedUpload<T extends UploadAnswer>(
  trail: AuditTrail,
  who: AuditSessionFacts,
  what: AuditUploadFacts,
  signal: AbortSignal,
  send: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  const started = now();
  await trail.record(line(who, what, started, { event: 'upload-attempt', ...NO_OUTCOME }));
  const finish = (facts: OutcomeFacts) => {
    const at = now();
    return trail.record(line(who, what, at, { event: 'upload-outcome', durationMs: Math.max(0, at - started), ...facts }));
  };
  let answer: T;
  try {
    answer = await send();
  } catch (error) {
    await finish(failureFacts(error, signal));
    throw error;
  }
  await finish({
    outcome: 'uploaded',
    attachmentId: answer.fileId,
    httpStatus: answer.status,
    errorCode: null,
    transactionId: answer.transactionId,
    outcomeUnknown: false,
    detail: null,
  });
  return answer;
}

/** The facts of a queue attempt, as the backend's uploader receives it. */
export function uploadFacts(request: Pick<UploadRequest, 'itemId' | 'attempt' | 'sha256' | 'possibleDuplicate' | 'bytes' | 'storedName' | 'mimeType' | 'ubrn'>): AuditUploadFacts {
  return {
    itemId: request.itemId,
    attempt: request.attempt,
    fileName: request.storedName,
    attachmentType: request.mimeType,
    size: request.bytes.byteLength,
    sha256: request.sha256,
    ubrn: request.ubrn,
    possibleDuplicate: request.possibleDuplicate,
  };
}

/** Wraps the backend's A020 call so every attempt on a ProfessionalSession is audited. */
export function auditSendFile<R extends UploadAnswer, Q extends Parameters<typeof uploadFacts>[0] & { readonly signal: AbortSignal }>(
  trail: AuditTrail,
  environment: string,
  send: (session: ProfessionalSession, request: Q) => Promise<R>,
): (session: ProfessionalSession, request: Q) => Promise<R> {
  return (session, request) => auditedUpload(trail, sessionFacts(session, environment), uploadFacts(request), request.signal, () => send(session, request));
}
