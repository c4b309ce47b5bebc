// A small read-only reader for the directory of a Compound File Binary (OLE2)
// container: Word 97-2003, Excel 97-2003, Outlook .msg and .msi all share it,
// and only the names of the top-level entries tell them apart.
//
// Input is untrusted: every sector number is checked against the buffer, every
// chain walk is bounded and remembers where it has been, so a malformed file
// can neither loop nor make us read past the end. When the buffer is only a
// prefix of the file and the directory lies beyond it, we say so instead of
// guessing.

export type CfbEntryType = 'storage' | 'stream' | 'root' | 'unused';

export interface CfbEntry {
  readonly name: string;
  readonly type: CfbEntryType;
  /** CLSID as 32 lower-case hex digits in stored byte order. */
  readonly clsid: string;
  readonly startSector: number;
  readonly size: number;
}

export type CfbDirectory =
  | {
      readonly kind: 'ok';
      readonly root: CfbEntry;
      /** The root storage's direct children. */
      readonly topLevel: readonly CfbEntry[];
      /** First bytes of a top-level stream held in normal sectors, or null when not available. */
      readonly streamStart: (entry: CfbEntry, length: number) => Uint8Array | null;
    }
  | { readonly kind: 'need-more-bytes' }
  | { readonly kind: 'malformed'; readonly reason: string };

export const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

const HEADER_SIZE = 512;
const HEADER_DIFAT_ENTRIES = 109;
const ENTRY_SIZE = 128;
const NO_STREAM = 0xffffffff;
const END_OF_CHAIN = 0xfffffffe;
const MAX_REGULAR_SECTOR = 0xfffffffa;
// No directory we care about has more entries; a bound that keeps hostile files cheap.
const MAX_ENTRIES = 65_536;

class PastEnd extends Error {}
class Malformed extends Error {}

export function hasCfbSignature(bytes: Uint8Array): boolean {
  return bytes.length >= CFB_SIGNATURE.length && CFB_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function readCfbDirectory(bytes: Uint8Array, complete: boolean): CfbDirectory {
  try {
    return read(bytes);
  } catch (error) {
    if (error instanceof PastEnd) {
      return complete ? { kind: 'malformed', reason: 'the directory lies past the end of the file' } : { kind: 'need-more-bytes' };
    }
    if (error instanceof Malformed) return { kind: 'malformed', reason: error.message };
    throw error;
  }
}

function read(bytes: Uint8Array): CfbDirectory {
  if (!hasCfbSignature(bytes)) throw new Malformed('not a compound file');
  if (bytes.length < HEADER_SIZE) throw new PastEnd();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (offset: number) => view.getUint16(offset, true);
  const u32 = (offset: number) => {
    if (offset + 4 > bytes.length) throw new PastEnd();
    return view.getUint32(offset, true);
  };

  const sectorShift = u16(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) throw new Malformed(`sector shift ${sectorShift}`);
  const sectorSize = 1 << sectorShift;
  const perSector = sectorSize / 4;
  const firstDirectorySector = u32(0x30);
  const miniStreamCutoff = u32(0x38);
  const firstDifatSector = u32(0x44);
  const difatSectorCount = u32(0x48);
  // Sector numbers that could possibly exist in a file of at most this many bytes (bounds every walk).
  const maxSectors = Math.floor(0xffffffff / sectorSize);

  const sectorOffset = (sector: number) => {
    if (sector >= MAX_REGULAR_SECTOR || sector >= maxSectors) throw new Malformed(`sector ${sector}`);
    const offset = (sector + 1) * sectorSize;
    if (offset + sectorSize > bytes.length) throw new PastEnd();
    return offset;
  };

  // DIFAT entries beyond the header's 109, found by walking the DIFAT chain (bounded by its declared length).
  const extraDifat: number[] = [];
  let difatLoaded = false;
  const fatSectorAt = (index: number): number => {
    if (index < HEADER_DIFAT_ENTRIES) return u32(0x4c + index * 4);
    if (!difatLoaded) {
      difatLoaded = true;
      const seen = new Set<number>();
      let sector = firstDifatSector;
      for (let i = 0; i < difatSectorCount && sector < MAX_REGULAR_SECTOR; i++) {
        if (seen.has(sector)) throw new Malformed('DIFAT chain loops');
        seen.add(sector);
        const base = sectorOffset(sector);
        for (let j = 0; j < perSector - 1; j++) extraDifat.push(u32(base + j * 4));
        sector = u32(base + (perSector - 1) * 4);
      }
    }
    const fatSector = extraDifat[index - HEADER_DIFAT_ENTRIES];
    if (fatSector === undefined) throw new Malformed('FAT sector missing from DIFAT');
    return fatSector;
  };

  const nextSector = (sector: number): number => {
    const fatSector = fatSectorAt(Math.floor(sector / perSector));
    return u32(sectorOffset(fatSector) + (sector % perSector) * 4);
  };

  const entries: CfbEntry[] = [];
  const links: { left: number; right: number; child: number }[] = [];
  const visited = new Set<number>();
  let sector = firstDirectorySector;
  while (sector !== END_OF_CHAIN) {
    if (visited.has(sector)) throw new Malformed('directory chain loops');
    visited.add(sector);
    const base = sectorOffset(sector);
    for (let at = base; at < base + sectorSize; at += ENTRY_SIZE) {
      if (entries.length >= MAX_ENTRIES) throw new Malformed('too many directory entries');
      const entry = readEntry(bytes, view, at);
      entries.push(entry.entry);
      links.push(entry.links);
    }
    sector = nextSector(sector);
  }

  const root = entries[0];
  const rootLinks = links[0];
  if (root === undefined || rootLinks === undefined || root.type !== 'root') throw new Malformed('no root entry');

  // The root's children form a red-black tree linked through left/right siblings.
  const topLevel: CfbEntry[] = [];
  const seen = new Set<number>();
  const stack = [rootLinks.child];
  while (stack.length > 0) {
    const id = stack.pop() ?? NO_STREAM;
    if (id === NO_STREAM || id >= entries.length || id === 0 || seen.has(id)) continue;
    seen.add(id);
    const entry = entries[id];
    const link = links[id];
    if (entry === undefined || link === undefined) continue;
    if (entry.type === 'unused' || entry.type === 'root') continue;
    topLevel.push(entry);
    stack.push(link.left, link.right);
  }

  const streamStart = (entry: CfbEntry, length: number): Uint8Array | null => {
    if (entry.type !== 'stream' || entry.size < miniStreamCutoff || entry.size < length) return null;
    try {
      const offset = sectorOffset(entry.startSector);
      return bytes.subarray(offset, offset + Math.min(length, sectorSize));
    } catch (error) {
      if (error instanceof PastEnd || error instanceof Malformed) return null;
      throw error;
    }
  };

  return { kind: 'ok', root, topLevel, streamStart };
}

const TYPES: Readonly<Record<number, CfbEntryType>> = { 1: 'storage', 2: 'stream', 5: 'root' };

function readEntry(bytes: Uint8Array, view: DataView, at: number) {
  const nameBytes = Math.min(view.getUint16(at + 0x40, true), 64);
  let name = '';
  for (let i = 0; i + 1 < nameBytes; i += 2) {
    const unit = view.getUint16(at + i, true);
    if (unit === 0) break;
    name += String.fromCharCode(unit);
  }
  let clsid = '';
  for (let i = 0; i < 16; i++) clsid += (bytes[at + 0x50 + i] ?? 0).toString(16).padStart(2, '0');
  const type = TYPES[bytes[at + 0x42] ?? 0];
  return {
    entry: {
      name,
      type: type ?? 'unused',
      clsid,
      startSector: view.getUint32(at + 0x74, true),
      // The high 32 bits are zero in any file we can hold; reading the low half keeps this a safe integer.
      size: view.getUint32(at + 0x78, true),
    },
    links: {
      left: view.getUint32(at + 0x44, true),
      right: view.getUint32(at + 0x48, true),
      child: type === undefined ? NO_STREAM : view.getUint32(at + 0x4c, true),
    },
  };
}
