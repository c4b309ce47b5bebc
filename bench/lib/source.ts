// Which code was measured: the commit, and whether the working tree differed
// from it (on a shared machine other people's edits may be half done).

import { runCommand } from './proc.ts';

export interface SourceInfo {
  readonly commit: string | null;
  /** Paths with uncommitted changes when the run began (null when git could not say). */
  readonly uncommittedPaths: number | null;
}

export async function sourceInfo(root: string): Promise<SourceInfo> {
  try {
    const head = await runCommand('git', ['-C', root, 'rev-parse', 'HEAD'], { timeoutMs: 10_000 });
    const status = await runCommand('git', ['-C', root, 'status', '--porcelain'], { timeoutMs: 30_000 });
    return {
      commit: head.code === 0 ? head.stdout.trim() : null,
      uncommittedPaths: status.code === 0 ? status.stdout.split('\n').filter((l) => l.trim() !== '').length : null,
    };
  } catch {
    return { commit: null, uncommittedPaths: null };
  }
}
