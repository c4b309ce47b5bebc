// What the queue needs from the rest of main, as narrow interfaces so the
// queue can be tested with small doubles and wired to the real registry,
// e-RS client and session keeper by the backend.

import type { ContentLook, Verdict } from '../../../shared/rules/types.ts';

/** The part of the file registry's CheckedFile the queue relies on (the real one has more). */
export interface CheckedFileLike {
  readonly name: string;
  /** Exactly the bytes that were checked: these and only these are sent. */
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly sha256: string;
  readonly look: ContentLook | null;
  readonly verdict: Verdict;
  readonly mtimeMs: number | null;
  /** False when only the start of an oversized file was read (so sha256 covers only that). */
  readonly complete?: boolean;
  /** The queue is done with `bytes` (the check is over, or the send has ended): their buffer may be reused. */
  release?(): void;
}

export interface FileSource {
  /** Reads the registered file once and checks it. Throws FileUnreadableError when it cannot be read. */
  readAndCheck(ref: string): Promise<CheckedFileLike>;
  /** Forget a registered file (the person removed it). */
  remove(ref: string): void;
}

/** The file could not be read (locked, permission, vanished); message is for the person. */
export class FileUnreadableError extends Error {
  override readonly name = 'FileUnreadableError';
}

export interface UploadRequest {
  /** Which queue item this attempt is for, and which attempt it is (1 = the first): for the audit trail. */
  readonly itemId: string;
  readonly attempt: number;
  /** SHA-256 of `bytes` (lower-case hex), as checked. */
  readonly sha256: string;
  /** An earlier attempt's outcome was unknown, so e-RS may already hold a copy. */
  readonly possibleDuplicate: boolean;
  readonly bytes: Uint8Array;
  readonly storedName: string;
  readonly mimeType: string;
  readonly ubrn: string | null;
  /** Aborted when the person cancels or removes the item, or the session locks. */
  readonly signal: AbortSignal;
  readonly onProgress: (sent: number, total: number) => void;
}

/** How one A020 attempt ended, already classified by the adapter around the e-RS client. */
export type AttemptResult =
  | { readonly ok: true; readonly fileId: string }
  | { readonly ok: false; readonly failure: AttemptFailure };

export type AttemptFailure =
  /** e-RS answered 4xx with a reason (422 and other client errors): never retried. */
  | { readonly kind: 'rejected'; readonly status: number; readonly code: string | null; readonly diagnostics: string | null }
  /** 406/415. */
  | { readonly kind: 'type-refused'; readonly status: number }
  /**
   * 401/403 on a working session, or no usable session when the attempt began
   * (status null: nothing was sent). The session keeper closes the gate itself.
   */
  | { readonly kind: 'session'; readonly status: number | null }
  /**
   * 429, 5xx, or a network error (`status` null: no answer came).
   * `outcomeUnknown`: the whole body went out and no answer says whether e-RS
   * stored it (no answer at all, or a gateway timeout), so a resend may store a second copy.
   */
  | {
      readonly kind: 'retryable';
      readonly status: number | null;
      readonly retryAfterMs: number | null;
      readonly outcomeUnknown: boolean;
      readonly detail: string;
    }
  /** The request's signal fired. */
  | { readonly kind: 'aborted'; readonly bodySent: boolean }
  /** Anything else; `outcomeUnknown` when e-RS may hold the file anyway (a success answer with no usable id). */
  | { readonly kind: 'internal'; readonly detail: string; readonly outcomeUnknown: boolean };

export type Uploader = (request: UploadRequest) => Promise<AttemptResult>;

/** Whether uploads may start now (an active session in a role that may upload). */
export interface UploadGate {
  isOpen(): boolean;
  /** Called whenever isOpen may have changed; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}
