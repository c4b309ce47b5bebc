// Builds for the renderer figures: the real renderer with the project's Vite
// config, and, as the bundle's baseline, the smallest React app there is,
// built the same way. Output goes under bench/out/ so the benchmark never
// touches dist/ that other tools may be reading.

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCommand } from './proc.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
export const BENCH_OUT = join(ROOT, 'bench/out');
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

async function vite(args: readonly string[]): Promise<void> {
  // Vite refuses to build while another build of this project runs (the e2e setup, a
  // helper's `npm run build:renderer`); ours writes only under bench/out/, so it may.
  const result = await runCommand(process.execPath, [VITE, 'build', '--bypass-lock', '--logLevel', 'warn', ...args], { timeoutMs: 180_000, cwd: ROOT });
  if (result.code !== 0) throw new Error(`vite build failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
}

/** The renderer as `vite build` makes it, into `outDir`. */
export async function buildRenderer(outDir = join(BENCH_OUT, 'renderer'), minify = true): Promise<string> {
  await vite(['--outDir', outDir, '--emptyOutDir', ...(minify ? [] : ['--minify', 'false'])]);
  return outDir;
}

const HELLO_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello</title></head>
<body><div id="root"></div><script type="module" src="./main.js"></script></body></html>
`;
const HELLO_CONFIG = `export default { base: './', publicDir: false, build: { target: 'es2023', outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false } } };
`;
const HELLO_MAIN = `import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
createRoot(document.getElementById('root')).render(createElement('p', null, 'Hello'));
`;

/** React 19 + react-dom rendering one paragraph, built by Vite with the same target: the floor any React renderer pays. */
export async function buildHelloReact(): Promise<string> {
  const root = join(BENCH_OUT, 'hello-react');
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'index.html'), HELLO_HTML);
  await writeFile(join(root, 'main.js'), HELLO_MAIN);
  await writeFile(join(root, 'vite.config.mjs'), HELLO_CONFIG);
  await vite([root]);
  return join(root, 'dist');
}

export interface AssetSizes {
  readonly jsBytes: number;
  /** gzip level 9, each file on its own (as a server would send them). */
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
  readonly files: readonly { readonly name: string; readonly bytes: number; readonly gzipBytes: number }[];
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

export async function assetSizes(dir: string): Promise<AssetSizes> {
  const files: { name: string; bytes: number; gzipBytes: number }[] = [];
  let cssGzipBytes = 0;
  for await (const path of walk(dir)) {
    const isJs = /\.(m?js)$/.test(path);
    if (!isJs && !path.endsWith('.css')) continue;
    const bytes = await readFile(path);
    const gzipBytes = gzipSync(bytes, { level: 9 }).byteLength;
    if (isJs) files.push({ name: path.slice(dir.length + 1), bytes: bytes.byteLength, gzipBytes });
    else cssGzipBytes += gzipBytes;
  }
  if (files.length === 0) throw new Error(`no JavaScript in ${dir}`);
  return {
    jsBytes: files.reduce((n, f) => n + f.bytes, 0),
    jsGzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0),
    cssGzipBytes,
    files,
  };
}
