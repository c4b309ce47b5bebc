// Where the audit trail lives and which of its monthly files may go.
//
// Each environment has a trail of its own, <user data>/audit/<environment>/,
// so the built-in sandbox's uploads (<user data>/audit/sandbox) never mix with
// a real e-RS environment's in an export. Environment names are letters,
// digits, - and _ (the configuration's own rule), so a name is a safe folder
// name on every OS.
//
// One file per calendar month (UTC, as e-RS wants audit times), named
// audit-YYYY-MM.jsonl. A month's file is deleted only once that month ended at
// least `keepMonths` full months ago: with the default of 3, January's file
// goes on 1 May, so its last line (31 January) has been kept three months.
// Monthly files left directly in <user data>/audit by earlier versions (all
// environments together) are never written to again, only pruned by the same rule.

import { join } from 'node:path';
import { appConfigDir, currentPlace, type PlaceFacts } from '../config/locate.ts';
import { ENVIRONMENT_NAME } from '../config/schema.ts';

export const AUDIT_DIR_NAME = 'audit';
/** e-RS recommends keeping audit logs at least three months; less is refused. */
export const MIN_KEEP_MONTHS = 3;

const FILE = /^audit-(\d{4})-(0[1-9]|1[0-2])\.jsonl$/;

/** <user data>/audit: one folder per environment inside. */
export function auditRootIn(userDataDir: string): string {
  return join(userDataDir, AUDIT_DIR_NAME);
}

/** <user data>/audit/<environment>: that environment's monthly files. */
export function auditDirIn(userDataDir: string, environment: string): string {
  if (!ENVIRONMENT_NAME.test(environment)) throw new RangeError(`not an environment name: ${JSON.stringify(environment)}`);
  return join(auditRootIn(userDataDir), environment);
}

/** Where an environment's trail writes, and the earlier shared folder it also prunes (for createAuditTrail). */
export function auditTrailLocation(userDataDir: string, environment: string): { readonly dir: string; readonly pruneAlso: readonly string[] } {
  return { dir: auditDirIn(userDataDir, environment), pruneAlso: [auditRootIn(userDataDir)] };
}

/**
 * The app's user data folder for commands run outside Electron: Electron's
 * userData is <appData>/ers-attach, the same per-user folder the config file lives in.
 */
export function appUserDataDir(place: PlaceFacts = currentPlace()): string {
  return appConfigDir(place);
}

export function appAuditRoot(place: PlaceFacts = currentPlace()): string {
  return auditRootIn(appUserDataDir(place));
}

export function appAuditDir(environment: string, place: PlaceFacts = currentPlace()): string {
  return auditDirIn(appUserDataDir(place), environment);
}

/** Months since year 0, so months compare and subtract as integers. */
export type MonthIndex = number;

export function monthOf(time: Date | number): MonthIndex {
  const d = new Date(time);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export function monthFileName(month: MonthIndex): string {
  const year = Math.floor(month / 12);
  const mm = String((month % 12) + 1).padStart(2, '0');
  return `audit-${String(year).padStart(4, '0')}-${mm}.jsonl`;
}

/** The month an audit file is for, or null for any other name (never touched). */
export function monthOfFileName(name: string): MonthIndex | null {
  const m = FILE.exec(name);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

/** The audit files among `names` that may be deleted now. */
export function filesToPrune(names: readonly string[], now: Date | number, keepMonths: number): string[] {
  if (!Number.isInteger(keepMonths) || keepMonths < MIN_KEEP_MONTHS) {
    throw new RangeError(`the audit trail must be kept at least ${MIN_KEEP_MONTHS} months`);
  }
  // Month M ends when M + 1 begins; it may go once M + 1 + keepMonths has begun.
  const current = monthOf(now);
  return names.filter((name) => {
    const month = monthOfFileName(name);
    return month !== null && month + 1 + keepMonths <= current;
  });
}
