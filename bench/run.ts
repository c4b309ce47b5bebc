// `npm run bench [-- --quick] [--only upload,validation,...] [--runs N] [--files N] [--out FILE]`
//
// Measures ers-attach against a baseline measured on the same machine in the
// same run, prints a table and writes the results as JSON (bench/results.json
// for a full run of every figure; bench/out/results-quick.json for --quick,
// which CI runs to prove the benchmark still works: fewer, smaller runs whose
// times mean little; bench/out/results-partial.json for --only).
// --files N changes how many files each figure works on, to see how a cost scales.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FIGURE_IDS as ALL, isFigure } from './figures/index.ts';
import type { FigureId, FigureResult } from './lib/figure.ts';
import { FigureAnswer, type FigureJob } from './lib/figure-messages.ts';
import { machineInfo } from './lib/machine.ts';
import { sourceInfo } from './lib/source.ts';
import { forkNode } from './lib/proc.ts';
import { formatTable } from './lib/table.ts';

const FIGURE_CHILD = new URL('./figure-child.ts', import.meta.url).pathname;
/** The slowest figure (the renderer at 1,000 files on a busy machine) takes minutes per run. */
const FIGURE_TIMEOUT_MS = 60 * 60_000;

/** Run one figure in its own process, passing its log lines through. */
async function measure(job: FigureJob, log: (line: string) => void): Promise<FigureResult> {
  const child = forkNode(FIGURE_CHILD, FigureAnswer);
  try {
    child.send(job);
    for (;;) {
      const answer = await child.next(FIGURE_TIMEOUT_MS);
      if (answer.type === 'log') log(answer.line);
      else if (answer.type === 'error') throw new Error(answer.message);
      else return answer.result;
    }
  } finally {
    await child.stop();
  }
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string' },
    files: { type: 'string' },
  },
  strict: true,
});

const quick = values.quick ?? false;
const runs = values.runs === undefined ? (quick ? 1 : 5) : Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) fail('--runs must be a whole number from 1 to 50');
if (!quick && runs < 5) fail('a full run needs at least 5 runs per figure (use --quick for fewer)');
const files = values.files === undefined ? null : Number(values.files);
if (files !== null && (!Number.isInteger(files) || files < 1 || files > 5000)) fail('--files must be a whole number from 1 to 5000');
const only = values.only === undefined ? ALL : values.only.split(',').map((s) => s.trim());
for (const name of only) if (!isFigure(name)) fail(`no figure called "${name}" (there are: ${ALL.join(', ')})`);
const figures = only as FigureId[];
const benchDir = dirname(new URL(import.meta.url).pathname);
// bench/results.json holds full runs of every figure; a quick or partial run goes under bench/out/.
const defaultOut = quick ? 'out/results-quick.json' : figures.length < ALL.length ? 'out/results-partial.json' : 'results.json';
const out = resolve(values.out ?? join(benchDir, defaultOut));

const log = (line: string): void => console.error(`bench: ${line}`);
const startedAt = new Date();
const machine = machineInfo();
const source = await sourceInfo(join(benchDir, '..'));
log(`${quick ? 'quick' : 'full'} run, ${runs} measured run(s) per figure, on ${machine.cores} × ${machine.cpu}, load ${machine.loadAverageAtStart.join(' ')}`);

const results: FigureResult[] = [];
const errors: { id: FigureId; message: string }[] = [];
for (const id of figures) {
  const workDir = await mkdtemp(join(tmpdir(), `ers-bench-${id}-`));
  const began = performance.now();
  try {
    results.push(await measure({ id, quick, runs, warmups: quick ? 0 : 1, files, workDir }, log));
    log(`${id}: done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    errors.push({ id, message });
    log(`${id}: FAILED: ${message}`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const report = {
  date: startedAt.toISOString(),
  mode: quick ? 'quick' : 'full',
  runsPerFigure: runs,
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
  machine,
  source,
  summary: results.map((r) => ({ id: r.id, figure: r.figure, target: r.target, met: r.met })),
  figures: results,
  errors,
};
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);

console.log(formatTable(results));
console.log(`\n${results.filter((r) => r.met).length} of ${results.length} targets met; results in ${out}`);
if (errors.length > 0) {
  console.error(`bench: ${errors.length} figure(s) could not be measured: ${errors.map((e) => e.id).join(', ')}`);
  process.exitCode = 1;
}
