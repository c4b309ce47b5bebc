// How the upload command writes names and errors on a terminal.

import { formatByteCount } from '../../shared/rules/limits.ts';
import { ErsError, ErsRejectedError, ErsRetryableError } from '../services/ers/errors.ts';
import type { ConfigError } from '../services/config/load.ts';

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A file name fit for one line of output: control characters and bidi
 * overrides (which could fake or reorder what follows) are shown as escapes.
 */
export function displayName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (ch) => {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) return named;
    const cp = ch.codePointAt(0)!;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
  });
}

export function formatBytes(bytes: number): string {
  return `${formatByteCount(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

function codeOf(err: unknown): string | null {
  if (err instanceof ErsRejectedError) return err.code;
  if (err instanceof ErsError && 'code' in err && typeof err.code === 'string') return err.code;
  return null;
}

/** The outcome of a file that did not upload, after its name: "rejected by e-RS FILE_SIZE_ERROR: ...", "failed: ...". */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  const coded = code === null ? '' : ` ${code}`;
  if (err instanceof ErsRejectedError) return `rejected by e-RS${coded}: ${message}`;
  if (err instanceof ErsRetryableError && err.outcomeUnknown) {
    return `failed${coded}: ${message}. e-RS may have stored it: check before sending it again`;
  }
  return `failed${coded}: ${message}`;
}

/** An error as the reason in a sentence: "the message (CODE)". */
export function reasonText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  return code === null ? message : `${message} (${code})`;
}

/** A configuration's problems on one line, for each file's "not sent: ...". */
export function configReason(err: ConfigError): string {
  const where = err.configPath === null ? 'the configuration' : `the configuration in ${err.configPath}`;
  return `${where} cannot be used: ${err.problems.join('; ')}`;
}
