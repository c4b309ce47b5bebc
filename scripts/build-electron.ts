// Bundles Electron's main process and preload with esbuild.
//
//   main    -> dist/electron/main.js     ESM; our own TypeScript (electron/, shared/,
//              and the embedded e-RS sandbox, which is product code) is bundled,
//              npm packages stay external and ship as production node_modules.
//              Beside it, card-watch-child.js: the smartcard watcher's polling
//              process, which card-watcher.ts starts from the file next to itself.
//   preload -> dist/electron/preload.cjs one CommonJS file with no require but
//              'electron': a sandboxed preload cannot load anything else.
//
// Usage: node scripts/build-electron.ts

import { build, type BuildOptions, type Metafile } from 'esbuild';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
export const ELECTRON_OUTDIR = path.join(REPO_ROOT, 'dist', 'electron');
export const MAIN_OUTFILE = path.join(ELECTRON_OUTDIR, 'main.js');
export const PRELOAD_OUTFILE = path.join(ELECTRON_OUTDIR, 'preload.cjs');

const COMMON: BuildOptions = {
  bundle: true,
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: REPO_ROOT,
};

export async function buildMain(outdir: string = ELECTRON_OUTDIR): Promise<Metafile> {
  const result = await build({
    ...COMMON,
    metafile: true,
    entryPoints: {
      main: path.join(REPO_ROOT, 'electron', 'main', 'index.ts'),
      'card-watch-child': path.join(REPO_ROOT, 'electron', 'services', 'auth', 'smartcard', 'card-watch-child.ts'),
    },
    outdir,
    platform: 'node',
    format: 'esm',
    target: 'es2023',
    packages: 'external',
    external: ['electron'],
  });
  return result.metafile;
}

export async function buildPreload(outfile: string = PRELOAD_OUTFILE): Promise<Metafile> {
  const result = await build({
    ...COMMON,
    metafile: true,
    entryPoints: [path.join(REPO_ROOT, 'electron', 'preload', 'index.ts')],
    outfile,
    platform: 'browser',
    format: 'cjs',
    target: 'es2023',
    external: ['electron'],
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  const forbidden = imports.filter((name) => name !== 'electron');
  if (forbidden.length > 0) {
    throw new Error(`the sandboxed preload may require only 'electron', but it imports: ${forbidden.join(', ')}`);
  }
  return result.metafile;
}

if (import.meta.main) {
  await Promise.all([buildMain(), buildPreload()]);
  console.log(`built ${path.relative(REPO_ROOT, MAIN_OUTFILE)} and ${path.relative(REPO_ROOT, PRELOAD_OUTFILE)}`);
}
