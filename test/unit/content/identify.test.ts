import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { identifyContent } from '../../../shared/content/identify.ts';
import { ascii } from '../../support/make-files.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const whole = (bytes: Uint8Array) => identifyContent(bytes, { complete: true });
const prefix = (bytes: Uint8Array, n = 4096) => identifyContent(bytes.subarray(0, n), { complete: false });

test('every fixture is identified as what the tool that made it wrote', async () => {
  const expected: Record<string, [string, string]> = {
    'referral.pdf': ['pdf', 'a PDF'],
    'referral.docx': ['docx', 'a Word document'],
    'referral.doc': ['doc', 'a Word 97-2003 document'],
    'referral.docm': ['docm', 'a Word document with macros'],
    'letter.rtf': ['rtf', 'an RTF document'],
    'letter.odt': ['odt', 'an OpenDocument text document'],
    'page.html': ['html', 'a web page'],
    'docx-renamed.pdf': ['docx', 'a Word document'],
    'bloods.xlsx': ['xlsx', 'an Excel spreadsheet'],
    'bloods.xls': ['xls', 'an Excel spreadsheet'],
    'results.csv': ['txt', 'a text file'],
    'notes-ascii.txt': ['txt', 'a text file'],
    'notes-utf8.txt': ['txt', 'a text file'],
    'notes-utf16le.txt': ['txt', 'a text file'],
    'notes-cp1252.txt': ['txt', 'a text file'],
    'results.xml': ['xml', 'an XML file'],
    'results-utf16.xml': ['xml', 'an XML file'],
    'scan.png': ['png', 'a PNG image'],
    'scan.gif': ['gif', 'a GIF image'],
    'scan.tif': ['tif', 'a TIFF image'],
    'photo.jpg': ['jpg', 'a JPEG'],
    'scan.bmp': ['bmp', 'a BMP image'],
    'rash-heic.jpg': ['heic', 'a HEIC photo'],
    'image.dcm': ['dcm', 'a DICOM image'],
    'tone.au': ['au', 'an AU sound file'],
    'dictation.mp3': ['mp3', 'an MP3 sound file'],
    'tool.msi': ['msi', 'a Windows installer'],
    'Discharge summary.msg': ['msg', 'an Outlook email'],
    'notes-exe.txt': ['exe', 'a Windows program'],
    'zip-renamed.docx': ['zip', 'a ZIP file'],
  };
  const actual: Record<string, [string, string]> = {};
  for (const name of Object.keys(expected)) {
    const look = await whole(fixture(name));
    assert.equal(look.complete, true, name);
    actual[name] = [look.format, look.label];
  }
  assert.deepEqual(actual, expected);
});

// Input case 1: the OLE2 directory is usually at the end, past a renderer's prefix.
test('an OLE2 file whose directory lies past the prefix is "cfb, not complete"', async () => {
  for (const name of ['referral.doc', 'bloods.xls', 'tool.msi']) {
    assert.deepEqual(await prefix(fixture(name)), { format: 'cfb', label: 'a Microsoft Office file of an unknown kind', complete: false }, name);
  }
  assert.equal((await prefix(fixture('referral.doc'), 1_000_000)).format, 'doc');
});

test('a truncated OLE2 file read in full is an unknown Office file, not a Word document', async () => {
  const doc = fixture('referral.doc');
  assert.deepEqual(await whole(doc.subarray(0, 4096)), { format: 'cfb', label: 'a Microsoft Office file of an unknown kind', complete: true });
});

test('a prefix is enough for magic-number formats, not for text or a bare ZIP', async () => {
  assert.deepEqual(await prefix(fixture('referral.pdf'), 64), { format: 'pdf', label: 'a PDF', complete: true });
  assert.deepEqual(await prefix(fixture('notes-utf8.txt'), 20), { format: 'txt', label: 'a text file', complete: false });
  assert.deepEqual(await prefix(fixture('zip-renamed.docx'), 100), { format: 'zip', label: 'a ZIP file', complete: false });
});

// Input case 3
test('text with a two-byte "signature" at the start is still text', async () => {
  assert.equal((await whole(ascii('BMI 32. Weight 90kg.\r\n'))).format, 'txt'); // file-type alone says bmp
  assert.equal((await whole(ascii('MZ reviewed the patient today.\n'))).format, 'txt'); // file-type alone says exe
  assert.equal((await whole(ascii('%!PS-Adobe-3.0\n%%EOF\n'))).format, 'txt');
});

test('an executable is caught whatever follows MZ', async () => {
  assert.equal((await whole(fixture('notes-exe.txt').subarray(0, 64))).format, 'exe');
  const dos = new Uint8Array(64);
  dos.set(ascii('MZ'));
  assert.equal((await whole(dos)).format, 'exe');
  const header = (bytes: number[]) => Uint8Array.from({ length: 64 }, (_, i) => bytes[i] ?? 0);
  assert.equal((await whole(header([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]))).format, 'macho'); // 64-bit Mach-O
  assert.equal((await whole(header([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]))).format, 'macho'); // universal binary
  assert.equal((await whole(header([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]))).format, 'jar'); // Java class, same magic
  assert.equal((await whole(ascii('\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0002\u0000>\u0000'))).format, 'elf');
});

test('RTF, XML and HTML are told apart by how they start, also in UTF-16 and after a BOM', async () => {
  assert.equal((await whole(ascii('{\\rtf1\\ansi hello}'))).format, 'rtf');
  assert.equal((await whole(ascii('<results><hb>131</hb></results>'))).format, 'xml');
  assert.equal((await whole(ascii('\ufeff<?xml version="1.0"?><a/>'))).format, 'xml');
  assert.equal((await whole(ascii('<!DOCTYPE html><html><body>x</body></html>'))).format, 'html');
  assert.equal((await whole(ascii('<?xml version="1.0"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>'))).format, 'html');
  assert.equal((await whole(ascii('  <!-- saved --> <HTML><HEAD></HEAD></HTML>'))).format, 'html');
  const utf16be = new Uint8Array([0xfe, 0xff, ...[...'<?xml version="1.0"?><a/>'].flatMap((c) => [0, c.charCodeAt(0)])]);
  assert.equal((await whole(utf16be)).format, 'xml');
  const noBom = new Uint8Array([...'<?xml version="1.0"?><a/>'].flatMap((c) => [c.charCodeAt(0), 0]));
  assert.equal((await whole(noBom)).format, 'xml');
  assert.equal((await whole(ascii('2 < 3 and <notes are fine'))).format, 'txt');
});

test('binary that nothing recognises is unknown, and an empty file is empty', async () => {
  assert.deepEqual(await whole(new Uint8Array([1, 2, 3, 0, 0, 9, 200])), { format: 'unknown', label: 'a file ers-attach does not recognise', complete: true });
  assert.equal((await whole(ascii('plain text then\u0000a NUL'))).format, 'unknown');
  assert.deepEqual(await whole(new Uint8Array(0)), { format: 'empty', label: 'an empty file', complete: true });
  const badUtf16 = new Uint8Array([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]); // unpaired surrogate
  assert.equal((await whole(badUtf16)).format, 'unknown');
});

test('a text prefix cut inside a UTF-8 character is still text', async () => {
  const bytes = fixture('notes-utf8.txt'); // "Caf" then é as C3 A9
  assert.equal((await prefix(bytes, 4)).format, 'txt');
  assert.equal((await whole(bytes.subarray(0, 4))).format, 'txt'); // a lone C3 with no more bytes: read as a Windows code page
});

test('a PDF with bytes before %PDF- is still a PDF', async () => {
  const pdf = fixture('referral.pdf');
  const shifted = new Uint8Array(pdf.length + 3);
  shifted.set(ascii('\r\n\r'));
  shifted.set(pdf, 3);
  assert.equal((await whole(shifted)).format, 'pdf');
});

test('hostile input never throws', async () => {
  const inputs = [
    new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff]),
    new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f]),
    new Uint8Array(300).fill(0xff),
  ];
  for (const bytes of inputs) {
    const look = await whole(bytes);
    assert.equal(typeof look.format, 'string');
  }
});
