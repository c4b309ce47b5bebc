// file-type tells the ZIP-based formats apart by walking the archive's local
// entries from the start; when entries carry data descriptors (LibreOffice
// writes them) it finds each one's end by scanning byte by byte, which is most
// of the time spent identifying a .docx. With the whole file in hand we can
// read the central directory instead, and give file-type an archive holding
// only the entry that decides the format, with its sizes filled in.
//
// Only when that gives the answer the full walk would: the deciding entry must
// come first, in local order, among the entries file-type stops at. Anything
// unusual (encrypted, out of order, names that disagree, a size or offset past
// the end) returns null and the caller walks the whole archive as before.

const DECIDING = new Set(['[Content_Types].xml', 'mimetype']);
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_BYTES = 46;
const LOCAL_BYTES = 30;
const FLAG_ENCRYPTED = 0x0001;

/** Entries file-type's walk would stop at (or remember) before reaching a deciding one. */
function wouldDecideFirst(name: string): boolean {
  return name.startsWith('META-INF/') || name.startsWith('Index/') || /classes\d*\.dex/.test(name);
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65,535.
  const floor = Math.max(0, bytes.length - EOCD_BYTES - 0xffff);
  for (let p = bytes.length - EOCD_BYTES; p >= floor; p--) {
    if (bytes[p] === 0x50 && view.getUint32(p, true) === EOCD) return p;
  }
  return -1;
}

export interface ZipPart {
  readonly name: string;
  /** ZIP compression method: 0 stored, 8 deflate. */
  readonly method: number;
  readonly crc: number;
  readonly uncompressedSize: number;
  /** The part's data as stored in the archive (a view of its bytes). */
  readonly data: Uint8Array;
}

/**
 * The entry of bytes (a whole ZIP) that decides its format, or null when there
 * is none or the archive is anything but plain. Every read is checked against
 * the buffer's length first.
 */
export function zipDecidingPart(bytes: Uint8Array): ZipPart | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(bytes, view);
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  let previousLocal = -1;
  // count is at most 65,535 and each pass moves at forward by at least 46: bounded.
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_BYTES > bytes.length || view.getUint32(at, true) !== CENTRAL) return null;
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressed = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const nameAt = at + CENTRAL_BYTES;
    if (nameAt + nameLength > bytes.length) return null;
    // Central order must be local order, or the walk could meet another entry first.
    if (local <= previousLocal) return null;
    previousLocal = local;
    at = nameAt + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    // Names that matter are ASCII; latin1 decoding of bytes is enough to compare them.
    const name = String.fromCharCode(...bytes.subarray(nameAt, nameAt + Math.min(nameLength, 256)));
    if (wouldDecideFirst(name)) return null;
    if (!DECIDING.has(name)) continue;
    if ((flags & FLAG_ENCRYPTED) !== 0) return null;

    if (local + LOCAL_BYTES > bytes.length || view.getUint32(local, true) !== LOCAL) return null;
    const localNameLength = view.getUint16(local + 26, true);
    const dataStart = local + LOCAL_BYTES + localNameLength + view.getUint16(local + 28, true);
    if (localNameLength !== nameLength || !sameBytes(bytes, local + LOCAL_BYTES, nameAt, nameLength)) return null;
    if (dataStart + compressed > bytes.length) return null;

    return { name, method, crc, uncompressedSize: size, data: bytes.subarray(dataStart, dataStart + compressed) };
  }
  return null;
}

/** A ZIP holding only that part, with its sizes in its local header, for file-type to judge. */
export function zipOfPart(part: ZipPart): Uint8Array {
  const name = new Uint8Array([...part.name].map((c) => c.charCodeAt(0)));
  const out = new Uint8Array(LOCAL_BYTES + name.length + part.data.length + EOCD_BYTES);
  const o = new DataView(out.buffer);
  o.setUint32(0, LOCAL, true);
  o.setUint16(4, 20, true);
  o.setUint16(8, part.method, true);
  o.setUint32(14, part.crc, true);
  o.setUint32(18, part.data.length, true);
  o.setUint32(22, part.uncompressedSize, true);
  o.setUint16(26, name.length, true);
  out.set(name, LOCAL_BYTES);
  out.set(part.data, LOCAL_BYTES + name.length);
  o.setUint32(out.length - EOCD_BYTES, EOCD, true);
  return out;
}

/** zipOfPart of the deciding part, or null. */
export function zipDecidingEntry(bytes: Uint8Array): Uint8Array | null {
  const part = zipDecidingPart(bytes);
  return part === null ? null : zipOfPart(part);
}
