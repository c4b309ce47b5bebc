// Exporting the audit trail for a range of days (UTC, both ends included), as
// JSON lines or CSV, e.g. for a Subject Access Request or an incident review.
// Lines that are not valid audit lines (a line cut short by a crash) are
// skipped and counted, never guessed at.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_FIELDS, AuditEventSchema, type AuditEvent } from './audit-event.ts';
import { monthFileName, monthOf } from './audit-files.ts';
import { AuditFolderError, auditFolderProblem } from './audit-folders.ts';

export type ExportFormat = 'jsonl' | 'csv';

export interface ExportOptions {
  /** The audit folder. */
  readonly dir: string;
  /** First day, YYYY-MM-DD (UTC). */
  readonly from: string;
  /** Last day, YYYY-MM-DD (UTC), included. */
  readonly to: string;
  readonly format: ExportFormat;
  /** Receives the export in pieces, in order. */
  readonly write: (chunk: string) => void | Promise<void>;
}

export interface ExportSummary {
  readonly lines: number;
  /** Lines in the range's files that are not valid audit lines. */
  readonly skipped: number;
  /** The monthly files that were read. */
  readonly files: readonly string[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Midnight UTC at the start of a YYYY-MM-DD day, or null when it is not a real date. */
export function dayStart(day: string): number | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === date ? ms : null;
}

/** Validates a range: each end a real date, from not after to. Returns the problem for the person, or null. */
export function rangeProblem(from: string, to: string): string | null {
  const start = dayStart(from);
  const end = dayStart(to);
  if (start === null) return `--from must be a date written YYYY-MM-DD, such as 2026-11-01, not "${from}"`;
  if (end === null) return `--to must be a date written YYYY-MM-DD, such as 2026-12-31, not "${to}"`;
  if (start > end) return `--from (${from}) is after --to (${to})`;
  return null;
}

/** A CSV cell: quoted when needed, and never read by a spreadsheet as a formula. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

async function readLines(path: string): Promise<string[] | null> {
  try {
    return (await readFile(path, 'utf8')).split('\n');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Throws AuditFolderError when `dir` is not a readable folder (a missing folder is not an empty trail). */
export async function exportAudit(options: ExportOptions): Promise<ExportSummary> {
  const problem = rangeProblem(options.from, options.to);
  if (problem) throw new RangeError(problem);
  const folderProblem = await auditFolderProblem(options.dir);
  if (folderProblem !== null) throw new AuditFolderError(options.dir, folderProblem);
  const start = dayStart(options.from)!;
  const end = dayStart(options.to)! + DAY_MS; // exclusive
  const events: AuditEvent[] = [];
  const files: string[] = [];
  let skipped = 0;
  for (let month = monthOf(start); month <= monthOf(end - 1); month++) {
    const name = monthFileName(month);
    const lines = await readLines(join(options.dir, name));
    if (lines === null) continue;
    files.push(name);
    for (const text of lines) {
      if (text.trim() === '') continue;
      let parsed: ReturnType<typeof AuditEventSchema.safeParse>;
      try {
        parsed = AuditEventSchema.safeParse(JSON.parse(text));
      } catch {
        skipped++;
        continue;
      }
      if (!parsed.success) {
        skipped++;
        continue;
      }
      const at = Date.parse(parsed.data.time);
      if (at >= start && at < end) events.push(parsed.data);
    }
  }
  // Written in order, but clocks and concurrent uploads can interleave: sort by time (stable).
  events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  if (options.format === 'csv') {
    await options.write(`${AUDIT_FIELDS.join(',')}\r\n`);
    for (const event of events) await options.write(`${AUDIT_FIELDS.map((f) => csvCell(event[f])).join(',')}\r\n`);
  } else {
    for (const event of events) await options.write(`${JSON.stringify(event)}\n`);
  }
  return { lines: events.length, skipped, files };
}
