// Batches item changes into queue:changed payloads. Status changes go out on
// the next microtask; progress alone goes out at most every `progressEveryMs`
// per item (about 10 a second), with a trailing update so the last one is seen.

import type { FileId, QueueItemView } from '../../../shared/ipc/contract.ts';
import type { Clock } from './clock.ts';

export type ChangeListener = (change: { items: QueueItemView[]; removed: FileId[] }) => void;

export interface ChangeFeed {
  changed(id: FileId, progressOnly?: boolean): void;
  removed(id: FileId): void;
  subscribe(listener: ChangeListener): () => void;
}

export function createChangeFeed(options: {
  clock: Clock;
  view: (id: FileId) => QueueItemView | undefined;
  progressEveryMs?: number;
}): ChangeFeed {
  const { clock, view } = options;
  const every = options.progressEveryMs ?? 100;
  const listeners = new Set<ChangeListener>();
  const dirty = new Set<FileId>();
  const gone = new Set<FileId>();
  const lastSent = new Map<FileId, number>();
  const trailing = new Set<FileId>();
  let flushQueued = false;

  function scheduleFlush() {
    if (flushQueued) return;
    flushQueued = true;
    queueMicrotask(flush);
  }

  function flush() {
    flushQueued = false;
    const now = clock.now();
    const items: QueueItemView[] = [];
    for (const id of dirty) {
      const v = view(id);
      if (v) {
        items.push(v);
        lastSent.set(id, now);
      }
    }
    const removed = [...gone];
    dirty.clear();
    gone.clear();
    if (items.length === 0 && removed.length === 0) return;
    for (const listener of listeners) {
      try {
        listener({ items, removed });
      } catch {
        // A listener's failure must not stop the others or the queue.
      }
    }
  }

  return {
    changed(id, progressOnly = false) {
      if (!progressOnly) {
        dirty.add(id);
        scheduleFlush();
        return;
      }
      const since = clock.now() - (lastSent.get(id) ?? -Infinity);
      if (since >= every) {
        dirty.add(id);
        scheduleFlush();
      } else if (!trailing.has(id)) {
        trailing.add(id);
        void clock.sleep(every - since).then(() => {
          trailing.delete(id);
          dirty.add(id);
          scheduleFlush();
        });
      }
    },
    removed(id) {
      dirty.delete(id);
      lastSent.delete(id);
      gone.add(id);
      scheduleFlush();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
