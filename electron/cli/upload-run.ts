// What `npm run upload` does, on the same services the app uses: check each
// file (read once; the bytes checked are the bytes sent), sign in only when a
// file is worth sending, upload, optionally download again and compare, and
// always end the session.

import { createHash, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { UploadOptions } from './upload-args.ts';
import { displayName, errorText, formatBytes, reasonText } from './upload-format.ts';
import type { Verdict } from '../../shared/rules/types.ts';
import type { ResolvedEnvironment } from '../services/config/environment.ts';
import type { AuditTrail } from '../services/audit/audit-trail.ts';
import { auditedUpload, sessionFacts } from '../services/audit/audited-upload.ts';
import { systemClock } from '../services/queue/clock.ts';
import { createRateLimiter, ERS_RATE_LIMIT, type RateLimiter } from '../services/queue/rate-limiter.ts';
import type { CredentialProvider } from '../services/auth/credential-provider.ts';
import { createSsoTokenProvider } from '../services/auth/sso-token.ts';
import { retrieveBinary, uploadBinary, type UploadBinaryResult } from '../services/ers/binary.ts';
import { ErsCancelledError, ErsRetryableError, ErsSessionError } from '../services/ers/errors.ts';
import {
  canUpload,
  createProfessionalSession,
  deleteProfessionalSession,
  selectRole,
  type Permission,
  type ProfessionalSession,
} from '../services/ers/session.ts';

/** What the CLI needs of a checked file (the FileRegistry's CheckedFile). */
export interface CheckedForUpload {
  readonly name: string;
  /** Exactly the bytes checked. */
  readonly bytes: Uint8Array;
  /** False when only the start of an oversized file was read: never sent. */
  readonly complete: boolean;
  readonly sha256: string;
  readonly verdict: Verdict;
  /** Gives a pooled read buffer back once nothing reads `bytes` any more (after the upload and any verify). */
  release?(): void;
}

export type CheckOutcome =
  | { readonly kind: 'checked'; readonly file: CheckedForUpload }
  | { readonly kind: 'unreadable'; readonly name: string; readonly message: string };

/** An environment that could not be set up (a broken configuration): files are still checked, none is sent. */
export interface UnusableEnvironment {
  /** One line, for each file's "not sent: ..." */
  readonly unusable: string;
}

export interface UploadDeps {
  readonly environment: ResolvedEnvironment | UnusableEnvironment;
  readonly checkFile: (path: string) => Promise<CheckOutcome>;
  /** Where a pasted token comes from for sso-token environments. */
  readonly ssoToken: string | undefined;
  readonly out: (line: string) => void;
  readonly note: (line: string) => void;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where each A020 attempt and its outcome are recorded (the app's audit trail). */
  readonly audit?: AuditTrail;
  /** e-RS's 10 requests a second; default a limiter of this run's own. */
  readonly rateLimiter?: RateLimiter;
}

export const SSO_TOKEN_ENV_VAR = 'ERS_ATTACH_SSO_TOKEN';

const MAX_ATTEMPTS = 3;
const MAX_WAIT_MS = 30_000;
const END_SESSION_TIMEOUT_MS = 15_000;

/** A setback after which no file can be sent (no way to sign in, no role): each file still to send says why. */
class StopRun extends Error {}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ErsCancelledError());
      return;
    }
    const done = (): void => {
      signal.removeEventListener('abort', stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = (): void => {
      clearTimeout(timer);
      reject(new ErsCancelledError());
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

function credentialsFor(env: ResolvedEnvironment, ssoToken: string | undefined): CredentialProvider {
  if (env.credentialProvider !== null) return env.credentialProvider;
  if (env.identity.method === 'sso-token') {
    if (ssoToken === undefined || ssoToken.trim() === '') {
      throw new StopRun(`${env.name} signs in with a pasted SSO token: set ${SSO_TOKEN_ENV_VAR} to the token and run the command again`);
    }
    return createSsoTokenProvider(ssoToken, { name: env.name, production: env.production });
  }
  throw new StopRun(`${env.name} signs in with a smartcard, which the upload command cannot do yet: use the ers-attach app`);
}

/** The role to act in. `wanted` is one that can upload (the arguments allow no other). */
function chooseRole(session: ProfessionalSession, wanted: string | null): Permission {
  const roles = session.permissions;
  const role = roles.find((p) => (wanted === null ? canUpload(p) : p.businessFunction === wanted && canUpload(p)));
  if (role !== undefined) return role;
  const held = [...new Set(roles.map((p) => p.businessFunction))].join(', ') || 'none';
  throw new StopRun(
    wanted === null
      ? `None of your e-RS roles can upload attachments (your roles: ${held})`
      : `You do not have the role ${wanted} (your roles: ${held})`,
  );
}

function personName(session: ProfessionalSession): string {
  const { firstName, lastName, identifier } = session.user;
  const name = [firstName, lastName].filter((p) => p !== null).join(' ');
  return name === '' ? identifier : `${name} (${identifier})`;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Why a file the person chose was not sent, when the upload was cancelled. */
function cancelledText(err: ErsCancelledError): string {
  return err.bodySent
    ? 'failed: the upload was cancelled after the whole file was sent. e-RS may have stored it: check before sending it again'
    : 'not sent: the upload was cancelled';
}

export async function runUpload(options: UploadOptions, deps: UploadDeps): Promise<number> {
  const { signal, out, note } = deps;
  const env = 'unusable' in deps.environment ? null : deps.environment;
  const unusable = 'unusable' in deps.environment ? deps.environment.unusable : null;
  const sleep = deps.sleep ?? abortableSleep;
  const limiter = deps.rateLimiter ?? createRateLimiter({ ...ERS_RATE_LIMIT, clock: systemClock });
  /** Every e-RS call waits its turn under the rate limit. */
  const limited = async <T>(call: () => Promise<T>, callSignal: AbortSignal = signal): Promise<T> => {
    await limiter.acquire(callSignal);
    return call();
  };
  let session: ProfessionalSession | null = null;
  let allGood = true;

  async function signIn(env: ResolvedEnvironment): Promise<ProfessionalSession> {
    const provider = credentialsFor(env, deps.ssoToken);
    const token = await provider.obtainSsoToken(signal);
    const created = await limited(() => createProfessionalSession(env.connection, token, { signal }));
    // From here a session exists on e-RS: keep it so it is ended even if A002 fails.
    session = created;
    const role = chooseRole(created, options.role);
    const active = await limited(() => selectRole(created, role, { signal }));
    session = active;
    const org = role.orgName === null ? role.orgIdentifier : `${role.orgIdentifier} ${role.orgName}`;
    note(`Signed in to ${env.name} as ${personName(active)}, role ${role.businessFunction} at ${org}`);
    return active;
  }

  /** A020 with a few tries for answers that say "later"; never resends when e-RS may already hold the file. */
  async function upload(file: CheckedForUpload, verdict: Verdict & { storedName: string; mimeType: string }): Promise<UploadBinaryResult> {
    if (env === null) throw new StopRun(unusable ?? 'the e-RS environment cannot be used');
    let renewed = false;
    const itemId = `cli-${randomUUID()}`;
    for (let attempt = 1; ; attempt++) {
      session ??= await signIn(env).catch((err: unknown) => {
        if (err instanceof StopRun || err instanceof ErsCancelledError) throw err;
        throw new StopRun(`Could not sign in to e-RS: ${reasonText(err)}`);
      });
      const on = session;
      const send = () =>
        uploadBinary({
          session: on,
          bytes: file.bytes,
          storedName: verdict.storedName,
          mimeType: verdict.mimeType,
          ubrn: options.ubrn ?? undefined,
          signal,
        });
      try {
        return await limited(() =>
          deps.audit
            ? auditedUpload(
                deps.audit,
                sessionFacts(on, env.name),
                {
                  itemId,
                  attempt,
                  fileName: verdict.storedName,
                  attachmentType: verdict.mimeType,
                  size: file.bytes.byteLength,
                  sha256: file.sha256,
                  ubrn: options.ubrn,
                  // Never resent after an unanswered attempt (see below), so never a second copy.
                  possibleDuplicate: false,
                },
                signal,
                send,
              )
            : send(),
        );
      } catch (err) {
        if (err instanceof ErsSessionError && err.reason === 'unauthenticated' && !renewed) {
          // e-RS ended the session and said so: the file was not stored, so sign in again and resend once.
          renewed = true;
          session = null;
          note('The e-RS session ended: signing in again');
          continue;
        }
        if (!(err instanceof ErsRetryableError) || err.outcomeUnknown || attempt >= MAX_ATTEMPTS) throw err;
        await sleep(Math.min(err.retryAfterMs ?? 1000 * 2 ** (attempt - 1), MAX_WAIT_MS), signal);
      }
    }
  }

  async function verify(file: CheckedForUpload, fileId: string): Promise<string | null> {
    if (session === null) return 'not verified: no session';
    try {
      const on = session;
      const got = await limited(() => retrieveBinary({ session: on, fileId, signal }));
      const gotHash = sha256(got.bytes);
      if (gotHash === file.sha256 && got.bytes.byteLength === file.bytes.byteLength) return null;
      return (
        `not verified: e-RS returned ${formatBytes(got.bytes.byteLength)} (SHA-256 ${gotHash.slice(0, 12)}…), ` +
        `${formatBytes(file.bytes.byteLength)} were sent (SHA-256 ${file.sha256.slice(0, 12)}…)`
      );
    } catch (err) {
      // Stopped after the upload: the file is in e-RS (its id is on the line), only the check is missing.
      if (err instanceof ErsCancelledError) return 'not verified: the check was cancelled';
      return `not verified: ${errorText(err)}`;
    }
  }

  /** Set once nothing more can be sent: each file still to send says this. */
  let stopped: string | null = null;
  try {
    for (const path of options.files) {
      if (signal.aborted) {
        // The person asked to stop: the files not reached are not even read.
        allGood = false;
        out(`${displayName(basename(path))}  not sent: the upload was cancelled`);
        continue;
      }
      let checked: CheckOutcome;
      try {
        checked = await deps.checkFile(path);
      } catch (err) {
        checked = { kind: 'unreadable', name: basename(path), message: reasonText(err) };
      }
      if (checked.kind === 'unreadable') {
        allGood = false;
        out(`${displayName(checked.name)}  not read: ${checked.message}`);
        continue;
      }
      const { file } = checked;
      try {
        const { verdict } = file;
        const name = displayName(file.name);
        if (!verdict.ok || !file.complete || verdict.storedName === null || verdict.mimeType === null) {
          allGood = false;
          for (const problem of verdict.problems) out(`${name}  rejected ${problem.code}: ${problem.message}`);
          if (verdict.problems.length === 0) out(`${name}  rejected: it cannot be sent`);
          continue;
        }
        if (stopped !== null) {
          allGood = false;
          out(`${name}  not sent: ${stopped}`);
          continue;
        }
        let line: string;
        try {
          const sent = await upload(file, { ...verdict, storedName: verdict.storedName, mimeType: verdict.mimeType });
          const storedAs = verdict.nameChange === null ? '' : ` as "${displayName(verdict.storedName)}"`;
          line = `${name}  uploaded ${sent.fileId}${storedAs}`;
          if (options.verify) {
            const difference = await verify(file, sent.fileId);
            if (difference === null) line += '  verified';
            else {
              allGood = false;
              line += `  ${difference}`;
            }
          }
        } catch (err) {
          allGood = false;
          if (err instanceof StopRun) {
            stopped = err.message;
            line = `${name}  not sent: ${stopped}`;
          } else if (err instanceof ErsCancelledError) {
            line = `${name}  ${cancelledText(err)}`;
          } else {
            line = `${name}  ${errorText(err)}`;
            if (err instanceof ErsSessionError) stopped = 'e-RS refused the session, so no more files were sent';
          }
        }
        out(line);
      } finally {
        file.release?.();
      }
    }
    if (signal.aborted) note('Stopped: the upload was cancelled');
  } finally {
    if (session !== null) {
      try {
        const ending = session;
        const stop = AbortSignal.timeout(END_SESSION_TIMEOUT_MS);
        await limited(() => deleteProfessionalSession(ending, { signal: stop }), stop);
      } catch (err) {
        note(`The e-RS session could not be ended (${reasonText(err)}): it will expire on its own`);
      }
    }
  }
  return allGood ? 0 : 1;
}
