// The sandbox's A020 validation: what e-RS answers 422 to, in a fixed order.
// Its own implementation (nothing from shared/rules or shared/content), so that the
// sandbox can catch the client's mistakes rather than repeat them.
//
// Order (e-RS documents the codes, not the order; research notes §12): the first
// broken rule wins, checked as
//   MISSING_VALUE → FILE_SIZE_ERROR → INVALID_VALUE → INAPPROPRIATE_VALUE → CONFLICTING_VALUES.
//
// Empty body: a request with *no body at all* (neither Content-Length nor
// Transfer-Encoding) is MISSING_VALUE ("the file data are not supplied", legacy
// table); a body that is present but 0 bytes long (Content-Length: 0, or a chunked
// body with no data) is FILE_SIZE_ERROR ("the file is either empty or too large",
// APIM table). An empty file uploaded by a real client arrives as the latter.

import type { A020ErrorCode } from '../shared/ers/error-codes.ts';
import { contentConflict } from './content-check.ts';
import { UPLOAD_TYPES, extensionOf, mediaType } from './upload-types.ts';

export const MAX_UPLOAD_BYTES = 5_242_880;
export const MAX_NAME_CHARS = 255;

export interface UploadFacts {
  /** X-ERS-XAPI-META-FILE_NAME, decoded (see decodeHeaderText); undefined when the header is absent. */
  readonly fileName: string | undefined;
  readonly contentType: string | undefined;
  /** X-ERS-XAPI-META-INTENDED_UBRN; undefined when absent. */
  readonly ubrn: string | undefined;
  readonly body: {
    /** False when the request had no body at all (no Content-Length, no Transfer-Encoding). */
    readonly present: boolean;
    /** The bytes read: all of them, or the first MAX_UPLOAD_BYTES + 1 when the body was longer. */
    readonly bytes: Uint8Array;
    /** The Content-Length the client declared, if any (only used to state the size in diagnostics). */
    readonly declaredLength: number | null;
  };
}

export interface RuleFailure {
  readonly code: A020ErrorCode;
  readonly diagnostics: string;
}

// C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

function describeControl(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

const bytesText = (n: number): string => n.toLocaleString('en-GB');

/** The first rule the upload breaks, or null when e-RS would accept it. */
export function checkUpload(facts: UploadFacts): RuleFailure | null {
  const { fileName, contentType, ubrn, body } = facts;

  if (fileName === undefined || fileName === '') {
    return { code: 'MISSING_VALUE', diagnostics: 'The X-ERS-XAPI-META-FILE_NAME header (the file name) is missing' };
  }
  if (contentType === undefined || mediaType(contentType) === '') {
    return { code: 'MISSING_VALUE', diagnostics: 'The Content-Type header (the file type) is missing' };
  }
  if (!body.present) {
    return { code: 'MISSING_VALUE', diagnostics: 'The request has no body (the file data)' };
  }

  if (body.bytes.length === 0) {
    return { code: 'FILE_SIZE_ERROR', diagnostics: `${fileName} is empty (0 bytes)` };
  }
  if (body.bytes.length > MAX_UPLOAD_BYTES) {
    const size = body.declaredLength !== null && body.declaredLength > MAX_UPLOAD_BYTES
      ? `${bytesText(body.declaredLength)} bytes`
      : `more than ${bytesText(MAX_UPLOAD_BYTES)} bytes`;
    return { code: 'FILE_SIZE_ERROR', diagnostics: `${fileName} is ${size}; the maximum is ${bytesText(MAX_UPLOAD_BYTES)} bytes` };
  }

  const nameChars = [...fileName].length;
  if (nameChars > MAX_NAME_CHARS) {
    return { code: 'INVALID_VALUE', diagnostics: `The file name is ${nameChars} characters long; the maximum is ${MAX_NAME_CHARS}` };
  }
  const control = CONTROL.exec(fileName);
  if (control) {
    return { code: 'INVALID_VALUE', diagnostics: `The file name contains a control character (${describeControl(control[0])})` };
  }
  if (ubrn !== undefined && !/^\d{12}$/.test(ubrn)) {
    return { code: 'INVALID_VALUE', diagnostics: 'X-ERS-XAPI-META-INTENDED_UBRN must be a 12-digit UBRN' };
  }

  const mime = mediaType(contentType);
  const extensions = UPLOAD_TYPES.get(mime);
  if (extensions === undefined) {
    return { code: 'INAPPROPRIATE_VALUE', diagnostics: `The file type ${mime} is not supported` };
  }

  const ext = extensionOf(fileName);
  if (ext === null) {
    return { code: 'CONFLICTING_VALUES', diagnostics: `${fileName} has no file extension; ${mime} needs .${extensions.join(' or .')}` };
  }
  if (!extensions.includes(ext)) {
    return { code: 'CONFLICTING_VALUES', diagnostics: `The file extension .${ext} is not compatible with the file type ${mime}` };
  }
  const conflict = contentConflict(mime, body.bytes);
  if (conflict !== null) return { code: 'CONFLICTING_VALUES', diagnostics: conflict };

  return null;
}
