// The restrictions text shown with the drop zone, from the same table the rules use.
import { ATTACHMENT_TYPES } from '../../shared/rules/attachment-types.ts';
import { MAX_FILE_BYTES } from '../../shared/rules/limits.ts';

// What most referrals carry goes first; the rest keep the table's order.
const FIRST = ['pdf', 'docx', 'doc'];

/** One extension per accepted type (its usual one), e.g. "JPG" for .jpg, .jpe and .jpeg. */
export function acceptedExtensions(): string[] {
  const ranked = [...ATTACHMENT_TYPES].sort((a, b) => rank(a.id) - rank(b.id));
  return ranked.map((type) => (type.extensions[0] ?? type.id).toUpperCase());
}

function rank(id: string): number {
  const at = FIRST.indexOf(id);
  return at < 0 ? FIRST.length : at;
}

export function joinOr(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

export const MAX_FILE_LABEL = `${MAX_FILE_BYTES / (1024 * 1024)}MB`;

export function restrictionsText(): string {
  return `Each file must be a ${joinOr(acceptedExtensions())}, and ${MAX_FILE_LABEL} or smaller.`;
}
