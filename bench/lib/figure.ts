// What each benchmark figure reports, and what every figure is given to run with.

import type { Summary } from './stats.ts';

export type FigureId = 'upload' | 'validation' | 'renderer' | 'memory' | 'bundle';

export interface Measured {
  /** What was measured, e.g. "ers-attach: check + A020 via uploadBinary". */
  readonly label: string;
  readonly unit: 'ms' | 'MB' | 'KB';
  readonly summary: Summary;
}

export interface FigureResult {
  readonly id: FigureId;
  readonly title: string;
  readonly ours: Measured;
  /** null when the figure has no baseline to compare with. */
  readonly baseline: Measured | null;
  /** Ours over the baseline, per run; null without a baseline. */
  readonly ratio: Summary | null;
  /** The value the target is judged on, as shown. */
  readonly figure: { readonly value: number; readonly unit: string; readonly what: string };
  readonly target: string;
  readonly met: boolean;
  /** Anything else worth keeping: sizes, modes, checks made, extra timings. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface BenchContext {
  readonly quick: boolean;
  /** Measured runs per figure (warm-up runs come on top and are not counted). */
  readonly runs: number;
  /** Runs made first and thrown away (page cache, JIT, TLS session setup): 1 in a full run, 0 in quick. */
  readonly warmups: number;
  /** Overrides how many files a figure works on (for profiling how it scales); null = the figure's own. */
  readonly files: number | null;
  /** A scratch directory for this figure, removed afterwards. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** Decimal units, as Vite reports sizes and the stricter reading of each target. */
export const MB = 1_000_000;
export const KB = 1_000;

/** The verdict of a figure judged on ours/baseline: met when the median ratio is at most `max`. */
export function judgedOnRatio(ratio: Summary, what: string, max: number): Pick<FigureResult, 'ratio' | 'figure' | 'target' | 'met'> {
  return { ratio, figure: { value: ratio.median, unit: '×', what }, target: `≤ ${max.toFixed(1)}`, met: ratio.median <= max };
}
