// CI runs the benchmark in quick mode to prove it still works end to end. The
// times themselves are not judged here (benchmarks are never timed tests);
// what is checked is that every figure was measured against its baseline, that
// the verdicts follow from the numbers, and that the checks inside each
// figure saw what they should (both uploaders stored the same files, every
// dropped file got a row, the folder was refused).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const RUN = new URL('../../../bench/run.ts', import.meta.url).pathname;
const FIGURES = ['upload', 'validation', 'renderer', 'memory', 'bundle'];

interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}
interface Figure {
  id: string;
  title: string;
  ours: { summary: Summary };
  baseline: { summary: Summary } | null;
  ratio: Summary | null;
  figure: { value: number };
  met: boolean;
  details: Record<string, any>;
}

let dir: string;
let stdout: string;
let report: { mode: string; runsPerFigure: number; machine: { cores: number }; figures: Figure[]; errors: unknown[] };
const figure = (id: string): Figure => {
  const found = report.figures.find((f) => f.id === id);
  assert.ok(found, `no ${id} figure`);
  return found;
};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ers-bench-test-'));
  const out = join(dir, 'results.json');
  ({ stdout } = await promisify(execFile)(process.execPath, [RUN, '--quick', '--out', out], { timeout: 240_000, maxBuffer: 1 << 24 }));
  report = JSON.parse(await readFile(out, 'utf8'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', { timeout: 300_000 }, () => {
  it('measures all five figures, each against a baseline, and records the machine', () => {
    assert.equal(report.mode, 'quick');
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.figures.map((f) => f.id), FIGURES);
    assert.ok(report.machine.cores >= 1);
    for (const f of report.figures) {
      for (const s of [f.ours.summary, f.baseline?.summary, f.ratio]) {
        assert.ok(s, `${f.id} lacks a baseline or ratio`);
        assert.equal(s.runs.length, report.runsPerFigure);
        assert.ok(s.runs.every((v) => Number.isFinite(v) && v > 0), `${f.id}: ${JSON.stringify(s.runs)}`);
        assert.ok(s.min <= s.median && s.median <= s.max);
      }
      const ratio = f.ours.summary.runs[0]! / f.baseline!.summary.runs[0]!;
      assert.ok(Math.abs(f.ratio!.runs[0]! - ratio) < 1e-9, `${f.id}: the ratio is ours over the baseline`);
    }
  });

  it('judges each target from its own figure', () => {
    const upload = figure('upload');
    assert.equal(upload.met, upload.ratio!.median <= 1);
    const validation = figure('validation');
    assert.equal(validation.met, validation.ratio!.median <= 1);
    const renderer = figure('renderer');
    assert.equal(renderer.met, renderer.ratio!.median <= 3 && renderer.ours.summary.median < 1000);
    const memory = figure('memory');
    const growth = memory.details['aboveIdleMB'] as Summary;
    assert.equal(memory.figure.value, growth.median);
    assert.ok(Math.abs(growth.runs[0]! - (memory.ours.summary.runs[0]! - memory.baseline!.summary.runs[0]!)) < 1e-9);
    assert.equal(memory.met, memory.figure.value <= 32);
    const bundle = figure('bundle');
    assert.equal(bundle.met, bundle.figure.value <= 150);
  });

  it('prints the table with a row per figure', () => {
    const rows = stdout.split('\n').filter((line) => line.startsWith('| '));
    assert.equal(rows.length, 1 + FIGURES.length);
    for (const f of report.figures) assert.ok(rows.some((row) => row.includes(f.title)), f.title);
    assert.match(rows[0]!, /Figure .*Ours .*Baseline .*Ratio .*Target .*Result/);
  });

  it('had curl reuse one connection for all its uploads, as our client does', () => {
    assert.deepEqual(figure('upload').details['curlConnectionsPerRun'], [1]);
  });

  it('checked every mixed file and refused only the folder at registration', () => {
    const { files, verdicts } = figure('validation').details;
    assert.equal(verdicts.accepted + verdicts.rejected + verdicts.refused, files);
    assert.equal(verdicts.refused, 1);
    assert.ok(verdicts.accepted > 0 && verdicts.rejected > 0);
  });

  it('got a row from main for every dropped file', () => {
    const { files, itemsByStatus } = figure('renderer').details;
    const counted = Object.values(itemsByStatus as Record<string, number>).reduce((n, c) => n + c, 0);
    assert.equal(counted, files);
    assert.ok(itemsByStatus.ready > 0 && itemsByStatus.rejected > 0);
  });
});
