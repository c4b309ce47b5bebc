// The renderer's one store (zustand): a mirror of main's queue and session,
// the rows for files just dropped, and what the live region should say.
// Actions call the bridge; only main's answers and events change items.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ErsBridge,
  FileId,
  OperationRequest,
  QueueSnapshot,
  SessionView,
  SignInFailure,
} from '../../shared/ipc/contract.ts';
import { announceAdded, announceTransitions } from './announcements.ts';
import {
  EMPTY_QUEUE,
  addPending,
  applyChanges,
  applySnapshot,
  dismissLocalRow,
  failBatch,
  resolveBatch,
  setPendingCheck,
  type LocalCheck,
  type QueueModel,
} from './queue-model.ts';

export interface AppState {
  readonly queue: QueueModel;
  /** null until main has said who is signed in. */
  readonly session: SessionView | null;
  /** The latest sentence for the live region; seq changes even when the words repeat. */
  readonly announcement: { readonly text: string; readonly seq: number };
  /** A problem talking to main that is not about one file. */
  readonly notice: string | null;
  readonly uploading: boolean;
}

export interface AppActions<TFile> {
  /** Subscribe to main's events, then load the queue and session. Returns the unsubscribe. */
  start(): Promise<() => void>;
  addFiles(files: readonly TFile[]): Promise<void>;
  chooseFiles(): Promise<void>;
  remove(id: FileId): Promise<void>;
  cancel(id: FileId): Promise<void>;
  retry(id: FileId): Promise<void>;
  /** Forget a row that only the renderer holds (a refusal). */
  dismiss(key: string): void;
  /** Show a refusal for something that never reached main (a dropped link or text). */
  refuseLocally(name: string, message: string): void;
  upload(ubrn: string | null): Promise<void>;
  signIn(request: OperationRequest<'session:sign-in'>): Promise<SignInFailure | null>;
  chooseRole(request: OperationRequest<'session:choose-role'>): Promise<void>;
  signOut(): Promise<void>;
  announce(text: string): void;
}

export type AppStore<TFile> = StoreApi<AppState & AppActions<TFile>>;

export interface AppStoreDeps<TFile> {
  readonly bridge: ErsBridge<TFile>;
  /** The renderer's quick verdict from the name, size and first bytes. */
  readonly checkLocally: (file: TFile) => Promise<LocalCheck>;
}

const describe = (error: unknown) => (error instanceof Error && error.message ? error.message : 'something went wrong');

export function createAppStore<TFile extends { readonly name: string; readonly size: number }>(
  deps: AppStoreDeps<TFile>,
): AppStore<TFile> {
  const { bridge } = deps;
  let batches = 0;

  return createStore<AppState & AppActions<TFile>>()((set, get) => {
    const setQueue = (update: (queue: QueueModel) => QueueModel) => set((state) => ({ queue: update(state.queue) }));
    const takeSnapshot = (snapshot: QueueSnapshot) => setQueue((queue) => applySnapshot(queue, snapshot));
    const announce = (text: string) => set((state) => ({ announcement: { text, seq: state.announcement.seq + 1 } }));
    /** Run a queue operation; its snapshot answer is applied, a failure becomes the notice. */
    const queueOp = async (run: () => Promise<QueueSnapshot>, what: string) => {
      try {
        takeSnapshot(await run());
        set({ notice: null });
      } catch (error) {
        set({ notice: `Could not ${what}: ${describe(error)}` });
      }
    };

    return {
      queue: EMPTY_QUEUE,
      session: null,
      announcement: { text: '', seq: 0 },
      notice: null,
      uploading: false,

      async start() {
        const offQueue = bridge.on('queue:changed', (change) => {
          const said = announceTransitions(get().queue.items, change.items);
          setQueue((queue) => applyChanges(queue, change));
          if (said.length > 0) announce(said.join(' '));
        });
        const offSession = bridge.on('session:changed', (session) => set({ session }));
        try {
          const [snapshot, session] = await Promise.all([bridge.snapshot(), bridge.session()]);
          takeSnapshot(snapshot);
          set({ session, notice: null });
        } catch (error) {
          set({ notice: `Could not reach ers-attach: ${describe(error)}` });
        }
        return () => {
          offQueue();
          offSession();
        };
      },

      async addFiles(files) {
        if (files.length === 0) return;
        const batch = ++batches;
        const { model, keys } = addPending(get().queue, batch, files);
        set({ queue: model });
        // The quick checks and main's own run side by side; whichever is first shows.
        const checks = files.map(async (file, i) => {
          const check = await deps.checkLocally(file);
          setQueue((queue) => setPendingCheck(queue, keys[i] as string, check));
        });
        try {
          const result = await bridge.addFiles(files);
          setQueue((queue) => resolveBatch(queue, batch, result));
          announce(announceAdded(result));
        } catch (error) {
          setQueue((queue) => failBatch(queue, batch, (name) => `${name} was not added: ${describe(error)}`));
          announce(`${files.length === 1 ? 'The file was' : 'The files were'} not added: ${describe(error)}.`);
        }
        await Promise.allSettled(checks);
      },

      async chooseFiles() {
        try {
          const result = await bridge.chooseFiles();
          if (result.added.length + result.refused.length === 0) return;
          const batch = ++batches;
          setQueue((queue) => resolveBatch(queue, batch, result));
          announce(announceAdded(result));
        } catch (error) {
          set({ notice: `Could not open the file chooser: ${describe(error)}` });
        }
      },

      remove: (id) => queueOp(() => bridge.remove(id), 'remove the file'),
      cancel: (id) => queueOp(() => bridge.cancel(id), 'cancel the upload'),
      retry: (id) => queueOp(() => bridge.retry(id), 'try the upload again'),
      dismiss: (key) => setQueue((queue) => dismissLocalRow(queue, key)),

      refuseLocally(name, message) {
        const batch = ++batches;
        setQueue((queue) => resolveBatch(queue, batch, { added: [], refused: [{ name, message }] }));
        announce(`${message}.`);
      },

      async upload(ubrn) {
        set({ uploading: true });
        await queueOp(() => bridge.upload(ubrn ? { ubrn } : {}), 'start the upload');
        set({ uploading: false });
      },

      async signIn(request) {
        try {
          const answer = await bridge.signIn(request);
          if ('ok' in answer) return answer;
          set({ session: answer, notice: null });
          return null;
        } catch (error) {
          return { ok: false, message: `Could not sign in: ${describe(error)}`, attemptsLeft: null };
        }
      },

      async chooseRole(request) {
        try {
          set({ session: await bridge.chooseRole(request), notice: null });
        } catch (error) {
          set({ notice: `Could not choose the role: ${describe(error)}` });
        }
      },

      async signOut() {
        try {
          set({ session: await bridge.signOut(), notice: null });
        } catch (error) {
          set({ notice: `Could not sign out: ${describe(error)}` });
        }
      },

      announce,
    };
  });
}
