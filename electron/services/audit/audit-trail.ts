// The audit trail writer: append-only JSON lines, one monthly file at a time.
//
// - Files are opened with 'a' (O_APPEND): a line is only ever added at the end,
//   never rewritten. Each line is one write() followed by fdatasync, so a line
//   the trail said it wrote survives a crash. No descriptor is held between
//   lines, so there is nothing to close at shutdown and a moved file is recreated.
// - Lines are written one after another in the order they were recorded.
// - A line left half-written by a crash is ended with a newline before the next
//   one, so it spoils only itself (the export skips and counts it).
// - Rotation: the month of a line's time picks its file; the first line of a
//   month (and of each run) prunes files past retention (audit-files.ts).
// - Every line is checked against the strict schema before it is written, so
//   nothing but the audit fields (no content, PIN, token or key) can get in.
// - Failures are logged, never thrown: a full disk must not stop an upload.

import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AuditEventSchema, type AuditEvent } from './audit-event.ts';
import { filesToPrune, MIN_KEEP_MONTHS, monthFileName, monthOf, type MonthIndex } from './audit-files.ts';

export interface AuditTrail {
  /** Appends one line and syncs it to disk. Never rejects: a failure is logged. */
  record(event: AuditEvent): Promise<void>;
  /** Resolves when every line recorded so far is on disk (or has failed and been logged). */
  flush(): Promise<void>;
}

export interface AuditTrailOptions {
  /** The audit folder (auditDirIn(userDataDir, environment)). */
  readonly dir: string;
  /** Folders of monthly files this trail no longer writes to (an earlier layout): pruned by the same rule. */
  readonly pruneAlso?: readonly string[];
  readonly log?: (line: string) => void;
  /** Months a finished month's file is kept (default and minimum 3). */
  readonly keepMonths?: number;
  /** For pruning decisions; default Date.now. */
  readonly now?: () => number;
}

async function endsWithNewline(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const { dir } = options;
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const keepMonths = options.keepMonths ?? MIN_KEEP_MONTHS;
  // Refuse a too-short retention at once, not at the first rotation.
  filesToPrune([], now(), keepMonths);

  /** The month last written to; a change of month (or the first line) prunes and checks the file's end. */
  let month: MonthIndex | null = null;
  let chain: Promise<void> = Promise.resolve();

  async function prune(folder: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of filesToPrune(names, now(), keepMonths)) {
      try {
        await unlink(join(folder, name));
      } catch (error) {
        // The app and the upload command may both prune a folder: gone is gone.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      log(`audit: removed ${join(folder, name)} (older than ${keepMonths} full months)`);
    }
  }

  async function append(lineMonth: MonthIndex, line: string): Promise<void> {
    const path = join(dir, monthFileName(lineMonth));
    let text = line;
    if (month !== lineMonth) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      for (const folder of [dir, ...(options.pruneAlso ?? [])]) {
        try {
          await prune(folder);
        } catch (error) {
          log(`audit: could not prune old audit files in ${folder}: ${(error as Error).message}`);
        }
      }
      if (!(await endsWithNewline(path))) text = `\n${line}`;
    }
    // Opened for each line (no descriptor held between uploads); 'a' = O_APPEND.
    const handle = await open(path, 'a', 0o600);
    try {
      await handle.write(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    month = lineMonth;
  }

  return {
    record(event) {
      const parsed = AuditEventSchema.safeParse(event);
      if (!parsed.success) {
        // A bug: say which fields, never their values.
        const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(line)'))].join(', ');
        log(`audit: a line was not written because these fields are not valid: ${fields}`);
        return Promise.resolve();
      }
      const line = `${JSON.stringify(parsed.data)}\n`;
      const lineMonth = monthOf(Date.parse(parsed.data.time));
      const run = chain
        .then(() => append(lineMonth, line))
        .catch((error: unknown) => {
          log(`audit: could not write the audit trail: ${(error as Error)?.message ?? String(error)}`);
        });
      chain = run;
      return run;
    },
    flush: () => chain,
  };
}
