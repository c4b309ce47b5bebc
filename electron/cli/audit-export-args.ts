// The audit export command's arguments.

import { parseArgs } from 'node:util';
import { rangeProblem, type ExportFormat } from '../services/audit/export.ts';

export interface AuditExportOptions {
  readonly from: string;
  readonly to: string;
  readonly out: string | null;
  readonly format: ExportFormat;
  /** The audit folder; null for the app's own. */
  readonly dir: string | null;
}

export type ParsedAuditExportArgs =
  | { readonly kind: 'run'; readonly options: AuditExportOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

export const AUDIT_EXPORT_USAGE = `Usage: npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--format jsonl|csv] [--dir DIR]

Exports the audit trail of uploads to e-RS for the days given (UTC, both
included): one line per upload attempt and per outcome.

  --from YYYY-MM-DD    first day
  --to YYYY-MM-DD      last day
  --out FILE           write to this new file (default: the screen)
  --format jsonl|csv   JSON lines (default) or CSV for a spreadsheet
  --dir DIR            the audit folder (default: the one in ers-attach's user data folder)
  -h, --help           show this help`;

export function parseAuditExportArgs(argv: readonly string[]): ParsedAuditExportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string', default: 'jsonl' },
        dir: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (err) {
    return { kind: 'usage-error', message: (err as Error).message };
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.from === undefined || values.to === undefined) return { kind: 'usage-error', message: 'Give both --from and --to' };
  const problem = rangeProblem(values.from, values.to);
  if (problem) return { kind: 'usage-error', message: problem };
  if (values.format !== 'jsonl' && values.format !== 'csv') {
    return { kind: 'usage-error', message: `--format must be jsonl or csv, not "${values.format}"` };
  }
  if (values.out !== undefined && values.out.trim() === '') return { kind: 'usage-error', message: '--out needs a file name' };
  if (values.dir !== undefined && values.dir.trim() === '') return { kind: 'usage-error', message: '--dir needs a folder' };
  return {
    kind: 'run',
    options: { from: values.from, to: values.to, out: values.out ?? null, format: values.format, dir: values.dir ?? null },
  };
}
