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

/** -1 when bytes[from, to) hold a byte that never appears in text, else all of them OR-ed together. */
function orTextBytes(bytes: Uint8Array, from: number, to: number): number {
  let high = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i] as number;
    if (NOT_TEXT[b] === 1) return -1;
    high |= b;
  }
  return high;
}

/** 'control' when a byte from `from` on never appears in text, else whether any byte is outside ASCII. */
function scanBytes(bytes: Uint8Array, from: number): 'control' | 'ascii' | 'non-ascii' {
  // Four bytes at a time where they are aligned: a word of printable ASCII (0x20-0x7E) needs no
  // look at each byte, and most words of a letter are. (Bit tricks: "has a byte < n", "has a byte > n".)
  const start = Math.min(bytes.length, from + ((4 - ((bytes.byteOffset + from) % 4)) % 4));
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + start, (bytes.length - start) >>> 2);
  const end = start + words.length * 4;
  let high = orTextBytes(bytes, from, start);
  for (let w = 0; w < words.length && high >= 0; w++) {
    const x = words[w] as number;
    if (((((x - 0x20202020) & ~x) | (x + 0x01010101) | x) & 0x80808080) !== 0) {
      const some = orTextBytes(bytes, start + w * 4, start + w * 4 + 4);
      high = some < 0 ? -1 : high | some;
    }
  }
  if (high >= 0) {
    const tail = orTextBytes(bytes, end, bytes.length);
    high = tail < 0 ? -1 : high | tail;
  }
  return high < 0 ? 'control' : high >= 0x80 ? 'non-ascii' : 'ascii';
}

// Multi-megabyte text is validated a slice at a time, so that no string longer
// than this many characters is ever made; only the head is kept.
const CHUNK_BYTES = 64 * 1024;

/**
 * Decode body a chunk at a time with a fatal decoder, as one decode of it all
 * would (the same errors, the same characters), keeping only the first
 * HEAD_CHARS or more characters. Null when a chunk throws or `reject` says a
 * chunk's text is not text.
 */
function decodeHead(encoding: string, body: Uint8Array, complete: boolean, reject?: RegExp): string | null {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let head = '';
  try {
    for (let at = 0; at < body.length; at += CHUNK_BYTES) {
      const end = Math.min(body.length, at + CHUNK_BYTES);
      // The last chunk of a whole file is decoded without stream, so a character cut short there is an error.
      const text = decoder.decode(body.subarray(at, end), { stream: !complete || end < body.length });
      if (reject !== undefined && reject.test(text)) return null;
      if (head.length < HEAD_CHARS) head += text;
    }
  } catch {
    return null;
  }
  return head;
}

/**
 * How bytes begin as text (at least the first HEAD_CHARS characters, all of
 * them if fewer), or null when they are not text. `complete` false means
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
    const text = decodeHead(encoding, body, complete, NOT_TEXT_UNIT);
    return text === null ? null : { text, encoding };
  }

  const scan = scanBytes(bytes, start);
  if (scan === 'control') return null;
  const body = bytes.subarray(start);
  // ASCII is valid UTF-8 as it is: only its head needs decoding.
  const text = scan === 'ascii' ? new TextDecoder('utf-8').decode(body.subarray(0, HEAD_CHARS)) : decodeHead('utf-8', body, complete);
  if (text !== null) return { text, encoding: 'utf-8' };
  // Not UTF-8 but free of control bytes: text in a Windows code page (a "£" as 0xA3), common in older letters.
  if (encoding === 'utf-8') return null;
  return { text: new TextDecoder('windows-1252').decode(body.subarray(0, HEAD_CHARS)), encoding: 'single-byte' };
}

const COMMENTS = String.raw`(?:<!--[\s\S]*?-->\s*)*`;
const PROLOG = String.raw`(?:<\?xml[^>]*\?>\s*)?${COMMENTS}`;
const HTML_START = new RegExp(String.raw`^${PROLOG}(?:<!doctype\s+html[\s>]|<html[\s>]|<head[\s>]|<body[\s>])`, 'i');
const XML_START = new RegExp(String.raw`^(?:<\?xml[\s?]|${COMMENTS}(?:<!doctype\s+[A-Za-z_]|<[A-Za-z_][\w.:-]*[\s/>]))`);

const lenientUtf8 = new TextDecoder('utf-8');

/** bytes as UTF-8, a bad sequence read as U+FFFD (as file-type reads a ZIP part). */
export function utf8Text(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes);
}

/** Which text format a decoded text is, by how it starts. */
export function textFormat(text: string): TextFormat {
  const head = text.slice(0, HEAD_CHARS).replace(/^[\ufeff\s]+/u, '');
  if (head.startsWith('{\\rtf')) return 'rtf';
  if (HTML_START.test(head)) return 'html';
  if (XML_START.test(head)) return 'xml';
  return 'txt';
}
