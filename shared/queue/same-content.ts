// Which ready items "Upload n files" leaves out because they are a copy of
// another item: the same content added twice should reach e-RS once unless
// the person says otherwise ("Upload anyway" sends an item by its id). Main
// applies it to queue:upload without ids; the renderer uses it for the count
// on the button and the note on the row, so the two always agree.
import type { FileId, ItemStatus, QueueItemView } from '../ipc/contract.ts';

/** Statuses of an item whose content is, or will be, in e-RS. */
const SENT_OR_SENDING: ReadonlySet<ItemStatus> = new Set(['ready', 'queued', 'uploading', 'uploaded']);

/**
 * Ready items that have the same content as an earlier item (in queue order) that is ready, queued,
 * uploading or uploaded, each mapped to the earliest such item. Items with the same content share
 * sameContentAs (the earliest item main saw with those bytes), or are that item.
 */
export function heldBackCopies(items: Iterable<Pick<QueueItemView, 'id' | 'status' | 'sameContentAs'>>): Map<FileId, FileId> {
  const firstSent = new Map<FileId, FileId>();
  const held = new Map<FileId, FileId>();
  for (const item of items) {
    if (!SENT_OR_SENDING.has(item.status)) continue;
    const group = item.sameContentAs ?? item.id;
    const earlier = firstSent.get(group);
    if (earlier === undefined) firstSent.set(group, item.id);
    else if (item.status === 'ready') held.set(item.id, earlier);
  }
  return held;
}
