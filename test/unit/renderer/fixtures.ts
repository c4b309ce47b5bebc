// Views of queue items as main sends them, for the renderer's model tests.
import type { FileId, QueueItemView } from '../../../shared/ipc/contract.ts';

export function item(id: string, overrides: Partial<QueueItemView> = {}): QueueItemView {
  return {
    id: id as FileId,
    name: `${id}.pdf`,
    storedName: `${id}.pdf`,
    nameChange: null,
    size: 1000,
    typeLabel: 'PDF document',
    status: 'ready',
    problems: [],
    progress: null,
    ersFileId: null,
    error: null,
    possibleDuplicate: false,
    sameContentAs: null,
    ubrn: null,
    attempts: 0,
    ...overrides,
  };
}
