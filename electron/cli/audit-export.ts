// `npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--format jsonl|csv] [--dir DIR]`
//
// The export goes to stdout (or a new file, owner-only); what was exported goes to stderr.

import { open, type FileHandle } from 'node:fs/promises';
import { AUDIT_EXPORT_USAGE, parseAuditExportArgs, type AuditExportOptions } from './audit-export-args.ts';
import { appAuditDir } from '../services/audit/audit-files.ts';
import { auditFolderProblem } from '../services/audit/audit-folders.ts';
import { exportAudit, type ExportSummary } from '../services/audit/export.ts';

const note = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const parsed = parseAuditExportArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${AUDIT_EXPORT_USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    note(`audit:export: ${parsed.message}\n\n${AUDIT_EXPORT_USAGE}`);
    return 2;
  }
  const { options } = parsed;
  const dir = options.dir ?? appAuditDir();
  // Before creating --out: a mistyped folder must not leave an empty export behind.
  const problem = await auditFolderProblem(dir);
  if (problem !== null) {
    note(`audit:export: ${problem}: nothing was exported. Give the folder that holds the audit-YYYY-MM.jsonl files`);
    return 1;
  }
  let file: FileHandle | null = null;
  if (options.out !== null) {
    try {
      // 'wx': never overwrite an earlier export by mistake.
      file = await open(options.out, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      note(code === 'EEXIST' ? `${options.out} already exists: choose another name` : `Could not create ${options.out} (${code ?? 'error'})`);
      return 1;
    }
  }
  const out = file;
  try {
    const summary = await exportAudit({
      dir,
      from: options.from,
      to: options.to,
      format: options.format,
      write: async (chunk) => {
        if (out) await out.write(chunk);
        else if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      },
    });
    note(summaryText(options, dir, summary));
    if (summary.skipped > 0) note(`${summary.skipped} line${summary.skipped === 1 ? ' was' : 's were'} not valid audit lines and were left out`);
    return 0;
  } finally {
    await out?.close();
  }
}

/** What was exported, said plainly, also when nothing was. */
function summaryText(options: AuditExportOptions, dir: string, summary: ExportSummary): string {
  const days = `from ${options.from} to ${options.to}`;
  if (summary.lines > 0) {
    const where = options.out === null ? '' : ` to ${options.out}`;
    return `Exported ${summary.lines} audit line${summary.lines === 1 ? '' : 's'} ${days}${where} (audit folder ${dir})`;
  }
  const why = summary.files.length === 0 ? `${dir} has no audit file for those months` : `none of the audit files in ${dir} has a line on those days`;
  const written = options.out === null ? '' : options.format === 'csv' ? `. ${options.out} holds only the column headings` : `. ${options.out} is empty`;
  return `No audit lines ${days}: ${why}${written}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    note(`audit:export: ${(err as Error)?.message ?? String(err)}`);
    process.exitCode = 1;
  },
);
