import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { BufferPool, FileRegistry } from '../../../electron/services/files/index.ts';
import { fileOfSize, tempDir, writeIn } from '../../support/make-files.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('a lent buffer is never lent again until its lease is released, and a lease releases once', () => {
  const pool = new BufferPool(16, 2);
  const a = pool.tryAcquire()!;
  const b = pool.tryAcquire()!;
  assert.notEqual(a.bytes, b.bytes);
  assert.equal(pool.tryAcquire(), null, 'both lent: no third');
  a.release();
  const c = pool.tryAcquire()!;
  assert.equal(c.bytes, a.bytes, 'a released buffer is reused');
  // Releasing a's lease again must not free the buffer c now holds.
  a.release();
  assert.equal(pool.idle, 0);
  assert.equal(pool.tryAcquire(), null);
  c.release();
  c.release();
  assert.equal(pool.idle, 1);
  assert.equal(pool.made, 2);
});

test('large files share the registry buffers only once released: held bytes never change under a later read', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const size = 1_000_000;
    const paths = await Promise.all([0x61, 0x62, 0x63, 0x64].map((fill, i) => writeIn(dir, `notes-${i}.txt`, fileOfSize(size, fill))));
    const registry = new FileRegistry({ bufferSlots: 2 });
    const ids: string[] = [];
    for (const path of paths) {
      const reg = await registry.registerPath(path);
      assert.ok(reg.ok);
      ids.push(reg.file.id);
    }
    const first = await registry.readAndCheck(ids[0]!);
    const second = await registry.readAndCheck(ids[1]!);
    assert.notEqual(first.bytes.buffer, second.bytes.buffer);
    // Both slots are held: the third gets a buffer of its own.
    const third = await registry.readAndCheck(ids[2]!);
    assert.notEqual(third.bytes.buffer, first.bytes.buffer);
    assert.notEqual(third.bytes.buffer, second.bytes.buffer);

    first.release();
    first.release();
    const fourth = await registry.readAndCheck(ids[3]!);
    assert.equal(fourth.bytes.buffer, first.bytes.buffer, 'the released buffer is reused');
    // Released twice, lent once: a fifth read must not get the buffer fourth is holding.
    const again = await registry.readAndCheck(ids[0]!);
    assert.notEqual(again.bytes.buffer, fourth.bytes.buffer);

    for (const [checked, fill] of [[second, 0x62], [third, 0x63], [fourth, 0x64], [again, 0x61]] as const) {
      assert.equal(checked.bytes.length, size);
      assert.equal(sha256(checked.bytes), checked.sha256);
      assert.ok(checked.bytes.every((b) => b === fill));
    }
  } finally {
    await cleanup();
  }
});

test('a small file or a failed read holds no pool buffer', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const registry = new FileRegistry({ bufferSlots: 1 });
    const small = await registry.registerPath(await writeIn(dir, 'small.txt', fileOfSize(1000)));
    const big = await registry.registerPath(await writeIn(dir, 'big.txt', fileOfSize(600_000)));
    assert.ok(small.ok && big.ok);
    const s = await registry.readAndCheck(small.file.id);
    assert.equal(s.bytes.buffer.byteLength, 1001);
    const b1 = await registry.readAndCheck(big.file.id);
    assert.equal(b1.bytes.buffer.byteLength, 5_242_881, 'read into the pool');
    b1.release();
    const b2 = await registry.readAndCheck(big.file.id);
    assert.equal(b2.bytes.buffer, b1.bytes.buffer);
    b2.release();

    // A read that fails (the file keeps changing) gives its buffer back.
    let changing = true;
    const flaky = new FileRegistry({
      bufferSlots: 1,
      fs: {
        stat: (path) => nodeFs.stat(path),
        open: async (path, flags) => {
          const handle = await nodeFs.open(path, flags);
          return {
            read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
            close: () => handle.close(),
            stat: async () => {
              const real = await handle.stat();
              return changing ? { size: real.size + 1, mtimeMs: real.mtimeMs, isFile: () => true, isDirectory: () => false } : real;
            },
          };
        },
      },
    });
    const f = await flaky.registerPath(join(dir, 'big.txt'));
    assert.ok(f.ok);
    await assert.rejects(flaky.readAndCheck(f.file.id), { reason: 'changing' });
    changing = false;
    assert.equal((await flaky.readAndCheck(f.file.id)).bytes.buffer.byteLength, 5_242_881, 'the pool buffer came back');
  } finally {
    await cleanup();
  }
});
