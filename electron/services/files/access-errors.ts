// What went wrong reaching a file on disk, said so that the person knows what
// to do. Error codes are Node's (libuv's); Windows reports a file held open
// with an exclusive lock (Word does this) as EBUSY or EPERM.

export type FileRefusalReason =
  | 'no-file' // an item with no file on disk (dragged from an email or a browser)
  | 'folder'
  | 'not-a-file' // a device, a pipe, a socket
  | 'unreadable' // permission denied
  | 'locked' // open in another program
  | 'vanished' // moved, renamed or deleted
  | 'changing' // still being written while we read it
  | 'unknown-id'
  | 'failed'; // anything else the operating system reported

export interface FileRefusal {
  readonly reason: FileRefusalReason;
  readonly message: string;
  /** True when trying again later may work without the person choosing the file again. */
  readonly retryable: boolean;
}

/** Thrown by readAndCheck; carries a person-readable message. */
export class FileAccessError extends Error implements FileRefusal {
  readonly reason: FileRefusalReason;
  readonly retryable: boolean;
  /** The operating system's code (EBUSY...), when there was one. */
  readonly code: string | null;

  constructor(refusal: FileRefusal, code: string | null = null, options?: { cause?: unknown }) {
    super(refusal.message, options);
    this.name = 'FileAccessError';
    this.reason = refusal.reason;
    this.retryable = refusal.retryable;
    this.code = code;
  }
}

export function noFileOnDisk(name: string): FileRefusal {
  const message =
    name.trim() === ''
      ? 'This item is not a file on your computer. Save it to your computer first, then add it'
      : `Save ${name} to your computer first, then add it`;
  return { reason: 'no-file', message, retryable: false };
}

export function isFolder(name: string): FileRefusal {
  return { reason: 'folder', message: `${name} is a folder, not a file: open it and add the files inside it`, retryable: false };
}

export function notAFile(name: string): FileRefusal {
  return { reason: 'not-a-file', message: `${name} is not a document: choose the file itself and add it again`, retryable: false };
}

export function stillChanging(name: string): FileRefusal {
  return { reason: 'changing', message: `${name} changed while it was being read: wait until it has finished saving, then try again`, retryable: true };
}

export function unknownId(): FileRefusal {
  return { reason: 'unknown-id', message: 'This file is no longer in the list: add it again', retryable: false };
}

function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** Turn an fs error into what the person is told. */
export function describeAccessError(error: unknown, name: string): FileRefusal {
  switch (codeOf(error)) {
    case 'EBUSY':
    case 'EPERM':
      return { reason: 'locked', message: `${name} is open in another program: close it and try again`, retryable: true };
    case 'EACCES':
      return {
        reason: 'unreadable',
        message: `You do not have permission to open ${name}: save a copy somewhere you can open it, then add the copy`,
        retryable: true,
      };
    case 'ENOENT':
    case 'ENOTDIR':
      return {
        reason: 'vanished',
        message: `${name} could not be found. It may have been moved, renamed or deleted: find it and add it again`,
        retryable: false,
      };
    case 'EISDIR':
      return isFolder(name);
    case 'EMFILE':
    case 'ENFILE':
      return { reason: 'failed', message: `${name} could not be opened because too many files are open: try again`, retryable: true };
    default: {
      const code = codeOf(error);
      return { reason: 'failed', message: `${name} could not be read${code === null ? '' : ` (${code})`}: try again`, retryable: true };
    }
  }
}

export function accessError(error: unknown, name: string): FileAccessError {
  return new FileAccessError(describeAccessError(error, name), codeOf(error), { cause: error });
}
