// Read a file once, never more than the e-RS limit plus one byte, so that an
// oversized file, or one that grows while we read it, cannot make us read
// without bound. The bytes returned are the bytes that get checked and sent.

import { FileAccessError, accessError, isFolder, notAFile, stillChanging } from './access-errors.ts';
import type { FileHandleLike, FsPort } from './fs-port.ts';

export interface FileRead {
  /** All of the file when complete; otherwise only its first bytes (enough to say what it is). */
  readonly bytes: Uint8Array;
  /** The file's size in bytes (for an oversized file, what the file system reports, at least limit + 1). */
  readonly size: number;
  /** False when the file is over the limit and only its start was read. */
  readonly complete: boolean;
  readonly mtimeMs: number;
}

/** How much of an oversized file we read to say what it is. */
export const OVERSIZED_PREFIX_BYTES = 64 * 1024;

/** Read from the start of handle (or on from the bytes already held) until its end or limit bytes. */
async function readUpTo(handle: FileHandleLike, limit: number, sizeHint: number, held?: Uint8Array): Promise<Uint8Array> {
  // One byte more than the size we were told, so the end of the file shows as a read of 0 bytes.
  let buffer = new Uint8Array(Math.max(1, held?.length ?? 0, Math.min(limit, sizeHint + 1)));
  let filled = 0;
  if (held !== undefined) {
    buffer.set(held);
    filled = held.length;
  }
  // Each pass reads at least one byte or ends, and the buffer never exceeds limit: bounded.
  for (;;) {
    if (filled === buffer.length) {
      if (buffer.length >= limit) break;
      const grown = new Uint8Array(Math.min(limit, buffer.length * 2));
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
  return buffer.subarray(0, filled);
}

/**
 * Read path once. maxBytes is the largest size that may be sent; a file
 * larger than that is not read past OVERSIZED_PREFIX_BYTES. sizeHint is the
 * size registration saw: when it is within maxBytes we size the buffer by it
 * and skip the stat before reading (the stat after reading decides, as always,
 * whether what we hold is the whole file and a regular one).
 */
export async function readOnce(fs: FsPort, path: string, name: string, maxBytes: number, sizeHint?: number): Promise<FileRead> {
  let handle: FileHandleLike;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw accessError(error, name);
  }
  try {
    let expected: number;
    if (sizeHint !== undefined && sizeHint <= maxBytes) {
      expected = sizeHint;
    } else {
      const before = await handle.stat();
      if (before.isDirectory()) throw new FileAccessError(isFolder(name));
      if (!before.isFile()) throw new FileAccessError(notAFile(name));
      if (before.size > maxBytes) {
        const bytes = await readUpTo(handle, OVERSIZED_PREFIX_BYTES, OVERSIZED_PREFIX_BYTES);
        return { bytes, size: before.size, complete: false, mtimeMs: before.mtimeMs };
      }
      expected = before.size;
    }

    let bytes = await readUpTo(handle, maxBytes + 1, expected);
    let after = await handle.stat();
    if (after.size > bytes.length && bytes.length <= maxBytes) {
      // It grew while we read (we stopped at the size we were told): read on, never past the limit.
      bytes = await readUpTo(handle, maxBytes + 1, after.size, bytes);
      after = await handle.stat();
    }
    // Replaced since registration by a folder (reading it fails with EISDIR) or by something that is not a file.
    if (after.isDirectory()) throw new FileAccessError(isFolder(name));
    if (!after.isFile()) throw new FileAccessError(notAFile(name));
    if (bytes.length > maxBytes) {
      // It grew past the limit while we read: refuse on size, keep only the start.
      return { bytes: bytes.slice(0, OVERSIZED_PREFIX_BYTES), size: Math.max(after.size, bytes.length), complete: false, mtimeMs: after.mtimeMs };
    }
    // Still being written (or cut short) while we read it: what we hold may be half a file.
    if (after.size !== bytes.length) throw new FileAccessError(stillChanging(name));
    return { bytes, size: bytes.length, complete: true, mtimeMs: after.mtimeMs };
  } catch (error) {
    throw error instanceof FileAccessError ? error : accessError(error, name);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
