// `npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--format jsonl|csv] [--dir DIR]`
//
// The export goes to stdout (or a new file, owner-only); what was exported goes to stderr.

import { open, type FileHandle } from 'node:fs/promises';
import { AUDIT_EXPORT_USAGE, parseAuditExportArgs } from './audit-export-args.ts';
import { appAuditDir } from '../services/audit/audit-files.ts';
import { exportAudit } from '../services/audit/export.ts';

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
    const where = options.out === null ? '' : ` to ${options.out}`;
    note(`Exported ${summary.lines} audit line${summary.lines === 1 ? '' : 's'} from ${options.from} to ${options.to}${where} (audit folder ${dir})`);
    if (summary.skipped > 0) note(`${summary.skipped} line${summary.skipped === 1 ? ' was' : 's were'} not valid audit lines and were left out`);
    return 0;
  } finally {
    await out?.close();
  }
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
