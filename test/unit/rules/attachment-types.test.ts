import { test } from 'node:test';
import assert from 'node:assert/strict';
import mime from 'mime-types';
import {
  ATTACHMENT_TYPES,
  REFUSED_TYPES,
  findRefusedByExtension,
  findTypeByExtension,
  labelForFormat,
} from '../../../shared/rules/attachment-types.ts';
import { MAX_FILE_BYTES, MAX_NAME_CHARS, formatByteCount } from '../../../shared/rules/limits.ts';

test('limits are the e-RS figures', () => {
  assert.equal(MAX_FILE_BYTES, 5 * 1024 * 1024);
  assert.equal(MAX_NAME_CHARS, 255);
  assert.equal(formatByteCount(5_242_881), '5,242,881');
  assert.equal(formatByteCount(999), '999');
  assert.equal(formatByteCount(1000), '1,000');
});

test('the accepted list is exactly the current e-RS upload list', () => {
  const byExt = Object.fromEntries(ATTACHMENT_TYPES.flatMap((t) => t.extensions.map((e) => [e, t.mimeType])));
  assert.deepEqual(byExt, {
    txt: 'text/plain',
    pdf: 'application/pdf',
    xml: 'text/xml',
    rtf: 'text/rtf',
    rtx: 'text/rtf',
    au: 'audio/basic',
    mp3: 'audio/mpeg',
    png: 'image/png',
    gif: 'image/gif',
    jpg: 'image/jpeg',
    jpe: 'image/jpeg',
    jpeg: 'image/jpeg',
    tif: 'image/tiff',
    tiff: 'image/tiff',
    mpg: 'video/mpeg',
    mpeg: 'video/mpeg',
    mpe: 'video/mpeg',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    dcm: 'application/dicom',
  });
});

test('HTML is refused since 2022, and legacy type ids are kept', () => {
  assert.equal(findTypeByExtension('html'), undefined);
  assert.equal(findTypeByExtension('htm'), undefined);
  assert.equal(findRefusedByExtension('HTM')?.label, 'a web page');
  assert.equal(findTypeByExtension('.PDF')?.legacyTypeId, 770);
  assert.equal(findTypeByExtension('docx')?.legacyTypeId, 781);
  assert.equal(findTypeByExtension('dcm')?.legacyTypeId, null);
});

test('no extension is both accepted and refused, and no refused extension is listed twice', () => {
  const seen = new Set<string>();
  for (const t of REFUSED_TYPES) {
    for (const e of t.extensions) {
      assert.equal(findTypeByExtension(e), undefined, e);
      assert.ok(!seen.has(e), `${e} twice`);
      seen.add(e);
    }
  }
});

test('refused types carry the labels and advice people see', () => {
  assert.deepEqual(
    Object.fromEntries(['xlsx', 'xls', 'csv', 'msg', 'heic', 'bmp', 'odt', 'html', 'zip', 'exe', 'docm'].map((e) => [e, [findRefusedByExtension(e)?.label, findRefusedByExtension(e)?.advice]])),
    {
      xlsx: ['an Excel spreadsheet', 'save it as a PDF and add it again'],
      xls: ['an Excel spreadsheet', 'save it as a PDF and add it again'],
      csv: ['a CSV spreadsheet', 'save it as a PDF and add it again'],
      msg: ['an Outlook email', 'save the attachment itself, or print the email to PDF, and add that'],
      heic: ['a HEIC photo', 'export it as JPEG and add it again'],
      bmp: ['a BMP image', 'save it as PNG or JPEG and add it again'],
      odt: ['an OpenDocument text document', 'save it as a PDF and add it again'],
      html: ['a web page', 'print it to PDF and add that'],
      zip: ['a ZIP file', 'unzip it and add the files inside it'],
      exe: ['a Windows program', 'check you chose the right file'],
      docm: ['a Word document with macros', 'save it as a PDF, or as a Word document (.docx), and add it again'],
    },
  );
  assert.equal(labelForFormat('flac'), 'a file of type FLAC');
  assert.equal(labelForFormat('docx'), 'a Word document');
});

// mime-types (mime-db) is the general table; e-RS has its own spellings for three extensions.
const ERS_DIFFERS_FROM_MIME_DB: Readonly<Record<string, string>> = {
  xml: 'application/xml', // e-RS lists XML only as text/xml (legacy id 771; application/xml, id 1406, is not on APIM)
  rtf: 'application/rtf', // e-RS lists text/rtf
  rtx: 'text/richtext', // e-RS maps .rtx to text/rtf too
};

test('our MIME spellings agree with mime-types except where e-RS documents its own', () => {
  for (const t of ATTACHMENT_TYPES) {
    for (const e of t.extensions) {
      const general = mime.lookup(e);
      const expected = ERS_DIFFERS_FROM_MIME_DB[e] ?? t.mimeType;
      assert.equal(general, expected, `.${e}: mime-types says ${general}, we send ${t.mimeType}`);
    }
  }
});
