// The table `npm run bench` prints.

import type { FigureResult, Measured } from './figure.ts';
import type { Summary } from './stats.ts';

const DIGITS: Readonly<Record<Measured['unit'], number>> = { ms: 0, MB: 1, KB: 1 };

function number(value: number, digits: number): string {
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function range(summary: Summary, digits: number, unit: string): string {
  const spread = summary.min === summary.max ? '' : ` (${number(summary.min, digits)}–${number(summary.max, digits)})`;
  return `${number(summary.median, digits)} ${unit}${spread}`;
}

export function measuredCell(measured: Measured | null): string {
  return measured === null ? '—' : range(measured.summary, DIGITS[measured.unit], measured.unit);
}

export function ratioCell(ratio: Summary | null): string {
  if (ratio === null) return '—';
  const spread = ratio.min === ratio.max ? '' : ` (${number(ratio.min, 2)}–${number(ratio.max, 2)})`;
  return `${number(ratio.median, 2)}×${spread}`;
}

export function formatTable(results: readonly FigureResult[]): string {
  const header = ['Figure', 'Ours', 'Baseline', 'Ratio', 'Target', 'Result'];
  const rows = results.map((r) => [
    r.title,
    measuredCell(r.ours),
    measuredCell(r.baseline),
    ratioCell(r.ratio),
    r.target,
    `${r.met ? 'met' : 'MISSED'} (${number(r.figure.value, r.figure.unit === '×' ? 2 : 1)} ${r.figure.unit})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
