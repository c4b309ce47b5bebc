import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FileAccessError, FileRegistry, OVERSIZED_PREFIX_BYTES, type FsPort } from '../../../electron/services/files/index.ts';
import { FileIdSchema } from '../../../shared/ipc/contract.ts';
import { padPdf, tempDir, writeIn } from '../../support/make-files.ts';

const fixturePath = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const fixture = async (name: string) => new Uint8Array(await readFile(fixturePath(name)));

async function check(registry: FileRegistry, path: string, name?: string) {
  const reg = await registry.registerPath(path, name);
  assert.ok(reg.ok, reg.ok ? '' : reg.message);
  return registry.readAndCheck(reg.file.id);
}

const problems = (c: { verdict: { problems: readonly { rule: string; code: string; message: string }[] } }) =>
  c.verdict.problems.map((p) => [p.code, p.message]);

/** node:fs with one operation failing the way Windows fails it. */
function failing(on: 'stat' | 'open' | 'read', code: string): FsPort {
  const err = () => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    stat: async (path) => (on === 'stat' ? Promise.reject(err()) : nodeFs.stat(path)),
    open: async (path, flags) => {
      if (on === 'open') throw err();
      const handle = await nodeFs.open(path, flags);
      if (on !== 'read') return handle;
      return { stat: () => handle.stat(), close: () => handle.close(), read: async () => Promise.reject(err()) };
    },
  };
}

test('a PDF is read once: the bytes, size, SHA-256 and mtime are those of the file', async () => {
  const registry = new FileRegistry();
  const reg = await registry.registerPath(fixturePath('referral.pdf'));
  assert.ok(reg.ok);
  assert.equal(reg.file.name, 'referral.pdf');
  assert.ok(FileIdSchema.safeParse(reg.file.id).success, reg.file.id);
  const checked = await registry.readAndCheck(reg.file.id);
  const onDisk = await fixture('referral.pdf');
  assert.deepEqual(checked.bytes, onDisk);
  assert.equal(checked.size, onDisk.length);
  assert.equal(checked.sha256, createHash('sha256').update(onDisk).digest('hex'));
  assert.equal(checked.mtimeMs, (await stat(fixturePath('referral.pdf'))).mtimeMs);
  assert.equal(checked.complete, true);
  assert.deepEqual(checked.look, { format: 'pdf', label: 'a PDF', complete: true });
  assert.equal(checked.verdict.ok, true);
  assert.equal(checked.verdict.mimeType, 'application/pdf');
  assert.equal(registry.get(reg.file.id)?.name, 'referral.pdf');
  assert.equal(registry.remove(reg.file.id), true);
  assert.equal(registry.get(reg.file.id), undefined);
  await assert.rejects(registry.readAndCheck(reg.file.id), { name: 'FileAccessError', reason: 'unknown-id' });
});

test('ids are unique, url-safe and unguessable', () => {
  const registry = new FileRegistry();
  const ids = new Set(Array.from({ length: 50 }, () => registry.registerBytes('a.txt', new Uint8Array([0x61])).id));
  assert.equal(ids.size, 50);
  for (const id of ids) assert.match(id, /^f_[A-Za-z0-9_-]{22}$/);
});

test('accepted fixtures pass with the e-RS MIME type (input cases 1 and 3)', async () => {
  const registry = new FileRegistry();
  const expected: Record<string, string> = {
    'referral.pdf': 'application/pdf',
    'referral.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'referral.doc': 'application/msword',
    'letter.rtf': 'text/rtf',
    'notes-ascii.txt': 'text/plain',
    'notes-utf8.txt': 'text/plain',
    'notes-utf16le.txt': 'text/plain',
    'notes-cp1252.txt': 'text/plain',
    'results.xml': 'text/xml',
    'results-utf16.xml': 'text/xml',
    'scan.png': 'image/png',
    'scan.gif': 'image/gif',
    'scan.tif': 'image/tiff',
    'photo.jpg': 'image/jpeg',
    'image.dcm': 'application/dicom',
    'tone.au': 'audio/basic',
    'dictation.mp3': 'audio/mpeg',
  };
  const actual: Record<string, string | null> = {};
  for (const name of Object.keys(expected)) {
    const c = await check(registry, fixturePath(name));
    assert.deepEqual(problems(c), [], name);
    actual[name] = c.verdict.mimeType;
  }
  assert.deepEqual(actual, expected);
});

test('other OLE2 files named .doc are refused saying what they are (input case 1)', async () => {
  const registry = new FileRegistry();
  assert.deepEqual(problems(await check(registry, fixturePath('tool.msi'), 'referral.doc')), [
    ['CONFLICTING_VALUES', 'referral.doc is a Windows installer, not a Word 97-2003 document: check you chose the right file'],
  ]);
  assert.deepEqual(problems(await check(registry, fixturePath('Discharge summary.msg'), 'referral.doc')), [
    [
      'CONFLICTING_VALUES',
      'referral.doc is an Outlook email, not a Word 97-2003 document: save the attachment itself, or print the email to PDF, and add that',
    ],
  ]);
  assert.deepEqual(problems(await check(registry, fixturePath('bloods.xls'), 'referral.doc')), [
    ['CONFLICTING_VALUES', 'referral.doc is an Excel spreadsheet, not a Word 97-2003 document: save it as a PDF and add it again'],
  ]);
  assert.deepEqual(problems(await check(registry, fixturePath('letter.rtf'), 'referral.doc')), [
    ['CONFLICTING_VALUES', 'referral.doc is an RTF document, not a Word 97-2003 document: rename it to referral.rtf and add it again'],
  ]);
});

test('an Outlook message is refused before upload (input case 2)', async () => {
  assert.deepEqual(problems(await check(new FileRegistry(), fixturePath('Discharge summary.msg'))), [
    [
      'INAPPROPRIATE_VALUE',
      'Discharge summary.msg is an Outlook email. e-RS does not accept these: save the attachment itself, or print the email to PDF, and add that',
    ],
  ]);
});

test('an executable renamed notes.txt is caught (input case 3)', async () => {
  assert.deepEqual(problems(await check(new FileRegistry(), fixturePath('notes-exe.txt'), 'notes.txt')), [
    ['CONFLICTING_VALUES', 'notes.txt is a Windows program, not a text file: check you chose the right file'],
  ]);
});

test('a HEIC photo named rash.jpg is refused (input case 4)', async () => {
  assert.deepEqual(problems(await check(new FileRegistry(), fixturePath('rash-heic.jpg'), 'rash.jpg')), [
    ['CONFLICTING_VALUES', 'rash.jpg is a HEIC photo, not a JPEG: export it as JPEG and add it again'],
  ]);
});

test('Word documents and ZIPs under the wrong name', async () => {
  const registry = new FileRegistry();
  assert.deepEqual(problems(await check(registry, fixturePath('docx-renamed.pdf'), 'letter.pdf')), [
    ['CONFLICTING_VALUES', 'letter.pdf is a Word document, not a PDF: rename it to letter.docx and add it again'],
  ]);
  assert.deepEqual(problems(await check(registry, fixturePath('zip-renamed.docx'), 'report.docx')), [
    ['CONFLICTING_VALUES', 'report.docx is a ZIP file, not a Word document: unzip it and add the files inside it'],
  ]);
  assert.deepEqual(problems(await check(registry, fixturePath('referral.docm'), 'referral.docx')), [
    [
      'CONFLICTING_VALUES',
      'referral.docx is a Word document with macros, not a Word document: save it as a PDF, or as a Word document (.docx), and add it again',
    ],
  ]);
});

// Input case 5: bytes handed over with a name only; nothing like File.type is taken.
test('bytes registered by name are judged on the name and the bytes', async () => {
  const registry = new FileRegistry();
  const docx = registry.registerBytes('referral.docx', await fixture('referral.docx'));
  const c = await registry.readAndCheck(docx.id);
  assert.equal(c.verdict.ok, true);
  assert.equal(c.mtimeMs, null);
  const csv = registry.registerBytes('results.csv', await fixture('results.csv'));
  assert.deepEqual(problems(await registry.readAndCheck(csv.id)), [
    ['INAPPROPRIATE_VALUE', 'results.csv is a CSV spreadsheet. e-RS does not accept these: save it as a PDF and add it again'],
  ]);
});

test('bytes registered are copied, so later changes by the caller do not change what is sent', async () => {
  const registry = new FileRegistry();
  const bytes = new Uint8Array([0x61, 0x62]);
  const f = registry.registerBytes('a.txt', bytes);
  bytes[0] = 0;
  assert.deepEqual((await registry.readAndCheck(f.id)).bytes, new Uint8Array([0x61, 0x62]));
});

// Input case 7
test('items with no file on disk, and folders whatever their name, are refused', async () => {
  const registry = new FileRegistry();
  assert.deepEqual(await registry.registerPath('', 'Discharge letter.pdf'), {
    ok: false,
    name: 'Discharge letter.pdf',
    reason: 'no-file',
    message: 'Save Discharge letter.pdf to your computer first, then add it',
    retryable: false,
  });
  const noName = await registry.registerPath('');
  assert.equal(noName.ok ? '' : noName.message, 'This item is not a file on your computer. Save it to your computer first, then add it');
  const tmp = await tempDir();
  try {
    const folder = tmp.path('Referrals.pdf');
    await mkdir(folder);
    assert.deepEqual(await registry.registerPath(folder), {
      ok: false,
      name: 'Referrals.pdf',
      reason: 'folder',
      message: 'Referrals.pdf is a folder, not a file: open it and add the files inside it',
      retryable: false,
    });
  } finally {
    await tmp.cleanup();
  }
});

// Input case 8
test('a 0-byte letter.pdf is refused as empty', async () => {
  const tmp = await tempDir();
  try {
    const c = await check(new FileRegistry(), await writeIn(tmp.dir, 'letter.pdf', new Uint8Array(0)));
    assert.deepEqual(problems(c), [['FILE_SIZE_ERROR', 'letter.pdf is empty']]);
    assert.equal(c.size, 0);
  } finally {
    await tmp.cleanup();
  }
});

// Input case 9
test('5,242,880 bytes are read and accepted; 5,242,881 refused with exact figures without reading it all', async () => {
  const tmp = await tempDir();
  try {
    const source = await fixture('referral.pdf');
    const registry = new FileRegistry();
    const atLimit = await check(registry, await writeIn(tmp.dir, 'scan.pdf', padPdf(source, 5_242_880)));
    assert.equal(atLimit.verdict.ok, true);
    assert.equal(atLimit.bytes.length, 5_242_880);
    assert.equal(atLimit.look.format, 'pdf');
    const decimal = await check(registry, await writeIn(tmp.dir, 'decimal.pdf', padPdf(source, 5_000_001)));
    assert.equal(decimal.verdict.ok, true);
    const over = await check(registry, await writeIn(tmp.dir, 'big.pdf', padPdf(source, 5_242_881)), 'scan.pdf');
    assert.deepEqual(problems(over), [
      ['FILE_SIZE_ERROR', 'scan.pdf is 5,242,881 bytes. The largest file e-RS accepts is 5,242,880 bytes (5MB)'],
    ]);
    assert.equal(over.size, 5_242_881);
    assert.equal(over.complete, false);
    assert.equal(over.bytes.length, OVERSIZED_PREFIX_BYTES);
    assert.equal(over.look.format, 'pdf');
  } finally {
    await tmp.cleanup();
  }
});

test('padPdf keeps the PDF valid: startxref still points at the xref table, and objects where it says', async () => {
  const padded = padPdf(await fixture('referral.pdf'), 100_000);
  const text = new TextDecoder('latin1').decode(padded);
  assert.equal(padded.length, 100_000);
  const offset = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  assert.equal(text.slice(offset, offset + 4), 'xref');
  const entries = [...text.slice(offset).matchAll(/^(\d{10}) 00000 n/gm)].map((m) => Number(m[1]));
  assert.ok(entries.length > 5);
  for (const at of entries) assert.match(text.slice(at, at + 20), /^\d+ 0 obj/);
});

/** A file that is 100 bytes when looked at and longer by the time it is read. */
function growingFs(statSize: number, content: Uint8Array): FsPort {
  const stats = (size: number) => ({ size, mtimeMs: 1_700_000_000_000, isFile: () => true, isDirectory: () => false });
  return {
    stat: async () => stats(statSize),
    open: async () => {
      // Its size when looked at until reading starts, its grown size from then on (not by call
      // count: the read may not stat before reading when registration already did).
      let reading = false;
      return {
        stat: async () => stats(reading ? content.length : statSize),
        read: async (buffer, offset, length, position) => {
          reading = true;
          const chunk = content.subarray(position, position + Math.min(length, 1_000_000));
          buffer.set(chunk, offset);
          return { bytesRead: chunk.length };
        },
        close: async () => undefined,
      };
    },
  };
}

test('a file that grows between stat and read: we check and return what we read, never past the limit', async () => {
  const small = new Uint8Array(300).fill(0x61);
  const grew = new FileRegistry({ fs: growingFs(100, small) });
  const a = await check(grew, '/x/notes.txt');
  assert.equal(a.size, 300);
  assert.equal(a.bytes.length, 300);
  assert.equal(a.verdict.ok, true);

  const big = new Uint8Array(6_000_000).fill(0x61);
  const past = new FileRegistry({ fs: growingFs(5_000_000, big) });
  const b = await check(past, '/x/notes.txt');
  assert.equal(b.complete, false);
  assert.equal(b.size, 6_000_000);
  assert.deepEqual(problems(b), [['FILE_SIZE_ERROR', 'notes.txt is 6,000,000 bytes. The largest file e-RS accepts is 5,242,880 bytes (5MB)']]);
});

test('a file still being written while we read it is refused for now, with a retry', async () => {
  const content = new Uint8Array(300).fill(0x61);
  const fs: FsPort = {
    ...growingFs(300, content),
    open: async () => ({
      stat: async () => ({ size: 400, mtimeMs: 1, isFile: () => true, isDirectory: () => false }),
      read: async (buffer, offset, length, position) => {
        const chunk = content.subarray(position, position + length);
        buffer.set(chunk, offset);
        return { bytesRead: chunk.length };
      },
      close: async () => undefined,
    }),
  };
  const registry = new FileRegistry({ fs });
  const reg = await registry.registerPath('/x/letter.docx');
  assert.ok(reg.ok);
  await assert.rejects(registry.readAndCheck(reg.file.id), {
    name: 'FileAccessError',
    reason: 'changing',
    retryable: true,
    message: 'letter.docx changed while it was being read: wait until it has finished saving, then try again',
  });
});

// Input case 12
test('a locked file (EBUSY or EPERM) is refused with a retry, at registration and at reading', async () => {
  for (const code of ['EBUSY', 'EPERM']) {
    const atAdd = await new FileRegistry({ fs: failing('open', code) }).registerPath(fixturePath('referral.docx'), 'letter.docx');
    assert.deepEqual(atAdd, {
      ok: false,
      name: 'letter.docx',
      reason: 'locked',
      message: 'letter.docx is open in another program: close it and try again',
      retryable: true,
    });
    const registry = new FileRegistry({ fs: failing('read', code) });
    const reg = await registry.registerPath(fixturePath('referral.docx'), 'letter.docx');
    assert.ok(reg.ok);
    await assert.rejects(registry.readAndCheck(reg.file.id), (error: unknown) => {
      assert.ok(error instanceof FileAccessError);
      assert.equal(error.reason, 'locked');
      assert.equal(error.code, code);
      assert.equal(error.retryable, true);
      assert.equal(error.message, 'letter.docx is open in another program: close it and try again');
      return true;
    });
  }
});

test('an unreadable file (EACCES) is refused saying what to do', async () => {
  const reg = await new FileRegistry({ fs: failing('open', 'EACCES') }).registerPath(fixturePath('referral.pdf'));
  assert.deepEqual(reg.ok ? null : [reg.reason, reg.message], [
    'unreadable',
    'You do not have permission to open referral.pdf: save a copy somewhere you can open it, then add the copy',
  ]);
});

test('a file that vanished, before or after it was added', async () => {
  const registry = new FileRegistry();
  const missing = await registry.registerPath('/nonexistent/dir/letter.pdf');
  assert.deepEqual(missing.ok ? null : [missing.reason, missing.message], [
    'vanished',
    'letter.pdf could not be found. It may have been moved, renamed or deleted: find it and add it again',
  ]);
  const tmp = await tempDir();
  try {
    const path = await writeIn(tmp.dir, 'letter.pdf', await fixture('referral.pdf'));
    const reg = await registry.registerPath(path);
    assert.ok(reg.ok);
    await rm(path);
    await assert.rejects(registry.readAndCheck(reg.file.id), { reason: 'vanished', retryable: false });
  } finally {
    await tmp.cleanup();
  }
});

test('other files carry on when one cannot be read', async () => {
  const registry = new FileRegistry();
  const tmp = await tempDir();
  try {
    const gone = await writeIn(tmp.dir, 'gone.pdf', await fixture('referral.pdf'));
    const a = await registry.registerPath(gone);
    const b = await registry.registerPath(fixturePath('referral.docx'));
    assert.ok(a.ok && b.ok);
    await rm(gone);
    const results = await Promise.allSettled([registry.readAndCheck(a.file.id), registry.readAndCheck(b.file.id)]);
    assert.equal(results[0].status, 'rejected');
    assert.equal(results[1].status === 'fulfilled' && results[1].value.verdict.ok, true);
  } finally {
    await tmp.cleanup();
  }
});

// Input cases 10 and 11 through the registry
test('names are normalised and unsendable ones refused when checked', async () => {
  const registry = new FileRegistry();
  const c = await check(registry, fixturePath('referral.docx'), 'Dr O\u2019Brien \u2013 referral.docx');
  assert.equal(c.verdict.storedName, "Dr O'Brien - referral.docx");
  assert.equal(c.name, 'Dr O\u2019Brien \u2013 referral.docx');
  const bad = await check(registry, fixturePath('referral.pdf'), 'letter\r\n.pdf');
  assert.deepEqual(problems(bad), [
    ['INVALID_VALUE', 'The name letter\u240d\u240a.pdf contains control characters (carriage return, U+000D and line feed, U+000A) that e-RS cannot store: rename the file and add it again'],
  ]);
});

// Input case 13
test('valid files of types e-RS does not take are refused naming the type', async () => {
  const registry = new FileRegistry();
  const expected: Record<string, string> = {
    'bloods.xlsx': 'bloods.xlsx is an Excel spreadsheet. e-RS does not accept these: save it as a PDF and add it again',
    'scan.bmp': 'scan.bmp is a BMP image. e-RS does not accept these: save it as PNG or JPEG and add it again',
    'letter.odt': 'letter.odt is an OpenDocument text document. e-RS does not accept these: save it as a PDF and add it again',
    'results.csv': 'results.csv is a CSV spreadsheet. e-RS does not accept these: save it as a PDF and add it again',
    'page.html': 'page.html is a web page. e-RS does not accept these: print it to PDF and add that',
  };
  for (const [name, message] of Object.entries(expected)) {
    assert.deepEqual(problems(await check(registry, fixturePath(name))), [['INAPPROPRIATE_VALUE', message]], name);
  }
});

test('mime-types names an extension our tables do not know', async () => {
  const registry = new FileRegistry();
  const mov = registry.registerBytes('clip.mov', new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
  assert.deepEqual(problems(await registry.readAndCheck(mov.id)), [
    ['INAPPROPRIATE_VALUE', 'clip.mov is a video. e-RS does not accept these: save it as MPEG (.mpg) and add it again'],
  ]);
  const odd = registry.registerBytes('notes.zzq', new Uint8Array([0, 1, 2]));
  assert.deepEqual(problems(await registry.readAndCheck(odd.id)), [
    ['INAPPROPRIATE_VALUE', 'notes.zzq is a .zzq file. e-RS does not accept these: save it as a PDF and add it again'],
  ]);
});

test('a device or pipe is not a document', async () => {
  const reg = await new FileRegistry().registerPath('/dev/null', 'letter.pdf');
  assert.deepEqual(reg.ok ? null : [reg.reason, reg.message], ['not-a-file', 'letter.pdf is not a document: choose the file itself and add it again']);
});
