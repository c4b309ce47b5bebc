// Figure 2: 1,000 mixed files (every accepted type, every trap from the input
// cases, the 5 MB boundary files and a folder named Referrals.pdf) through our
// main-side checks, against `file --mime-type` (libmagic) over the same files
// in one invocation.
//
// Ours runs as the app does when files are dropped: the backend registers the
// paths one by one, then the queue reads and checks them two at a time (its
// default check concurrency), each file read once in full, hashed, identified
// and validated. It is timed in-process, with the modules already loaded (the
// app is running); `file` is timed from spawn to exit, which includes loading
// its magic database, the price of its one invocation.

import { join } from 'node:path';
import { writeMixedCorpus, MIXED_KINDS } from '../corpus/build.ts';
import { FileRegistry } from '../../electron/services/files/index.ts';
import { DEFAULT_CHECK_CONCURRENCY } from '../../electron/services/queue/upload-queue.ts';
import { judgedOnRatio, type BenchContext, type FigureResult } from '../lib/figure.ts';
import { runCommand } from '../lib/proc.ts';
import { pairedRatios, summarise } from '../lib/stats.ts';

/** Files checked at once: the queue's own default, so the figure measures what the app does. */
const CHECK_CONCURRENCY = DEFAULT_CHECK_CONCURRENCY;

export interface CheckTally {
  readonly accepted: number;
  readonly rejected: number;
  readonly refused: number;
}

/** Register and check every path as the app would; returns how many were accepted, rejected by the rules, refused at registration. */
export async function checkAll(paths: readonly string[]): Promise<CheckTally> {
  const registry = new FileRegistry();
  const ids: string[] = [];
  let refused = 0;
  for (const path of paths) {
    const registered = await registry.registerPath(path);
    if (registered.ok) ids.push(registered.file.id);
    else refused++;
  }
  let accepted = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const checked = await registry.readAndCheck(ids[next++]!);
      if (checked.verdict.ok) accepted++;
      checked.release(); // as the queue does after a check
    }
  };
  await Promise.all(Array.from({ length: CHECK_CONCURRENCY }, worker));
  return { accepted, rejected: ids.length - accepted, refused };
}

async function libmagic(paths: readonly string[]): Promise<{ ms: number; answers: number }> {
  const result = await runCommand('file', ['--mime-type', '--', ...paths], { timeoutMs: 120_000 });
  if (result.code !== 0) throw new Error(`file failed (exit ${result.code}): ${result.stderr.trim()}`);
  // One "path:   type/subtype" line per path (file escapes control characters in names, so none spans lines).
  const answers = (result.stdout.match(/:\s+[a-z-]+\/\S+$/gm) ?? []).length;
  return { ms: result.wallMs, answers };
}

export async function benchValidation(ctx: BenchContext): Promise<FigureResult> {
  const count = ctx.files ?? (ctx.quick ? 100 : 1000);
  const files = await writeMixedCorpus(join(ctx.workDir, 'files'), count, { folder: true, large: true });
  const paths = files.map((f) => f.path);
  const version = (await runCommand('file', ['--version'], { timeoutMs: 10_000 })).stdout.split('\n')[0] ?? 'file';

  const ours: number[] = [];
  const magic: number[] = [];
  let tally: CheckTally | null = null;
  let answers = 0;
  for (let i = -ctx.warmups; i < ctx.runs; i++) {
    const runOurs = async () => {
      const started = performance.now();
      tally = await checkAll(paths);
      return performance.now() - started;
    };
    const runMagic = async () => {
      const r = await libmagic(paths);
      answers = r.answers;
      return r.ms;
    };
    // Alternate who goes first, so neither always gets the warmer page cache.
    const first = i % 2 !== 0;
    const a = first ? await runOurs() : await runMagic();
    const b = first ? await runMagic() : await runOurs();
    const [o, m] = first ? [a, b] : [b, a];
    ctx.log(`validation: run ${i < 0 ? 'warm-up' : i + 1}: ours ${o.toFixed(0)} ms, file ${m.toFixed(0)} ms`);
    if (i < 0) continue;
    ours.push(o);
    magic.push(m);
  }
  if (answers !== count) throw new Error(`file answered for ${answers} of ${count} paths`);
  const ratio = pairedRatios(ours, magic);
  return {
    id: 'validation',
    title: `Validate ${count} mixed files`,
    ours: { label: `ers-attach: FileRegistry.registerPath + readAndCheck (${CHECK_CONCURRENCY} at a time, as the queue)`, unit: 'ms', summary: summarise(ours) },
    baseline: { label: `${version.trim()}: file --mime-type over all ${count} paths, one invocation`, unit: 'ms', summary: summarise(magic) },
    ...judgedOnRatio(ratio, 'ours / libmagic wall time', 1.0),
    details: {
      files: count,
      totalBytes: files.reduce((n, f) => n + f.size, 0),
      kinds: MIXED_KINDS,
      verdicts: tally,
      note: 'ours reads every byte (to hash and to check what will be sent); file reads only the start of each file',
    },
  };
}
