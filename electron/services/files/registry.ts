// The files the person chose, by opaque id. The page only ever sees ids; paths
// stay in main. readAndCheck reads a file once and checks exactly the bytes it
// returns, which are the bytes the upload sends.

import { createHash, randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { constants as nodeFsConstants } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { basename } from 'node:path';
import mime from 'mime-types';
import { identifyContent } from '../../../shared/content/identify.ts';
import { FileIdSchema, type FileId } from '../../../shared/ipc/contract.ts';
import { findRefusedByExtension, findTypeByExtension } from '../../../shared/rules/attachment-types.ts';
import { splitExtension } from '../../../shared/rules/file-name.ts';
import { MAX_FILE_BYTES } from '../../../shared/rules/limits.ts';
import type { ContentLook, Verdict } from '../../../shared/rules/types.ts';
import { validateAttachment, type ValidationHints } from '../../../shared/rules/validate.ts';
import {
  FileAccessError,
  describeAccessError,
  isFolder,
  noFileOnDisk,
  notAFile,
  unknownId,
  type FileRefusalReason,
} from './access-errors.ts';
import { BufferPool } from './buffer-pool.ts';
import type { FsPort } from './fs-port.ts';
import { OVERSIZED_PREFIX_BYTES, readOnce } from './read-once.ts';

export type FileSource = { readonly kind: 'path'; readonly path: string } | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

export interface RegisteredFile {
  readonly id: FileId;
  /** The name as the person sees it (the dropped item's name, else the path's last part). */
  readonly name: string;
  readonly source: FileSource;
}

export type Registration =
  | { readonly ok: true; readonly file: RegisteredFile }
  | { readonly ok: false; readonly name: string; readonly reason: FileRefusalReason; readonly message: string; readonly retryable: boolean };

export interface CheckedFile {
  readonly id: FileId;
  readonly name: string;
  /** The bytes checked, which are the bytes to send. Only the start of the file when `complete` is false. */
  readonly bytes: Uint8Array;
  /** The file's size in bytes. */
  readonly size: number;
  /** SHA-256 (hex) of `bytes`. */
  readonly sha256: string;
  readonly look: ContentLook;
  readonly verdict: Verdict;
  /** Modification time when read; null for bytes that never were a file on disk. */
  readonly mtimeMs: number | null;
  /** False when the file is over the size limit and was not read in full (the verdict refuses it). */
  readonly complete: boolean;
  /**
   * Done with `bytes`: a large file's bytes live in one of the registry's
   * reusable buffers, which the next read may then fill. Call it once nothing
   * reads `bytes` any more (after the send has ended, not when it is aborted);
   * later calls do nothing. Not calling it is safe, only costlier.
   */
  release(): void;
}

export interface FileRegistryOptions {
  /** Defaults to node:fs/promises. */
  readonly fs?: FsPort;
  /** Largest file that may be sent; defaults to the e-RS limit. */
  readonly maxBytes?: number;
  /** Reusable read buffers for large files, one per upload in flight (default 2, the queue's concurrency); 0 for none. */
  readonly bufferSlots?: number;
}

/**
 * Opening a named pipe for reading waits for a writer, which would hold a
 * thread-pool thread for good; O_NONBLOCK makes it return at once (the stat
 * refuses it anyway) and changes nothing for regular files. Windows has no
 * such flag, nor pipes among ordinary paths.
 */
const OPEN_TO_PROBE: 'r' | number = process.platform === 'win32' ? 'r' : nodeFsConstants.O_RDONLY | nodeFsConstants.O_NONBLOCK;

/** 16 random bytes as url-safe base64: 'f_' + 22 characters, unguessable by a page. */
function newFileId(): FileId {
  return FileIdSchema.parse(`f_${randomBytes(16).toString('base64url')}`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A ZIP part's deflated data, refusing (throwing) past maxBytes of output. */
function inflateRaw(data: Uint8Array, maxBytes: number): Uint8Array {
  return inflateRawSync(data, { maxOutputLength: maxBytes });
}

/**
 * mime-types (mime-db) knows far more extensions than our tables; we use it
 * only to say what kind of thing an unlisted extension is ("clip.mov is a
 * video"), never to decide what e-RS accepts.
 */
export function hintsForName(name: string): ValidationHints {
  const ext = splitExtension(name.normalize('NFC').trim()).extension;
  if (ext === null || findTypeByExtension(ext) !== undefined || findRefusedByExtension(ext) !== undefined) return {};
  const type = mime.lookup(ext);
  return { extensionMimeType: type === false ? null : type };
}

export class FileRegistry {
  readonly #files = new Map<FileId, RegisteredFile>();
  /** The size registration saw, so the read that follows need not ask again. */
  readonly #sizeSeen = new Map<FileId, number>();
  readonly #fs: FsPort;
  readonly #maxBytes: number;
  readonly #pool: BufferPool;

  constructor(options: FileRegistryOptions = {}) {
    this.#fs = options.fs ?? nodeFs;
    this.#maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
    this.#pool = new BufferPool(this.#maxBytes + 1, options.bufferSlots ?? 2);
  }

  /**
   * Register a file on disk. path '' is how the preload reports an item with
   * no file behind it (webUtils.getPathForFile). Refuses folders, things that
   * are not files, and files that cannot be opened, with the reason.
   */
  async registerPath(path: string, displayName?: string): Promise<Registration> {
    const name = displayName !== undefined && displayName.trim() !== '' ? displayName : path === '' ? '' : basename(path);
    const refuse = (r: { reason: FileRefusalReason; message: string; retryable: boolean }): Registration => ({ ok: false, name, ...r });
    if (path === '') return refuse(noFileOnDisk(name));
    // Asked at once, not one after the other: each is a trip through libuv's thread pool, and a
    // drop registers its files one by one. Which answer wins is as if the stat came first.
    const [stats, opened] = await Promise.allSettled([this.#fs.stat(path), this.#fs.open(path, OPEN_TO_PROBE)]);
    if (opened.status === 'fulfilled') {
      // Nothing waits for the close: the file was only opened to see that it can be.
      opened.value.close().catch(() => undefined);
    }
    // Decide by what the path is, never by its name: a folder called Referrals.pdf is a folder.
    if (stats.status === 'rejected') return refuse(describeAccessError(stats.reason, name));
    if (stats.value.isDirectory()) return refuse(isFolder(name));
    if (!stats.value.isFile()) return refuse(notAFile(name));
    // Opening is what fails for a locked (EBUSY/EPERM) or forbidden (EACCES) file; find out now, not at upload.
    if (opened.status === 'rejected') return refuse(describeAccessError(opened.reason, name));
    const size = stats.value.size;
    const file = this.#add(name, { kind: 'path', path });
    this.#sizeSeen.set(file.id, size);
    return { ok: true, file };
  }

  /** Register bytes that never were a file on disk (the browser preview). The bytes are copied. */
  registerBytes(name: string, bytes: Uint8Array): RegisteredFile {
    return this.#add(name, { kind: 'bytes', bytes: bytes.slice() });
  }

  get(id: string): RegisteredFile | undefined {
    return this.#files.get(id as FileId);
  }

  remove(id: string): boolean {
    this.#sizeSeen.delete(id as FileId);
    return this.#files.delete(id as FileId);
  }

  /** Read the file once, identify it and check it. Throws FileAccessError when it cannot be read. */
  async readAndCheck(id: string): Promise<CheckedFile> {
    const file = this.#files.get(id as FileId);
    if (file === undefined) throw new FileAccessError(unknownId());
    const read =
      file.source.kind === 'path'
        ? await readOnce(this.#fs, file.source.path, file.name, this.#maxBytes, this.#sizeSeen.get(file.id), this.#pool)
        : this.#fromMemory(file.source.bytes);
    let look: ContentLook;
    let verdict: Verdict;
    let hash: string;
    try {
      look = await identifyContent(read.bytes, { complete: read.complete, inflateRaw });
      verdict = validateAttachment({ name: file.name, size: read.size, look }, hintsForName(file.name));
      hash = sha256(read.bytes);
    } catch (error) {
      read.release();
      throw error;
    }
    return {
      id: file.id,
      name: file.name,
      bytes: read.bytes,
      size: read.size,
      sha256: hash,
      look,
      verdict,
      mtimeMs: read.mtimeMs,
      complete: read.complete,
      release: read.release,
    };
  }

  #fromMemory(bytes: Uint8Array) {
    const complete = bytes.length <= this.#maxBytes;
    return { bytes: complete ? bytes : bytes.subarray(0, OVERSIZED_PREFIX_BYTES), size: bytes.length, complete, mtimeMs: null, release: () => undefined };
  }

  #add(name: string, source: FileSource): RegisteredFile {
    const file: RegisteredFile = { id: newFileId(), name, source };
    this.#files.set(file.id, file);
    return file;
  }
}
