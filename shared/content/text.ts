// Text formats have no magic number: decide whether bytes are text at all
// (ASCII, UTF-8, a single-byte Windows code page, or UTF-16 with a BOM), then
// which text format they are by how the text starts.

// TextDecoder is in every runtime this code runs in (Node, Chromium), but shared/ compiles
// without DOM or Node types, so describe the little of it we use.
declare const TextDecoder: new (
  label: string,
  options?: { fatal?: boolean },
) => { decode(input: Uint8Array, options?: { stream?: boolean }): string };

export type TextFormat = 'txt' | 'rtf' | 'xml' | 'html';

type Encoding = 'utf-8' | 'single-byte' | 'utf-16le' | 'utf-16be';

// Bytes that never appear in text: C0 controls other than tab, LF, VT, FF, CR,
// SUB (the old DOS end-of-file mark) and ESC (printer codes in old letters), and DEL.
const NOT_TEXT = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) NOT_TEXT[b] = 1;
for (const b of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b]) NOT_TEXT[b] = 0;
NOT_TEXT[0x7f] = 1;
const NOT_TEXT_UNIT = /[\u0000-\u0008\u000e-\u0019\u001c-\u001f\u007f]/u;

// How much decoded text we look at to tell RTF, XML and HTML apart.
const HEAD_CHARS = 2048;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function hasNonTextByte(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (NOT_TEXT[bytes[i] as number] === 1) return true;
  return false;
}

/**
 * The text in bytes, or null when they are not text. `complete` false means
 * bytes may end in the middle of a character, which is not held against them.
 */
export function decodeText(bytes: Uint8Array, complete: boolean): { text: string; encoding: Encoding } | null {
  let encoding: Encoding | null = null;
  let start = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) [encoding, start] = ['utf-8', 3];
  else if (startsWith(bytes, [0xff, 0xfe])) [encoding, start] = ['utf-16le', 2];
  else if (startsWith(bytes, [0xfe, 0xff])) [encoding, start] = ['utf-16be', 2];
  // XML in UTF-16 without a BOM starts "<?" with a zero byte beside each character.
  else if (startsWith(bytes, [0x3c, 0x00, 0x3f, 0x00])) encoding = 'utf-16le';
  else if (startsWith(bytes, [0x00, 0x3c, 0x00, 0x3f])) encoding = 'utf-16be';

  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    let body = bytes.subarray(start);
    if (!complete && body.length % 2 === 1) body = body.subarray(0, body.length - 1);
    let text: string;
    try {
      text = new TextDecoder(encoding, { fatal: true }).decode(body, { stream: !complete });
    } catch {
      return null;
    }
    return NOT_TEXT_UNIT.test(text) ? null : { text, encoding };
  }

  if (hasNonTextByte(bytes, start)) return null;
  const body = bytes.subarray(start);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: !complete }), encoding: 'utf-8' };
  } catch {
    // Not UTF-8 but free of control bytes: text in a Windows code page (a "£" as 0xA3), common in older letters.
    if (encoding === 'utf-8') return null;
    return { text: new TextDecoder('windows-1252').decode(body.subarray(0, HEAD_CHARS)), encoding: 'single-byte' };
  }
}

const COMMENTS = String.raw`(?:<!--[\s\S]*?-->\s*)*`;
const PROLOG = String.raw`(?:<\?xml[^>]*\?>\s*)?${COMMENTS}`;
const HTML_START = new RegExp(String.raw`^${PROLOG}(?:<!doctype\s+html[\s>]|<html[\s>]|<head[\s>]|<body[\s>])`, 'i');
const XML_START = new RegExp(String.raw`^(?:<\?xml[\s?]|${COMMENTS}(?:<!doctype\s+[A-Za-z_]|<[A-Za-z_][\w.:-]*[\s/>]))`);

/** Which text format a decoded text is, by how it starts. */
export function textFormat(text: string): TextFormat {
  const head = text.slice(0, HEAD_CHARS).replace(/^[\ufeff\s]+/u, '');
  if (head.startsWith('{\\rtf')) return 'rtf';
  if (HTML_START.test(head)) return 'html';
  if (XML_START.test(head)) return 'xml';
  return 'txt';
}
