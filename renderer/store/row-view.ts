// What one row of the file list shows, derived from the queue model. Pure,
// so the wording and which actions are offered are tested without a DOM.
import type { FileId, ItemStatus, UploadError } from '../../shared/ipc/contract.ts';
import { RULE_LABELS, type NameChange, type RuleBreak } from '../../shared/rules/types.ts';
import { heldBackCopies } from '../../shared/queue/same-content.ts';
import type { QueueModel, Row } from './queue-model.ts';

/** 'held': ready, but left out of "Upload n files" as a copy of another item (shared/queue/same-content.ts). */
export type RowStatus = ItemStatus | 'refused' | 'held';

export interface RowProblem {
  /** What is wrong and what to do. */
  readonly text: string;
  /** Which rule, with its e-RS code ("Rule: file size (FILE_SIZE_ERROR)"); null for a refusal that is not a rule (a folder). */
  readonly rule: string | null;
}

export interface RowView {
  readonly key: string;
  /** Set for rows main knows about; actions on them go to main. */
  readonly id: FileId | null;
  readonly name: string;
  readonly nameChange: NameChange | null;
  readonly size: number | null;
  readonly typeLabel: string | null;
  readonly status: RowStatus;
  /** Every broken rule, or the refusal, in the order to show them. */
  readonly problems: readonly RowProblem[];
  readonly progress: { readonly sent: number; readonly total: number } | null;
  readonly ersFileId: string | null;
  readonly error: UploadError | null;
  readonly possibleDuplicate: boolean;
  /** Name of the earlier item with the same content. */
  readonly sameContentAs: string | null;
  /** Set when "Upload n files" leaves this copy out: the name of the item with the same content that is sent. */
  readonly heldBackFor: string | null;
  /** True while only the renderer's quick check has run: main has not answered yet. */
  readonly provisional: boolean;
  readonly actions: {
    readonly remove: boolean;
    readonly cancel: boolean;
    readonly retry: boolean;
    readonly dismiss: boolean;
    /** Send this copy even though another item has the same content. */
    readonly uploadAnyway: boolean;
  };
}

const NO_ACTIONS = { remove: false, cancel: false, retry: false, dismiss: false, uploadAnyway: false } as const;

/** held: the ready copies left out of "Upload n files" (heldBackCopies over the model's items). */
export function rowView(model: QueueModel, row: Row, held: ReadonlyMap<FileId, FileId> = heldBackCopies(model.items.values())): RowView | null {
  if (row.kind === 'refused') {
    return {
      ...blank(row.key, row.name),
      status: 'refused',
      problems: [{ text: row.message, rule: null }],
      actions: { ...NO_ACTIONS, dismiss: true },
    };
  }
  if (row.kind === 'pending') {
    const verdict = row.check?.verdict ?? null;
    const broken = verdict !== null && !verdict.ok;
    return {
      ...blank(row.key, row.name),
      size: row.size,
      nameChange: verdict?.nameChange ?? null,
      typeLabel: row.check?.look?.label ?? null,
      status: broken ? 'rejected' : 'checking',
      problems: broken ? messages(verdict.problems) : [],
      provisional: true,
    };
  }
  const item = model.items.get(row.key);
  if (!item) return null;
  const twin = item.sameContentAs ? model.items.get(item.sameContentAs) : undefined;
  const heldFor = held.get(item.id);
  const heldBackFor = heldFor === undefined ? null : (model.items.get(heldFor)?.name ?? 'a file added earlier');
  const inFlight = item.status === 'queued' || item.status === 'uploading';
  return {
    key: item.id,
    id: item.id,
    name: item.name,
    nameChange: item.nameChange,
    size: item.size,
    typeLabel: item.typeLabel,
    status: heldBackFor === null ? item.status : 'held',
    problems: messages(item.problems),
    progress: item.status === 'uploading' ? item.progress : null,
    ersFileId: item.ersFileId,
    error: item.status === 'failed' ? item.error : null,
    possibleDuplicate: item.possibleDuplicate,
    sameContentAs: item.sameContentAs ? (twin?.name ?? 'a file added earlier') : null,
    heldBackFor,
    provisional: false,
    actions: {
      remove: !inFlight,
      cancel: inFlight,
      retry: item.status === 'failed' && (item.error?.retryable ?? false),
      dismiss: false,
      uploadAnyway: heldBackFor !== null,
    },
  };
}

// The view made for each row last time, keyed by the object it was made from
// (main's item view, or the local row) and checked against the other items it
// names: an unchanged row keeps the same RowView, so a memoised FileRow skips
// it and a burst of updates re-renders only the rows that changed.
const made = new WeakMap<object, { readonly twin: string | undefined; readonly heldFor: string | undefined; readonly view: RowView }>();

export function rowViews(model: QueueModel): RowView[] {
  const views: RowView[] = [];
  const held = heldBackCopies(model.items.values());
  for (const row of model.rows) {
    const item = row.kind === 'item' ? model.items.get(row.key) : undefined;
    const source: object = item ?? row;
    const twin = item?.sameContentAs ? model.items.get(item.sameContentAs)?.name : undefined;
    const heldId = item ? held.get(item.id) : undefined;
    const heldFor = heldId === undefined ? undefined : (model.items.get(heldId)?.name ?? '');
    const cached = made.get(source);
    if (cached && cached.twin === twin && cached.heldFor === heldFor) {
      views.push(cached.view);
      continue;
    }
    const view = rowView(model, row, held);
    if (view === null) continue;
    made.set(source, { twin, heldFor, view });
    views.push(view);
  }
  return views;
}

/** What "Upload n files" sends: the items main holds as ready, less the copies it leaves out (as main does). */
export function readyCount(model: QueueModel): number {
  let n = 0;
  for (const item of model.items.values()) if (item.status === 'ready') n++;
  return n - heldBackCopies(model.items.values()).size;
}

/** Ready copies left out of "Upload n files", waiting for "Upload anyway" or Remove. */
export function heldBackCount(model: QueueModel): number {
  return heldBackCopies(model.items.values()).size;
}

function messages(problems: readonly RuleBreak[]): RowProblem[] {
  return problems.map((problem) => ({ text: problem.message, rule: ruleCaption(problem) }));
}

export function ruleCaption(problem: Pick<RuleBreak, 'rule' | 'code'>): string {
  return `Rule: ${RULE_LABELS[problem.rule]} (${problem.code})`;
}

function blank(key: string, name: string): RowView {
  return {
    key,
    id: null,
    name,
    nameChange: null,
    size: null,
    typeLabel: null,
    status: 'checking',
    problems: [],
    progress: null,
    ersFileId: null,
    error: null,
    possibleDuplicate: false,
    sameContentAs: null,
    heldBackFor: null,
    provisional: false,
    actions: NO_ACTIONS,
  };
}
