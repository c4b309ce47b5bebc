// The files the benchmark works on, written to a temporary directory from the
// real fixtures in test/fixtures (input-cases.md says what each trap is for).

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_FILE_BYTES } from '../../shared/rules/limits.ts';
import { padTo, PADDABLE_FORMATS, type PaddableFormat } from './pad.ts';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

export const fixture = async (name: string): Promise<Uint8Array> => new Uint8Array(await readFile(new URL(encodeURI(name), FIXTURES)));

/** The fixture each paddable format is grown from. */
export const PAD_SOURCES: Readonly<Record<PaddableFormat, string>> = {
  pdf: 'referral.pdf',
  docx: 'referral.docx',
  jpg: 'photo.jpg',
  png: 'scan.png',
  gif: 'scan.gif',
  tif: 'scan.tif',
  txt: 'notes-ascii.txt',
  rtf: 'letter.rtf',
  xml: 'results.xml',
  au: 'tone.au',
  mp3: 'dictation.mp3',
};

export interface CorpusFile {
  readonly path: string;
  /** The name a person would see (the path's last part). */
  readonly name: string;
  readonly size: number;
}

/**
 * `count` files of about `size` bytes (within 2.5%, so they are not all alike),
 * cycling through every paddable accepted type.
 */
export async function writeUploadCorpus(dir: string, count: number, size: number, exact = false): Promise<CorpusFile[]> {
  await mkdir(dir, { recursive: true });
  const sources = new Map<PaddableFormat, Uint8Array>();
  for (const format of PADDABLE_FORMATS) sources.set(format, await fixture(PAD_SOURCES[format]));
  const files: CorpusFile[] = [];
  for (let i = 0; i < count; i++) {
    const format = PADDABLE_FORMATS[i % PADDABLE_FORMATS.length]!;
    // A spread of -2.5% .. +2.5% in 20 steps, deterministic.
    const bytes = exact ? size : Math.round(size * (0.975 + ((i * 7) % 20) * 0.0025));
    const name = `upload-${String(i + 1).padStart(2, '0')}.${format}`;
    const path = join(dir, name);
    await writeFile(path, padTo(format, sources.get(format)!, Math.min(bytes, MAX_FILE_BYTES)));
    files.push({ path, name, size: bytes });
  }
  return files;
}

/** A minimal MPEG-1 system stream (pack header, one video packet holding a sequence header, end code): there is no .mpg fixture. */
export function tinyMpeg(): Uint8Array {
  const pack = [0x00, 0x00, 0x01, 0xba, 0x21, 0x00, 0x01, 0x00, 0x01, 0x80, 0x00, 0x01];
  const sequence = [0x00, 0x00, 0x01, 0xb3, 0x01, 0x00, 0x10, 0x14, 0xff, 0xff, 0xe0, 0xa0];
  const packet = [0x00, 0x00, 0x01, 0xe0, 0x00, sequence.length + 2, 0x0f, ...sequence, 0xff];
  return Uint8Array.from([...pack, ...packet, 0x00, 0x00, 0x01, 0xb9]);
}

/** One kind of input: a name and how to make its bytes (null: a folder). */
interface Case {
  readonly name: string;
  readonly bytes: () => Promise<Uint8Array> | Uint8Array;
  readonly folder?: boolean;
}

const copy = (name: string, fixtureName = name): Case => ({ name, bytes: () => fixture(fixtureName) });

/** Every accepted type, with the extension spellings e-RS allows. */
const ACCEPTED: readonly Case[] = [
  copy('referral.pdf'),
  copy('referral.docx'),
  copy('referral.doc'),
  copy('letter.rtf'),
  copy('letter.rtx', 'letter.rtf'),
  copy('notes-ascii.txt'),
  copy('notes-utf8.txt'),
  copy('notes-utf16le.txt'),
  copy('notes-cp1252.txt'),
  copy('results.xml'),
  copy('results-utf16.xml'),
  copy('scan.png'),
  copy('scan.gif'),
  copy('scan.tif'),
  copy('scan.tiff', 'scan.tif'),
  copy('photo.jpg'),
  copy('photo.jpeg', 'photo.jpg'),
  copy('image.dcm'),
  copy('tone.au'),
  copy('dictation.mp3'),
  { name: 'clip.mpg', bytes: tinyMpeg },
];

const padded = (format: PaddableFormat, size: number) => async () => padTo(format, await fixture(PAD_SOURCES[format]), size);

/** The traps from /work/shared/spec/input-cases.md, by case number. */
const TRAPS: readonly Case[] = [
  copy('referral-installer.doc', 'tool.msi'), // 1
  copy('referral-email.doc', 'Discharge summary.msg'), // 1
  copy('Discharge summary.msg'), // 2
  copy('notes-exe.txt'), // 3
  copy('rash.jpg', 'rash-heic.jpg'), // 4
  { name: 'letter.pdf', bytes: () => new Uint8Array(0) }, // 8
  copy('Dr O\u2019Brien \u2013 referral.docx', 'referral.docx'), // 10
  copy('Caf\u00e9 referral.pdf', 'referral.pdf'), // 10, NFC
  copy('Cafe\u0301 referral.pdf', 'referral.pdf'), // 10, NFD
  copy('\u00dcberweisung.pdf', 'referral.pdf'), // 10
  copy('\u{1F4C4} referral.pdf', 'referral.pdf'), // 10, emoji
  copy('letter\r\nX-Injected: 1.pdf', 'referral.pdf'), // 11
  copy('letter\u007f.pdf', 'referral.pdf'), // 11, DEL
  copy('  letter.pdf ', 'referral.pdf'), // 11, edge spaces
  copy('letter.pdf.', 'referral.pdf'), // 11, trailing dot
  copy(`${'long referral letter '.repeat(11)}.pdf`, 'referral.pdf'), // a long name (under NAME_MAX)
  copy('bloods.xlsx'), // 13
  copy('bloods.xls'),
  copy('scan.bmp'), // 13
  copy('letter.odt'), // 13
  copy('results.csv'), // 13
  copy('page.html'), // 13
  copy('referral.docm'),
  copy('docx-renamed.pdf'),
  copy('zip-renamed.docx'),
  copy('tool.msi'),
];

/** Large files (input case 9), included once each because each costs a full read. */
const LARGE: readonly Case[] = [
  { name: 'letter-5242880.pdf', bytes: padded('pdf', MAX_FILE_BYTES) },
  { name: 'letter-5242881.pdf', bytes: padded('pdf', MAX_FILE_BYTES + 1) },
  { name: 'letter-5000001.pdf', bytes: padded('pdf', 5_000_001) },
];

const FOLDER: Case = { name: 'Referrals.pdf', bytes: () => new Uint8Array(0), folder: true }; // 7

export interface MixedCorpusOptions {
  /** Include a folder named Referrals.pdf (the browser cannot drop one made in a page). */
  readonly folder: boolean;
  /** Include the three ~5 MB boundary files. */
  readonly large: boolean;
}

/**
 * `count` files: the large ones and the folder once, then every accepted type
 * and every trap in turn until there are `count`. Each sits in its own numbered
 * folder so the names stay exactly as the traps need them.
 */
export async function writeMixedCorpus(dir: string, count: number, options: MixedCorpusOptions): Promise<CorpusFile[]> {
  const once = [...(options.large ? LARGE : []), ...(options.folder ? [FOLDER] : [])];
  const cycle = [...ACCEPTED, ...TRAPS];
  const cache = new Map<Case, Uint8Array>();
  const files: CorpusFile[] = [];
  for (let i = 0; i < count; i++) {
    const which = i < once.length ? once[i]! : cycle[(i - once.length) % cycle.length]!;
    const folder = join(dir, String(i + 1).padStart(4, '0'));
    const path = join(folder, which.name);
    await mkdir(folder, { recursive: true });
    if (which.folder) {
      await mkdir(path);
      files.push({ path, name: which.name, size: 0 });
      continue;
    }
    let bytes = cache.get(which);
    if (bytes === undefined) cache.set(which, (bytes = await which.bytes()));
    await writeFile(path, bytes);
    files.push({ path, name: which.name, size: bytes.byteLength });
  }
  return files;
}

/** How many distinct kinds of input the mixed corpus cycles through (for the report). */
export const MIXED_KINDS = { accepted: ACCEPTED.length, traps: TRAPS.length, large: LARGE.length, folder: 1 } as const;
