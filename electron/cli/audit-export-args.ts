// The audit export command's arguments.

import { parseArgs } from 'node:util';
import { rangeProblem, type ExportFormat } from '../services/audit/export.ts';
import { ENVIRONMENT_NAME } from '../services/config/schema.ts';

export interface AuditExportOptions {
  readonly from: string;
  readonly to: string;
  readonly out: string | null;
  readonly format: ExportFormat;
  /** The audit folder itself, any place; null for the app's own. */
  readonly dir: string | null;
  /** Whose trail in the app's audit folder; null for the configured environment's. */
  readonly environment: string | null;
}

export type ParsedAuditExportArgs =
  | { readonly kind: 'run'; readonly options: AuditExportOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

export const AUDIT_EXPORT_USAGE = `Usage: npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--format jsonl|csv] [--environment NAME | --dir DIR]

Exports the audit trail of uploads to e-RS for the days given (UTC, both
included): one line per upload attempt and per outcome. Each environment has
its own trail; the built-in sandbox's is called sandbox.

  --from YYYY-MM-DD    first day
  --to YYYY-MM-DD      last day
  --out FILE           write to this new file (default: the screen)
  --format jsonl|csv   JSON lines (default) or CSV for a spreadsheet
  --environment NAME   the trail of this environment (default: the one the
                       configuration file chooses, if it is not the sandbox)
  --dir DIR            the folder of audit-YYYY-MM.jsonl files to read instead
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
        environment: { type: 'string' },
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
  if (values.environment !== undefined) {
    if (values.dir !== undefined) return { kind: 'usage-error', message: 'Give --environment or --dir, not both' };
    if (!ENVIRONMENT_NAME.test(values.environment)) {
      return { kind: 'usage-error', message: `--environment must be the name of an environment (letters, digits, - and _), not "${values.environment}"` };
    }
  }
  return {
    kind: 'run',
    options: {
      from: values.from,
      to: values.to,
      out: values.out ?? null,
      format: values.format,
      dir: values.dir ?? null,
      environment: values.environment ?? null,
    },
  };
}
