// window.ers: one named function per operation in the contract, built over a
// tiny IPC port so it can be tested without Electron. Nothing here takes a
// path: addFiles takes File objects and resolves their paths itself, so the
// only way to reach files:add-dropped is with files the person dropped.
// There is no generic invoke/send/on, and listeners receive the payload only,
// never Electron's event object.

import type {
  AddFilesResult,
  ErsBridge,
  EventName,
  EventPayloads,
  OperationName,
  OperationRequest,
  OperationResponse,
} from '../../shared/ipc/contract.ts';
import { unwrapReply } from '../main/ipc/reply.ts';

/** What the preload gives the bridge: ipcRenderer.invoke and a payload-only subscription. */
export interface PreloadIpc {
  invoke(channel: OperationName, request: unknown): Promise<unknown>;
  subscribe(channel: EventName, listener: (payload: unknown) => void): () => void;
}

/** The file facts the bridge reads; the DOM File satisfies it. */
export interface FileLike {
  readonly name: string;
}

/**
 * The events the page may subscribe to. A Record over EventName (not a copy of
 * the contract's EVENT_NAMES, which would pull zod into the preload bundle):
 * adding an event to the contract fails typecheck here until it is listed.
 */
const SUBSCRIBABLE: Readonly<Record<EventName, true>> = { 'queue:changed': true, 'session:changed': true };

export function isSubscribable(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(SUBSCRIBABLE, name);
}

export function createBridge<TFile extends FileLike>(
  ipc: PreloadIpc,
  pathForFile: (file: TFile) => string,
): ErsBridge<TFile> {
  const call = async <K extends OperationName>(channel: K, request: OperationRequest<K>): Promise<OperationResponse<K>> =>
    unwrapReply<OperationResponse<K>>(await ipc.invoke(channel, request));

  const bridge: ErsBridge<TFile> = {
    async addFiles(files) {
      // '' from getPathForFile = not on disk (e.g. dragged from an email client); main explains that per file.
      const items = Array.from(files, (file) => ({ path: pathForFile(file), name: String(file.name) }));
      return call('files:add-dropped', { items }) as Promise<AddFilesResult>;
    },
    chooseFiles: () => call('files:choose', {}),
    snapshot: () => call('queue:snapshot', {}),
    remove: (id) => call('queue:remove', { id }),
    cancel: (id) => call('queue:cancel', { id }),
    retry: (id) => call('queue:retry', { id }),
    upload: (options) => {
      // Copy only the known fields, so a page cannot smuggle keys through.
      const request: OperationRequest<'queue:upload'> = {};
      if (options?.ids !== undefined) request.ids = options.ids;
      if (options?.ubrn !== undefined) request.ubrn = options.ubrn;
      return call('queue:upload', request);
    },
    session: () => call('session:get', {}),
    signIn: (request) => call('session:sign-in', request),
    chooseRole: (request) => call('session:choose-role', request),
    signOut: () => call('session:sign-out', {}),
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
      if (!isSubscribable(event)) throw new Error(`ers-attach has no event called ${String(event)}`);
      if (typeof listener !== 'function') throw new Error('listener must be a function');
      return ipc.subscribe(event, (payload) => listener(payload as EventPayloads[E]));
    },
  };
  return Object.freeze(bridge);
}
