import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readCfbDirectory } from '../../../shared/content/cfb.ts';
import { identifyContent } from '../../../shared/content/identify.ts';

const NONE = 0xffffffff;
const END = 0xfffffffe;

interface Entry { name: string; type: number; left?: number; right?: number; child?: number }

/** A minimal version-3 compound file: header, FAT in sector 0, directory in sector 1, sector 2 spare. */
function compoundFile(entries: Entry[], tweak?: (file: DataView) => void, sectors = 3): Uint8Array {
  const bytes = new Uint8Array(512 * (sectors + 1));
  const v = new DataView(bytes.buffer);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  v.setUint16(0x18, 0x3e, true);
  v.setUint16(0x1a, 3, true);
  v.setUint16(0x1c, 0xfffe, true);
  v.setUint16(0x1e, 9, true);
  v.setUint16(0x20, 6, true);
  v.setUint32(0x2c, 1, true); // one FAT sector
  v.setUint32(0x30, 1, true); // directory starts at sector 1
  v.setUint32(0x38, 4096, true);
  v.setUint32(0x3c, END, true);
  v.setUint32(0x44, END, true);
  for (let i = 0; i < 109; i++) v.setUint32(0x4c + i * 4, i === 0 ? 0 : NONE, true);
  const fat = 512;
  for (let i = 0; i < 128; i++) v.setUint32(fat + i * 4, NONE, true);
  v.setUint32(fat, 0xfffffffd, true); // sector 0 is the FAT
  v.setUint32(fat + 4, END, true); // the directory is one sector
  entries.forEach((e, i) => {
    const at = 1024 + i * 128;
    for (let c = 0; c < e.name.length; c++) v.setUint16(at + c * 2, e.name.charCodeAt(c), true);
    v.setUint16(at + 0x40, (e.name.length + 1) * 2, true);
    bytes[at + 0x42] = e.type;
    v.setUint32(at + 0x44, e.left ?? NONE, true);
    v.setUint32(at + 0x48, e.right ?? NONE, true);
    v.setUint32(at + 0x4c, e.child ?? NONE, true);
  });
  tweak?.(v);
  return bytes;
}

const names = (bytes: Uint8Array, complete = true) => {
  const dir = readCfbDirectory(bytes, complete);
  return dir.kind === 'ok' ? dir.topLevel.map((e) => e.name).sort() : dir.kind;
};

test('reads the root storage\'s children through the sibling tree, not nested entries', () => {
  const file = compoundFile([
    { name: 'Root Entry', type: 5, child: 2 },
    { name: 'WordDocument', type: 2 },
    { name: '__substg1.0_0037001F', type: 2, left: 1, right: 3 },
    { name: '__attach_version1.0_#00000000', type: 1, child: 1 },
  ]);
  assert.deepEqual(names(file), ['WordDocument', '__attach_version1.0_#00000000', '__substg1.0_0037001F']);
  const nested = compoundFile([
    { name: 'Root Entry', type: 5, child: 2 },
    { name: 'WordDocument', type: 2 },
    { name: '__substg1.0_0037001F', type: 2, right: 3 },
    { name: '__attach_version1.0_#00000000', type: 1, child: 1 },
  ]);
  assert.deepEqual(names(nested), ['__attach_version1.0_#00000000', '__substg1.0_0037001F']);
});

test('an email with a Word document attached is an email, not a Word document', async () => {
  const nested = compoundFile([
    { name: 'Root Entry', type: 5, child: 2 },
    { name: 'WordDocument', type: 2 },
    { name: '__substg1.0_0037001F', type: 2, right: 3 },
    { name: '__attach_version1.0_#00000000', type: 1, child: 1 },
  ]);
  assert.equal((await identifyContent(nested, { complete: true })).format, 'msg');
});

test('a password-protected Word/Excel file (EncryptionInfo + EncryptedPackage) is named as such', async () => {
  const file = compoundFile([
    { name: 'Root Entry', type: 5, child: 1 },
    { name: 'EncryptionInfo', type: 2, right: 2 },
    { name: 'EncryptedPackage', type: 2 },
  ]);
  assert.deepEqual(await identifyContent(file, { complete: true }), {
    format: 'encrypted-office',
    label: 'a password-protected Office document',
    complete: true,
  });
});

test('sibling links that loop are walked once', () => {
  const file = compoundFile([
    { name: 'Root Entry', type: 5, child: 1 },
    { name: 'A', type: 2, right: 2 },
    { name: 'B', type: 2, left: 1, right: 1 },
  ]);
  assert.deepEqual(names(file), ['A', 'B']);
});

test('a directory chain that loops is malformed, not an endless loop', () => {
  const file = compoundFile([{ name: 'Root Entry', type: 5 }], (v) => v.setUint32(512 + 4, 1, true));
  assert.deepEqual(readCfbDirectory(file, true), { kind: 'malformed', reason: 'directory chain loops' });
});

test('sector numbers past the buffer: malformed when complete, "need more bytes" for a prefix', () => {
  const file = compoundFile([{ name: 'Root Entry', type: 5 }], (v) => v.setUint32(0x30, 40, true));
  assert.equal(readCfbDirectory(file, true).kind, 'malformed');
  assert.equal(readCfbDirectory(file, false).kind, 'need-more-bytes');
  const huge = compoundFile([{ name: 'Root Entry', type: 5 }], (v) => v.setUint32(0x30, 0xfffffff0, true));
  assert.equal(readCfbDirectory(huge, true).kind, 'malformed');
});

test('a bad sector size, a missing root and a header cut short are refused', () => {
  assert.deepEqual(readCfbDirectory(compoundFile([{ name: 'Root Entry', type: 5 }], (v) => v.setUint16(0x1e, 20, true)), true), {
    kind: 'malformed',
    reason: 'sector shift 20',
  });
  assert.deepEqual(readCfbDirectory(compoundFile([{ name: 'X', type: 2 }]), true), { kind: 'malformed', reason: 'no root entry' });
  const header = compoundFile([{ name: 'Root Entry', type: 5 }]).subarray(0, 100);
  assert.equal(readCfbDirectory(header, false).kind, 'need-more-bytes');
  assert.equal(readCfbDirectory(header, true).kind, 'malformed');
});

test('a DIFAT chain that claims billions of sectors and loops is malformed', () => {
  const file = compoundFile([{ name: 'Root Entry', type: 5 }], (v) => {
    v.setUint32(0x44, 2, true); // DIFAT in sector 2...
    v.setUint32(0x48, 0xffffffff, true); // ...claiming 4 billion DIFAT sectors
    for (let i = 0; i < 127; i++) v.setUint32(1536 + i * 4, NONE, true);
    v.setUint32(1536 + 508, 2, true); // whose "next" is itself
    v.setUint32(512 + 4, 14_000, true); // the directory goes on to sector 14,000, whose FAT entry is past the header's 109 FAT sectors
  }, 14_001);
  assert.deepEqual(readCfbDirectory(file, true), { kind: 'malformed', reason: 'DIFAT chain loops' });
});

test('the real fixtures list the entries their tools wrote', () => {
  const read = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
  const doc = names(read('referral.doc'));
  assert.ok(Array.isArray(doc) && doc.includes('WordDocument') && doc.includes('1Table'), String(doc));
  const msg = names(read('Discharge summary.msg'));
  assert.ok(Array.isArray(msg) && msg.includes('__properties_version1.0') && msg.includes('__recip_version1.0_#00000000'), String(msg));
  assert.ok(!(msg as string[]).includes('__substg1.0_3001001F'), 'recipient properties are nested, not top level');
});
