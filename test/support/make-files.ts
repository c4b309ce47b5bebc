// Files of exact sizes for boundary tests (5,242,880 and 5,242,881 bytes are
// too big to commit). Shared by the rules, files, client and CLI tests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const encoder = new TextEncoder();

/**
 * A copy of a PDF padded to exactly targetSize bytes that is still a valid PDF:
 * the padding is comment lines inserted just before the last `startxref`, so
 * the cross-reference table and its offset are untouched.
 */
export function padPdf(source: Uint8Array, targetSize: number): Uint8Array {
  const text = new TextDecoder('latin1').decode(source);
  const at = text.lastIndexOf('startxref');
  if (!text.startsWith('%PDF-') || at < 0) throw new Error('padPdf needs a PDF with a startxref');
  const padding = targetSize - source.length;
  if (padding < 1) throw new Error(`padPdf cannot make ${source.length} bytes into ${targetSize}`);
  const pad = new Uint8Array(padding).fill(0x20);
  // Lines of "%   ...\n" (comments, 80 bytes, under PDF's 255-byte line limit); a lone byte is a newline.
  for (let i = 0; i < padding; i += 80) {
    const end = Math.min(i + 80, padding);
    if (end - i >= 2) pad[i] = 0x25;
    pad[end - 1] = 0x0a;
  }
  const out = new Uint8Array(targetSize);
  out.set(source.subarray(0, at), 0);
  out.set(pad, at);
  out.set(source.subarray(at), at + padding);
  return out;
}

/** size bytes of one repeated byte (default "a", so it reads as text). */
export function fileOfSize(size: number, fill = 0x61): Uint8Array {
  return new Uint8Array(size).fill(fill);
}

export function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(prefix = 'ers-attach-'): Promise<{ dir: string; path: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Write bytes to name inside dir and return the full path. */
export async function writeIn(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}
