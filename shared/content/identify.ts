// identifyContent: what a file's bytes are, whatever its name says.
//
// file-type does the binary magic numbers (and the ZIP-based Office formats);
// we add what it cannot know: which kind of OLE2 container a .doc really is,
// text formats (plain text, RTF, XML, HTML), Sun audio, and a second opinion
// where file-type's signature is two bytes a text file could start with
// ("BM" is a BMP to it, and also how "BMI 32" begins).

import { fileTypeFromBuffer } from 'file-type';
import { labelForFormat } from '../rules/attachment-types.ts';
import type { ContentLook } from '../rules/types.ts';
import { hasCfbSignature, readCfbDirectory, type CfbEntry } from './cfb.ts';
import { decodeText, textFormat, utf8Text } from './text.ts';
import { extensionFromContentTypes, extensionFromMimetypePart } from './office-zip-types.ts';
import { zipDecidingPart, zipOfPart } from './zip-deciding-entry.ts';

export interface IdentifyOptions {
  /** True when bytes are the whole file; false for a prefix (the renderer's preview). */
  readonly complete: boolean;
  /**
   * A synchronous raw-deflate decoder that throws past maxBytes of output (main passes
   * zlib's inflateRawSync). With it, the part that decides a ZIP-based document's format
   * is read here, without file-type's archive walk; without it, file-type judges that part.
   */
  readonly inflateRaw?: (data: Uint8Array, maxBytes: number) => Uint8Array;
}

// file-type reads a deciding ZIP part only up to this size (compressed and not).
const MAX_ZIP_PART_BYTES = 1024 * 1024;

// file-type answers for which text is the likelier truth when the bytes are all text.
const WEAK_OR_TEXTUAL = new Set(['bmp', 'ac3', 'exe', 'ps', 'eps', 'Z', 'cpio', 'arj', 'mp1', 'mp2', 'mp3', 'jxl', 'vcf', 'ics', 'vtt', 'reg', 'xml']);

// file-type's extension -> our format id, where they differ.
const FROM_FILE_TYPE: Readonly<Record<string, string>> = {
  dotx: 'dotx', dotm: 'dotx',
  xltx: 'xltx', xltm: 'xltx',
  pptm: 'pptx', ppsx: 'pptx', ppsm: 'pptx', potx: 'pptx', potm: 'pptx',
  ott: 'odt', ots: 'ods', otp: 'odp',
  '7z': 'archive', rar: 'archive', gz: 'archive', 'tar.gz': 'archive', bz2: 'archive', xz: 'archive', tar: 'archive',
  cab: 'archive', lzh: 'archive', Z: 'archive', lz: 'archive', zst: 'archive', lz4: 'archive', apk: 'archive',
  class: 'jar', cur: 'ico', eps: 'ps', vsdx: 'vsd',
  aac: 'm4a', ogg: 'm4a', oga: 'm4a', opus: 'm4a', flac: 'm4a', amr: 'm4a',
  m4v: 'mp4', mov: 'mp4', avi: 'mp4', mkv: 'mp4', webm: 'mp4', '3gp': 'mp4', '3g2': 'mp4',
};

function look(format: string, complete: boolean): ContentLook {
  return { format, label: labelForFormat(format), complete };
}

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** MZ alone is how "MZ is..." starts; a DOS/Windows executable also has a PE header or zero bytes in its header. */
function isWindowsExecutable(bytes: Uint8Array): boolean {
  if (!ascii(bytes, 0, 'MZ')) return false;
  if (bytes.length >= 0x40) {
    const peOffset = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0x3c, true);
    if (peOffset + 4 <= bytes.length && ascii(bytes, peOffset, 'PE\0\0')) return true;
  }
  return bytes.subarray(2, 0x40).includes(0);
}

const MSI_CLSIDS = new Set([
  '84100c0000000000c000000000000046', // {000C1084-...} installer package
  '86100c0000000000c000000000000046', // {000C1086-...} patch
  '82100c0000000000c000000000000046', // {000C1082-...} transform
]);

// Word's File Information Block starts the WordDocument stream: wIdent, then flags at 0x0A.
const WORD_IDENTS = new Set([0xa5ec, 0xa5dc]);
const FIB_ENCRYPTED = 0x0100;

function classifyCfb(bytes: Uint8Array, complete: boolean): ContentLook {
  const dir = readCfbDirectory(bytes, complete);
  if (dir.kind === 'need-more-bytes') return look('cfb', false);
  if (dir.kind === 'malformed') return look('cfb', true);
  const names = new Map<string, CfbEntry>(dir.topLevel.map((e) => [e.name, e]));
  const has = (name: string) => names.has(name);

  if (has('EncryptionInfo') && has('EncryptedPackage')) return look('encrypted-office', true);
  const word = names.get('WordDocument');
  if (word !== undefined && word.type === 'stream') {
    const fib = dir.streamStart(word, 12);
    if (fib === null) return look('doc', complete);
    const fibView = new DataView(fib.buffer, fib.byteOffset, fib.byteLength);
    const ident = fibView.getUint16(0, true);
    const flags = fibView.getUint16(10, true);
    if (!WORD_IDENTS.has(ident)) return look('cfb', true);
    return look((flags & FIB_ENCRYPTED) !== 0 ? 'encrypted-office' : 'doc', true);
  }
  if (has('__properties_version1.0') || [...names.keys()].some((n) => n.startsWith('__substg1.0_'))) return look('msg', true);
  if (has('Workbook') || has('Book')) return look('xls', true);
  if (has('PowerPoint Document')) return look('ppt', true);
  if (has('VisioDocument')) return look('vsd', true);
  if (has('Quill')) return look('pub', true);
  // MSI stream names are packed into U+3800-U+4840; the root CLSID names the kind.
  if (MSI_CLSIDS.has(dir.root.clsid) || [...names.keys()].some((n) => /^[\u3800-\u4840]/u.test(n))) return look('msi', true);
  return look('cfb', true);
}

function lookAtText(bytes: Uint8Array, complete: boolean): ContentLook | null {
  const decoded = decodeText(bytes, complete);
  return decoded === null ? null : look(textFormat(decoded.text), complete);
}

/** A PDF may have junk before "%PDF-" (readers allow it in the first 1024 bytes); file-type looks at offset 0 only. */
function hasLatePdfHeader(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length - 5, 1024);
  for (let i = 1; i < end; i++) if (bytes[i] === 0x25 && ascii(bytes, i, '%PDF-')) return true;
  return false;
}

/** file-type's answer for a whole ZIP from its deciding part alone, or undefined to let it walk the archive. */
async function zipFormatQuickly(bytes: Uint8Array, inflateRaw: IdentifyOptions['inflateRaw']): Promise<{ ext: string } | undefined> {
  const part = zipDecidingPart(bytes);
  if (part === null) return undefined;
  if (inflateRaw !== undefined && (part.method === 0 || part.method === 8)) {
    if (part.data.length > MAX_ZIP_PART_BYTES || part.uncompressedSize > MAX_ZIP_PART_BYTES) return undefined;
    let data: Uint8Array;
    try {
      data = part.method === 0 ? part.data : inflateRaw(part.data, MAX_ZIP_PART_BYTES);
    } catch {
      return undefined;
    }
    const text = utf8Text(data);
    const ext = part.name === 'mimetype' ? extensionFromMimetypePart(text) : extensionFromContentTypes(text);
    return ext === undefined ? undefined : { ext };
  }
  const found = await fileTypeFromBuffer(zipOfPart(part)).catch(() => undefined);
  return found === undefined || found.ext === 'zip' ? undefined : found;
}

export async function identifyContent(bytes: Uint8Array, opts: IdentifyOptions): Promise<ContentLook> {
  const { complete } = opts;
  if (bytes.length === 0) return look('empty', complete);
  if (isWindowsExecutable(bytes)) return look('exe', true);
  if (hasCfbSignature(bytes)) return classifyCfb(bytes, complete);

  let found: { ext: string } | undefined;
  try {
    // A whole ZIP: judge the one entry that decides (see zip-deciding-entry.ts) before file-type walks them all.
    const quick = complete && ascii(bytes, 0, 'PK\x03\x04') ? await zipFormatQuickly(bytes, opts.inflateRaw) : undefined;
    found = quick ?? (await fileTypeFromBuffer(bytes));
  } catch {
    found = undefined; // a parser error on hostile input means "not recognised", never a crash
  }

  if (found !== undefined) {
    if (found.ext === 'rtf') return look('rtf', true);
    if (WEAK_OR_TEXTUAL.has(found.ext)) {
      const text = lookAtText(bytes, complete);
      if (text !== null) return text;
      if (found.ext === 'exe') return look('unknown', complete);
    }
    // A prefix may end before the entries that make a ZIP a .docx.
    if (found.ext === 'zip') return look('zip', complete);
    return look(FROM_FILE_TYPE[found.ext] ?? found.ext, true);
  }

  if (ascii(bytes, 0, '.snd')) return look('au', true);
  if (hasLatePdfHeader(bytes)) return look('pdf', true);
  return lookAtText(bytes, complete) ?? look('unknown', complete);
}
