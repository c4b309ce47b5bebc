import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileNameHeaderValue, prepareFileName, splitExtension } from '../../../shared/rules/file-name.ts';

// Input case 10: names as Word's autocorrect, macOS (NFD) and phones make them.
test('typographic apostrophe and dash become ASCII, and the person is told', () => {
  const r = prepareFileName('Dr O\u2019Brien \u2013 referral.docx');
  assert.equal(r.storedName, "Dr O'Brien - referral.docx");
  assert.deepEqual(r.change, {
    from: 'Dr O\u2019Brien \u2013 referral.docx',
    to: "Dr O'Brien - referral.docx",
    reason: 'Curly quotes, long dashes and ellipses replaced with plain ones',
  });
  assert.deepEqual(r.problems, []);
});

test('Café referral.pdf gives the same stored name in NFC and NFD', () => {
  const nfc = prepareFileName('Caf\u00e9 referral.pdf');
  const nfd = prepareFileName('Cafe\u0301 referral.pdf');
  assert.equal(nfc.storedName, 'Cafe referral.pdf');
  assert.equal(nfd.storedName, 'Cafe referral.pdf');
  assert.equal(nfc.change?.reason, 'Accents removed from letters');
  assert.equal(nfd.change?.from, 'Cafe\u0301 referral.pdf');
});

test('Überweisung.pdf, Straße and æ become plain letters', () => {
  assert.equal(prepareFileName('\u00dcberweisung.pdf').storedName, 'Uberweisung.pdf');
  assert.equal(prepareFileName('Stra\u00dfe \u00e6 \u00f8.pdf').storedName, 'Strasse ae o.pdf');
  assert.equal(prepareFileName('notes\u2026 \u201cdraft\u201d.txt').storedName, 'notes... "draft".txt');
});

test('an emoji or non-Latin script is refused naming the characters', () => {
  const r = prepareFileName('\u{1F600} scan \u03a9.pdf');
  assert.equal(r.storedName, null);
  assert.equal(r.change, null);
  assert.deepEqual(r.problems, [
    {
      rule: 'name-characters',
      code: 'INVALID_VALUE',
      message: 'The name \u{1F600} scan \u03a9.pdf contains characters that e-RS cannot store ("\u{1F600}" and "\u03a9"): rename the file without them and add it again',
    },
  ]);
});

test('invisible characters are named by code point', () => {
  const r = prepareFileName('scan\u200b.pdf');
  assert.equal(r.problems[0]?.message, 'The name scan\u200b.pdf contains characters that e-RS cannot store (U+200B): rename the file without them and add it again');
});

// Input case 11: control characters, edge whitespace, trailing dot.
test('CR, LF, NUL and DEL are refused by name, shown as control pictures', () => {
  const r = prepareFileName('a\r\nb\u0000c\u007f.pdf');
  assert.equal(r.storedName, null);
  assert.deepEqual(r.problems, [
    {
      rule: 'name-characters',
      code: 'INVALID_VALUE',
      message:
        'The name a\u240d\u240ab\u2400c\u2421.pdf contains control characters (carriage return, U+000D, line feed, U+000A, NUL, U+0000 and DEL, U+007F) that e-RS cannot store: rename the file and add it again',
    },
  ]);
});

test('a trailing line feed is refused, not silently trimmed', () => {
  const r = prepareFileName('letter.pdf\n');
  assert.equal(r.storedName, null);
  assert.equal(r.problems[0]?.rule, 'name-characters');
});

test('a C1 control (U+0085) is refused', () => {
  assert.equal(prepareFileName('a\u0085.pdf').problems[0]?.code, 'INVALID_VALUE');
});

test('leading and trailing spaces (including no-break spaces) are trimmed visibly', () => {
  const r = prepareFileName('  letter.pdf\u00a0');
  assert.equal(r.storedName, 'letter.pdf');
  assert.deepEqual(r.change, { from: '  letter.pdf\u00a0', to: 'letter.pdf', reason: 'Spaces removed from the start or end' });
  assert.equal(prepareFileName('a\u00a0b.pdf').storedName, 'a b.pdf');
});

test('an empty or blank name is MISSING_VALUE', () => {
  for (const name of ['', '   ']) {
    assert.deepEqual(prepareFileName(name).problems, [
      { rule: 'name-present', code: 'MISSING_VALUE', message: 'A file has no name: give it a name and add it again' },
    ]);
  }
});

test('255 characters are accepted and 256 refused, counted in code points after NFC', () => {
  const ok = `${'a'.repeat(251)}.pdf`;
  assert.equal(prepareFileName(ok).storedName, ok);
  // 251 x "é" in NFD is 502 UTF-16 units; NFC and stripping make it 251 characters.
  assert.equal(prepareFileName(`${'e\u0301'.repeat(251)}.pdf`).storedName, `${'e'.repeat(251)}.pdf`);
  const long = prepareFileName(`${'a'.repeat(252)}.pdf`);
  assert.equal(long.storedName, null);
  assert.deepEqual(long.problems, [
    {
      rule: 'name-length',
      code: 'INVALID_VALUE',
      message: `The name ${'a'.repeat(50)}…${'a'.repeat(16)}.pdf is 256 characters long. The longest name e-RS accepts is 255 characters: shorten it and add it again`,
    },
  ]);
});

test('length is counted on the stored name: ß becoming ss can push a name over', () => {
  assert.equal(prepareFileName(`${'a'.repeat(250)}\u00df.pdf`).problems[0]?.rule, 'name-length');
});

test('splitExtension follows path.extname: trailing and leading dots mean no extension', () => {
  assert.deepEqual(splitExtension('letter.PDF'), { stem: 'letter', extension: 'pdf' });
  assert.deepEqual(splitExtension('letter.pdf.'), { stem: 'letter.pdf', extension: null });
  assert.deepEqual(splitExtension('.pdf'), { stem: '.pdf', extension: null });
  assert.deepEqual(splitExtension('letter'), { stem: 'letter', extension: null });
  assert.deepEqual(splitExtension('a.tar.gz'), { stem: 'a.tar', extension: 'gz' });
});

test('fileNameHeaderValue passes stored names through and refuses anything else', () => {
  const stored = prepareFileName('Dr O\u2019Brien \u2013 referral.docx').storedName;
  assert.ok(stored !== null);
  assert.equal(fileNameHeaderValue(stored), "Dr O'Brien - referral.docx");
  for (const bad of ['Caf\u00e9.pdf', 'a\r\nX-Evil: 1.pdf', '\u{1F600}.pdf', ' letter.pdf', '']) {
    assert.throws(() => fileNameHeaderValue(bad), RangeError);
  }
});

test('every stored name is a header value Node accepts', async () => {
  const { validateHeaderValue } = await import('node:http');
  const names = ['Dr O\u2019Brien \u2013 referral.docx', 'Cafe\u0301.pdf', '\u00dcberweisung.pdf', 'a,b;c=d "q".pdf'];
  for (const name of names) {
    const stored = prepareFileName(name).storedName;
    assert.ok(stored !== null, name);
    assert.doesNotThrow(() => validateHeaderValue('X-ERS-XAPI-META-FILE_NAME', fileNameHeaderValue(stored)));
  }
});
