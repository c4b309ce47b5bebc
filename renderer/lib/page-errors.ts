// What stands between the person and "Upload", and the error summary's list.
// Pure, so the wording is tested without a DOM.
import type { SessionView } from '../../shared/ipc/contract.ts';
import type { RowView } from '../store/row-view.ts';
import type { UbrnCheck } from './ubrn.ts';

/** Why the Upload button cannot be used now, or null when it can. */
export function uploadBlockedBecause(session: SessionView | null, ready: number, ubrn: UbrnCheck, heldBack = 0): string | null {
  if (session === null) return 'Checking whether you are signed in';
  switch (session.status) {
    case 'signed-out':
    case 'expired':
      return 'Sign in to upload files';
    case 'choose-role':
      return 'Choose the role you are working in to upload files';
    case 'locked':
      return 'Put your smartcard back and sign in again to upload files';
    case 'active':
      break;
  }
  if (session.role !== null && !session.role.canUpload) return 'Your role cannot attach files to referrals';
  if (ready === 0 && heldBack > 0) return 'The files left have the same content as files already added: remove them, or upload them anyway';
  if (ready === 0) return 'Add a file that passes the checks to upload it';
  if (!ubrn.ok) return 'Correct the UBRN to upload files';
  return null;
}

export interface PageError {
  readonly href: string;
  readonly text: string;
}

/**
 * The error summary's entries, in page order: one per file that has a problem (its first, with how many
 * more its row shows), each linking to its row, then the UBRN's. Two files whose entries would read the
 * same (the same file added twice) are told apart by their place in the list, so no line appears twice.
 */
export function pageErrors(rows: readonly RowView[], anchor: (key: string) => string, ubrnError: string | null): PageError[] {
  const entries: { href: string; text: string; position: number }[] = [];
  rows.forEach((row, i) => {
    const first = row.problems[0]?.text ?? (row.error ? `${row.name} was not uploaded: ${row.error.message}` : null);
    if (first === null) return;
    const more = row.problems.length - 1 + (row.problems.length > 0 && row.error ? 1 : 0);
    const text = more > 0 ? `${first} (and ${more} more ${more === 1 ? 'problem' : 'problems'})` : first;
    entries.push({ href: `#${anchor(row.key)}`, text, position: i + 1 });
  });
  const seen = new Map<string, number>();
  for (const entry of entries) seen.set(entry.text, (seen.get(entry.text) ?? 0) + 1);
  const errors: PageError[] = entries.map(({ href, text, position }) => ({
    href,
    text: (seen.get(text) ?? 0) > 1 ? `${text} (file ${position} in the list)` : text,
  }));
  if (ubrnError) errors.push({ href: '#ubrn', text: ubrnError });
  return errors;
}
