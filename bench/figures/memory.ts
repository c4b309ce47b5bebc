// Figure 4: peak RSS of the main-process services while uploading N files of
// 5 MiB (the e-RS limit, the worst case), against the same process idle.
//
// A fresh child per run holds only our services (registry, checks, e-RS
// client), signed in; the sandbox runs in its own process. Uploads go two at a
// time, as the queue's default concurrency sends them.

import { join } from 'node:path';
import { writeUploadCorpus } from '../corpus/build.ts';
import { MAX_FILE_BYTES } from '../../shared/rules/limits.ts';
import { MB, type BenchContext, type FigureResult } from '../lib/figure.ts';
import { MemoryAnswer } from '../lib/memory-messages.ts';
import { forkNode } from '../lib/proc.ts';
import { openSandboxHost } from '../lib/sandbox-link.ts';
import { pairedRatios, summarise } from '../lib/stats.ts';

const CHILD = new URL('../memory-child.ts', import.meta.url).pathname;
/** The queue's default number of uploads at once (electron/services/queue/upload-queue.ts). */
const UPLOAD_CONCURRENCY = 2;
const TARGET_MB = 32;

export async function benchMemory(ctx: BenchContext): Promise<FigureResult> {
  const count = ctx.files ?? (ctx.quick ? 4 : 20);
  const files = await writeUploadCorpus(join(ctx.workDir, 'files'), count, MAX_FILE_BYTES, true);
  const link = await openSandboxHost();
  const peaks: number[] = [];
  const idles: number[] = [];
  const above: number[] = [];
  const heap: { idle: number; peak: number; externalPeak: number }[] = [];
  try {
    for (let i = 0; i < ctx.runs; i++) {
      const endpoint = await link.start();
      const child = forkNode(CHILD, MemoryAnswer, { execArgv: ['--expose-gc'] });
      try {
        child.send({ endpoint, pki: link.pki, paths: files.map((f) => f.path), concurrency: UPLOAD_CONCURRENCY });
        const answer = await child.next(180_000);
        if (answer.type === 'error') throw new Error(`the memory child failed: ${answer.message}`);
        if (answer.uploaded !== count) throw new Error(`the memory child uploaded ${answer.uploaded} of ${count} files`);
        peaks.push(answer.peakBytes / MB);
        idles.push(answer.idleBytes / MB);
        above.push((answer.peakBytes - answer.idleBytes) / MB);
        heap.push({ idle: answer.heapUsedIdleBytes / MB, peak: answer.heapUsedPeakBytes / MB, externalPeak: answer.externalPeakBytes / MB });
        ctx.log(`memory: run ${i + 1}: idle ${(answer.idleBytes / MB).toFixed(1)} MB, peak ${(answer.peakBytes / MB).toFixed(1)} MB (${answer.samples} samples)`);
      } finally {
        await child.stop();
      }
      const { stored } = await link.stop();
      if (stored.length !== count) throw new Error(`the sandbox stored ${stored.length} of ${count} files`);
    }
  } finally {
    await link.close();
  }
  const growth = summarise(above);
  return {
    id: 'memory',
    title: `Memory: upload ${count} files of 5 MiB`,
    ours: { label: 'peak RSS while uploading (child process: registry, checks, e-RS client)', unit: 'MB', summary: summarise(peaks) },
    baseline: { label: 'RSS of the same process idle, signed in', unit: 'MB', summary: summarise(idles) },
    ratio: pairedRatios(peaks, idles),
    figure: { value: growth.median, unit: 'MB', what: 'peak RSS above idle' },
    target: `≤ ${TARGET_MB} MB above idle`,
    met: growth.median <= TARGET_MB,
    details: {
      files: count,
      fileBytes: MAX_FILE_BYTES,
      concurrency: UPLOAD_CONCURRENCY,
      aboveIdleMB: growth,
      heapMB: heap,
      units: 'MB = 1,000,000 bytes',
    },
  };
}
