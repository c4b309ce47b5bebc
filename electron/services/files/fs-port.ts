// The little of node:fs/promises the file service uses, as an interface so
// tests can stand in for Windows behaviour (EBUSY on a locked file) that
// Linux cannot produce. node:fs/promises satisfies it as it is.

export interface FileStatsLike {
  readonly size: number;
  readonly mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface FileHandleLike {
  stat(): Promise<FileStatsLike>;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export interface FsPort {
  stat(path: string): Promise<FileStatsLike>;
  /** 'r', or numeric flags (registration adds O_NONBLOCK so a named pipe cannot hold the open). */
  open(path: string, flags: 'r' | number): Promise<FileHandleLike>;
}
