// What the person is told when an upload does not go through, in NHS.UK
// style: name the file, say what happened, say what to do.

import type { UploadError } from '../../../shared/ipc/contract.ts';
import { A020_ERROR_MEANINGS, isA020ErrorCode } from '../../../shared/ers/error-codes.ts';
import type { AttemptFailure } from './ports.ts';

const MAX_DIAGNOSTICS = 200;

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 90) return s === 1 ? '1 second' : `${s} seconds`;
  const m = Math.round(s / 60);
  return `${m} minutes`;
}

export function rejectedError(name: string, failure: Extract<AttemptFailure, { kind: 'rejected' }>): UploadError {
  const said = failure.diagnostics ? ` e-RS said: ${failure.diagnostics.slice(0, MAX_DIAGNOSTICS)}` : '';
  if (failure.code !== null && isA020ErrorCode(failure.code)) {
    return {
      kind: 'rejected-by-ers',
      message: `e-RS did not accept ${name}: ${lowerFirst(A020_ERROR_MEANINGS[failure.code])}.${said}`,
      code: failure.code,
      retryable: false,
    };
  }
  return {
    kind: 'rejected-by-ers',
    message: `e-RS did not accept ${name} (error ${failure.status}).${said} Contact your local service desk if this keeps happening.`,
    code: failure.code,
    retryable: false,
  };
}

export function typeRefusedError(name: string, status: number): UploadError {
  return {
    kind: 'type-refused',
    message: `e-RS does not accept files like ${name} (error ${status}). Save it as a PDF and add it again.`,
    code: null,
    retryable: false,
  };
}

export function unavailableError(name: string, failure: Extract<AttemptFailure, { kind: 'retryable' }>): UploadError {
  const message =
    failure.status === null
      ? `e-RS could not be reached to upload ${name}. Check your connection, then try again.`
      : `e-RS is not available at the moment (error ${failure.status}), so ${name} was not uploaded. Try again later.`;
  return { kind: 'unavailable', message, code: null, retryable: true };
}

/**
 * Gave up after an attempt whose answer never came: e-RS may hold the file, unlinked.
 * Said plainly so the person knows a retry is safe (e-RS deletes copies that are never attached).
 */
export function unconfirmedError(name: string): UploadError {
  return {
    kind: 'unavailable',
    message: `e-RS did not confirm it received ${name}. Try again later. If e-RS kept a copy, it is not attached to any referral and e-RS deletes it.`,
    code: null,
    retryable: true,
  };
}

export function tooLongToWaitError(name: string, retryAfterMs: number): UploadError {
  return {
    kind: 'unavailable',
    message: `e-RS is busy and asked for ${seconds(retryAfterMs)} before more uploads, so ${name} was not uploaded. Try again later.`,
    code: null,
    retryable: true,
  };
}

/** Shown while an item waits to be tried again; status stays queued. */
export function waitingError(failure: Extract<AttemptFailure, { kind: 'retryable' }>, delayMs: number): UploadError {
  const what = failure.status === null ? 'e-RS did not answer' : `e-RS is busy (error ${failure.status})`;
  return { kind: 'unavailable', message: `${what}. Trying again in ${seconds(delayMs)}.`, code: null, retryable: true };
}

export function unreadableError(message: string): UploadError {
  return { kind: 'file-unreadable', message, code: null, retryable: true };
}

export function changedError(name: string): UploadError {
  return {
    kind: 'file-unreadable',
    message: `${name} has changed since you added it. Check it is the right version, then retry or remove it.`,
    code: null,
    retryable: true,
  };
}

export function notSavedError(name: string): UploadError {
  return {
    kind: 'internal',
    message: `${name} was not sent because ers-attach could not save its list of uploads. Check there is free space on this computer, then try again.`,
    code: null,
    retryable: true,
  };
}

export function cancelledError(name: string): UploadError {
  return { kind: 'cancelled', message: `You cancelled the upload of ${name}.`, code: null, retryable: true };
}

export function internalError(name: string): UploadError {
  return { kind: 'internal', message: `Something went wrong uploading ${name}. Try again.`, code: null, retryable: true };
}

export function goneError(name: string): UploadError {
  return {
    kind: 'file-unreadable',
    message: `ers-attach no longer has ${name} (it was not saved on this computer). Add it again.`,
    code: null,
    retryable: false,
  };
}
