// Looking at audit folders on disk before reading them: an export from a
// mistyped folder must say so, not report an empty trail.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** Why `dir` cannot be read as an audit folder, in words for the person; null when it can. */
export async function auditFolderProblem(dir: string): Promise<string | null> {
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is not a folder`;
    // Listing needs read, opening the monthly files inside needs search (x).
    await access(dir, constants.R_OK | constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${dir} does not exist`;
    if (code === 'EACCES' || code === 'EPERM') return `${dir} cannot be read (permission denied)`;
    return `${dir} cannot be read (${code ?? 'error'})`;
  }
}

/** The folder given to an export cannot be read: nothing was exported. */
export class AuditFolderError extends Error {
  override readonly name = 'AuditFolderError';
  readonly dir: string;
  constructor(dir: string, problem: string) {
    super(problem);
    this.dir = dir;
  }
}
