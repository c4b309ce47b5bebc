import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADD_PART_SIZE, LOCAL_CHECK_DELAY_MS, createAppStore } from '../../../renderer/store/app-store.ts';
import type { LocalCheck } from '../../../renderer/store/queue-model.ts';
import { rowViews } from '../../../renderer/store/row-view.ts';
import type {
  AddFilesResult,
  ErsBridge,
  EventName,
  EventPayloads,
  QueueSnapshot,
  SessionView,
} from '../../../shared/ipc/contract.ts';
import { item } from './fixtures.ts';

interface FakeFile {
  readonly name: string;
  readonly size: number;
}

const SESSION: SessionView = {
  status: 'active',
  environment: { name: 'Sandbox', isSandbox: true },
  signInMethods: ['smartcard'],
  user: { id: '1', displayName: 'Dr Test' },
  roles: [],
  role: null,
  message: null,
};

/** A bridge whose answers the test releases by hand, recording every call. */
function fakeBridge() {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const calls: { op: string; arg: unknown }[] = [];
  let releaseAdd: ((result: AddFilesResult) => void) | null = null;
  const snapshot: QueueSnapshot = { items: [item('f_existing')] };
  const bridge: ErsBridge<FakeFile> = {
    addFiles: (files) => {
      calls.push({ op: 'addFiles', arg: files.map((f) => f.name) });
      return new Promise((resolve) => (releaseAdd = resolve));
    },
    chooseFiles: async () => ({ added: [], refused: [] }),
    snapshot: async () => snapshot,
    remove: async (id) => {
      calls.push({ op: 'remove', arg: id });
      return { items: [] };
    },
    cancel: async () => snapshot,
    retry: async () => snapshot,
    upload: async (options) => {
      calls.push({ op: 'upload', arg: options });
      return snapshot;
    },
    session: async () => SESSION,
    signIn: async () => ({ ok: false, message: 'The PIN is wrong', attemptsLeft: 2 }),
    chooseRole: async () => SESSION,
    signOut: async () => ({ ...SESSION, status: 'signed-out', user: null }),
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
  const emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => {
    for (const listener of listeners.get(event) ?? []) (listener as (p: EventPayloads[E]) => void)(payload);
  };
  return { bridge, calls, emit, listeners, answerAdd: (result: AddFilesResult) => releaseAdd?.(result) };
}

const okCheck: LocalCheck = {
  look: { format: 'pdf', label: 'a PDF', complete: true },
  verdict: { ok: true, problems: [], storedName: 'letter.pdf', nameChange: null, mimeType: 'application/pdf', typeId: 'pdf' },
};

const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Past the store's deferred flush (under Node, with no frames, it runs on the next timer). */
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('app store', () => {
  it('start subscribes before loading, then mirrors the snapshot and session; stop unsubscribes', async () => {
    const fake = fakeBridge();
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck });
    const stop = await store.getState().start();
    assert.equal(store.getState().session?.status, 'active');
    assert.deepEqual([...store.getState().queue.items.keys()], ['f_existing']);
    assert.equal(fake.listeners.get('queue:changed')?.size, 1);
    stop();
    assert.equal(fake.listeners.get('queue:changed')?.size, 0);
    assert.equal(fake.listeners.get('session:changed')?.size, 0);
  });

  it('a drop shows pending rows at once, then main items replace them, and the live region counts them', async () => {
    const fake = fakeBridge();
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck });
    await store.getState().start();
    const adding = store.getState().addFiles([
      { name: 'letter.pdf', size: 10 },
      { name: 'Referrals', size: 0 },
    ]);
    // Before main answers: the rows are there at once; main being slow, they are checked locally.
    assert.equal(rowViews(store.getState().queue).length, 3);
    await new Promise((resolve) => setTimeout(resolve, LOCAL_CHECK_DELAY_MS + 50));
    const pending = rowViews(store.getState().queue);
    assert.deepEqual(pending.map((r) => [r.name, r.provisional]), [
      ['f_existing.pdf', false],
      ['letter.pdf', true],
      ['Referrals', true],
    ]);
    assert.equal(pending[1]?.typeLabel, 'a PDF');
    assert.deepEqual(fake.calls, [{ op: 'addFiles', arg: ['letter.pdf', 'Referrals'] }]);

    fake.answerAdd({ added: [item('f_letter00', { name: 'letter.pdf' })], refused: [{ name: 'Referrals', message: 'Referrals is a folder' }] });
    await adding;
    const settled = rowViews(store.getState().queue);
    assert.deepEqual(settled.map((r) => [r.name, r.status, r.provisional]), [
      ['f_existing.pdf', 'ready', false],
      ['letter.pdf', 'ready', false],
      ['Referrals', 'refused', false],
    ]);
    assert.equal(store.getState().announcement.text, '2 files added, 1 ready to upload, 1 cannot be uploaded.');
  });

  it('announces uploads as queue:changed events arrive', async () => {
    const fake = fakeBridge();
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck });
    await store.getState().start();
    fake.emit('queue:changed', { items: [item('f_existing', { status: 'uploading', progress: { sent: 1, total: 2 } })], removed: [] });
    await nextTask();
    const seq = store.getState().announcement.seq;
    fake.emit('queue:changed', { items: [item('f_existing', { status: 'uploaded', ersFileId: 'E-1' })], removed: [] });
    await nextTask();
    assert.equal(store.getState().announcement.text, 'f_existing.pdf uploaded. e-RS file id E-1.');
    assert.equal(store.getState().announcement.seq, seq + 1);
    fake.emit('session:changed', { ...SESSION, status: 'locked' });
    assert.equal(store.getState().session?.status, 'locked');
  });

  it('upload passes the UBRN only when one is given; a failed sign-in comes back to the form', async () => {
    const fake = fakeBridge();
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck });
    await store.getState().upload(null);
    await store.getState().upload('000040001234');
    assert.deepEqual(fake.calls.map((c) => c.arg), [{}, { ubrn: '000040001234' }]);
    assert.equal(store.getState().uploading, false);
    const failure = await store.getState().signIn({ method: 'smartcard', pin: '1234' });
    assert.deepEqual(failure, { ok: false, message: 'The PIN is wrong', attemptsLeft: 2 });
    assert.equal(store.getState().session, null);
  });

  it('a bridge that fails a drop turns each file into a refusal saying why', async () => {
    const fake = fakeBridge();
    fake.bridge.addFiles = async () => {
      throw new Error('The preview server answered 500');
    };
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck });
    await store.getState().addFiles([{ name: 'a.pdf', size: 1 }]);
    const [row] = rowViews(store.getState().queue);
    assert.equal(row?.status, 'refused');
    assert.deepEqual(row?.problems, [{ text: 'a.pdf was not added: The preview server answered 500', rule: null }]);
  });

  it('a burst of events and local checks makes one store update, applied in order before a later snapshot', async () => {
    const fake = fakeBridge();
    let flushes: (() => void)[] = [];
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck, schedule: (run) => flushes.push(run) });
    await store.getState().start();
    let updates = 0;
    store.subscribe(() => updates++);
    for (let i = 0; i < 100; i++) {
      fake.emit('queue:changed', { items: [item('f_existing', { status: 'uploading', progress: { sent: i, total: 100 } })], removed: [] });
    }
    fake.emit('queue:changed', { items: [item('f_second0', { name: 'second.pdf' })], removed: [] });
    assert.equal(updates, 0, 'nothing is applied until the frame');
    assert.equal(flushes.length, 1, 'one flush is asked for, not one per event');
    flushes[0]?.();
    flushes = [];
    assert.equal(updates, 1);
    assert.deepEqual(store.getState().queue.items.get(item('f_existing').id)?.progress, { sent: 99, total: 100 });
    assert.deepEqual(rowViews(store.getState().queue).map((r) => r.name), ['f_existing.pdf', 'second.pdf']);
    // An operation's snapshot answer is newer than events still waiting, so those are applied first, not after it.
    fake.emit('queue:changed', { items: [item('f_second0', { name: 'second.pdf', status: 'uploading' })], removed: [] });
    await store.getState().remove(item('f_second0').id);
    assert.deepEqual([...store.getState().queue.items.keys()], []);
  });

  it('a large drop goes to main in parts; each part settles as it is answered and needs no local check after', async () => {
    const fake = fakeBridge();
    const answers: ((result: AddFilesResult) => void)[] = [];
    const parts: string[][] = [];
    fake.bridge.addFiles = (files) => {
      parts.push(files.map((f) => f.name));
      return new Promise((resolve) => answers.push(resolve));
    };
    const checked: string[] = [];
    // Local checks take a while (they read and sniff bytes); main answers first here.
    let releaseChecks = () => {};
    const checksMayFinish = new Promise<void>((resolve) => (releaseChecks = resolve));
    const store = createAppStore<FakeFile>({
      bridge: fake.bridge,
      checkLocally: async (file) => {
        checked.push(file.name);
        await checksMayFinish;
        return okCheck;
      },
      schedule: (run) => queueMicrotask(run),
      partsInFlight: 2,
    });
    const files = Array.from({ length: ADD_PART_SIZE + 3 }, (_, i) => ({ name: `f${i}.pdf`, size: 10 }));
    const adding = store.getState().addFiles(files);
    assert.equal(rowViews(store.getState().queue).length, files.length, 'every file has a row at once');
    await tick();
    // The second part goes before the first is answered (main is not left idle between parts), in drop order.
    assert.equal(parts.length, 2);
    assert.equal(parts[0]?.length, ADD_PART_SIZE);
    assert.deepEqual(parts[1], [0, 1, 2].map((i) => `f${ADD_PART_SIZE + i}.pdf`));
    // The second part's answer comes first: its rows settle at once, in their places.
    answers[1]?.({ added: [], refused: parts[1]!.map((name) => ({ name, message: `${name} is a folder` })) });
    await tick();
    const midway = rowViews(store.getState().queue);
    assert.equal(midway.length, files.length, 'answered rows replace their pending rows: never more rows than files');
    assert.equal(midway.filter((r) => r.provisional).length, ADD_PART_SIZE);
    assert.deepEqual(midway.slice(-3).map((r) => r.status), ['refused', 'refused', 'refused']);
    answers[0]?.({ added: parts[0]!.map((name, i) => item(`f_a${String(i).padStart(6, '0')}`, { name })), refused: [] });
    await tick();
    releaseChecks();
    await adding;
    assert.ok(checked.length <= 1, `no local check starts once main has answered (${checked.length} ran)`);
    const done = rowViews(store.getState().queue);
    assert.deepEqual(done.map((r) => r.name), files.map((f) => f.name), 'drop order kept');
    assert.equal(done.filter((r) => r.provisional).length, 0);
    assert.equal(store.getState().announcement.text, `${files.length} files added, ${ADD_PART_SIZE} ready to upload, 3 cannot be uploaded.`);
  });

  it('by default sends the next part only once the previous is answered, so main keeps the drop order', async () => {
    const fake = fakeBridge();
    const answers: ((result: AddFilesResult) => void)[] = [];
    let sent = 0;
    fake.bridge.addFiles = () => {
      sent++;
      return new Promise((resolve) => answers.push(resolve));
    };
    const store = createAppStore<FakeFile>({ bridge: fake.bridge, checkLocally: async () => okCheck, schedule: (run) => queueMicrotask(run) });
    const adding = store.getState().addFiles(Array.from({ length: ADD_PART_SIZE + 1 }, (_, i) => ({ name: `f${i}.pdf`, size: 1 })));
    await tick();
    assert.equal(sent, 1);
    answers[0]?.({ added: [], refused: [] });
    await tick();
    assert.equal(sent, 2);
    answers[1]?.({ added: [], refused: [] });
    await adding;
  });
});
