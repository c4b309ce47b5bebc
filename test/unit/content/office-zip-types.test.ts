import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';
import { identifyContent } from '../../../shared/content/identify.ts';
import { extensionFromContentTypes, extensionFromMimetypePart, ZIP_PART_TYPES } from '../../../shared/content/office-zip-types.ts';
import { zipOfPart } from '../../../shared/content/zip-deciding-entry.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const inflateRaw = (data: Uint8Array, maxBytes: number) => inflateRawSync(data, { maxOutputLength: maxBytes });
const withInflate = (bytes: Uint8Array) => identifyContent(bytes, { complete: true, inflateRaw });
const withoutInflate = (bytes: Uint8Array) => identifyContent(bytes, { complete: true });

function archiveOf(name: string, text: string, deflate: boolean): Uint8Array {
  const raw = new TextEncoder().encode(text);
  const data = deflate ? new Uint8Array(deflateRawSync(raw)) : raw;
  return zipOfPart({ name, method: deflate ? 8 : 0, crc: 0, uncompressedSize: raw.length, data });
}

/** A whole one-entry ZIP (local header, data, central directory, end record), deflated. */
function fullZipOf(name: string, text: string, claimedSize?: number): Uint8Array {
  const raw = new TextEncoder().encode(text);
  const data = new Uint8Array(deflateRawSync(raw));
  const nameBytes = new TextEncoder().encode(name);
  const local = 30 + nameBytes.length + data.length;
  const central = 46 + nameBytes.length;
  const out = new Uint8Array(local + central + 22);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(8, 8, true);
  v.setUint32(18, data.length, true);
  v.setUint32(22, claimedSize ?? raw.length, true);
  v.setUint16(26, nameBytes.length, true);
  out.set(nameBytes, 30);
  out.set(data, 30 + nameBytes.length);
  v.setUint32(local, 0x02014b50, true);
  v.setUint16(local + 10, 8, true);
  v.setUint32(local + 20, data.length, true);
  v.setUint32(local + 24, claimedSize ?? raw.length, true);
  v.setUint16(local + 28, nameBytes.length, true);
  v.setUint32(local + 42, 0, true);
  out.set(nameBytes, local + 46);
  v.setUint32(local + central, 0x06054b50, true);
  v.setUint16(local + central + 8, 1, true);
  v.setUint16(local + central + 10, 1, true);
  v.setUint32(local + central + 12, central, true);
  v.setUint32(local + central + 16, local, true);
  return out;
}

function contentTypes(mime: string): string {
  return `<?xml version="1.0"?><Types><Default Extension="rels" ContentType="application/xml"/><Override PartName="/x" ContentType="${mime}.main+xml"/></Types>`;
}

test('our reading of a deciding part gives file-type\'s answer for every content type it knows, and for ones it does not', async () => {
  const mimes = [...ZIP_PART_TYPES.keys(), 'application/vnd.example.unknown', 'constructor', ''];
  for (const mime of mimes) {
    for (const upper of [false, true]) {
      const m = upper ? mime.toUpperCase() : mime;
      const ct = archiveOf('[Content_Types].xml', contentTypes(m), true);
      const theirs = (await fileTypeFromBuffer(ct))?.ext;
      const ours = extensionFromContentTypes(contentTypes(m)) ?? 'zip';
      assert.equal(ours, theirs, `[Content_Types].xml naming ${m}`);
      const mt = archiveOf('mimetype', ` ${m}\n`, false);
      assert.equal(extensionFromMimetypePart(` ${m}\n`) ?? 'zip', (await fileTypeFromBuffer(mt))?.ext, `mimetype ${m}`);
    }
  }
  const model = '<Types><Default ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>';
  assert.equal(extensionFromContentTypes(model), (await fileTypeFromBuffer(archiveOf('[Content_Types].xml', model, true)))?.ext);
  const noQuote = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"';
  assert.equal(extensionFromContentTypes(noQuote) ?? 'zip', (await fileTypeFromBuffer(archiveOf('[Content_Types].xml', noQuote, true)))?.ext);
});

test('every fixture is identified the same with and without our inflating', async () => {
  for (const name of ['referral.docx', 'referral.docm', 'bloods.xlsx', 'letter.odt', 'docx-renamed.pdf', 'zip-renamed.docx', 'referral.pdf', 'scan.png']) {
    assert.deepEqual(await withInflate(fixture(name)), await withoutInflate(fixture(name)), name);
  }
  assert.equal((await withInflate(fixture('referral.docx'))).format, 'docx');
  assert.equal((await withInflate(fixture('letter.odt'))).format, 'odt');
});

test('a deciding part that will not inflate, or inflates too big, is left to file-type\'s walk', async () => {
  const corrupt = archiveOf('[Content_Types].xml', contentTypes('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), true);
  // Break the deflate stream (a reserved block type), keeping the archive's shape.
  corrupt[30 + '[Content_Types].xml'.length] = 0xff;
  assert.deepEqual(await withInflate(corrupt), await withoutInflate(corrupt));

  // Over file-type's 1 MiB for a part, said honestly, and said falsely (the central directory claims 100 bytes).
  const big = contentTypes('application/vnd.openxmlformats-officedocument.wordprocessingml.document') + ' '.repeat(2_000_000);
  let calls = 0;
  const counting = (data: Uint8Array, max: number) => (calls++, inflateRaw(data, max));
  for (const claimed of [undefined, 100]) {
    const zip = fullZipOf('[Content_Types].xml', big, claimed);
    const look = await identifyContent(zip, { complete: true, inflateRaw: counting });
    assert.deepEqual(look, await withoutInflate(zip), `claimed ${claimed}`);
  }
  assert.equal(calls, 1, 'inflated only when the size claimed was small, and refused past 1 MiB');
});
