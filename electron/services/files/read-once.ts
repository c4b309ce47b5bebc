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

async function readUpTo(handle: FileHandleLike, limit: number, sizeHint: number): Promise<Uint8Array> {
  // One byte more than the size we were told, so the end of the file shows as a read of 0 bytes.
  let buffer = new Uint8Array(Math.max(1, Math.min(limit, sizeHint + 1)));
  let filled = 0;
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
  }
  return buffer.subarray(0, filled);
}

/**
 * Read path once. maxBytes is the largest size that may be sent; a file
 * larger than that is not read past OVERSIZED_PREFIX_BYTES.
 */
export async function readOnce(fs: FsPort, path: string, name: string, maxBytes: number): Promise<FileRead> {
  let handle: FileHandleLike;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    throw accessError(error, name);
  }
  try {
    const before = await handle.stat();
    if (before.isDirectory()) throw new FileAccessError(isFolder(name));
    if (!before.isFile()) throw new FileAccessError(notAFile(name));

    if (before.size > maxBytes) {
      const bytes = await readUpTo(handle, OVERSIZED_PREFIX_BYTES, OVERSIZED_PREFIX_BYTES);
      return { bytes, size: before.size, complete: false, mtimeMs: before.mtimeMs };
    }

    const bytes = await readUpTo(handle, maxBytes + 1, before.size);
    const after = await handle.stat();
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
