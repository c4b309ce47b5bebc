// Typed errors for everything that can go wrong talking to e-RS.
//
// One vocabulary for the transport (sockets, TLS, timeouts) and the API
// (statuses and OperationOutcomes), so callers decide what to do from the class
// alone: ErsRejectedError means "the server said no, do not resend as is",
// ErsRetryableError means "try again later", ErsSessionError means "sign in
// again". Messages are for people; they never contain the session key or the
// SSO token (see redact()), nor a request URL (A002/A003 carry the key in the path).

import { A020_ERROR_MEANINGS, isA020ErrorCode } from '../../../shared/ers/error-codes.ts';
import { parseOperationOutcome, type OutcomeIssue } from './operation-outcome.ts';
import { parseRetryAfter } from './retry-after.ts';

export type ErsErrorKind =
  | 'rejected' // 422: the server's validation said no
  | 'session' // 401/403
  | 'type-refused' // 406/415
  | 'retryable' // 429/500/502/503/504, network, timeouts
  | 'http' // any other status
  | 'protocol' // an answer we cannot use (e.g. 201 without a file id)
  | 'cancelled'
  | 'connection-security'; // TLS: certificate not trusted, or ours refused

export interface ErrorContext {
  /** HTTP status, when the server answered. */
  readonly status: number | null;
  /** X_ERS_TRANSACTION_ID (or X-Request-ID behind APIM), for support calls. */
  readonly transactionId: string | null;
  /** Whether the whole request body was handed to the network before things ended. */
  readonly bodySent: boolean;
}

const NO_CONTEXT: ErrorContext = { status: null, transactionId: null, bodySent: false };

export class ErsError extends Error {
  readonly kind: ErsErrorKind;
  readonly status: number | null;
  readonly transactionId: string | null;
  readonly bodySent: boolean;

  constructor(kind: ErsErrorKind, message: string, context: ErrorContext, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.kind = kind;
    this.status = context.status;
    this.transactionId = context.transactionId;
    this.bodySent = context.bodySent;
  }
}

/** 422: e-RS validated the request and refused it. `codes` are issue.details codes in issue order. */
export class ErsRejectedError extends ErsError {
  readonly codes: readonly string[];
  readonly issues: readonly OutcomeIssue[];

  constructor(message: string, issues: readonly OutcomeIssue[], context: ErrorContext) {
    super('rejected', message, context);
    this.issues = issues;
    this.codes = issues.flatMap((issue) => (issue.errorCode === null ? [] : [issue.errorCode]));
  }

  /** The first code, which the CLI and UI show. */
  get code(): string | null {
    return this.codes[0] ?? null;
  }
}

/** 401 (sign in again) or 403 (this user or role may not do this). */
export class ErsSessionError extends ErsError {
  readonly reason: 'unauthenticated' | 'forbidden';
  readonly code: string | null;

  constructor(message: string, reason: 'unauthenticated' | 'forbidden', code: string | null, context: ErrorContext) {
    super('session', message, context);
    this.reason = reason;
    this.code = code;
  }
}

/** 406/415: the server will not take (or give) this media type. */
export class ErsTypeRefusedError extends ErsError {
  constructor(message: string, context: ErrorContext) {
    super('type-refused', message, context);
  }
}

export type RetryReason = 'throttled' | 'server' | 'gateway' | 'network' | 'connect-timeout' | 'request-timeout';

/** Worth trying again later: the server was busy or failing, or the network let us down. */
export class ErsRetryableError extends ErsError {
  readonly reason: RetryReason;
  /** From Retry-After, when the server sent one. */
  readonly retryAfterMs: number | null;
  readonly code: string | null;

  constructor(
    message: string,
    reason: RetryReason,
    context: ErrorContext,
    options: { retryAfterMs?: number | null; code?: string | null; cause?: unknown } = {},
  ) {
    super('retryable', message, context, options.cause);
    this.reason = reason;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.code = options.code ?? null;
  }

  /**
   * True when the server may have acted on the request although we got no
   * success: the whole body went out and then either the connection failed
   * before any answer, or a gateway (502/504) gave up waiting for e-RS.
   * Resending A020 then may store a second, unlinked copy.
   */
  get outcomeUnknown(): boolean {
    if (!this.bodySent) return false;
    return this.status === null || this.status === 502 || this.status === 504;
  }
}

/** Any other status (400, 404, 409...). */
export class ErsHttpError extends ErsError {
  readonly code: string | null;

  constructor(message: string, code: string | null, context: ErrorContext) {
    super('http', message, context);
    this.code = code;
  }
}

/** An answer that breaks the contract, e.g. a 201 with no usable file id. Never treated as success. */
export class ErsProtocolError extends ErsError {
  constructor(message: string, context: ErrorContext) {
    super('protocol', message, context);
  }
}

export class ErsCancelledError extends ErsError {
  constructor(context: ErrorContext = NO_CONTEXT) {
    super('cancelled', 'The request to e-RS was cancelled', context);
  }
}

/** TLS failed: the server's certificate is not trusted, or the server refused ours. Not retryable: configuration. */
export class ErsConnectionSecurityError extends ErsError {
  readonly side: 'server-certificate' | 'client-certificate' | 'handshake';
  readonly code: string | null;

  constructor(message: string, side: ErsConnectionSecurityError['side'], code: string | null, cause: unknown) {
    super('connection-security', message, NO_CONTEXT, cause);
    this.side = side;
    this.code = code;
  }
}

// ---------------------------------------------------------------- building errors from answers

/** The parts of a response errors are built from (the transport's TransportResponse fits). */
export interface AnswerLike {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly bodySent: boolean;
}

const MAX_SERVER_TEXT = 500;

/** Replace every occurrence of each secret, so a server echoing the session key cannot leak it into a message. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Server text is untrusted: no control characters (terminal injection, fake log lines), bounded length. */
export function cleanServerText(text: string, secrets: readonly string[]): string {
  // eslint-disable-next-line no-control-regex
  const flat = redact(text, secrets).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > MAX_SERVER_TEXT ? `${flat.slice(0, MAX_SERVER_TEXT)}…` : flat;
}

export function transactionIdOf(headers: Readonly<Record<string, string>>): string | null {
  const value = headers['x_ers_transaction_id'] ?? headers['x-ers-transaction-id'] ?? headers['x-request-id'];
  if (value === undefined) return null;
  return /^[\x21-\x7e]{1,128}$/.test(value) ? value : null;
}

export function contextOf(answer: AnswerLike): ErrorContext {
  return { status: answer.status, transactionId: transactionIdOf(answer.headers), bodySent: answer.bodySent };
}

function firstIssueText(issues: readonly OutcomeIssue[], secrets: readonly string[]): string | null {
  for (const issue of issues) {
    const text = issue.diagnostics ?? issue.display;
    if (text !== null && text.trim() !== '') return cleanServerText(text, secrets);
  }
  return null;
}

function plainText(answer: AnswerLike, secrets: readonly string[]): string | null {
  const type = answer.headers['content-type'] ?? '';
  if (answer.body.byteLength === 0 || !/^text\//i.test(type)) return null;
  const text = cleanServerText(new TextDecoder().decode(answer.body), secrets);
  return text === '' ? null : text;
}

function retryMessage(status: number): { reason: RetryReason; message: string } {
  switch (status) {
    case 429:
      return { reason: 'throttled', message: 'e-RS is receiving too many requests: try again shortly' };
    case 502:
    case 504:
      return { reason: 'gateway', message: `e-RS did not answer in time (${status}): try again shortly` };
    case 503:
      return { reason: 'server', message: 'e-RS is not available at the moment (503): try again later' };
    default:
      return { reason: 'server', message: `e-RS had a problem (${status}): try again later` };
  }
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/**
 * The typed error for a non-success answer. `secrets` (session key, token) are
 * scrubbed from any server text used in the message.
 */
export function errorFromAnswer(answer: AnswerLike, secrets: readonly string[] = [], nowMs = Date.now()): ErsError {
  const context = contextOf(answer);
  const outcome = parseOperationOutcome(answer.body);
  const issues = outcome?.issues ?? [];
  const code = issues.find((issue) => issue.errorCode !== null)?.errorCode ?? null;
  const serverText = firstIssueText(issues, secrets) ?? plainText(answer, secrets);
  const { status } = answer;

  if (status === 422) {
    const meaning = code !== null && isA020ErrorCode(code) ? A020_ERROR_MEANINGS[code] : null;
    const message =
      serverText ?? meaning ?? (outcome === null ? 'e-RS refused the request, and its reason could not be read' : 'e-RS refused the request');
    return new ErsRejectedError(message, issues, context);
  }
  if (status === 401) {
    const detail = serverText === null ? '' : ` (${serverText})`;
    return new ErsSessionError(`Your e-RS session is not valid: sign in again${detail}`, 'unauthenticated', code, context);
  }
  if (status === 403) {
    const detail = serverText === null ? '' : `: ${serverText}`;
    return new ErsSessionError(`e-RS refused access for this role${detail}`, 'forbidden', code, context);
  }
  if (status === 406 || status === 415) {
    const detail = serverText === null ? '' : `: ${serverText}`;
    return new ErsTypeRefusedError(`e-RS does not accept this type of file (${status})${detail}`, context);
  }
  if (RETRYABLE_STATUSES.has(status)) {
    const { reason, message } = retryMessage(status);
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], nowMs);
    return new ErsRetryableError(message, reason, context, { retryAfterMs, code });
  }
  const detail = serverText === null ? '' : `: ${serverText}`;
  return new ErsHttpError(`e-RS answered ${status}${detail}`, code, context);
}
