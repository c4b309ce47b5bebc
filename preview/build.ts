// Builds the renderer when dist/renderer is missing or older than its sources,
// so `npm run preview` and the e2e suite always serve what is in the tree.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const RENDERER_DIST = join(ROOT, 'dist', 'renderer');
const SOURCES = ['renderer', 'shared', 'vite.config.ts', 'package-lock.json'];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

export async function rendererIsStale(): Promise<boolean> {
  const built = await stat(join(RENDERER_DIST, 'index.html')).catch(() => null);
  if (!built) return true;
  let newest = 0;
  for (const source of SOURCES) newest = Math.max(newest, await newestMtime(join(ROOT, source)));
  return newest > built.mtimeMs;
}

/** Build with Vite (vite.config.ts) if needed; returns whether it built. */
export async function buildRendererIfNeeded(log: (line: string) => void = () => {}): Promise<boolean> {
  if (!(await rendererIsStale())) return false;
  log('preview: building the renderer (vite build)...');
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}
