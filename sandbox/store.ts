// The sandbox's document store: what A020 accepted, as A006 will return it.

import { createHash } from 'node:crypto';

export interface StoredFile {
  /** The id in `Location: Binary/<id>` (a UUID v4). */
  readonly id: string;
  /** X-ERS-XAPI-META-FILE_NAME as e-RS stored it (header bytes decoded as UTF-8 when valid). */
  readonly name: string;
  /** The media type from Content-Type, lower-cased, without parameters. */
  readonly mimeType: string;
  readonly ubrn: string | null;
  readonly bytes: Uint8Array;
  /** Lower-case hex SHA-256 of `bytes`. */
  readonly sha256: string;
  /** UID of the user whose session uploaded it. */
  readonly sessionUser: string;
  /** The business function the session had selected. */
  readonly sessionRole: string;
  /** The X_ERS_TRANSACTION_ID answered for the upload. */
  readonly transactionId: string;
  readonly storedAt: number;
}

export interface SandboxStore {
  get(fileId: string): StoredFile | undefined;
  /** In upload order. */
  list(): StoredFile[];
}

export class FileStore implements SandboxStore {
  readonly #files = new Map<string, StoredFile>();

  add(file: Omit<StoredFile, 'sha256' | 'storedAt'>): StoredFile {
    const stored: StoredFile = {
      ...file,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      storedAt: Date.now(),
    };
    this.#files.set(stored.id, stored);
    return stored;
  }

  get(fileId: string): StoredFile | undefined {
    return this.#files.get(fileId);
  }

  list(): StoredFile[] {
    return [...this.#files.values()];
  }
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
