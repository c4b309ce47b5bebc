// What one row of the file list shows, derived from the queue model. Pure,
// so the wording and which actions are offered are tested without a DOM.
import type { FileId, ItemStatus, UploadError } from '../../shared/ipc/contract.ts';
import type { NameChange, RuleBreak } from '../../shared/rules/types.ts';
import type { QueueModel, Row } from './queue-model.ts';

export type RowStatus = ItemStatus | 'refused';

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
  readonly problems: readonly string[];
  readonly progress: { readonly sent: number; readonly total: number } | null;
  readonly ersFileId: string | null;
  readonly error: UploadError | null;
  readonly possibleDuplicate: boolean;
  /** Name of the earlier item with the same content. */
  readonly sameContentAs: string | null;
  /** True while only the renderer's quick check has run: main has not answered yet. */
  readonly provisional: boolean;
  readonly actions: {
    readonly remove: boolean;
    readonly cancel: boolean;
    readonly retry: boolean;
    readonly dismiss: boolean;
  };
}

const NO_ACTIONS = { remove: false, cancel: false, retry: false, dismiss: false } as const;

export function rowView(model: QueueModel, row: Row): RowView | null {
  if (row.kind === 'refused') {
    return {
      ...blank(row.key, row.name),
      status: 'refused',
      problems: [row.message],
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
  const inFlight = item.status === 'queued' || item.status === 'uploading';
  return {
    key: item.id,
    id: item.id,
    name: item.name,
    nameChange: item.nameChange,
    size: item.size,
    typeLabel: item.typeLabel,
    status: item.status,
    problems: messages(item.problems),
    progress: item.status === 'uploading' ? item.progress : null,
    ersFileId: item.ersFileId,
    error: item.status === 'failed' ? item.error : null,
    possibleDuplicate: item.possibleDuplicate,
    sameContentAs: item.sameContentAs ? (twin?.name ?? 'a file added earlier') : null,
    provisional: false,
    actions: {
      remove: !inFlight,
      cancel: inFlight,
      retry: item.status === 'failed' && (item.error?.retryable ?? false),
      dismiss: false,
    },
  };
}

export function rowViews(model: QueueModel): RowView[] {
  return model.rows.map((row) => rowView(model, row)).filter((view): view is RowView => view !== null);
}

/** Items main holds as ready to send (what "Upload n files" sends). */
export function readyCount(model: QueueModel): number {
  let n = 0;
  for (const item of model.items.values()) if (item.status === 'ready') n++;
  return n;
}

function messages(problems: readonly RuleBreak[]): string[] {
  return problems.map((problem) => problem.message);
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
    provisional: false,
    actions: NO_ACTIONS,
  };
}
