// The renderer's one store (zustand): a mirror of main's queue and session,
// the rows for files just dropped, and what the live region should say.
// Actions call the bridge; only main's answers and events change items.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AddFilesResult,
  ErsBridge,
  EventPayloads,
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
  mergeChanges,
  resolveBatch,
  setPendingChecks,
  type LocalCheck,
  type QueueModel,
} from './queue-model.ts';
import { beforeNextFrame, type Schedule } from './next-frame.ts';

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
  /** Send every ready item main does not leave out as a copy (main decides which: no ids are sent). */
  upload(ubrn: string | null): Promise<void>;
  /** Send one item by its id, even though it has the same content as another ("Upload anyway"). */
  uploadAnyway(id: FileId, ubrn: string | null): Promise<void>;
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
  /** When to apply a burst of updates; default: once before the next frame. */
  readonly schedule?: Schedule;
  /**
   * Parts of a drop sent before the first is answered. More than 1 only for a bridge that adds them in
   * the order they were sent (the preview server does); default 1, so main holds the files in drop order.
   */
  readonly partsInFlight?: number;
}

/**
 * Files per request to main: each part's rows settle as its answer comes, so the list never holds a
 * pending and a real row for long.
 */
export const ADD_PART_SIZE = 100;
/**
 * The local checks are a preview of main's verdict for when main is slow (a large file, a busy disk):
 * they start for a part's rows only once main has had that part this long without answering, one at
 * a time, so that reading and sniffing 1,000 prefixes does not delay main's own answers.
 */
export const LOCAL_CHECK_DELAY_MS = 200;

type QueueChange = EventPayloads['queue:changed'];
/** An update waiting for the next frame; runs of changes or of checks are merged into one. */
type Deferred =
  | { readonly kind: 'changes'; readonly list: QueueChange[] }
  | { readonly kind: 'checks'; readonly checks: Map<string, LocalCheck> }
  | { readonly kind: 'update'; readonly update: (queue: QueueModel) => QueueModel };

const describe = (error: unknown) => (error instanceof Error && error.message ? error.message : 'something went wrong');

export function createAppStore<TFile extends { readonly name: string; readonly size: number }>(
  deps: AppStoreDeps<TFile>,
): AppStore<TFile> {
  const { bridge } = deps;
  const schedule = deps.schedule ?? beforeNextFrame;
  const partsInFlight = Math.max(1, deps.partsInFlight ?? 1);
  let batches = 0;
  /** Keys of pending rows whose part main has not answered yet (their local check is still worth running). */
  const awaitingMain = new Set<string>();

  return createStore<AppState & AppActions<TFile>>()((set, get) => {
    let deferred: Deferred[] = [];
    let flushScheduled = false;
    /** Apply every deferred update in order, in one set(). */
    const flush = () => {
      flushScheduled = false;
      if (deferred.length === 0) return;
      const ops = deferred;
      deferred = [];
      let queue = get().queue;
      const said: string[] = [];
      for (const op of ops) {
        if (op.kind === 'changes') {
          const change = mergeChanges(op.list);
          said.push(...announceTransitions(queue.items, change.items));
          queue = applyChanges(queue, change);
        } else if (op.kind === 'checks') queue = setPendingChecks(queue, op.checks);
        else queue = op.update(queue);
      }
      set({ queue });
      if (said.length > 0) announce(said.join(' '));
    };
    const defer = (op: Deferred) => {
      const last = deferred.at(-1);
      if (op.kind === 'changes' && last?.kind === 'changes') last.list.push(...op.list);
      else if (op.kind === 'checks' && last?.kind === 'checks') for (const [key, check] of op.checks) last.checks.set(key, check);
      else deferred.push(op);
      if (!flushScheduled) {
        flushScheduled = true;
        schedule(flush);
      }
    };
    /** Apply an update now, after anything deferred (a snapshot answer must not be overtaken by older events). */
    const setQueue = (update: (queue: QueueModel) => QueueModel) => {
      flush();
      set((state) => ({ queue: update(state.queue) }));
    };
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

    /** The renderer's quick checks of one part's files, one at a time, until main answers for them. */
    const checkWhileWaiting = async (files: readonly TFile[], keys: readonly string[]) => {
      for (const [i, key] of keys.entries()) {
        if (!awaitingMain.has(key)) return;
        const check = await deps.checkLocally(files[i] as TFile).catch(() => null);
        if (check && awaitingMain.has(key)) defer({ kind: 'checks', checks: new Map([[key, check]]) });
      }
    };

    return {
      queue: EMPTY_QUEUE,
      session: null,
      announcement: { text: '', seq: 0 },
      notice: null,
      uploading: false,

      async start() {
        const offQueue = bridge.on('queue:changed', (change) => defer({ kind: 'changes', list: [change] }));
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
        // Every file gets its pending row at once; the drop goes to main in parts, and each part's rows
        // give way to main's items as soon as that part is answered.
        const parts: { batch: number; files: readonly TFile[]; keys: string[] }[] = [];
        flush();
        let model = get().queue;
        for (let at = 0; at < files.length; at += ADD_PART_SIZE) {
          const part = files.slice(at, at + ADD_PART_SIZE);
          const batch = ++batches;
          const added = addPending(model, batch, part);
          model = added.model;
          parts.push({ batch, files: part, keys: added.keys });
        }
        set({ queue: model });
        const keys = parts.flatMap((part) => part.keys);
        for (const key of keys) awaitingMain.add(key);
        const answers: AddFilesResult[] = [];
        const failures: string[] = [];
        const checks: Promise<void>[] = [];
        const sendPart = async (part: (typeof parts)[number]) => {
          // If main is slow with this part (a large file, a busy disk), its rows get the quick local check meanwhile.
          const slow = setTimeout(() => checks.push(checkWhileWaiting(part.files, part.keys)), LOCAL_CHECK_DELAY_MS);
          try {
            const result = await bridge.addFiles(part.files);
            answers.push(result);
            defer({ kind: 'update', update: (queue) => resolveBatch(queue, part.batch, result) });
          } catch (error) {
            failures.push(describe(error));
            defer({ kind: 'update', update: (queue) => failBatch(queue, part.batch, (name) => `${name} was not added: ${describe(error)}`) });
          }
          clearTimeout(slow);
          for (const key of part.keys) awaitingMain.delete(key);
        };
        // Parts start in drop order; with a bridge that keeps that order, the next ones go while main works.
        const running = new Set<Promise<void>>();
        for (const part of parts) {
          const sending: Promise<void> = sendPart(part).finally(() => running.delete(sending));
          running.add(sending);
          if (running.size >= partsInFlight) await Promise.race(running);
        }
        await Promise.all(running);
        flush();
        const said: string[] = [];
        if (answers.length > 0) said.push(announceAdded({ added: answers.flatMap((a) => a.added), refused: answers.flatMap((a) => a.refused) }));
        if (failures.length > 0) {
          const some = answers.length > 0 ? 'Some files were' : files.length === 1 ? 'The file was' : 'The files were';
          said.push(`${some} not added: ${failures[0]}.`);
        }
        announce(said.join(' '));
        await Promise.all(checks);
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

      uploadAnyway: (id, ubrn) => queueOp(() => bridge.upload({ ids: [id], ...(ubrn ? { ubrn } : {}) }), 'start the upload'),

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
