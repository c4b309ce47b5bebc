// The upload queue: main's source of truth for every file the person added.
//
// Each item moves through the statuses in the contract (see item.ts for which
// may follow which). A scheduler starts at most `concurrency` uploads at a time
// and only while the gate (an active session in a role that may upload) is
// open. Every attempt re-reads the file and sends exactly the bytes it checked;
// content that differs from what was checked when the file was added is never
// sent ('changed'). An item is 'uploaded' only with an e-RS file id, and no item
// leaves the queue except when the person removes it.

import type { FileId, QueueItemView, QueueSnapshot } from '../../../shared/ipc/contract.ts';
import type { RuleBreak } from '../../../shared/rules/types.ts';
import { mapLimited } from '../map-limited.ts';
import { createChangeFeed, type ChangeListener } from './change-feed.ts';
import { systemClock, type Clock } from './clock.ts';
import { move, newItem, RETRYABLE_STATUSES, toView, type QueueItem } from './item.ts';
import * as say from './messages.ts';
import { FileUnreadableError, type AttemptFailure, type AttemptResult, type CheckedFileLike, type FileSource, type Uploader, type UploadGate } from './ports.ts';
import { QUEUE_FILE_VERSION, type PersistedItem, type PersistedQueue, type QueueStore } from './queue-file.ts';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, validateRetryPolicy, type RetryPolicy } from './retry-policy.ts';

export interface UploadQueueOptions {
  readonly files: FileSource;
  readonly uploader: Uploader;
  readonly gate: UploadGate;
  /** Uploads in flight at once (default 2). */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly store?: QueueStore;
  readonly log?: (line: string) => void;
  /** Files checked at once when many are added (default 4, the size of libuv's thread pool). */
  readonly checkConcurrency?: number;
}

export interface QueueEntry {
  readonly id: FileId;
  /** The registry's id for the file. */
  readonly ref: string;
  readonly name: string;
  readonly path: string | null;
}

/** Re-registers a saved item's file after a restart; throws FileUnreadableError when it cannot. */
export type Reattach = (path: string, name: string) => Promise<string>;

export class UnknownItemError extends Error {
  override readonly name = 'UnknownItemError';
}

export interface UploadQueue {
  /** Adds registered files as 'checking' and checks each; resolves with their views once every check is done. */
  add(entries: readonly QueueEntry[]): Promise<QueueItemView[]>;
  snapshot(): QueueSnapshot;
  view(id: FileId): QueueItemView | undefined;
  /** Moves ready items (all, or those listed) to queued, for the given UBRN. */
  upload(request: { readonly ids?: readonly FileId[]; readonly ubrn?: string }): QueueSnapshot;
  cancel(id: FileId): QueueSnapshot;
  /** Re-reads and re-checks the file, then queues it again (or makes it ready, if it was never sent). */
  retry(id: FileId): Promise<QueueSnapshot>;
  remove(id: FileId): QueueSnapshot;
  /** Aborts every upload in flight; each goes back to queued. Resolves when they have all returned. */
  requeueInFlight(): Promise<void>;
  inFlightCount(): number;
  /** Resolves when nothing is in flight. */
  idle(): Promise<void>;
  /** Restores the saved queue (before any add). Mid-upload items are re-checked against what was recorded. */
  restore(reattach: Reattach): Promise<void>;
  /** Stops scheduling, waits for uploads in flight and for the last save. */
  close(): Promise<void>;
  onChange(listener: ChangeListener): () => void;
}

type AbortReason = 'cancel' | 'remove' | 'requeue';

interface Flight {
  readonly controller: AbortController;
  reason: AbortReason | null;
  bodySent: boolean;
  done: Promise<void>;
}

/** Files checked at once. libuv has four threads and each check is a few trips through them: two at a time left half idle. */
export const DEFAULT_CHECK_CONCURRENCY = 4;

export function createUploadQueue(options: UploadQueueOptions): UploadQueue {
  const { files, uploader, gate, store } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const concurrency = options.concurrency ?? 2;
  const checkConcurrency = options.checkConcurrency ?? DEFAULT_CHECK_CONCURRENCY;
  const policy = validateRetryPolicy(options.retry ?? DEFAULT_RETRY_POLICY);
  const log = options.log ?? (() => {});
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a whole number of at least 1');
  if (!Number.isInteger(checkConcurrency) || checkConcurrency < 1) throw new RangeError('checkConcurrency must be a whole number of at least 1');

  const items = new Map<FileId, QueueItem>();
  const flights = new Map<FileId, Flight>();
  const feed = createChangeFeed({ clock, view: (id) => (items.has(id) ? toView(items.get(id)!) : undefined) });
  let nextOrder = 0;
  let closed = false;
  let wake: { at: number; controller: AbortController } | null = null;
  let idleWaiters: (() => void)[] = [];
  const unsubscribeGate = gate.onChange(() => pump());

  // ------------------------------------------------------------ helpers

  function must(id: FileId): QueueItem {
    const item = items.get(id);
    if (!item) throw new UnknownItemError(`no queue item ${id}`);
    return item;
  }

  function changed(item: QueueItem) {
    feed.changed(item.id);
  }

  function snapshot(): QueueSnapshot {
    return { items: [...items.values()].map(toView) };
  }

  function serialise(item: QueueItem): PersistedItem {
    // Progress, backoff timing and the registry ref belong to this run of the app only.
    const { ref: _ref, progress: _progress, failuresInRow: _failures, notBefore: _notBefore, ...kept } = item;
    return { ...kept, problems: item.problems.map((p) => ({ ...p })) };
  }

  function persistedState(): PersistedQueue {
    return { version: QUEUE_FILE_VERSION, savedAt: new Date(clock.now()).toISOString(), items: [...items.values()].map(serialise) };
  }

  /**
   * Asks for the current state to be saved; resolves once a write started after this call is on
   * disk (false: the write failed). Never rejects. urgent: crash safety depends on it (an upload
   * is starting or has ended), so it is not held back to be coalesced with others.
   */
  function persist(urgent = false): Promise<boolean> {
    if (!store) return Promise.resolve(true);
    // The state is built when the write starts, so a burst of changes costs one serialisation.
    return store.request ? store.request(persistedState, urgent) : store.save(persistedState());
  }

  /** The earliest other item with the same content, so the person can see it was added twice. */
  function sameContent(item: QueueItem): FileId | null {
    if (item.sha256 === null) return null;
    for (const other of items.values()) {
      if (other.order >= item.order) break;
      if (other.sha256 === item.sha256) return other.id;
    }
    return null;
  }

  function adoptFacts(item: QueueItem, checked: CheckedFileLike) {
    item.storedName = checked.verdict.storedName;
    item.nameChange = checked.verdict.nameChange;
    item.mimeType = checked.verdict.mimeType;
    item.typeLabel = checked.look?.label ?? null;
    item.size = checked.size;
    item.problems = checked.verdict.problems;
    item.sha256 = checked.sha256;
    item.mtimeMs = checked.mtimeMs;
    // A hash of an oversized file's first bytes says nothing about the whole file.
    item.sameContentAs = checked.complete === false ? null : sameContent(item);
  }

  function unreadableMessage(item: QueueItem, error: unknown): string {
    if (error instanceof FileUnreadableError) return error.message;
    log(`queue: reading ${item.id} failed: ${(error as Error)?.message ?? String(error)}`);
    return `${item.name} could not be read. Check it is still there and not open in another program, then try again.`;
  }

  /** Runs after a check: from 'checking' to ready, queued, rejected, changed or failed. */
  async function check(item: QueueItem, adopt: boolean): Promise<void> {
    let checked: CheckedFileLike;
    try {
      checked = await files.readAndCheck(item.ref);
    } catch (error) {
      if (items.get(item.id) !== item) return;
      move(item, 'failed');
      item.error = say.unreadableError(unreadableMessage(item, error));
      return;
    }
    // Only the facts are kept: the bytes are read again when the file is sent.
    checked.release?.();
    if (items.get(item.id) !== item) return; // removed while it was being read
    if (!adopt && item.sha256 !== null && checked.sha256 !== item.sha256) {
      move(item, 'changed');
      item.error = say.changedError(item.name);
      return;
    }
    adoptFacts(item, checked);
    item.error = null;
    if (!checked.verdict.ok) {
      move(item, 'rejected');
    } else if (item.ordered) {
      move(item, 'queued');
      item.notBefore = 0;
    } else {
      move(item, 'ready');
    }
  }

  // ------------------------------------------------------------ scheduling

  function armWake(at: number) {
    if (wake && wake.at <= at) return;
    wake?.controller.abort();
    const controller = new AbortController();
    wake = { at, controller };
    clock.sleep(at - clock.now(), controller.signal).then(
      () => {
        if (wake?.controller === controller) wake = null;
        pump();
      },
      () => {},
    );
  }

  function pump(): void {
    if (closed || !gate.isOpen()) return;
    const now = clock.now();
    let earliest = Infinity;
    for (const item of items.values()) {
      if (flights.size >= concurrency) break;
      if (item.status !== 'queued') continue;
      if (item.notBefore > now) {
        earliest = Math.min(earliest, item.notBefore);
        continue;
      }
      start(item);
    }
    if (earliest !== Infinity && flights.size < concurrency) armWake(earliest);
  }

  function start(item: QueueItem) {
    move(item, 'uploading');
    item.attempts += 1;
    if (item.outcomeUnknown) item.possibleDuplicate = true;
    item.error = null;
    item.progress = { sent: 0, total: item.size };
    const flight: Flight = { controller: new AbortController(), reason: null, bodySent: false, done: Promise.resolve() };
    flights.set(item.id, flight);
    changed(item);
    persist(true);
    flight.done = attempt(item, flight)
      .catch((error: unknown) => {
        log(`queue: attempt for ${item.id} failed unexpectedly: ${(error as Error)?.message ?? String(error)}`);
        if (items.get(item.id) === item && item.status === 'uploading') {
          move(item, 'failed');
          item.error = say.internalError(item.name);
          item.progress = null;
        }
      })
      .finally(() => {
        flights.delete(item.id);
        if (items.get(item.id) === item) changed(item);
        persist(true); // an e-RS file id, or why not: a restart must not send it again unflagged
        if (flights.size === 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
        pump();
      });
  }

  async function attempt(item: QueueItem, flight: Flight): Promise<void> {
    let checked: CheckedFileLike;
    try {
      checked = await files.readAndCheck(item.ref);
    } catch (error) {
      if (flight.reason) return settleAborted(item, flight);
      move(item, 'failed');
      item.progress = null;
      item.error = say.unreadableError(unreadableMessage(item, error));
      return;
    }
    try {
      await sendChecked(item, flight, checked);
    } finally {
      // Only once the uploader has returned (the request is over, even when aborted) may the bytes' buffer be reused.
      checked.release?.();
    }
  }

  async function sendChecked(item: QueueItem, flight: Flight, checked: CheckedFileLike): Promise<void> {
    if (flight.reason) return settleAborted(item, flight);
    if (checked.sha256 !== item.sha256) {
      move(item, 'changed');
      item.progress = null;
      item.error = say.changedError(item.name);
      return;
    }
    const { storedName, mimeType } = checked.verdict;
    if (!checked.verdict.ok || storedName === null || mimeType === null) {
      adoptFacts(item, checked);
      move(item, 'rejected');
      item.progress = null;
      return;
    }
    // Write-ahead: the item is on disk as 'uploading' before the first byte goes out, so a crash
    // at any later moment restores it as "outcome unknown" (a resend is flagged), never as
    // merely queued (which would resend it unflagged while e-RS may already hold it).
    const saved = await persist(true);
    if (flight.reason) return settleAborted(item, flight);
    if (!saved) {
      // Sending now could leave, after a crash, a file e-RS holds and a queue that says "queued".
      move(item, 'failed');
      item.progress = null;
      item.error = say.notSavedError(item.name);
      return;
    }
    const result: AttemptResult = await uploader({
      itemId: item.id,
      attempt: item.attempts,
      sha256: checked.sha256,
      possibleDuplicate: item.possibleDuplicate,
      bytes: checked.bytes,
      storedName,
      mimeType,
      ubrn: item.ubrn,
      signal: flight.controller.signal,
      onProgress: (sent, total) => {
        if (total > 0 && sent >= total) flight.bodySent = true;
        if (flight.reason || item.status !== 'uploading') return;
        item.progress = { sent, total };
        feed.changed(item.id, true);
      },
    });
    settle(item, flight, result);
  }

  /** The attempt was stopped by us: what happens depends on why. */
  function settleAborted(item: QueueItem, flight: Flight, bodySent = flight.bodySent) {
    if (flight.reason === 'requeue') {
      move(item, 'queued');
      item.progress = null;
      item.outcomeUnknown ||= bodySent;
    } else if (flight.reason === 'cancel') {
      item.outcomeUnknown ||= bodySent;
    }
    // 'remove': the item is gone already.
  }

  function settle(item: QueueItem, flight: Flight, result: AttemptResult) {
    // If we stop it ourselves, any sign the body reached e-RS makes a resend a possible duplicate.
    const failure = result.ok ? null : result.failure;
    const bodySent =
      flight.bodySent ||
      (failure?.kind === 'aborted' && failure.bodySent) ||
      (failure?.kind === 'retryable' && failure.outcomeUnknown);
    if (flight.reason === 'remove' || flight.reason === 'cancel') {
      if (result.ok) {
        // Stopped too late: e-RS holds a copy nobody will link, which e-RS deletes in time.
        log(`queue: ${item.id} was ${flight.reason === 'remove' ? 'removed' : 'cancelled'} but e-RS had already stored it`);
        item.outcomeUnknown = true;
        return;
      }
      return settleAborted(item, flight, bodySent);
    }
    if (result.ok) {
      move(item, 'uploaded');
      item.ersFileId = result.fileId;
      item.progress = { sent: item.size, total: item.size };
      item.error = null;
      item.failuresInRow = 0;
      item.outcomeUnknown = false;
      return;
    }
    if (flight.reason === 'requeue') return settleAborted(item, flight, bodySent);
    settleFailure(item, result.failure, bodySent);
  }

  function settleFailure(item: QueueItem, failure: AttemptFailure, bodySent: boolean) {
    item.progress = null;
    switch (failure.kind) {
      case 'aborted':
        // Aborted from outside the queue (the session locked): back in line, nothing lost.
        move(item, 'queued');
        item.outcomeUnknown ||= bodySent;
        return;
      case 'session':
        // Back in line until someone signs in again; the gate is closed by then, and if it is
        // not (a race with a new sign-in) a short pause keeps this from spinning.
        move(item, 'queued');
        if (gate.isOpen()) item.notBefore = clock.now() + 1000;
        // No session when it came to sending: nothing went to e-RS, so it was no A020 attempt.
        if (failure.status === null) item.attempts -= 1;
        return;
      case 'rejected':
        move(item, 'failed');
        item.error = say.rejectedError(item.name, failure);
        return;
      case 'type-refused':
        move(item, 'failed');
        item.error = say.typeRefusedError(item.name, failure.status);
        return;
      case 'internal':
        log(`queue: ${item.id}: ${failure.detail}`);
        item.outcomeUnknown ||= failure.outcomeUnknown;
        move(item, 'failed');
        item.error = say.internalError(item.name);
        return;
      case 'retryable': {
        item.outcomeUnknown ||= failure.outcomeUnknown;
        item.failuresInRow += 1;
        log(`queue: ${item.id} attempt ${item.attempts} not answered usefully (${failure.status ?? 'no answer'}): ${failure.detail}`);
        if (failure.retryAfterMs !== null && failure.retryAfterMs > policy.maxRetryAfterMs) {
          move(item, 'failed');
          item.error = say.tooLongToWaitError(item.name, failure.retryAfterMs);
          return;
        }
        if (item.failuresInRow >= policy.maxAttempts) {
          move(item, 'failed');
          item.error = item.outcomeUnknown ? say.unconfirmedError(item.name) : say.unavailableError(item.name, failure);
          return;
        }
        const delay = backoffDelayMs(policy, item.failuresInRow, failure.retryAfterMs, random);
        move(item, 'queued');
        item.notBefore = clock.now() + delay;
        item.error = say.waitingError(failure, delay);
        return;
      }
    }
  }

  // ------------------------------------------------------------ operations

  return {
    async add(entries) {
      const added: QueueItem[] = [];
      for (const entry of entries) {
        if (items.has(entry.id)) throw new Error(`queue item ${entry.id} already exists`);
        const item = newItem({ ...entry, order: nextOrder++ });
        items.set(item.id, item);
        added.push(item);
        changed(item);
      }
      persist();
      await mapLimited(added, checkConcurrency, async (item) => {
        await check(item, true);
        changed(item);
      });
      persist();
      pump();
      return added.filter((item) => items.get(item.id) === item).map(toView);
    },

    snapshot,

    view(id) {
      const item = items.get(id);
      return item ? toView(item) : undefined;
    },

    upload({ ids, ubrn }) {
      const wanted = ids ? new Set(ids) : null;
      for (const item of items.values()) {
        if (item.status !== 'ready' || (wanted && !wanted.has(item.id))) continue;
        move(item, 'queued');
        item.ubrn = ubrn ?? null;
        item.ordered = true;
        item.failuresInRow = 0;
        item.notBefore = 0;
        changed(item);
      }
      persist(true);
      pump();
      return snapshot();
    },

    cancel(id) {
      const item = must(id);
      if (item.status === 'queued' || item.status === 'uploading') {
        const flight = flights.get(id);
        if (flight) {
          flight.reason = 'cancel';
          item.outcomeUnknown ||= flight.bodySent;
          flight.controller.abort(new Error('cancelled by the person'));
        }
        move(item, 'cancelled');
        item.progress = null;
        item.notBefore = 0;
        item.error = say.cancelledError(item.name);
        changed(item);
        persist(true); // restored as queued, it would be sent
      }
      return snapshot();
    },

    async retry(id) {
      const item = must(id);
      if (!RETRYABLE_STATUSES.includes(item.status) || flights.has(id)) return snapshot();
      // A file the person has seen change, or that broke a rule, is taken as it is now; otherwise it must not have changed.
      const adopt = item.status === 'changed' || item.status === 'rejected' || item.sha256 === null;
      move(item, 'checking');
      item.error = null;
      item.failuresInRow = 0;
      changed(item);
      await check(item, adopt);
      if (items.get(id) === item) changed(item);
      persist();
      pump();
      return snapshot();
    },

    remove(id) {
      const item = must(id);
      const flight = flights.get(id);
      if (flight) {
        flight.reason = 'remove';
        flight.controller.abort(new Error('removed by the person'));
      }
      items.delete(id);
      files.remove(item.ref);
      feed.removed(id);
      for (const other of items.values()) {
        if (other.sameContentAs === id) {
          other.sameContentAs = sameContent(other);
          changed(other);
        }
      }
      persist();
      return snapshot();
    },

    async requeueInFlight() {
      const pending: Promise<void>[] = [];
      for (const flight of flights.values()) {
        if (flight.reason === null) {
          flight.reason = 'requeue';
          flight.controller.abort(new Error('session locked'));
        }
        pending.push(flight.done);
      }
      await Promise.all(pending);
    },

    inFlightCount: () => flights.size,

    idle() {
      if (flights.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },

    async restore(reattach) {
      if (!store) return;
      const saved = await store.load();
      if (!saved) return;
      const toCheck: { item: QueueItem; recorded: PersistedItem }[] = [];
      for (const record of [...saved.items].sort((a, b) => a.order - b.order)) {
        if (items.has(record.id)) continue;
        const { id, path, name, order } = record;
        const item: QueueItem = {
          ...newItem({ id, ref: '', path, name, order }),
          ...record,
          problems: record.problems as RuleBreak[],
          ref: '',
          progress: null,
          failuresInRow: 0,
          notBefore: 0,
        };
        nextOrder = Math.max(nextOrder, order + 1);
        items.set(id, item);
        if (item.status === 'uploaded' && item.ersFileId === null) {
          // Never shown as uploaded without an id.
          item.status = 'failed';
          item.error = say.internalError(name);
        }
        if (item.status === 'uploaded' || item.status === 'failed' || item.status === 'cancelled') {
          // Settled: kept as they were. A retry needs the file again.
          if (path !== null) {
            try {
              item.ref = await reattach(path, name);
            } catch {
              // Left without a ref: retry reports it cannot be read.
            }
          }
          continue;
        }
        if (item.status === 'uploading') item.outcomeUnknown = true; // the body may have reached e-RS
        toCheck.push({ item, recorded: record });
      }
      for (const { item, recorded } of toCheck) {
        const wasStatus = recorded.status;
        item.status = 'checking';
        if (wasStatus === 'queued' || wasStatus === 'uploading') item.ordered = true;
        if (item.path === null) {
          item.status = 'failed';
          item.error = say.goneError(item.name);
          continue;
        }
        try {
          item.ref = await reattach(item.path, item.name);
        } catch (error) {
          item.status = 'failed';
          item.error = say.unreadableError(unreadableMessage(item, error));
          continue;
        }
        if (wasStatus === 'rejected' || wasStatus === 'changed') {
          item.status = wasStatus;
          continue;
        }
        let checked: CheckedFileLike;
        try {
          checked = await files.readAndCheck(item.ref);
        } catch (error) {
          item.status = 'failed';
          item.error = say.unreadableError(unreadableMessage(item, error));
          continue;
        }
        checked.release?.();
        const same = checked.sha256 === recorded.sha256 && checked.size === recorded.size && checked.mtimeMs === recorded.mtimeMs;
        if (!same) {
          item.status = 'changed';
          item.error = say.changedError(item.name);
          continue;
        }
        item.status = checked.verdict.ok ? (item.ordered ? 'queued' : 'ready') : 'rejected';
        item.problems = checked.verdict.problems;
      }
      for (const item of items.values()) changed(item);
      log(`queue: restored ${items.size} item(s)`);
      persist();
      pump();
    },

    async close() {
      closed = true;
      wake?.controller.abort();
      wake = null;
      unsubscribeGate();
      await Promise.all([...flights.values()].map((f) => f.done));
      persist(true);
      await store?.flush();
    },

    onChange: (listener) => feed.subscribe(listener),
  };
}
