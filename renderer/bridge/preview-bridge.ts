// window.ers for the browser preview: the same contract, carried over the
// preview server's HTTP API (preview/server.ts) instead of Electron IPC.
//   POST /api/op/<operation>   JSON request -> JSON response
//   POST /api/files            several files in one body (bridge/file-batch.ts), or one
//                              large file as raw bytes with its name in X-File-Name
//   GET  /api/events           Server-Sent Events, one event name per contract event
import type {
  AddFilesResult,
  EventName,
  EventPayloads,
  OperationName,
  OperationRequest,
  OperationResponse,
} from '../../shared/ipc/contract.ts';
import type { RendererBridge } from './types.ts';
import { FILE_BATCH_TARGET_BYTES, FILE_BATCH_TYPE, fileBatchHead, planFileBatches } from './file-batch.ts';

export interface PreviewBridgeOptions {
  /** Where the preview server lives, ending in '/'. Default: this page's origin. */
  readonly baseUrl?: string;
  /** Opens a file chooser and resolves with what the person picked. */
  readonly pickFiles: () => Promise<File[]>;
  readonly fetch?: typeof fetch;
  readonly EventSource?: typeof EventSource;
}

const EVENT_NAMES: readonly EventName[] = ['queue:changed', 'session:changed'];

/** Thrown when the preview server refuses or fails an operation; message is for people. */
export class PreviewBridgeError extends Error {
  override readonly name = 'PreviewBridgeError';
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

export function createPreviewBridge(options: PreviewBridgeOptions): RendererBridge {
  const baseUrl = options.baseUrl ?? `${location.origin}/`;
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? EventSource;

  async function readJson(response: Response): Promise<unknown> {
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new PreviewBridgeError('The preview server sent something that is not JSON', response.status);
    }
    if (!response.ok) {
      const message =
        typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
          ? (body as { error: string }).error
          : `The preview server answered ${response.status}`;
      throw new PreviewBridgeError(message, response.status);
    }
    return body;
  }

  async function op<K extends OperationName>(name: K, request: OperationRequest<K>): Promise<OperationResponse<K>> {
    const response = await doFetch(new URL(`api/op/${name}`, baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    return (await readJson(response)) as OperationResponse<K>;
  }

  /** A file the browser cannot read (a folder, a vanished file) is refused here: only looked for when a send failed. */
  async function readable(file: File): Promise<boolean> {
    try {
      await file.slice(0, 1).arrayBuffer();
      return true;
    } catch {
      return false;
    }
  }

  const unreadable = (file: File) => ({
    name: file.name,
    message: `${file.name} could not be read. If it is a folder, add the files inside it instead`,
  });

  /** One large file as raw bytes: if the server finds it too big, that is this file's refusal, not the drop's failure. */
  async function sendAlone(file: File): Promise<AddFilesResult> {
    const response = await doFetch(new URL('api/files', baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) },
      body: file,
    });
    try {
      return (await readJson(response)) as AddFilesResult;
    } catch (error) {
      if (error instanceof PreviewBridgeError && error.status === 413) return { added: [], refused: [{ name: file.name, message: error.message }] };
      throw error;
    }
  }

  /** Several files in one request; the browser streams them from disk into the body. */
  async function sendBatch(files: readonly File[]): Promise<AddFilesResult> {
    const head = fileBatchHead(files.map((file) => ({ name: file.name, size: file.size })));
    const response = await doFetch(new URL('api/files', baseUrl), {
      method: 'POST',
      headers: { 'Content-Type': FILE_BATCH_TYPE },
      body: new Blob([head as BlobPart, ...files]),
    });
    return (await readJson(response)) as AddFilesResult;
  }

  /** One request's worth: if the browser could not read one of the files (a folder), find which and send the rest. */
  async function sendReadable(batch: readonly File[]): Promise<AddFilesResult> {
    const only = batch[0] as File;
    if (batch.length === 1 && only.size > FILE_BATCH_TARGET_BYTES) return sendAlone(only);
    try {
      return await sendBatch(batch);
    } catch (error) {
      // fetch rejects with a TypeError when reading a body part fails; any answer from the server is not that.
      if (error instanceof PreviewBridgeError) throw error;
      const canRead = await Promise.all(batch.map(readable));
      if (canRead.every(Boolean)) throw error;
      const rest = batch.filter((_, i) => canRead[i]);
      const result = rest.length > 0 ? await sendBatch(rest) : { added: [], refused: [] };
      return { added: result.added, refused: [...batch.filter((_, i) => !canRead[i]).map(unreadable), ...result.refused] };
    }
  }

  async function addFiles(files: readonly File[]): Promise<AddFilesResult> {
    const added: AddFilesResult['added'][number][] = [];
    const refused: AddFilesResult['refused'][number][] = [];
    // One after another, so the server adds the files in the order given.
    for (const batch of planFileBatches(files)) {
      const result = await sendReadable(batch);
      added.push(...result.added);
      refused.push(...result.refused);
    }
    return { added, refused };
  }

  // One EventSource for all listeners, opened on the first subscription.
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  function ensureSource(): void {
    if (source) return;
    source = new EventSourceImpl(new URL('api/events', baseUrl).toString());
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => {
        let payload: unknown;
        try {
          payload = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const listener of listeners.get(name) ?? []) listener(payload as never);
      });
    }
  }

  function on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    ensureSource();
    return () => {
      set.delete(listener as (payload: never) => void);
      if ([...listeners.values()].every((s) => s.size === 0)) {
        source?.close();
        source = null;
      }
    };
  }

  return {
    addFiles,
    async chooseFiles() {
      const files = await options.pickFiles();
      return files.length === 0 ? { added: [], refused: [] } : addFiles(files);
    },
    snapshot: () => op('queue:snapshot', {}),
    remove: (id) => op('queue:remove', { id }),
    cancel: (id) => op('queue:cancel', { id }),
    retry: (id) => op('queue:retry', { id }),
    upload: ({ ids, ubrn }) => op('queue:upload', { ...(ids ? { ids } : {}), ...(ubrn ? { ubrn } : {}) }),
    session: () => op('session:get', {}),
    signIn: (request) => op('session:sign-in', request),
    chooseRole: (request) => op('session:choose-role', request),
    signOut: () => op('session:sign-out', {}),
    on,
  };
}
