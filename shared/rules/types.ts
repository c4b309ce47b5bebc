// Types at the boundary of the validation rules. The rules are pure: they are
// given what is known about a file and say what is wrong with it. Sniffing the
// bytes happens elsewhere (shared/content), reading them elsewhere again
// (electron/services/files).

import type { A020ErrorCode } from '../ers/error-codes.ts';

/**
 * What a file's bytes turned out to be, as decided by shared/content from its
 * leading bytes (renderer) or all of its bytes (main).
 *
 * `format` is a stable id: for accepted types it is the key of the attachment
 * table (e.g. 'pdf', 'docx', 'doc', 'txt'); for known refused things it names
 * them ('xlsx', 'heic', 'exe', 'zip', 'msg', 'cfb', 'html', ...); 'unknown'
 * when nothing was recognised. `label` is how a person would call it
 * ("a PDF", "an Excel spreadsheet", "a HEIC photo").
 * `complete` is false when only a prefix of the file was seen and the verdict
 * might change once main reads it all (e.g. an OLE2 container whose directory
 * lies past the bytes seen).
 */
export interface ContentLook {
  readonly format: string;
  readonly label: string;
  readonly complete: boolean;
}

export interface FileFacts {
  /** The name as the operating system gave it (not yet normalised). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** What the bytes look like; null when they could not be examined. */
  readonly look: ContentLook | null;
}

/** Identifiers for each rule, in the fixed order the rules are applied. */
export type RuleId =
  | 'name-present'
  | 'name-characters'
  | 'name-length'
  | 'extension-present'
  | 'size-not-empty'
  | 'size-limit'
  | 'type-accepted'
  | 'content-matches';

/** What each rule is called when a person is told which one a file broke ("Rule: file size (FILE_SIZE_ERROR)"). */
export const RULE_LABELS: Readonly<Record<RuleId, string>> = {
  'name-present': 'file name given',
  'name-characters': 'characters in the file name',
  'name-length': 'file name length',
  'extension-present': 'file extension',
  'size-not-empty': 'file not empty',
  'size-limit': 'file size',
  'type-accepted': 'accepted file types',
  'content-matches': 'content matches the file type',
};

export interface RuleBreak {
  readonly rule: RuleId;
  readonly code: A020ErrorCode;
  /** NHS.UK-style sentence that names the file and the rule. */
  readonly message: string;
}

/** A change we make to the name before sending it, which the person must be told about. */
export interface NameChange {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface Verdict {
  readonly ok: boolean;
  /** Every broken rule, in RuleId order. Empty when ok. */
  readonly problems: readonly RuleBreak[];
  /** The exact name e-RS will store (NFC, trimmed, header-safe), when one can be sent. */
  readonly storedName: string | null;
  /** Set when storedName differs from the name the person chose. */
  readonly nameChange: NameChange | null;
  /** The MIME type to send as Content-Type (the e-RS spelling), when the type is accepted. */
  readonly mimeType: string | null;
  /** Key of the accepted attachment type, e.g. 'pdf'. */
  readonly typeId: string | null;
}
