// What stands between the person and "Upload", and the error summary's list.
// Pure, so the wording is tested without a DOM.
import type { SessionView } from '../../shared/ipc/contract.ts';
import type { RowView } from '../store/row-view.ts';
import type { UbrnCheck } from './ubrn.ts';

/** Why the Upload button cannot be used now, or null when it can. */
export function uploadBlockedBecause(session: SessionView | null, ready: number, ubrn: UbrnCheck): string | null {
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
  if (ready === 0) return 'Add a file that passes the checks to upload it';
  if (!ubrn.ok) return 'Correct the UBRN to upload files';
  return null;
}

export interface PageError {
  readonly href: string;
  readonly text: string;
}

/** Every problem on the page, in page order: each file's, then the UBRN's. */
export function pageErrors(rows: readonly RowView[], anchor: (key: string) => string, ubrnError: string | null): PageError[] {
  const errors: PageError[] = [];
  for (const row of rows) {
    for (const problem of row.problems) errors.push({ href: `#${anchor(row.key)}`, text: problem.text });
    if (row.error) errors.push({ href: `#${anchor(row.key)}`, text: `${row.name} was not uploaded: ${row.error.message}` });
  }
  if (ubrnError) errors.push({ href: '#ubrn', text: ubrnError });
  return errors;
}
