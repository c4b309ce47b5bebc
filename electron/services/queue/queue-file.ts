// The queue's file under the user data folder: versioned JSON, written
// atomically (temp file, fsync, rename, fsync the folder) so a crash leaves
// either the old queue or the new one, never half of one. Writes are
// serialised and coalesced: while one is on disk, only the latest state waits.

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
}

export function createFileQueueStore(dir: string, log: (line: string) => void = () => {}): QueueStore {
  const file = join(dir, QUEUE_FILE_NAME);
  let pending: PersistedQueue | null = null;
  let writing: Promise<boolean> | null = null;
  let counter = 0;

  async function writeAtomically(state: PersistedQueue): Promise<void> {
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

  /** Writes until nothing is pending; says whether the last write (the newest state) made it. */
  async function drain(): Promise<boolean> {
    let saved = true;
    while (pending) {
      const state = pending;
      pending = null;
      try {
        await writeAtomically(state);
        saved = true;
      } catch (error) {
        saved = false;
        log(`queue: could not save the queue: ${(error as Error).message}`);
      }
    }
    return saved;
  }

  function kick(): Promise<boolean> {
    if (!writing) {
      writing = drain().finally(() => {
        writing = null;
      });
    }
    return writing;
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
    save(state) {
      pending = state;
      return kick();
    },
    async flush() {
      while (writing) await writing;
    },
  };
}
