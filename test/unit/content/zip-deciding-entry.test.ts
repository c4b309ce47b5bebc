import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import { identifyContent } from '../../../shared/content/identify.ts';
import { zipDecidingEntry } from '../../../shared/content/zip-deciding-entry.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

function eocdOf(bytes: Uint8Array): number {
  for (let p = bytes.length - 22; p >= 0; p--) if (view(bytes).getUint32(p, true) === 0x06054b50) return p;
  throw new Error('no end of central directory');
}
const centralStart = (bytes: Uint8Array) => view(bytes).getUint32(eocdOf(bytes) + 16, true);

test('for every ZIP-based fixture the deciding entry alone gives file-type the answer of the full walk', async () => {
  const expected: Record<string, string> = { 'referral.docx': 'docx', 'referral.docm': 'docm', 'bloods.xlsx': 'xlsx', 'letter.odt': 'odt', 'docx-renamed.pdf': 'docx' };
  for (const [name, ext] of Object.entries(expected)) {
    const bytes = fixture(name);
    const deciding = zipDecidingEntry(bytes);
    assert.notEqual(deciding, null, name);
    assert.ok(deciding!.length < bytes.length, name);
    assert.equal((await fileTypeFromBuffer(deciding!))?.ext, ext, name);
    assert.equal((await fileTypeFromBuffer(bytes))?.ext, ext, name);
  }
});

test('a plain ZIP has no deciding entry and stays a ZIP', async () => {
  assert.equal(zipDecidingEntry(fixture('zip-renamed.docx')), null);
  assert.equal((await identifyContent(fixture('zip-renamed.docx'), { complete: true })).format, 'zip');
});

test('malformed ZIPs give null, never a read past the buffer, and identify as the full walk says', async () => {
  const docx = fixture('referral.docx');
  const cd = centralStart(docx);
  const eocd = eocdOf(docx);
  const edit = (change: (b: Uint8Array, v: DataView) => void) => {
    const b = docx.slice();
    change(b, view(b));
    return b;
  };
  const cases: Record<string, Uint8Array> = {
    'cut inside the central directory': docx.subarray(0, cd + 10),
    'central directory offset past the end': edit((_, v) => v.setUint32(eocd + 16, docx.length + 1000, true)),
    'entry count larger than the directory': (() => {
      const zip = fixture('zip-renamed.docx').slice();
      view(zip).setUint16(eocdOf(zip) + 10, 0xffff, true);
      return zip;
    })(),
    'name length past the end': edit((_, v) => v.setUint16(cd + 28, 0xffff, true)),
    'local offsets out of order': edit((_, v) => v.setUint32(cd + 42, 0xfffffff0, true)),
    'encrypted entries': edit((b, v) => {
      for (let at = cd; at < eocd; ) {
        v.setUint16(at + 8, v.getUint16(at + 8, true) | 1, true);
        at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
      }
      void b;
    }),
    'only an end record': new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]),
    'shorter than an end record': new Uint8Array([0x50, 0x4b, 0x03, 0x04]),
  };
  for (const [what, bytes] of Object.entries(cases)) {
    assert.equal(zipDecidingEntry(bytes), null, what);
    const fullWalk = await fileTypeFromBuffer(bytes).catch(() => undefined);
    const look = await identifyContent(bytes, { complete: true });
    if (fullWalk?.ext === 'docx' || fullWalk?.ext === 'zip') assert.equal(look.format, fullWalk.ext, what);
  }
});

test('a deciding entry whose data would run past the end is refused', () => {
  const docx = fixture('referral.docx');
  const cd = centralStart(docx);
  const b = docx.slice();
  const v = view(b);
  // Make every entry claim a huge compressed size.
  for (let at = cd; v.getUint32(at, true) === 0x02014b50; ) {
    v.setUint32(at + 20, 0x7fffffff, true);
    at += 46 + v.getUint16(at + 28, true) + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  assert.equal(zipDecidingEntry(b), null);
});

test('an archive where a JAR manifest comes first is left to the full walk', () => {
  const odt = fixture('letter.odt');
  const cd = centralStart(odt);
  const b = odt.slice();
  const name = new TextEncoder().encode('META-INF');
  // The first entry is "mimetype" (8 bytes): the same length as "META-INF", so the directory stays well formed.
  assert.equal(new TextDecoder().decode(b.subarray(cd + 46, cd + 54)), 'mimetype');
  b.set(name, cd + 46);
  assert.equal(zipDecidingEntry(b), null);
});
