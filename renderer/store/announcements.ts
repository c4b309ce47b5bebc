// Sentences for the page's polite live region. Pure: given what changed,
// say it the way a screen-reader user needs to hear it, once.
import type { AddFilesResult, QueueItemView } from '../../shared/ipc/contract.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** After main answered a drop or a choice of files. */
export function announceAdded(result: AddFilesResult): string {
  const total = result.added.length + result.refused.length;
  if (total === 0) return 'No files were added';
  const count = (status: QueueItemView['status']) => result.added.filter((item) => item.status === status).length;
  const rejected = count('rejected') + result.refused.length;
  const checking = count('checking');
  const ready = count('ready');
  const parts = [`${plural(total, 'file', 'files')} added`];
  if (ready > 0) parts.push(`${ready} ready to upload`);
  if (checking > 0) parts.push(`${checking} being checked`);
  if (rejected > 0) parts.push(`${rejected} cannot be uploaded`);
  return `${parts.join(', ')}.`;
}

/** Uploads that finished or failed between two views of the queue. */
export function announceTransitions(
  before: ReadonlyMap<string, QueueItemView>,
  changed: readonly QueueItemView[],
): string[] {
  const said: string[] = [];
  for (const item of changed) {
    const was = before.get(item.id)?.status;
    if (was === item.status) continue;
    if (item.status === 'uploaded') {
      said.push(`${item.name} uploaded${item.ersFileId ? `. e-RS file id ${item.ersFileId}` : ''}.`);
    } else if (item.status === 'failed') {
      said.push(`${item.name} was not uploaded: ${item.error?.message ?? 'something went wrong'}.`);
    } else if (item.status === 'changed') {
      said.push(`${item.name} has changed since it was added.`);
    }
  }
  return said;
}
