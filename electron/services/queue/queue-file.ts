// The queue's file under the user data folder: versioned JSON, written
// atomically (temp file, fsync, rename, fsync the folder) so a crash leaves
// either the old queue or the new one, never half of one. Writes are
// serialised and coalesced: at most one is on disk at a time and one waits,
// built from the queue's state only when it starts. A save that matters for
// crash safety (an upload about to start) waits only for the write in flight;
// any other (files added, checked, removed) may wait up to coalesceMs, so a
// drop of 1,000 files makes a few writes of the whole queue, not hundreds.

import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { FileIdSchema } from '../../../shared/ipc/contract.ts';

export const QUEUE_FILE_NAME = 'upload-queue.json';
export const QUEUE_FILE_VERSION = 1;

const RuleBreakSchema = z.object({ rule: z.string(), code: z.string(), message: z.string() });
const UploadErrorSchema = z.object({
  kind: z.enum(['rejected-by-ers', 'session', 'type-refused', 'unavailable', 'file-unreadable', 'cancelled', 'internal']),
  message: z.string(),
  code: z.string().nullable(),
  retryable: z.boolean(),
});

export const PersistedItemSchema = z.object({
  id: FileIdSchema,
  path: z.string().nullable(),
  name: z.string(),
  order: z.number().int().nonnegative(),
  status: z.enum(['checking', 'rejected', 'ready', 'queued', 'uploading', 'uploaded', 'failed', 'cancelled', 'changed']),
  storedName: z.string().nullable(),
  nameChange: z.object({ from: z.string(), to: z.string(), reason: z.string() }).nullable(),
  mimeType: z.string().nullable(),
  typeLabel: z.string().nullable(),
  size: z.number().int().nonnegative(),
  problems: z.array(RuleBreakSchema),
  ersFileId: z.string().nullable(),
  error: UploadErrorSchema.nullable(),
  possibleDuplicate: z.boolean(),
  sameContentAs: FileIdSchema.nullable(),
  ubrn: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  outcomeUnknown: z.boolean(),
  ordered: z.boolean(),
  sha256: z.string().nullable(),
  mtimeMs: z.number().nullable(),
});
export type PersistedItem = z.infer<typeof PersistedItemSchema>;

export const PersistedQueueSchema = z.object({
  version: z.literal(QUEUE_FILE_VERSION),
  savedAt: z.string(),
  items: z.array(PersistedItemSchema),
});
export type PersistedQueue = z.infer<typeof PersistedQueueSchema>;

export interface QueueStore {
  /** The saved queue, or null when there is none. A file that cannot be read as a queue is set aside, not deleted. */
  load(): Promise<PersistedQueue | null>;
  /**
   * Ask for this state to be written; resolves once it (or a later state) is on disk: true,
   * or false when that write failed (already logged). Never rejects.
   */
  save(state: PersistedQueue): Promise<boolean>;
  /** Resolves when every requested write is on disk. */
  flush(): Promise<void>;
  /**
   * Ask for the state `build` returns when the write starts (so a burst of
   * requests costs one serialisation); resolves, like save, once a write that
   * started after this call has finished: true, or false when it failed.
   * urgent: start it as soon as the write in flight ends; otherwise it may
   * wait up to the store's coalescing delay. Never rejects.
   */
  request?(build: () => PersistedQueue, urgent: boolean): Promise<boolean>;
}

export interface FileQueueStoreOptions {
  /** How long a save that is not urgent may wait for others to join it (default 200 ms). */
  readonly coalesceMs?: number;
  /** Called with each state as it is written (for tests that count writes). */
  readonly onWrite?: (state: PersistedQueue) => void;
}

interface Deferred {
  readonly promise: Promise<boolean>;
  readonly resolve: (saved: boolean) => void;
}

function deferred(): Deferred {
  let resolve!: (saved: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

export function createFileQueueStore(dir: string, log: (line: string) => void = () => {}, options: FileQueueStoreOptions = {}): QueueStore {
  const file = join(dir, QUEUE_FILE_NAME);
  const coalesceMs = options.coalesceMs ?? 200;
  /** The next write: what it will hold (built when it starts) and who waits for it. */
  let pending: { build: () => PersistedQueue; done: Deferred } | null = null;
  let urgent = false;
  let writing: Promise<void> = Promise.resolve();
  let draining = false;
  /** Ends the coalescing wait early (an urgent request, or flush). */
  let hurry: (() => void) | null = null;
  let counter = 0;

  async function writeAtomically(state: PersistedQueue): Promise<void> {
    options.onWrite?.(state);
    await mkdir(dir, { recursive: true });
    const temp = `${file}.${process.pid}.${++counter}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(state));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    // Make the rename itself durable; folders cannot be opened this way on Windows.
    try {
      const folder = await open(dir, 'r');
      try {
        await folder.sync();
      } finally {
        await folder.close();
      }
    } catch {
      // best effort
    }
  }

  function pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        hurry = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      hurry = done;
    });
  }

  /** Writes until nothing is pending; each write settles exactly the requests made before it started. */
  async function drain(): Promise<void> {
    draining = true;
    // Cleared in the same step that finds nothing pending, so a request right after starts a new drain.
    try {
      await drainPending();
    } finally {
      draining = false;
    }
  }

  async function drainPending(): Promise<void> {
    while (pending) {
      if (!urgent) await pause(coalesceMs);
      const { build, done } = pending;
      pending = null;
      urgent = false;
      let saved: boolean;
      try {
        await writeAtomically(build());
        saved = true;
      } catch (error) {
        saved = false;
        log(`queue: could not save the queue: ${(error as Error).message}`);
      }
      done.resolve(saved);
    }
  }

  function request(build: () => PersistedQueue, now: boolean): Promise<boolean> {
    if (pending) pending.build = build;
    else pending = { build, done: deferred() };
    const { promise } = pending.done;
    if (now) {
      urgent = true;
      hurry?.();
    }
    if (!draining) writing = drain();
    return promise;
  }

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      let parsed: ReturnType<typeof PersistedQueueSchema.safeParse>;
      try {
        parsed = PersistedQueueSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = { success: false } as ReturnType<typeof PersistedQueueSchema.safeParse>;
      }
      if (parsed.success) return parsed.data;
      const aside = `${file}.unreadable-${Date.now()}`;
      await rename(file, aside);
      log(`queue: the saved queue could not be read; it was kept as ${aside}`);
      return null;
    },
    save: (state) => request(() => state, true),
    request,
    async flush() {
      while (draining) {
        urgent = true;
        hurry?.();
        await writing;
      }
    },
  };
}
