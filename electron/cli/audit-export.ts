// `npm run audit:export -- --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--format jsonl|csv] [--environment NAME | --dir DIR]`
//
// The export goes to stdout (or a new file, owner-only); what was exported goes to stderr.
// Each environment has a trail of its own (audit-files.ts): with neither
// --environment nor --dir, the one the configuration file chooses is exported,
// never the built-in sandbox's by default.

import { open, type FileHandle } from 'node:fs/promises';
import { AUDIT_EXPORT_USAGE, parseAuditExportArgs, type AuditExportOptions } from './audit-export-args.ts';
import { appAuditDir, appAuditRoot } from '../services/audit/audit-files.ts';
import { auditFolderProblem, listAuditTrails } from '../services/audit/audit-folders.ts';
import { exportAudit, type ExportSummary } from '../services/audit/export.ts';
import { ConfigError, configuredEnvironmentName } from '../services/config/load.ts';
import { SANDBOX_ENVIRONMENT } from '../services/config/schema.ts';

const note = (line: string): void => void process.stderr.write(`${line}\n`);

/** The folder to read, and whose trail it is (null for a --dir). */
interface Source {
  readonly dir: string;
  readonly environment: string | null;
}

/** Which trails the app's audit folder holds, for a person choosing one. */
async function trailsText(): Promise<string> {
  const root = appAuditRoot();
  const { environments, earlierFiles } = await listAuditTrails(root);
  const lines = [environments.length === 0 ? `There is no audit trail in ${root} yet` : `Audit trails in ${root}: ${environments.join(', ')}`];
  if (earlierFiles) {
    lines.push(`${root} also holds audit files from before each environment had a folder of its own (all environments together): export them with --dir ${root}`);
  }
  return lines.join('\n');
}

/** The trail to export, or why none was chosen (then the command must say which). */
async function chooseSource(options: AuditExportOptions): Promise<Source | { readonly unchosen: string }> {
  if (options.dir !== null) return { dir: options.dir, environment: null };
  if (options.environment !== null) return { dir: appAuditDir(options.environment), environment: options.environment };
  let why: string;
  try {
    const { name, configPath } = await configuredEnvironmentName();
    if (name !== SANDBOX_ENVIRONMENT) return { dir: appAuditDir(name), environment: name };
    why = configPath === null ? 'there is no configuration file, so no e-RS environment is configured' : `${configPath} chooses the built-in sandbox`;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    why = `the configuration file does not say which environment is used (${err.problems.join('; ')})`;
  }
  return { unchosen: why };
}

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
  const source = await chooseSource(options);
  if ('unchosen' in source) {
    note(`audit:export: choose the audit trail to export with --environment NAME: ${source.unchosen}\n${await trailsText()}`);
    return 2;
  }
  const { dir, environment } = source;
  // Before creating --out: a mistyped folder must not leave an empty export behind.
  const problem = await auditFolderProblem(dir);
  if (problem !== null) {
    if (environment === null) {
      note(`audit:export: ${problem.message}: nothing was exported. Give the folder that holds the audit-YYYY-MM.jsonl files`);
    } else {
      const what = problem.reason === 'missing' ? `there is no audit trail for ${environment} (${problem.message})` : problem.message;
      note(`audit:export: ${what}: nothing was exported\n${await trailsText()}`);
    }
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
    note(summaryText(options, source, summary));
    if (summary.skipped > 0) note(`${summary.skipped} line${summary.skipped === 1 ? ' was' : 's were'} not valid audit lines and were left out`);
    return 0;
  } finally {
    await out?.close();
  }
}

/** What was exported, said plainly, also when nothing was. */
function summaryText(options: AuditExportOptions, { dir, environment }: Source, summary: ExportSummary): string {
  const whose = environment === null ? '' : ` of ${environment}`;
  const days = `from ${options.from} to ${options.to}`;
  if (summary.lines > 0) {
    const where = options.out === null ? '' : ` to ${options.out}`;
    return `Exported ${summary.lines} audit line${summary.lines === 1 ? '' : 's'}${whose} ${days}${where} (audit folder ${dir})`;
  }
  const why = summary.files.length === 0 ? `${dir} has no audit file for those months` : `none of the audit files in ${dir} has a line on those days`;
  const written = options.out === null ? '' : options.format === 'csv' ? `. ${options.out} holds only the column headings` : `. ${options.out} is empty`;
  return `No audit lines${whose} ${days}: ${why}${written}`;
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
