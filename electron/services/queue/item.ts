// One queue item: its record, the transitions its status may take, and the
// view of it that main shows the renderer (nothing secret, nothing internal).

import type { FileId, ItemStatus, QueueItemView, UploadError } from '../../../shared/ipc/contract.ts';
import type { NameChange, RuleBreak } from '../../../shared/rules/types.ts';

export interface QueueItem {
  readonly id: FileId;
  /** The registry's id for the file (differs from `id` after a restore). */
  ref: string;
  /** Where the file lives on disk, when it came from a path (needed to restore it). */
  readonly path: string | null;
  readonly name: string;
  /** Insertion order, for scheduling and display. */
  readonly order: number;
  status: ItemStatus;
  storedName: string | null;
  nameChange: NameChange | null;
  mimeType: string | null;
  typeLabel: string | null;
  size: number;
  problems: readonly RuleBreak[];
  progress: { sent: number; total: number } | null;
  ersFileId: string | null;
  error: UploadError | null;
  possibleDuplicate: boolean;
  sameContentAs: FileId | null;
  ubrn: string | null;
  /** Every A020 attempt made for this item. */
  attempts: number;
  /** Retryable failures in a row since the person last asked for it: the cap applies to these. */
  failuresInRow: number;
  /** The last attempt's outcome is unknown (body sent, no answer): the next attempt may store a second copy. */
  outcomeUnknown: boolean;
  /** The person asked for it to be uploaded (so a successful re-check sends it rather than waiting). */
  ordered: boolean;
  /** Not to be started before this time (backoff). */
  notBefore: number;
  /** What was checked when the item was added (or last adopted on retry): later reads must match. */
  sha256: string | null;
  mtimeMs: number | null;
}

/** Which status may follow which. Anything else is a bug and throws. */
const NEXT: Readonly<Record<ItemStatus, readonly ItemStatus[]>> = {
  checking: ['ready', 'rejected', 'failed', 'changed', 'queued'],
  ready: ['queued', 'checking'],
  rejected: ['checking'],
  queued: ['uploading', 'cancelled', 'checking'],
  uploading: ['uploaded', 'failed', 'queued', 'cancelled', 'changed', 'rejected'],
  uploaded: [],
  failed: ['checking'],
  cancelled: ['checking'],
  changed: ['checking'],
};

export function canMove(from: ItemStatus, to: ItemStatus): boolean {
  return NEXT[from].includes(to);
}

export function move(item: QueueItem, to: ItemStatus): void {
  if (!canMove(item.status, to)) throw new Error(`queue item ${item.id}: ${item.status} -> ${to} is not allowed`);
  item.status = to;
}

/** Statuses from which the person may ask for a retry (it re-reads and re-checks the file). */
export const RETRYABLE_STATUSES: readonly ItemStatus[] = ['failed', 'cancelled', 'changed', 'rejected'];

export function toView(item: QueueItem): QueueItemView {
  return {
    id: item.id,
    name: item.name,
    storedName: item.storedName,
    nameChange: item.nameChange,
    size: item.size,
    typeLabel: item.typeLabel,
    status: item.status,
    problems: item.problems,
    progress: item.progress ? { sent: item.progress.sent, total: item.progress.total } : null,
    ersFileId: item.ersFileId,
    error: item.error,
    possibleDuplicate: item.possibleDuplicate,
    sameContentAs: item.sameContentAs,
    ubrn: item.ubrn,
    attempts: item.attempts,
  };
}

export function newItem(init: { id: FileId; ref: string; path: string | null; name: string; order: number }): QueueItem {
  return {
    ...init,
    status: 'checking',
    storedName: null,
    nameChange: null,
    mimeType: null,
    typeLabel: null,
    size: 0,
    problems: [],
    progress: null,
    ersFileId: null,
    error: null,
    possibleDuplicate: false,
    sameContentAs: null,
    ubrn: null,
    attempts: 0,
    failuresInRow: 0,
    outcomeUnknown: false,
    ordered: false,
    notBefore: 0,
    sha256: null,
    mtimeMs: null,
  };
}
