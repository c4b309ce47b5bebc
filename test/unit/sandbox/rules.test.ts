// The sandbox's own A020 rules and content checks, without the network.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentConflict, recognise } from '../../../sandbox/content-check.ts';
import { checkUpload, type UploadFacts } from '../../../sandbox/rules.ts';

const PDF = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');

function facts(over: Partial<Omit<UploadFacts, 'body'>> & { bytes?: Uint8Array; present?: boolean; declaredLength?: number | null } = {}): UploadFacts {
  const bytes = over.bytes ?? PDF;
  return {
    fileName: 'fileName' in over ? over.fileName : 'letter.pdf',
    contentType: 'contentType' in over ? over.contentType : 'application/pdf',
    ubrn: over.ubrn,
    body: { present: over.present ?? true, bytes, declaredLength: 'declaredLength' in over ? over.declaredLength ?? null : bytes.length },
  };
}

const codeOf = (f: UploadFacts): string | undefined => checkUpload(f)?.code;

/** A minimal stored ZIP with the given (empty) entries, with a proper central directory. */
function zip(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const n = Buffer.from(name, 'latin1');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(n.length, 26);
    locals.push(local, n);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, n);
    offset += 30 + n.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(names.length, 8);
  eocd.writeUInt16LE(names.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** An OLE2 container header followed by directory-entry-like UTF-16LE stream names. */
function ole2(...streams: string[]): Buffer {
  return Buffer.concat([
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    Buffer.alloc(504),
    ...streams.map((s) => Buffer.concat([Buffer.from(s, 'utf16le'), Buffer.alloc(128 - 2 * s.length)])),
  ]);
}

const DOCX = zip(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
const XLSX = zip(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml']);
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('checkUpload: order and codes', () => {
  it('accepts a well-formed PDF upload', () => {
    assert.equal(checkUpload(facts()), null);
  });

  it('MISSING_VALUE for no name, an empty name, no Content-Type, or no body; the name is checked first', () => {
    assert.equal(codeOf(facts({ fileName: undefined, bytes: Buffer.alloc(0) })), 'MISSING_VALUE');
    assert.match(checkUpload(facts({ fileName: undefined }))!.diagnostics, /FILE_NAME/);
    assert.equal(codeOf(facts({ fileName: '' })), 'MISSING_VALUE');
    assert.equal(codeOf(facts({ contentType: undefined })), 'MISSING_VALUE');
    assert.equal(codeOf(facts({ contentType: ' ; charset=utf-8' })), 'MISSING_VALUE');
    assert.equal(codeOf(facts({ present: false, bytes: Buffer.alloc(0), declaredLength: null })), 'MISSING_VALUE');
  });

  it('FILE_SIZE_ERROR for a present but empty body, and for more than 5,242,880 bytes, before any name or type rule', () => {
    assert.equal(codeOf(facts({ bytes: Buffer.alloc(0) })), 'FILE_SIZE_ERROR');
    const over = facts({ fileName: `${'a'.repeat(300)}.html`, contentType: 'text/html', bytes: Buffer.alloc(5_242_881) });
    assert.deepEqual(checkUpload(over), { code: 'FILE_SIZE_ERROR', diagnostics: `${'a'.repeat(300)}.html is 5,242,881 bytes; the maximum is 5,242,880 bytes` });
    const undeclared = facts({ bytes: Buffer.alloc(5_242_881), declaredLength: null });
    assert.match(checkUpload(undeclared)!.diagnostics, /is more than 5,242,880 bytes/);
  });

  it('INVALID_VALUE for more than 255 characters, counted as characters', () => {
    assert.equal(checkUpload(facts({ fileName: `${'a'.repeat(251)}.pdf` })), null);
    assert.equal(codeOf(facts({ fileName: `${'a'.repeat(252)}.pdf` })), 'INVALID_VALUE');
    assert.equal(checkUpload(facts({ fileName: `${'😀'.repeat(251)}.pdf` })), null, '255 astral characters are 255 characters');
  });

  it('INVALID_VALUE for C0, DEL and C1 control characters, naming the code point', () => {
    assert.match(checkUpload(facts({ fileName: 'a\u0000b.pdf' }))!.diagnostics, /U\+0000/);
    assert.match(checkUpload(facts({ fileName: 'a\u007fb.pdf' }))!.diagnostics, /U\+007F/);
    assert.match(checkUpload(facts({ fileName: 'a\u0085b.pdf' }))!.diagnostics, /U\+0085/);
    assert.equal(checkUpload(facts({ fileName: 'Dr O\u2019Brien \u2013 referral.pdf' })), null, 'typographic punctuation is not a control character');
  });

  it('INVALID_VALUE for a UBRN that is not 12 digits', () => {
    assert.equal(checkUpload(facts({ ubrn: '000000097366' })), null);
    for (const ubrn of ['', '97366', '0000000973661', '00000009736X']) assert.equal(codeOf(facts({ ubrn })), 'INVALID_VALUE', ubrn);
  });

  it('INAPPROPRIATE_VALUE for types not on the current upload list (HTML, application/xml, octet-stream, Excel)', () => {
    for (const type of ['text/html', 'application/xml', 'application/octet-stream', 'application/vnd.ms-excel', 'image/bmp']) {
      assert.equal(codeOf(facts({ contentType: type })), 'INAPPROPRIATE_VALUE', type);
    }
  });

  it('reads the media type case-insensitively and ignores parameters', () => {
    assert.equal(checkUpload(facts({ contentType: 'Application/PDF; charset=binary' })), null);
  });

  it('CONFLICTING_VALUES when the extension does not fit the type, or there is none', () => {
    assert.equal(checkUpload(facts({ fileName: 'LETTER.PDF' })), null, 'extensions are case-insensitive');
    assert.equal(codeOf(facts({ fileName: 'letter.docx' })), 'CONFLICTING_VALUES');
    assert.match(checkUpload(facts({ fileName: 'letter' }))!.diagnostics, /has no file extension; application\/pdf needs \.pdf/);
    assert.equal(codeOf(facts({ fileName: 'letter.pdf.' })), 'CONFLICTING_VALUES', 'a trailing dot means no extension');
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    for (const name of ['a.jpg', 'a.jpe', 'a.JPEG']) assert.equal(checkUpload(facts({ fileName: name, contentType: 'image/jpeg', bytes: jpeg })), null, name);
  });
});

describe('content checks (CONFLICTING_VALUES when the bytes plainly contradict the type)', () => {
  it('a .docx or .xlsx sent as application/pdf is a conflict, naming what it is', () => {
    assert.equal(contentConflict('application/pdf', DOCX), 'The Content-Type is application/pdf but the file is a Word document (.docx)');
    assert.equal(contentConflict('application/pdf', XLSX), 'The Content-Type is application/pdf but the file is an Excel spreadsheet');
  });

  it('a PDF must carry %PDF- in its first 1024 bytes', () => {
    assert.equal(contentConflict('application/pdf', Buffer.concat([Buffer.alloc(100, 0x20), PDF])), null);
    assert.equal(contentConflict('application/pdf', Buffer.concat([Buffer.alloc(1100, 0x20), PDF])), "The Content-Type is application/pdf but the file's bytes are not a PDF");
  });

  it('a real .docx is accepted; an Excel workbook or a plain ZIP named .docx is not', () => {
    assert.equal(contentConflict(DOCX_TYPE, DOCX), null);
    assert.match(contentConflict(DOCX_TYPE, XLSX)!, /Excel spreadsheet/);
    assert.match(contentConflict(DOCX_TYPE, zip(['photo.jpg']))!, /a ZIP archive/);
  });

  it('application/msword needs a Word OLE2 file: an Outlook .msg, another OLE2 file or RTF is refused', () => {
    assert.equal(contentConflict('application/msword', ole2('Root Entry', 'WordDocument', '1Table')), null);
    assert.match(contentConflict('application/msword', ole2('Root Entry', '__substg1.0_0037001F'))!, /an Outlook message/);
    assert.match(contentConflict('application/msword', ole2('Root Entry', 'SummaryInformation'))!, /an OLE2 container that is not a Word document/);
    assert.match(contentConflict('application/msword', Buffer.from('{\\rtf1\\ansi hello}'))!, /an RTF document/);
  });

  it('a HEIC photo named .jpg and sent as image/jpeg is refused', () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
    assert.equal(contentConflict('image/jpeg', heic), 'The Content-Type is image/jpeg but the file is a HEIC photo');
  });

  it('text/plain: ASCII, UTF-8 and UTF-16LE (with BOM) are text; NULs or an executable are not', () => {
    assert.equal(contentConflict('text/plain', Buffer.from('Seen today.\r\n')), null);
    assert.equal(contentConflict('text/plain', Buffer.from('Café – seen today', 'utf8')), null);
    assert.equal(contentConflict('text/plain', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Seen today', 'utf16le')])), null);
    assert.equal(contentConflict('text/plain', Buffer.from('MZ report: all normal')), null, '"MZ" at the start of a text is still text');
    assert.equal(contentConflict('text/plain', Buffer.from('abc\0def')), 'The Content-Type is text/plain but the file is binary, not text');
    assert.match(contentConflict('text/plain', PDF)!, /but the file is a PDF/);
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(60)]);
    assert.match(contentConflict('text/plain', elf)!, /a Linux program/);
  });

  it('text/xml must be text that starts with a tag (after a BOM and whitespace)', () => {
    assert.equal(contentConflict('text/xml', Buffer.from('\ufeff  \n<?xml version="1.0"?><a/>', 'utf8')), null);
    assert.equal(contentConflict('text/xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a/>', 'utf16le')])), null);
    assert.equal(contentConflict('text/xml', Buffer.from('name,dob\nA,1990')), 'The Content-Type is text/xml but the file does not start with an XML tag');
  });

  it('RTF must start {\\rtf', () => {
    assert.equal(contentConflict('text/rtf', Buffer.from('{\\rtf1\\ansi hello}')), null);
    assert.match(contentConflict('text/rtf', Buffer.from('hello'))!, /not an RTF document/);
  });

  it('images and DICOM need their signatures', () => {
    assert.equal(contentConflict('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), null);
    assert.equal(contentConflict('image/gif', Buffer.from('GIF89a\x01\x00', 'latin1')), null);
    assert.equal(contentConflict('image/tiff', Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0])), null);
    const dicom = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(16)]);
    assert.equal(contentConflict('application/dicom', dicom), null);
    assert.match(contentConflict('image/png', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))!, /image\/png but the file is a JPEG image/);
    assert.match(contentConflict('application/dicom', Buffer.alloc(200))!, /not a DICOM image/);
  });

  it('audio and video types without a reliable signature are refused only for a recognisably different file', () => {
    assert.equal(contentConflict('audio/mpeg', Buffer.from('ID3\x04\x00\x00', 'latin1')), null);
    assert.equal(contentConflict('audio/mpeg', Buffer.from([0xff, 0xfb, 0x90, 0x64])), null);
    assert.equal(contentConflict('audio/basic', Buffer.from('.snd\x00\x00\x00\x18', 'latin1')), null);
    assert.equal(contentConflict('video/mpeg', Buffer.from([0, 0, 1, 0xba, 0x44])), null);
    assert.match(contentConflict('audio/mpeg', PDF)!, /audio\/mpeg but the file is a PDF/);
    assert.match(contentConflict('video/mpeg', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom', 'latin1')]))!, /an MP4/);
  });

  it('recognise: BMP only when its header states the file size; archives and programs', () => {
    const bmp = Buffer.alloc(64);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(64, 2);
    assert.equal(recognise(bmp)?.id, 'bmp');
    assert.equal(recognise(Buffer.from('BMI results: normal')), null);
    assert.equal(recognise(Buffer.from([0x1f, 0x8b, 8, 0]))?.id, 'gzip');
    assert.equal(recognise(Buffer.from('Rar!\x1a\x07', 'latin1'))?.id, 'rar');
    assert.equal(recognise(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))?.id, 'webp');
  });
});
