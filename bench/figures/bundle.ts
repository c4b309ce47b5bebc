// Figure 5: the renderer's JavaScript, gzipped, as built by `vite build`
// (freshly, from the current source). Baseline: the smallest React app,
// built the same way, to show how much of it is React itself.

import { assetSizes, buildHelloReact, buildRenderer, type AssetSizes } from '../lib/build-renderer.ts';
import { KB, type BenchContext, type FigureResult } from '../lib/figure.ts';
import { pairedRatios, summarise } from '../lib/stats.ts';

const TARGET_KB = 150;

export async function benchBundle(ctx: BenchContext): Promise<FigureResult> {
  const ours: number[] = [];
  const hello: number[] = [];
  let last: { ours: AssetSizes; hello: AssetSizes } | null = null;
  // Builds are deterministic; each run builds both again, so a flaky build would show as a spread.
  for (let i = 0; i < ctx.runs; i++) {
    const o = await assetSizes(await buildRenderer());
    const h = await assetSizes(await buildHelloReact());
    ours.push(o.jsGzipBytes / KB);
    hello.push(h.jsGzipBytes / KB);
    last = { ours: o, hello: h };
    ctx.log(`bundle: run ${i + 1}: renderer ${(o.jsGzipBytes / KB).toFixed(1)} KB gzipped, hello-world React ${(h.jsGzipBytes / KB).toFixed(1)} KB`);
  }
  const size = summarise(ours);
  return {
    id: 'bundle',
    title: 'Renderer JavaScript, gzipped',
    ours: { label: 'dist/renderer JavaScript (vite build), gzip -9', unit: 'KB', summary: size },
    baseline: { label: 'React 19 + react-dom rendering one paragraph, same build, gzip -9', unit: 'KB', summary: summarise(hello) },
    ratio: pairedRatios(ours, hello),
    figure: { value: size.median, unit: 'KB', what: 'gzipped JavaScript' },
    target: `≤ ${TARGET_KB} KB`,
    met: size.median <= TARGET_KB,
    details: {
      units: 'KB = 1,000 bytes',
      rendererRawBytes: last?.ours.jsBytes,
      rendererCssGzipBytes: last?.ours.cssGzipBytes,
      rendererFiles: last?.ours.files,
      helloReactFiles: last?.hello.files,
    },
  };
}
