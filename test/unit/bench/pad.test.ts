// The benchmark's padded files must stay what they were: the same size we
// asked for, and the same type to our detector, to the sandbox's independent
// one and to libmagic.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { fixture, PAD_SOURCES } from '../../../bench/corpus/build.ts';
import { padTo, PADDABLE_FORMATS, proseBytes } from '../../../bench/corpus/pad.ts';
import { recognise } from '../../../sandbox/content-check.ts';
import { identifyContent } from '../../../shared/content/identify.ts';

const SIZE = 300_007; // odd, and past one JPEG segment and many GIF sub-blocks

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ers-bench-pad-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const libmagic = (path: string): string => execFileSync('file', ['--brief', '--mime-type', path], { encoding: 'utf8' }).trim();

describe('padTo', () => {
  for (const format of PADDABLE_FORMATS) {
    it(`keeps a ${format} a ${format} at exactly the size asked`, async () => {
      const source = await fixture(PAD_SOURCES[format]);
      const padded = padTo(format, source, SIZE);
      assert.equal(padded.byteLength, SIZE);
      const before = await identifyContent(source, { complete: true });
      const afterLook = await identifyContent(padded, { complete: true });
      assert.equal(afterLook.format, before.format);
      assert.equal(recognise(padded)?.id, recognise(source)?.id);
      const original = join(dir, `original.${format}`);
      const grown = join(dir, `padded.${format}`);
      await writeFile(original, source);
      await writeFile(grown, padded);
      assert.equal(libmagic(grown), libmagic(original));
    });
  }

  it("grows an AU file's data size with its samples", async () => {
    const au = await fixture(PAD_SOURCES.au);
    const padded = padTo('au', au, au.byteLength + 1000);
    const view = new DataView(padded.buffer);
    const headerSize = view.getUint32(4);
    assert.equal(view.getUint32(8), padded.byteLength - headerSize);
  });

  it('adds a stored ZIP entry that the central directory points at, with its CRC and sizes', async () => {
    const padded = padTo('docx', await fixture(PAD_SOURCES.docx), 50_000);
    const view = new DataView(padded.buffer);
    const eocd = padded.byteLength - 22; // the fixture has no archive comment
    assert.equal(view.getUint32(eocd, true), 0x06054b50);
    const count = view.getUint16(eocd + 10, true);
    let at = view.getUint32(eocd + 16, true);
    const entries = new Map<string, { crc: number; size: number; local: number }>();
    for (let i = 0; i < count; i++) {
      assert.equal(view.getUint32(at, true), 0x02014b50);
      const nameLength = view.getUint16(at + 28, true);
      const name = Buffer.from(padded.subarray(at + 46, at + 46 + nameLength)).toString('latin1');
      entries.set(name, { crc: view.getUint32(at + 16, true), size: view.getUint32(at + 20, true), local: view.getUint32(at + 42, true) });
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    assert.ok(entries.has('word/document.xml'));
    const part = entries.get('docProps/ers-attach-padding.xml');
    assert.ok(part);
    assert.equal(view.getUint32(part.local, true), 0x04034b50);
    const dataStart = part.local + 30 + view.getUint16(part.local + 26, true) + view.getUint16(part.local + 28, true);
    const data = padded.subarray(dataStart, dataStart + part.size);
    assert.equal(crc32(data), part.crc);
    assert.match(Buffer.from(data).toString('latin1'), /^<\?xml version="1\.0" encoding="UTF-8"\?><padding>[a-z \n]+<\/padding>$/);
  });

  it('refuses to shrink a file', async () => {
    const pdf = await fixture(PAD_SOURCES.pdf);
    assert.throws(() => padTo('pdf', pdf, pdf.byteLength - 1), RangeError);
  });
});

describe('proseBytes', () => {
  it('is printable text with line breaks, of exactly the length asked', () => {
    const text = Buffer.from(proseBytes(1000, '\r\n')).toString('latin1');
    assert.equal(text.length, 1000);
    assert.match(text, /^[a-z \r\n]+$/);
    assert.ok(text.split('\r\n').every((line) => line.length <= 80));
  });
});
