// Summaries of repeated measurements. Medians, because a shared machine gives
// the odd slow run that would drag a mean.

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Every run, in the order measured. */
  readonly runs: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarise(runs: readonly number[]): Summary {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

/**
 * Ours over the baseline, run by run: each pair was measured back to back, so
 * the machine's load at the time cancels out of their ratio.
 */
export function pairedRatios(ours: readonly number[], baseline: readonly number[]): Summary {
  if (ours.length !== baseline.length) throw new RangeError('ratios need as many runs of each');
  return summarise(ours.map((value, i) => value / baseline[i]!));
}
