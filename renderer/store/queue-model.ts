// The renderer's picture of the upload queue, as pure functions over plain
// data (no DOM, no React) so they are tested under Node.
//
// Main's queue is the source of truth: items arrive by snapshot and by
// queue:changed patches, and the renderer never changes an item's status
// itself. Between a drop and main's answer the renderer shows a *pending* row
// per file with its own quick verdict; when main answers, the batch's pending
// rows give way to main's items (or to refusal rows for things main could not
// take, such as folders).
import type { AddFilesResult, EventPayloads, FileId, QueueItemView, QueueSnapshot } from '../../shared/ipc/contract.ts';
import type { ContentLook, Verdict } from '../../shared/rules/types.ts';

/** The renderer's own check of a just-dropped file, from its name, size and first bytes. */
export interface LocalCheck {
  readonly look: ContentLook | null;
  readonly verdict: Verdict;
}

export type Row =
  | { readonly kind: 'item'; readonly key: FileId }
  | {
      readonly kind: 'pending';
      readonly key: string;
      readonly batch: number;
      readonly name: string;
      readonly size: number;
      /** null until the local check has run. */
      readonly check: LocalCheck | null;
    }
  | { readonly kind: 'refused'; readonly key: string; readonly name: string; readonly message: string };

export type PendingRow = Extract<Row, { kind: 'pending' }>;

export interface QueueModel {
  readonly items: ReadonlyMap<FileId, QueueItemView>;
  /** Display order. Every 'item' row has an entry in items and vice versa. */
  readonly rows: readonly Row[];
  /** Counter for local keys (pending and refusal rows). */
  readonly nextKey: number;
}

export const EMPTY_QUEUE: QueueModel = { items: new Map(), rows: [], nextKey: 1 };

/** Replace main's items with a snapshot, keeping the order already on screen and local rows. */
export function applySnapshot(model: QueueModel, snapshot: QueueSnapshot): QueueModel {
  const items = new Map(snapshot.items.map((item) => [item.id, item] as const));
  const kept = model.rows.filter((row) => row.kind !== 'item' || items.has(row.key));
  const shown = new Set(kept.filter((row) => row.kind === 'item').map((row) => row.key));
  const added: Row[] = snapshot.items.filter((item) => !shown.has(item.id)).map((item) => ({ kind: 'item', key: item.id }));
  return { ...model, items, rows: [...kept, ...added] };
}

/**
 * Merge a queue:changed patch: changed items replace their old view; a new
 * item takes the place of the pending row with its name (main announces items
 * as it registers them, often before it answers the drop), else goes to the end.
 */
export function applyChanges(model: QueueModel, change: EventPayloads['queue:changed']): QueueModel {
  const removed = new Set(change.removed);
  const items = new Map(model.items);
  for (const id of removed) items.delete(id);
  const rows: Row[] = model.rows.filter((row) => row.kind !== 'item' || !removed.has(row.key));
  // Pending rows by name, first first: one pass, so a patch of n new items costs O(rows + n), not O(rows * n).
  let pendingByName: Map<string, number[]> | null = null;
  const appended: Row[] = [];
  for (const item of change.items) {
    if (removed.has(item.id)) continue;
    if (!items.has(item.id)) {
      pendingByName ??= indexPendingByName(rows);
      const at = pendingByName.get(item.name)?.shift();
      if (at === undefined) appended.push({ kind: 'item', key: item.id });
      else rows[at] = { kind: 'item', key: item.id };
    }
    items.set(item.id, item);
  }
  return { ...model, items, rows: appended.length > 0 ? [...rows, ...appended] : rows };
}

/**
 * Several queue:changed patches as one (they arrived within one frame): the
 * latest view of each item wins, and an item removed in any of them is removed.
 */
export function mergeChanges(changes: readonly EventPayloads['queue:changed'][]): EventPayloads['queue:changed'] {
  if (changes.length === 1) return changes[0] as EventPayloads['queue:changed'];
  const latest = new Map<FileId, QueueItemView>();
  const removed = new Set<FileId>();
  for (const change of changes) {
    for (const item of change.items) latest.set(item.id, item);
    for (const id of change.removed) removed.add(id);
  }
  return { items: [...latest.values()], removed: [...removed] };
}

function indexPendingByName(rows: readonly Row[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  rows.forEach((row, i) => {
    if (row.kind !== 'pending') return;
    const list = index.get(row.name);
    if (list) list.push(i);
    else index.set(row.name, [i]);
  });
  return index;
}

/** Show a row per dropped file at once; returns the model and the keys given to the rows. */
export function addPending(
  model: QueueModel,
  batch: number,
  files: readonly { readonly name: string; readonly size: number }[],
): { model: QueueModel; keys: string[] } {
  const keys = files.map((_, i) => `local-${model.nextKey + i}`);
  const rows: Row[] = files.map((file, i) => ({
    kind: 'pending',
    key: keys[i] as string,
    batch,
    name: file.name,
    size: file.size,
    check: null,
  }));
  return { model: { ...model, rows: [...model.rows, ...rows], nextKey: model.nextKey + files.length }, keys };
}

export function setPendingCheck(model: QueueModel, key: string, check: LocalCheck): QueueModel {
  return setPendingChecks(model, new Map([[key, check]]));
}

/** Several local checks at once (those that finished within one frame): one new rows array, not one each. */
export function setPendingChecks(model: QueueModel, checks: ReadonlyMap<string, LocalCheck>): QueueModel {
  let found = false;
  const rows = model.rows.map((row) => {
    const check = row.kind === 'pending' ? checks.get(row.key) : undefined;
    if (check === undefined) return row;
    found = true;
    return { ...row, check };
  });
  return found ? { ...model, rows } : model;
}

/**
 * Main answered a batch: each of its items and refusals takes the place of
 * the batch's pending row with the same name, or else follows the rows placed
 * before it (an item a patch already placed stays where it is); the pending
 * rows left over go.
 */
export function resolveBatch(model: QueueModel, batch: number, result: AddFilesResult): QueueModel {
  const items = new Map(model.items);
  const rows: Row[] = [...model.rows];
  let nextKey = model.nextKey;
  let last: Row | null = null;
  const place = (name: string, row: Row) => {
    const same = rows.findIndex((r) => r.kind === 'pending' && r.batch === batch && r.name === name);
    if (same >= 0) rows[same] = row;
    else {
      const firstPending = rows.findIndex((r) => r.kind === 'pending' && r.batch === batch);
      const at = last !== null ? rows.indexOf(last) + 1 : firstPending >= 0 ? firstPending : rows.length;
      rows.splice(at, 0, row);
    }
    last = row;
  };
  for (const item of result.added) {
    // A queue:changed patch may have brought the item already; that view is as new as this one, and it keeps its place.
    if (items.has(item.id)) continue;
    items.set(item.id, item);
    place(item.name, { kind: 'item', key: item.id });
  }
  for (const refusal of result.refused) {
    place(refusal.name, { kind: 'refused', key: `local-${nextKey++}`, name: refusal.name, message: refusal.message });
  }
  return { items, rows: rows.filter((row) => !(row.kind === 'pending' && row.batch === batch)), nextKey };
}

/** The bridge failed for a whole batch: every file in it becomes a refusal row with the reason. */
export function failBatch(model: QueueModel, batch: number, message: (name: string) => string): QueueModel {
  const replacement: Row[] = model.rows
    .filter((row): row is PendingRow => row.kind === 'pending' && row.batch === batch)
    .map((row) => ({ kind: 'refused', key: row.key, name: row.name, message: message(row.name) }));
  return { ...model, rows: spliceBatch(model.rows, batch, replacement) };
}

/** Remove a row that exists only in the renderer (a refusal). Main's items are removed through main. */
export function dismissLocalRow(model: QueueModel, key: string): QueueModel {
  const rows = model.rows.filter((row) => row.kind === 'item' || row.key !== key);
  return rows.length === model.rows.length ? model : { ...model, rows };
}

function spliceBatch(rows: readonly Row[], batch: number, replacement: readonly Row[]): Row[] {
  const isBatch = (row: Row) => row.kind === 'pending' && row.batch === batch;
  const first = rows.findIndex(isBatch);
  const rest = rows.filter((row) => !isBatch(row));
  const at = first < 0 ? rest.length : rows.slice(0, first).filter((row) => !isBatch(row)).length;
  return [...rest.slice(0, at), ...replacement, ...rest.slice(at)];
}
