import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, textFormat } from '../../../shared/content/text.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
function utf16le(s: string, bom = true): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  if (bom) out.set([0xff, 0xfe]);
  for (let i = 0; i < s.length; i++) new DataView(out.buffer).setUint16((bom ? 2 : 0) + i * 2, s.charCodeAt(i), true);
  return out;
}

// 5 MB of text: chunks of 64 KB cut through characters; none of that may change the answer.
const big = (unit: string) => unit.repeat(Math.ceil(5_000_000 / unit.length));

test('multi-megabyte text is judged as one decode of it all would, keeping only its head', () => {
  const cases: [string, Uint8Array, string | null][] = [
    ['ASCII', utf8(big('Referral letter. ')), 'utf-8'],
    ['UTF-8 with characters cut by every chunk edge', utf8(big('Ça va £ € 😀 ')), 'utf-8'],
    ['UTF-8 with a BOM', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('é'.repeat(200_000))]), 'utf-8'],
    ['UTF-16 LE', utf16le(big('Notes £ € ')), 'utf-16le'],
  ];
  for (const [what, bytes, encoding] of cases) {
    const decoded = decodeText(bytes, true);
    assert.equal(decoded?.encoding, encoding, what);
    assert.ok(decoded!.text.length >= 2048 && decoded!.text.length < 200_000, `${what}: kept ${decoded!.text.length} characters`);
    const all = new TextDecoder(encoding!).decode(bytes.subarray(encoding === 'utf-16le' ? 2 : 0));
    assert.equal(decoded!.text, all.slice(0, decoded!.text.length), what);
  }
});

test('a fault deep in a long file is still found', () => {
  const good = utf8(big('Ça va '));
  // An invalid UTF-8 byte past the first megabyte: not UTF-8, so a Windows code page.
  const bad = good.slice();
  bad[3_000_001] = 0xff;
  assert.equal(decodeText(bad, true)?.encoding, 'single-byte');
  // With a UTF-8 BOM it cannot be a code page: not text.
  assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...bad.subarray(0, 1_000_000), 0xc3]), true), null);
  // A character cut off at the very end of a whole file; allowed in a prefix.
  const endsInE = utf8(big('Ça va ') + 'é');
  const cut = endsInE.subarray(0, endsInE.length - 1);
  assert.equal(new TextDecoder('utf-8').decode(cut.subarray(cut.length - 1)), '\ufffd');
  assert.equal(decodeText(cut, true)?.encoding, 'single-byte');
  assert.equal(decodeText(cut, false)?.encoding, 'utf-8');
  // A control character in UTF-16 past the first chunk.
  const u16 = utf16le(big('Notes '));
  u16[2_000_000] = 0x01;
  u16[2_000_001] = 0x00;
  assert.equal(decodeText(u16, true), null);
  // A lone surrogate in UTF-16 at the end of a whole file.
  const lone = utf16le('Notes '.repeat(20_000) + '\ud83d');
  assert.equal(decodeText(lone, true), null);
  assert.equal(decodeText(utf16le('Notes '.repeat(20_000) + '\ud83d\ude00'), true)?.encoding, 'utf-16le');
});

test('the format of a long text is decided by its head', () => {
  assert.equal(textFormat(decodeText(utf8('<?xml version="1.0"?>\n<results>' + big('<r>1 £</r>')), true)!.text), 'xml');
  assert.equal(textFormat(decodeText(utf8('{\\rtf1 ' + big('x ')), true)!.text), 'rtf');
  assert.equal(textFormat(decodeText(utf8(' '.repeat(3000) + '<html>'), true)!.text), 'txt');
});
