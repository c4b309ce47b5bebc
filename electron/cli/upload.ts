// `npm run upload -- [--ubrn UBRN] [--verify] [--role BUSINESS_FUNCTION] [--environment NAME] FILE...`
//
// The headless upload: the same file checks, e-RS client and configuration as
// the app. Results go to stdout, one line per file (or per problem); notes
// about the environment and the session go to stderr.

import { parseUploadArgs, USAGE } from './upload-args.ts';
import { runUpload, SSO_TOKEN_ENV_VAR, type CheckOutcome } from './upload-run.ts';
import { configReason, reasonText } from './upload-format.ts';
import { ConfigError } from '../services/config/load.ts';
import { resolveEnvironment, type ResolvedEnvironment } from '../services/config/environment.ts';
import { FileAccessError, FileRegistry } from '../services/files/index.ts';
import { appUserDataDir, auditTrailLocation } from '../services/audit/audit-files.ts';
import { createAuditTrail } from '../services/audit/audit-trail.ts';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const note = (line: string): void => void process.stderr.write(`${line}\n`);

function checker(registry: FileRegistry) {
  return async (path: string): Promise<CheckOutcome> => {
    const registration = await registry.registerPath(path);
    if (!registration.ok) return { kind: 'unreadable', name: registration.name || path, message: registration.message };
    const { id, name } = registration.file;
    try {
      return { kind: 'checked', file: await registry.readAndCheck(id) };
    } catch (err) {
      if (err instanceof FileAccessError) return { kind: 'unreadable', name, message: err.message };
      throw err;
    } finally {
      registry.remove(id);
    }
  };
}

async function main(): Promise<number> {
  const parsed = parseUploadArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    out(USAGE);
    return 0;
  }
  if (parsed.kind === 'usage-error') {
    note(`upload: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { options } = parsed;

  // Ctrl-C: stop what is in flight, end the session, exit. A second Ctrl-C exits at once.
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(1);
    note('Stopping: ending the e-RS session (press Ctrl-C again to quit at once)');
    controller.abort();
  });
  const deps = {
    checkFile: checker(new FileRegistry()),
    ssoToken: process.env[SSO_TOKEN_ENV_VAR],
    out,
    note,
    signal: controller.signal,
  };

  let environment: ResolvedEnvironment;
  try {
    environment = await resolveEnvironment(options.environment === null ? {} : { environment: options.environment });
  } catch (err) {
    // The files are still checked, and each one that could go says why it did not.
    note(err instanceof ConfigError ? err.message : `Could not start: ${reasonText(err)}`);
    const unusable = err instanceof ConfigError ? configReason(err) : `ers-attach could not start: ${reasonText(err)}`;
    return runUpload(options, { ...deps, environment: { unusable } });
  }
  note(
    environment.isSandbox
      ? 'Using the built-in e-RS sandbox: nothing is sent to NHS e-RS'
      : `Using the e-RS environment ${environment.name} (${environment.connection.baseUrl})`,
  );
  try {
    return await runUpload(options, {
      ...deps,
      environment,
      // The same trail as the app's for this environment, in its user data folder.
      audit: createAuditTrail({ ...auditTrailLocation(appUserDataDir(), environment.name), log: note }),
    });
  } finally {
    await environment.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bug, not an expected failure: say so plainly; the stack only when asked for.
    note(`upload: unexpected error: ${reasonText(err)}`);
    if (process.env['ERS_ATTACH_DEBUG'] && err instanceof Error) note(err.stack ?? '');
    process.exitCode = 1;
  },
);
