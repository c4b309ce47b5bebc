// Where the figures were measured: ratios travel between machines, absolute times do not.

import { cpus, freemem, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly freeMemoryBytesAtStart: number;
  /** 1, 5 and 15-minute load averages when the run began (other work on a shared machine). */
  readonly loadAverageAtStart: readonly number[];
  readonly os: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    freeMemoryBytesAtStart: freemem(),
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    os: `${process.platform} ${release()}`,
    node: process.version,
  };
}
