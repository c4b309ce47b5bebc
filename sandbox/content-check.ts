// The sandbox's model of e-RS content validation: does a file's bytes plainly
// contradict its Content-Type? Its own small magic-number checks, written apart from
// the client's detectors (shared/content) so that a bug there is caught here.
//
// "Plainly" means: a type with a fixed signature (PDF, PNG, Word...) must carry it;
// a text type must not be binary; a type without a reliable signature (MP3, AU,
// MPEG video) is only refused when the bytes are recognisably something else.

interface Recognised {
  readonly id: string;
  readonly label: string;
  readonly binary: boolean;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const utf16le = (s: string): Buffer => Buffer.from(s, 'utf16le');

function startsWith(bytes: Uint8Array, sig: readonly number[] | Uint8Array, at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

function contains(bytes: Uint8Array, needle: Uint8Array, limit = bytes.length): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(limit, bytes.length)).indexOf(needle) >= 0;
}

const bin = (id: string, label: string): Recognised => ({ id, label, binary: true });

/** Entry names of a ZIP archive from its central directory; null if it cannot be read. */
function zipEntryNames(bytes: Uint8Array): string[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocdFloor = Math.max(0, bytes.length - 22 - 0xffff);
  for (let p = bytes.length - 22; p >= eocdFloor; p--) {
    if (view.getUint32(p, true) !== 0x06054b50) continue;
    const count = view.getUint16(p + 10, true);
    let q = view.getUint32(p + 16, true);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      if (q + 46 > bytes.length || view.getUint32(q, true) !== 0x02014b50) return null;
      const nameLen = view.getUint16(q + 28, true);
      const extraLen = view.getUint16(q + 30, true);
      const commentLen = view.getUint16(q + 32, true);
      names.push(Buffer.from(bytes.buffer, bytes.byteOffset + q + 46, Math.min(nameLen, bytes.length - q - 46)).toString('latin1'));
      q += 46 + nameLen + extraLen + commentLen;
    }
    return names;
  }
  return null;
}

function recogniseZip(bytes: Uint8Array): Recognised {
  const names = zipEntryNames(bytes);
  const has = (prefix: string): boolean =>
    names !== null ? names.some((n) => n.startsWith(prefix)) : contains(bytes, ascii(prefix));
  if (has('word/')) return bin('docx', 'a Word document (.docx)');
  if (has('xl/')) return bin('xlsx', 'an Excel spreadsheet');
  if (has('ppt/')) return bin('pptx', 'a PowerPoint presentation');
  if (contains(bytes, ascii('application/vnd.oasis.opendocument'), 200)) return bin('odf', 'an OpenDocument file');
  return bin('zip', 'a ZIP archive');
}

// OLE2 (Compound File) directory entries carry UTF-16LE stream names.
function recogniseOle2(bytes: Uint8Array): Recognised {
  if (contains(bytes, utf16le('WordDocument'))) return bin('doc', 'a Word 97-2003 document');
  if (contains(bytes, utf16le('__substg1.0_'))) return bin('msg', 'an Outlook message');
  if (contains(bytes, utf16le('Workbook')) || contains(bytes, utf16le('Book'))) return bin('xls', 'an Excel 97-2003 spreadsheet');
  if (contains(bytes, utf16le('PowerPoint Document'))) return bin('ppt', 'a PowerPoint 97-2003 presentation');
  return bin('ole2', 'an OLE2 container that is not a Word document');
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** What the bytes recognisably are, by signature; null when nothing matched. */
export function recognise(bytes: Uint8Array): Recognised | null {
  const b = bytes;
  if (contains(b, ascii('%PDF-'), 1024)) return bin('pdf', 'a PDF');
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return bin('png', 'a PNG image');
  if (startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a'))) return bin('gif', 'a GIF image');
  if (startsWith(b, [0xff, 0xd8, 0xff])) return bin('jpeg', 'a JPEG image');
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return bin('tiff', 'a TIFF image');
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return recogniseZip(b);
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return recogniseOle2(b);
  if (startsWith(b, ascii('{\\rtf'))) return { id: 'rtf', label: 'an RTF document', binary: false };
  if (startsWith(b, ascii('DICM'), 128)) return bin('dicom', 'a DICOM image');
  // "MZ" alone could begin a text file; a real executable has NULs in its header.
  if (startsWith(b, ascii('MZ')) && b.subarray(0, 64).includes(0)) return bin('exe', 'a Windows program');
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return bin('elf', 'a Linux program');
  if (startsWith(b, ascii('ID3'))) return bin('mp3', 'an MP3 audio file');
  if (startsWith(b, ascii('.snd'))) return bin('au', 'an AU audio file');
  if (startsWith(b, [0x00, 0x00, 0x01, 0xba]) || startsWith(b, [0x00, 0x00, 0x01, 0xb3])) return bin('mpeg', 'an MPEG video');
  if (startsWith(b, ascii('ftyp'), 4)) {
    const brand = Buffer.from(b.subarray(8, 12)).toString('latin1');
    return HEIC_BRANDS.has(brand) ? bin('heic', 'a HEIC photo') : bin('mp4', 'an MP4 or QuickTime video');
  }
  if (startsWith(b, ascii('RIFF')) && b.length >= 12) {
    const form = Buffer.from(b.subarray(8, 12)).toString('latin1');
    if (form === 'WAVE') return bin('wav', 'a WAV audio file');
    if (form === 'WEBP') return bin('webp', 'a WebP image');
    if (form === 'AVI ') return bin('avi', 'an AVI video');
  }
  // "BM" could begin a text file too; a BMP's header states the file's size.
  if (startsWith(b, ascii('BM')) && b.length >= 6 && new DataView(b.buffer, b.byteOffset).getUint32(2, true) === b.length) {
    return bin('bmp', 'a BMP image');
  }
  if (startsWith(b, [0x1f, 0x8b])) return bin('gzip', 'a gzip archive');
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return bin('7z', 'a 7-Zip archive');
  if (startsWith(b, ascii('Rar!'))) return bin('rar', 'a RAR archive');
  return null;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const hasUtf16Bom = (b: Uint8Array): boolean => startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff]);

/** Text, as far as plain bytes tell: no NUL bytes, unless it is UTF-16 with a byte-order mark. */
function looksLikeText(bytes: Uint8Array): boolean {
  return hasUtf16Bom(bytes) || !bytes.includes(0);
}

/** The first non-whitespace character of a text, honouring a UTF-8 or UTF-16 byte-order mark. */
function firstTextChar(bytes: Uint8Array): string | null {
  let text: string;
  if (startsWith(bytes, [0xff, 0xfe])) text = Buffer.from(bytes.subarray(2, 2050)).toString('utf16le');
  else if (startsWith(bytes, [0xfe, 0xff])) text = Buffer.from(bytes.subarray(2, 2050)).swap16().toString('utf16le');
  else text = Buffer.from(bytes.subarray(startsWith(bytes, UTF8_BOM) ? 3 : 0, 2048)).toString('latin1');
  const m = /\S/.exec(text);
  return m ? m[0] : null;
}

/** Types whose files always begin with a signature: the recogniser id each must match. */
const REQUIRED_SIGNATURE: ReadonlyMap<string, { id: string; label: string }> = new Map([
  ['application/pdf', { id: 'pdf', label: 'a PDF' }],
  ['image/png', { id: 'png', label: 'a PNG image' }],
  ['image/gif', { id: 'gif', label: 'a GIF image' }],
  ['image/jpeg', { id: 'jpeg', label: 'a JPEG image' }],
  ['image/tiff', { id: 'tiff', label: 'a TIFF image' }],
  ['application/msword', { id: 'doc', label: 'a Word 97-2003 document' }],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', { id: 'docx', label: 'a Word document (.docx)' }],
  ['text/rtf', { id: 'rtf', label: 'an RTF document' }],
  ['application/dicom', { id: 'dicom', label: 'a DICOM image' }],
]);

/** Types without a reliable signature: refused only when the bytes are recognisably another format. */
const LOOSE_SIGNATURE: ReadonlyMap<string, string> = new Map([
  ['audio/mpeg', 'mp3'],
  ['audio/basic', 'au'],
  ['video/mpeg', 'mpeg'],
]);

/**
 * Why the bytes contradict `mime` (an accepted upload type), or null when they do not.
 * The reason is a diagnostics sentence, e.g. "The Content-Type is application/pdf but the file is a ZIP archive".
 */
export function contentConflict(mime: string, bytes: Uint8Array): string | null {
  const seen = recognise(bytes);
  const butIs = seen ? `the file is ${seen.label}` : null;
  const required = REQUIRED_SIGNATURE.get(mime);
  if (required) {
    if (seen?.id === required.id) return null;
    return `The Content-Type is ${mime} but ${butIs ?? `the file's bytes are not ${required.label}`}`;
  }
  const loose = LOOSE_SIGNATURE.get(mime);
  if (loose !== undefined) {
    return seen && seen.id !== loose ? `The Content-Type is ${mime} but ${butIs}` : null;
  }
  if (mime === 'text/plain' || mime === 'text/xml') {
    if (seen?.binary) return `The Content-Type is ${mime} but ${butIs}`;
    if (!looksLikeText(bytes)) return `The Content-Type is ${mime} but the file is binary, not text`;
    if (mime === 'text/xml' && firstTextChar(bytes) !== '<') return 'The Content-Type is text/xml but the file does not start with an XML tag';
    return null;
  }
  return null;
}
