// Grow a real fixture to an exact size while it stays a valid file of its type,
// so the benchmark sends what a clinician would (a 4 MB PDF, a 4 MB scan) and
// every check, ours and libmagic's, sees the format it expects.
//
// Each padder puts the extra bytes where its format allows data that readers
// skip: PDF comments before `startxref`, a JPEG COM segment, a PNG tEXt chunk,
// a GIF comment extension, an unreferenced ZIP part, an RTF ignorable
// destination, an XML comment after the root element, trailing text, bytes no
// TIFF directory points at, more audio samples.

import { crc32 } from 'node:zlib';
import { padPdf } from '../../test/support/make-files.ts';

export const PADDABLE_FORMATS = ['pdf', 'docx', 'jpg', 'png', 'gif', 'tif', 'txt', 'rtf', 'xml', 'au', 'mp3'] as const;
export type PaddableFormat = (typeof PADDABLE_FORMATS)[number];

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const WORDS = 'referral letter clinic patient review history examination plan follow up results normal'.split(' ');

/** `length` bytes of plain words and spaces with a line break every 76 or so: text any reader accepts. */
export function proseBytes(length: number, newline = '\n'): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  let column = 0;
  let word = 0;
  while (at < length) {
    let piece: string;
    if (column > 70) {
      piece = newline;
      column = 0;
    } else {
      piece = `${WORDS[word++ % WORDS.length]} `;
      column += piece.length;
    }
    for (let i = 0; i < piece.length && at < length; i++) out[at++] = piece.charCodeAt(i);
  }
  return out;
}

/** Split `total` bytes into `count` pieces of at most `max` (and as even as possible). */
function pieces(total: number, count: number): number[] {
  const base = Math.floor(total / count);
  return Array.from({ length: count }, (_, i) => base + (i < total % count ? 1 : 0));
}

function need(extra: number, least: number, format: string): void {
  if (extra < least) throw new RangeError(`a ${format} can only grow by ${least} bytes or more, not ${extra}`);
}

function padJpeg(source: Uint8Array, extra: number): Uint8Array {
  // COM segments (FF FE, 2-byte length that counts itself) go after SOI and any APPn, so JFIF/Exif stay first.
  if (source[0] !== 0xff || source[1] !== 0xd8) throw new Error('not a JPEG');
  let at = 2;
  while (source[at] === 0xff && source[at + 1]! >= 0xe0 && source[at + 1]! <= 0xef) {
    at += 2 + ((source[at + 2]! << 8) | source[at + 3]!);
  }
  need(extra, 4, 'JPEG');
  const count = Math.ceil(extra / (65535 + 2));
  const segments = pieces(extra - 4 * count, count).map((data) => {
    const segment = new Uint8Array(4 + data);
    segment.set([0xff, 0xfe, ((data + 2) >> 8) & 0xff, (data + 2) & 0xff]);
    segment.set(proseBytes(data), 4);
    return segment;
  });
  return concat([source.subarray(0, at), ...segments, source.subarray(at)]);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.byteLength);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.byteLength);
  chunk.set(ascii(type), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(chunk.subarray(4, 8 + data.byteLength)));
  return chunk;
}

function padPng(source: Uint8Array, extra: number): Uint8Array {
  const iend = source.byteLength - 12;
  if (latin1(source.subarray(iend + 4, iend + 8)) !== 'IEND') throw new Error('PNG does not end with IEND');
  const keyword = ascii('Comment\0');
  need(extra, 12 + keyword.byteLength, 'PNG');
  const text = concat([keyword, proseBytes(extra - 12 - keyword.byteLength)]);
  return concat([source.subarray(0, iend), pngChunk('tEXt', text), source.subarray(iend)]);
}

function padGif(source: Uint8Array, extra: number): Uint8Array {
  // A comment extension (21 FE, sub-blocks of 1-255 bytes each led by its length, 00) before the trailer (3B).
  const trailer = source.byteLength - 1;
  if (source[trailer] !== 0x3b) throw new Error('GIF does not end with its trailer');
  need(extra, 5, 'GIF');
  const blocks = Math.ceil((extra - 3) / 256);
  const parts: Uint8Array[] = [Uint8Array.of(0x21, 0xfe)];
  for (const size of pieces(extra - 3 - blocks, blocks)) parts.push(Uint8Array.of(size), proseBytes(size));
  parts.push(Uint8Array.of(0));
  return concat([source.subarray(0, trailer), ...parts, source.subarray(trailer)]);
}

function padTiff(source: Uint8Array, extra: number): Uint8Array {
  // TIFF finds everything by offset, so bytes after the last structure are never read.
  return concat([source, proseBytes(extra)]);
}

function padText(source: Uint8Array, extra: number): Uint8Array {
  const newline = latin1(source).includes('\r\n') ? '\r\n' : '\n';
  return concat([source, proseBytes(extra, newline)]);
}

function padRtf(source: Uint8Array, extra: number): Uint8Array {
  // {\*\keyword ...} is an ignorable destination: readers that do not know it skip the group.
  const close = latin1(source).lastIndexOf('}');
  if (close < 0) throw new Error('RTF has no closing brace');
  const open = ascii('{\\*\\ersattachbenchpadding ');
  need(extra, open.byteLength + 1, 'RTF');
  const group = concat([open, proseBytes(extra - open.byteLength - 1), ascii('}')]);
  return concat([source.subarray(0, close), group, source.subarray(close)]);
}

function padXml(source: Uint8Array, extra: number): Uint8Array {
  // Comments are allowed after the root element; prose never holds "--".
  need(extra, 8, 'XML');
  return concat([source, ascii('<!--'), proseBytes(extra - 8), ascii('-->\n')]);
}

function padAu(source: Uint8Array, extra: number): Uint8Array {
  // More samples of mu-law silence (0xFF); the header's data size grows to match unless it says "unknown".
  const out = concat([source, new Uint8Array(extra).fill(0xff)]);
  const view = new DataView(out.buffer);
  const size = view.getUint32(8);
  if (size !== 0xffffffff) view.setUint32(8, size + extra);
  return out;
}

function padMp3(source: Uint8Array, extra: number): Uint8Array {
  // The fixture is bare MPEG frames (no ID3, no Xing header), so more of the same frames is a longer recording.
  const parts: Uint8Array[] = [source];
  for (let left = extra; left > 0; left -= source.byteLength) parts.push(source.subarray(0, Math.min(left, source.byteLength)));
  return concat(parts);
}

const DOCX_PART = 'docProps/ers-attach-padding.xml';

function padDocx(source: Uint8Array, extra: number): Uint8Array {
  // A stored (uncompressed) part inserted before the central directory. Its .xml extension
  // has a content type in every [Content_Types].xml, and nothing refers to it, so Word ignores it.
  const view = new DataView(source.buffer, source.byteOffset, source.byteLength);
  let eocd = -1;
  for (let p = source.byteLength - 22; p >= 0 && p >= source.byteLength - 22 - 0xffff; p--) {
    if (view.getUint32(p, true) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP: no end of central directory');
  const entries = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  const name = ascii(DOCX_PART);
  const overhead = 30 + 46 + 2 * name.byteLength;
  const head = ascii('<?xml version="1.0" encoding="UTF-8"?><padding>');
  const tail = ascii('</padding>');
  need(extra, overhead + head.byteLength + tail.byteLength, 'DOCX');
  const data = concat([head, proseBytes(extra - overhead - head.byteLength - tail.byteLength), tail]);
  const crc = crc32(data);

  const local = new Uint8Array(30 + name.byteLength);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true); // version needed 2.0
  lv.setUint32(14, crc, true);
  lv.setUint32(18, data.byteLength, true);
  lv.setUint32(22, data.byteLength, true);
  lv.setUint16(26, name.byteLength, true);
  local.set(name, 30);

  const central = new Uint8Array(46 + name.byteLength);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint32(16, crc, true);
  cv.setUint32(20, data.byteLength, true);
  cv.setUint32(24, data.byteLength, true);
  cv.setUint16(28, name.byteLength, true);
  cv.setUint32(42, cdOffset, true); // where the new local header starts
  central.set(name, 46);

  const end = source.slice(eocd);
  const ev = new DataView(end.buffer);
  ev.setUint16(8, entries + 1, true);
  ev.setUint16(10, entries + 1, true);
  ev.setUint32(12, cdSize + central.byteLength, true);
  ev.setUint32(16, cdOffset + local.byteLength + data.byteLength, true);

  return concat([source.subarray(0, cdOffset), local, data, source.subarray(cdOffset, cdOffset + cdSize), central, end]);
}

const PADDERS: Readonly<Record<PaddableFormat, (source: Uint8Array, extra: number) => Uint8Array>> = {
  pdf: (source, extra) => padPdf(source, source.byteLength + extra),
  docx: padDocx,
  jpg: padJpeg,
  png: padPng,
  gif: padGif,
  tif: padTiff,
  txt: padText,
  rtf: padRtf,
  xml: padXml,
  au: padAu,
  mp3: padMp3,
};

/** `source` (a file of `format`) grown to exactly `size` bytes, still a valid file of that format. */
export function padTo(format: PaddableFormat, source: Uint8Array, size: number): Uint8Array {
  const extra = size - source.byteLength;
  if (extra < 0) throw new RangeError(`cannot pad ${source.byteLength} bytes down to ${size}`);
  if (extra === 0) return source.slice();
  const out = PADDERS[format](source, extra);
  if (out.byteLength !== size) throw new Error(`padding a ${format} made ${out.byteLength} bytes, not ${size}`);
  return out;
}
