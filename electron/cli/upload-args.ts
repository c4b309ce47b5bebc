// The upload command's arguments.

import { parseArgs } from 'node:util';
import { BUSINESS_FUNCTIONS_THAT_UPLOAD } from '../../shared/ipc/contract.ts';
import { ENVIRONMENT_NAME } from '../services/config/schema.ts';

export interface UploadOptions {
  readonly files: readonly string[];
  readonly ubrn: string | null;
  readonly verify: boolean;
  readonly role: string | null;
  readonly environment: string | null;
}

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: UploadOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

export const USAGE = `Usage: npm run upload -- [--ubrn UBRN] [--verify] [--role BUSINESS_FUNCTION] [--environment NAME] FILE...

Checks each file against the e-RS rules and uploads each one that passes to the
e-RS document store (A020). Files that break a rule are never sent.
With no configuration file it uses the built-in e-RS sandbox.

  --ubrn UBRN                 the referral the files are intended for (12 digits)
  --verify                    download each uploaded file again (A006) and compare it
  --role BUSINESS_FUNCTION    the role to act in: REFERRING_CLINICIAN,
                              REFERRING_CLINICIAN_ADMIN, SERVICE_PROVIDER_CLINICIAN or
                              SERVICE_PROVIDER_CLINICIAN_ADMIN (the roles that can upload;
                              default: the first of these you hold)
  --environment NAME          use this environment from the configuration file
  -h, --help                  show this help

One line per file: uploaded, rejected, failed, not read or not sent, with the reason.
Exit status: 0 when every file was uploaded (and verified, with --verify),
1 otherwise, 2 for a mistake in the command.`;

const UPLOAD_ROLES: readonly string[] = BUSINESS_FUNCTIONS_THAT_UPLOAD;

/** "A, B, C or D" */
const orList = (items: readonly string[]) => `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

export function parseUploadArgs(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ubrn: { type: 'string' },
        verify: { type: 'boolean', default: false },
        role: { type: 'string' },
        environment: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // parseArgs's messages name the option ("Unknown option '--x'"): good enough to act on.
    return { kind: 'usage-error', message: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.ubrn !== undefined && !/^\d{12}$/.test(values.ubrn)) {
    return { kind: 'usage-error', message: `--ubrn must be a UBRN of 12 digits, not "${values.ubrn}"` };
  }
  // Only these roles may upload, whoever signs in: any other --role can never work, so it is a
  // mistake in the command, found before anything is sent (not a session made to find it out).
  if (values.role !== undefined && !UPLOAD_ROLES.includes(values.role)) {
    return { kind: 'usage-error', message: `--role ${JSON.stringify(values.role)} is not a role that can upload attachments: use ${orList(UPLOAD_ROLES)}` };
  }
  if (values.environment !== undefined && !ENVIRONMENT_NAME.test(values.environment)) {
    return { kind: 'usage-error', message: `--environment must be the name of an environment (letters, digits, - and _), not "${values.environment}"` };
  }
  if (positionals.length === 0) return { kind: 'usage-error', message: 'Name at least one file to upload' };
  return {
    kind: 'run',
    options: {
      files: positionals,
      ubrn: values.ubrn ?? null,
      verify: values.verify,
      role: values.role ?? null,
      environment: values.environment ?? null,
    },
  };
}
