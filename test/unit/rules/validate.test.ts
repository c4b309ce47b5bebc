import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelForFormat } from '../../../shared/rules/attachment-types.ts';
import type { ContentLook, RuleBreak } from '../../../shared/rules/types.ts';
import { validateAttachment } from '../../../shared/rules/validate.ts';

const look = (format: string, complete = true): ContentLook => ({ format, label: labelForFormat(format), complete });
const problems = (name: string, size: number, l: ContentLook | null) =>
  validateAttachment({ name, size, look: l }).problems.map((p: RuleBreak) => [p.rule, p.code, p.message]);

test('a good PDF passes with the e-RS MIME spelling', () => {
  assert.deepEqual(validateAttachment({ name: 'referral.pdf', size: 1234, look: look('pdf') }), {
    ok: true,
    problems: [],
    storedName: 'referral.pdf',
    nameChange: null,
    mimeType: 'application/pdf',
    typeId: 'pdf',
  });
  assert.equal(validateAttachment({ name: 'letter.RTF', size: 9, look: look('rtf') }).mimeType, 'text/rtf');
  assert.equal(validateAttachment({ name: 'results.xml', size: 9, look: look('xml') }).mimeType, 'text/xml');
});

// Input case 1
test('a real Word 97-2003 .doc is accepted as application/msword; other OLE2 files named .doc are refused', () => {
  const ok = validateAttachment({ name: 'referral.doc', size: 9216, look: look('doc') });
  assert.equal(ok.ok, true);
  assert.equal(ok.mimeType, 'application/msword');
  assert.deepEqual(problems('referral.doc', 9216, look('msi')), [
    ['content-matches', 'CONFLICTING_VALUES', 'referral.doc is a Windows installer, not a Word 97-2003 document: check you chose the right file'],
  ]);
  assert.deepEqual(problems('referral.doc', 9216, look('msg')), [
    [
      'content-matches',
      'CONFLICTING_VALUES',
      'referral.doc is an Outlook email, not a Word 97-2003 document: save the attachment itself, or print the email to PDF, and add that',
    ],
  ]);
  assert.deepEqual(problems('referral.doc', 9216, look('rtf')), [
    ['content-matches', 'CONFLICTING_VALUES', 'referral.doc is an RTF document, not a Word 97-2003 document: rename it to referral.rtf and add it again'],
  ]);
});

test('an OLE2 container seen only in part is not judged until all of it is read', () => {
  assert.deepEqual(problems('referral.doc', 9216, look('cfb', false)), []);
  assert.deepEqual(problems('referral.doc', 9216, look('cfb', true)), [
    [
      'content-matches',
      'CONFLICTING_VALUES',
      'referral.doc is a Microsoft Office file of an unknown kind, not a Word 97-2003 document: save it as a PDF and add it again',
    ],
  ]);
});

// Input case 2
test('an Outlook .msg is refused with what to do instead', () => {
  assert.deepEqual(problems('Discharge summary.msg', 20480, look('msg')), [
    [
      'type-accepted',
      'INAPPROPRIATE_VALUE',
      'Discharge summary.msg is an Outlook email. e-RS does not accept these: save the attachment itself, or print the email to PDF, and add that',
    ],
  ]);
});

// Input case 3
test('text formats pass by content; an executable named .txt is caught', () => {
  assert.deepEqual(problems('notes.txt', 10, look('txt')), []);
  assert.deepEqual(problems('notes.txt', 10, look('xml')), []);
  assert.deepEqual(problems('letter.rtf', 10, look('rtf')), []);
  assert.deepEqual(problems('notes.txt', 10, look('exe')), [
    ['content-matches', 'CONFLICTING_VALUES', 'notes.txt is a Windows program, not a text file: check you chose the right file'],
  ]);
  assert.deepEqual(problems('results.xml', 10, look('txt')), [
    ['content-matches', 'CONFLICTING_VALUES', 'results.xml is a text file, not an XML file: rename it to results.txt and add it again'],
  ]);
  assert.deepEqual(problems('notes.txt', 10, look('html')), [
    ['content-matches', 'CONFLICTING_VALUES', 'notes.txt is a web page, not a text file: print it to PDF and add that'],
  ]);
});

// Input case 4
test('a HEIC photo named .jpg is refused', () => {
  assert.deepEqual(problems('rash.jpg', 40000, look('heic')), [
    ['content-matches', 'CONFLICTING_VALUES', 'rash.jpg is a HEIC photo, not a JPEG: export it as JPEG and add it again'],
  ]);
});

test('a Word document named .pdf, and content nothing recognises', () => {
  assert.deepEqual(problems('letter.pdf', 9000, look('docx')), [
    ['content-matches', 'CONFLICTING_VALUES', 'letter.pdf is a Word document, not a PDF: rename it to letter.docx and add it again'],
  ]);
  assert.deepEqual(problems('scan.pdf', 9000, look('unknown')), [
    ['content-matches', 'CONFLICTING_VALUES', 'scan.pdf does not look like a PDF: open it to check it is the right file, save it again and add it again'],
  ]);
  assert.deepEqual(problems('report.docx', 9000, look('zip')), [
    ['content-matches', 'CONFLICTING_VALUES', 'report.docx is a ZIP file, not a Word document: unzip it and add the files inside it'],
  ]);
});

// Input case 5: the type comes from the name and the bytes only (FileFacts has no browser type to trust).
test('the verdict depends on name and content, whatever a browser claimed', () => {
  assert.equal(validateAttachment({ name: 'referral.docx', size: 5000, look: look('docx') }).ok, true);
  assert.equal(validateAttachment({ name: 'results.csv', size: 50, look: look('txt') }).problems[0]?.code, 'INAPPROPRIATE_VALUE');
});

// Input case 8
test('a 0-byte file is FILE_SIZE_ERROR "is empty", and its content is not judged', () => {
  assert.deepEqual(problems('letter.pdf', 0, look('empty')), [['size-not-empty', 'FILE_SIZE_ERROR', 'letter.pdf is empty']]);
});

// Input case 9
test('5,242,880 bytes accepted, 5,242,881 refused with exact figures; 5,000,001 accepted', () => {
  assert.deepEqual(problems('scan.pdf', 5_242_880, look('pdf')), []);
  assert.deepEqual(problems('scan.pdf', 5_000_001, look('pdf')), []);
  assert.deepEqual(problems('scan.pdf', 5_242_881, look('pdf')), [
    ['size-limit', 'FILE_SIZE_ERROR', 'scan.pdf is 5,242,881 bytes. The largest file e-RS accepts is 5,242,880 bytes (5MB)'],
  ]);
});

// Input case 10
test('names are normalised and the change reported on the verdict', () => {
  const v = validateAttachment({ name: 'Dr O\u2019Brien \u2013 referral.docx', size: 100, look: look('docx') });
  assert.equal(v.ok, true);
  assert.equal(v.storedName, "Dr O'Brien - referral.docx");
  assert.equal(v.nameChange?.to, "Dr O'Brien - referral.docx");
  const emoji = validateAttachment({ name: 'scan \u{1F4F7}.pdf', size: 100, look: look('pdf') });
  assert.equal(emoji.ok, false);
  assert.equal(emoji.storedName, null);
  assert.equal(emoji.problems[0]?.code, 'INVALID_VALUE');
});

// Input case 11
test('a trailing dot means no extension: MISSING_VALUE, suggesting the name the content fits', () => {
  assert.deepEqual(problems('letter.pdf.', 100, look('pdf')), [
    ['extension-present', 'MISSING_VALUE', 'letter.pdf. has no file type at the end of its name. It looks like a PDF: rename it to letter.pdf and add it again'],
  ]);
  assert.deepEqual(problems('letter', 100, look('docx')), [
    ['extension-present', 'MISSING_VALUE', 'letter has no file type at the end of its name. It looks like a Word document: rename it to letter.docx and add it again'],
  ]);
  assert.deepEqual(problems('letter', 100, look('unknown')), [
    ['extension-present', 'MISSING_VALUE', 'letter has no file type at the end of its name, such as .pdf or .docx: rename it and add it again'],
  ]);
});

// Input case 13
test('valid files of types e-RS does not take are refused naming the type', () => {
  const cases: [string, string, string][] = [
    ['bloods.xlsx', 'xlsx', 'bloods.xlsx is an Excel spreadsheet. e-RS does not accept these: save it as a PDF and add it again'],
    ['scan.bmp', 'bmp', 'scan.bmp is a BMP image. e-RS does not accept these: save it as PNG or JPEG and add it again'],
    ['letter.odt', 'odt', 'letter.odt is an OpenDocument text document. e-RS does not accept these: save it as a PDF and add it again'],
    ['results.csv', 'txt', 'results.csv is a CSV spreadsheet. e-RS does not accept these: save it as a PDF and add it again'],
    ['page.html', 'html', 'page.html is a web page. e-RS does not accept these: print it to PDF and add that'],
  ];
  for (const [name, format, message] of cases) {
    assert.deepEqual(problems(name, 100, look(format)), [['type-accepted', 'INAPPROPRIATE_VALUE', message]], name);
  }
});

test('an accepted kind of content under an unlisted extension is told to rename', () => {
  assert.deepEqual(problems('scan.jfif', 100, look('jpg')), [
    ['type-accepted', 'INAPPROPRIATE_VALUE', 'scan.jfif is a JPEG, but e-RS only accepts these named .jpg, .jpe or .jpeg: rename it to scan.jpg and add it again'],
  ]);
});

test('an extension no table knows is named, with the MIME family when main supplies one', () => {
  assert.deepEqual(problems('notes.zzq', 100, look('unknown')), [
    ['type-accepted', 'INAPPROPRIATE_VALUE', 'notes.zzq is a .zzq file. e-RS does not accept these: save it as a PDF and add it again'],
  ]);
  const v = validateAttachment({ name: 'clip.mov', size: 100, look: look('unknown') }, { extensionMimeType: 'video/quicktime' });
  assert.equal(v.problems[0]?.message, 'clip.mov is a video. e-RS does not accept these: save it as MPEG (.mpg) and add it again');
});

test('every broken rule is reported, in RuleId order', () => {
  const name = `\u{1F600}${'a'.repeat(300)}.xlsx`;
  const v = validateAttachment({ name, size: 6_000_000, look: look('xlsx') });
  assert.deepEqual(
    v.problems.map((p) => [p.rule, p.code]),
    [
      ['name-characters', 'INVALID_VALUE'],
      ['name-length', 'INVALID_VALUE'],
      ['size-limit', 'FILE_SIZE_ERROR'],
      ['type-accepted', 'INAPPROPRIATE_VALUE'],
    ],
  );
  assert.deepEqual(
    validateAttachment({ name: '', size: 0, look: null }).problems.map((p) => p.rule),
    ['name-present', 'size-not-empty'],
  );
});

test('a file whose bytes could not be examined is judged on name and size only', () => {
  assert.deepEqual(problems('referral.pdf', 100, null), []);
});
