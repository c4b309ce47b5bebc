// Read a file once, never more than the e-RS limit plus one byte, so that an
// oversized file, or one that grows while we read it, cannot make us read
// without bound. The bytes returned are the bytes that get checked and sent.

import { FileAccessError, accessError, isFolder, notAFile, stillChanging } from './access-errors.ts';
import type { BufferPool } from './buffer-pool.ts';
import type { FileHandleLike, FsPort } from './fs-port.ts';

export interface FileRead {
  /** All of the file when complete; otherwise only its first bytes (enough to say what it is). */
  readonly bytes: Uint8Array;
  /** The file's size in bytes (for an oversized file, what the file system reports, at least limit + 1). */
  readonly size: number;
  /** False when the file is over the limit and only its start was read. */
  readonly complete: boolean;
  readonly mtimeMs: number;
  /** Give back the pool's buffer that bytes live in (nothing to do when they do not). Call once nothing reads bytes any more. */
  readonly release: () => void;
}

const nothingToRelease = (): void => undefined;

/** How much of an oversized file we read to say what it is. */
export const OVERSIZED_PREFIX_BYTES = 64 * 1024;

interface Filling {
  buffer: Uint8Array;
  filled: number;
}

/** Read on from `into.filled` until the end of the file or limit bytes, growing into.buffer when it is full. */
async function readUpTo(handle: FileHandleLike, limit: number, sizeHint: number, into: Filling): Promise<Filling> {
  let { buffer, filled } = into;
  // Each pass reads at least one byte or ends, and the buffer never exceeds limit: bounded.
  for (;;) {
    if (filled === buffer.length) {
      if (buffer.length >= limit) break;
      const grown = new Uint8Array(Math.min(limit, Math.max(buffer.length * 2, sizeHint + 1)));
      grown.set(buffer);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
    // A short read that stops at exactly the size we were told is the end of a regular file:
    // asking again would only return 0. (The caller's stat afterwards catches a file that grew.)
    if (filled === sizeHint && filled < buffer.length) break;
  }
  return { buffer, filled };
}

/** One byte more than the size we were told, so a file that grew shows as a full buffer. */
function freshBuffer(limit: number, sizeHint: number): Filling {
  return { buffer: new Uint8Array(Math.max(1, Math.min(limit, sizeHint + 1))), filled: 0 };
}

/** Files at least this big are read into the pool's buffers, when one is free. */
export const POOLED_MIN_BYTES = 256 * 1024;

/**
 * Read path once. maxBytes is the largest size that may be sent; a file
 * larger than that is not read past OVERSIZED_PREFIX_BYTES. sizeHint is the
 * size registration saw: when it is within maxBytes we size the buffer by it
 * and skip the stat before reading (the stat after reading decides, as always,
 * whether what we hold is the whole file and a regular one).
 */
export async function readOnce(
  fs: FsPort,
  path: string,
  name: string,
  maxBytes: number,
  sizeHint?: number,
  pool?: BufferPool,
): Promise<FileRead> {
  let handle: FileHandleLike;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw accessError(error, name);
  }
  let release = nothingToRelease;
  try {
    let expected: number;
    if (sizeHint !== undefined && sizeHint <= maxBytes) {
      expected = sizeHint;
    } else {
      const before = await handle.stat();
      if (before.isDirectory()) throw new FileAccessError(isFolder(name));
      if (!before.isFile()) throw new FileAccessError(notAFile(name));
      if (before.size > maxBytes) {
        const prefix = await readUpTo(handle, OVERSIZED_PREFIX_BYTES, OVERSIZED_PREFIX_BYTES, freshBuffer(OVERSIZED_PREFIX_BYTES, OVERSIZED_PREFIX_BYTES));
        return { bytes: prefix.buffer.subarray(0, prefix.filled), size: before.size, complete: false, mtimeMs: before.mtimeMs, release };
      }
      expected = before.size;
    }

    const limit = maxBytes + 1;
    const lease = pool !== undefined && expected >= POOLED_MIN_BYTES && pool.capacity >= limit ? pool.tryAcquire() : null;
    if (lease !== null) release = lease.release;
    let read = await readUpTo(handle, limit, expected, lease === null ? freshBuffer(limit, expected) : { buffer: lease.bytes.subarray(0, limit), filled: 0 });
    let after = await handle.stat();
    if (after.size > read.filled && read.filled <= maxBytes) {
      // It grew while we read (we stopped at the size we were told): read on, never past the limit.
      read = await readUpTo(handle, limit, after.size, read);
      after = await handle.stat();
    }
    // Replaced since registration by a folder (reading it fails with EISDIR) or by something that is not a file.
    if (after.isDirectory()) throw new FileAccessError(isFolder(name));
    if (!after.isFile()) throw new FileAccessError(notAFile(name));
    const bytes = read.buffer.subarray(0, read.filled);
    if (bytes.length > maxBytes) {
      // It grew past the limit while we read: refuse on size, keep (a copy of) only the start.
      const start = bytes.slice(0, OVERSIZED_PREFIX_BYTES);
      release();
      return { bytes: start, size: Math.max(after.size, bytes.length), complete: false, mtimeMs: after.mtimeMs, release: nothingToRelease };
    }
    // Still being written (or cut short) while we read it: what we hold may be half a file.
    if (after.size !== bytes.length) throw new FileAccessError(stillChanging(name));
    return { bytes, size: bytes.length, complete: true, mtimeMs: after.mtimeMs, release };
  } catch (error) {
    release();
    throw error instanceof FileAccessError ? error : accessError(error, name);
  } finally {
    // Nothing waits for the close: the bytes and the stat after reading are what we go by, and
    // the check can start a thread-pool trip sooner. Reading files one after another still holds
    // at most a few handles at once.
    void handle.close().catch(() => undefined);
  }
}
