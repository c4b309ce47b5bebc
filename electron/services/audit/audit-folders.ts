// Looking at audit folders on disk before reading them: an export from a
// mistyped folder must say so, not report an empty trail; and a person
// choosing a trail is told which ones there are.

import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { ENVIRONMENT_NAME } from '../config/schema.ts';
import { monthOfFileName } from './audit-files.ts';

export interface AuditFolderProblem {
  readonly reason: 'missing' | 'not-a-folder' | 'unreadable';
  /** For the person: "/x/audit does not exist". */
  readonly message: string;
}

/** Why `dir` cannot be read as an audit folder; null when it can. */
export async function auditFolderProblem(dir: string): Promise<AuditFolderProblem | null> {
  try {
    if (!(await stat(dir)).isDirectory()) return { reason: 'not-a-folder', message: `${dir} is not a folder` };
    // Listing needs read, opening the monthly files inside needs search (x).
    await access(dir, constants.R_OK | constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { reason: 'missing', message: `${dir} does not exist` };
    if (code === 'EACCES' || code === 'EPERM') return { reason: 'unreadable', message: `${dir} cannot be read (permission denied)` };
    return { reason: 'unreadable', message: `${dir} cannot be read (${code ?? 'error'})` };
  }
}

/** The folder given to an export cannot be read: nothing was exported. */
export class AuditFolderError extends Error {
  override readonly name = 'AuditFolderError';
  readonly dir: string;
  readonly reason: AuditFolderProblem['reason'];
  constructor(dir: string, problem: AuditFolderProblem) {
    super(problem.message);
    this.dir = dir;
    this.reason = problem.reason;
  }
}

export interface AuditTrails {
  /** Environments with a folder in the audit root, sorted. */
  readonly environments: readonly string[];
  /** Monthly files directly in the root: written before each environment had a folder of its own. */
  readonly earlierFiles: boolean;
}

/** What the audit root (<user data>/audit) holds; nothing when it does not exist. */
export async function listAuditTrails(root: string): Promise<AuditTrails> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { environments: [], earlierFiles: false };
    throw error;
  }
  return {
    environments: entries
      .filter((e) => e.isDirectory() && ENVIRONMENT_NAME.test(e.name))
      .map((e) => e.name)
      .sort(),
    earlierFiles: entries.some((e) => e.isFile() && monthOfFileName(e.name) !== null),
  };
}
