// One A020 attempt as the queue sees it: the e-RS client's typed errors turned
// into the queue's AttemptResult, so the queue decides retries from facts
// (answered or not, body sent or not, Retry-After) and never from messages.

import {
  ErsCancelledError,
  ErsError,
  ErsHttpError,
  ErsProtocolError,
  ErsRejectedError,
  ErsRetryableError,
  ErsSessionError,
  ErsTypeRefusedError,
} from '../ers/errors.ts';
import { A020_ERROR_MEANINGS, isA020ErrorCode } from '../../../shared/ers/error-codes.ts';
import { NoSessionError } from '../auth/session-keeper.ts';
import type { AttemptFailure } from './ports.ts';

export function classifyUploadError(error: unknown, signal: AbortSignal): AttemptFailure {
  if (error instanceof NoSessionError) return { kind: 'session', status: null };
  if (error instanceof ErsSessionError) return { kind: 'session', status: error.status };
  if (error instanceof ErsRejectedError) {
    // The client's message is the server's own text, already cleaned of control characters and secrets.
    const meaning = error.code !== null && isA020ErrorCode(error.code) ? A020_ERROR_MEANINGS[error.code] : null;
    const diagnostics = error.message === meaning ? null : error.message;
    return { kind: 'rejected', status: error.status ?? 422, code: error.code, diagnostics };
  }
  if (error instanceof ErsHttpError) return { kind: 'rejected', status: error.status ?? 400, code: error.code, diagnostics: null };
  if (error instanceof ErsTypeRefusedError) return { kind: 'type-refused', status: error.status ?? 415 };
  if (error instanceof ErsRetryableError) {
    return {
      kind: 'retryable',
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      outcomeUnknown: error.outcomeUnknown,
      detail: `${error.reason}: ${error.message}`,
    };
  }
  if (error instanceof ErsCancelledError) return { kind: 'aborted', bodySent: error.bodySent };
  if (signal.aborted) return { kind: 'aborted', bodySent: error instanceof ErsError ? error.bodySent : false };
  if (error instanceof ErsProtocolError) {
    // e-RS said yes but gave no usable id: it may hold the file, so a resend is a possible duplicate.
    return { kind: 'internal', detail: error.message, outcomeUnknown: true };
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'internal', detail, outcomeUnknown: false };
}
