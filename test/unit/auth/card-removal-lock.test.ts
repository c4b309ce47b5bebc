// The card lock's own rules, with a watcher double: what locks, with which
// words, and when watching stops.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindCardLockToSession, createCardRemovalLock, type SessionSource } from '../../../electron/services/auth/card-removal-lock.ts';
import type { CardIdentity, CardInsertedEvent, CardRemovedEvent, CardWatcher, CardWatchOptions } from '../../../electron/services/auth/smartcard/card-watcher.ts';
import { SmartcardError } from '../../../electron/services/auth/smartcard/smartcard-errors.ts';
import type { MainHandlers, SessionView } from '../../../shared/ipc/contract.ts';

const CARD: CardIdentity = { slotId: '01', label: 'test card', serialNumber: 'abc123' };

/** A watcher whose first look and events the test decides. */
class FakeWatcher implements CardWatcher {
  readonly options: CardWatchOptions;
  readonly ready: Promise<CardIdentity | null>;
  settle!: { resolve: (card: CardIdentity | null) => void; reject: (error: Error) => void };
  stopped = false;
  readonly #removed = new Set<(event: CardRemovedEvent) => void>();

  constructor(options: CardWatchOptions) {
    this.options = options;
    this.ready = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }
  on(event: 'removed', listener: (event: CardRemovedEvent) => void): () => void;
  on(event: 'inserted', listener: (event: CardInsertedEvent) => void): () => void;
  on(event: 'removed' | 'inserted', listener: ((event: CardRemovedEvent) => void) | ((event: CardInsertedEvent) => void)): () => void {
    if (event === 'inserted') return () => {};
    const onRemoved = listener as (event: CardRemovedEvent) => void;
    this.#removed.add(onRemoved);
    return () => this.#removed.delete(onRemoved);
  }
  remove(reason: CardRemovedEvent['reason'] = 'card-removed', message = 'from the watcher'): void {
    for (const listener of [...this.#removed]) listener({ at: Date.now(), reason, card: CARD, message });
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

function setUp() {
  const watchers: FakeWatcher[] = [];
  const locks: (string | undefined)[] = [];
  const cardLock = createCardRemovalLock({
    modulePath: '/usr/lib/softhsm/libsofthsm2.so',
    lock: async (message) => void locks.push(message),
    watch: (options) => {
      const watcher = new FakeWatcher(options);
      watchers.push(watcher);
      return watcher;
    },
  });
  return { cardLock, watchers, locks };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('card removal lock', () => {
  it('watches the card sign-in used, and a removal after that locks with the usual words', async () => {
    const { cardLock, watchers, locks } = setUp();
    const watching = cardLock.watch({ serialNumber: CARD.serialNumber });
    await tick();
    assert.equal(watchers[0]?.options.tokenSerial, 'abc123');
    assert.equal(watchers[0]?.options.modulePath, '/usr/lib/softhsm/libsofthsm2.so');
    watchers[0]!.settle.resolve(CARD);
    await watching;
    assert.equal(cardLock.watching, true);
    watchers[0]!.remove();
    assert.deepEqual(locks, [undefined]);
    assert.equal(watchers[0]!.stopped, true);
    assert.equal(cardLock.watching, false);
    // A second event from the same watcher does not lock again.
    watchers[0]!.remove();
    assert.equal(locks.length, 1);
  });

  it("a watcher failure locks with the watcher's own message (fail closed)", async () => {
    const { cardLock, watchers, locks } = setUp();
    const watching = cardLock.watch(CARD);
    await tick();
    watchers[0]!.settle.resolve(CARD);
    await watching;
    watchers[0]!.remove('watcher-failed', 'The app can no longer check your smartcard, so it is locked. Check the card reader and sign in again');
    assert.deepEqual(locks, ['The app can no longer check your smartcard, so it is locked. Check the card reader and sign in again']);
  });

  it('a watcher that cannot start fails the watch with its SmartcardError, and nothing locks', async () => {
    const { cardLock, watchers, locks } = setUp();
    const watching = cardLock.watch(CARD);
    await tick();
    const failure = new SmartcardError('module-not-found', 'The smartcard software was not found at /x.so');
    watchers[0]!.remove('watcher-failed');
    watchers[0]!.settle.reject(failure);
    await assert.rejects(watching, failure);
    assert.deepEqual(locks, []);
    assert.equal(watchers[0]!.stopped, true);
  });

  it('a card gone by the first look (or during it) fails the watch: no sign-in without the card', async () => {
    for (const how of ['absent', 'removed-while-starting'] as const) {
      const { cardLock, watchers, locks } = setUp();
      const watching = cardLock.watch(CARD);
      await tick();
      if (how === 'removed-while-starting') watchers[0]!.remove();
      watchers[0]!.settle.resolve(how === 'absent' ? null : CARD);
      await assert.rejects(watching, (error: unknown) => error instanceof SmartcardError && error.code === 'card-removed' && error.message === 'Your smartcard was removed. Insert it and sign in again');
      assert.deepEqual(locks, [], how);
      assert.equal(cardLock.watching, false);
    }
  });

  it('a new watch replaces the old one; stop() while starting cancels it', async () => {
    const { cardLock, watchers, locks } = setUp();
    const first = cardLock.watch(CARD);
    await tick();
    watchers[0]!.settle.resolve(CARD);
    await first;
    const second = cardLock.watch({ serialNumber: 'other' });
    await tick();
    assert.equal(watchers[0]!.stopped, true);
    watchers[0]!.remove();
    assert.deepEqual(locks, [], 'the replaced watcher does not lock');
    assert.equal(cardLock.generation, 2);
    await cardLock.stop();
    watchers[1]!.settle.resolve({ ...CARD, serialNumber: 'other' });
    await assert.rejects(second, (error: unknown) => error instanceof SmartcardError && error.code === 'cancelled');
    assert.equal(watchers[1]!.stopped, true);
  });
});

describe('binding the card lock to the session', () => {
  function backendDouble(signInAnswer: (startWatch: () => Promise<void>) => Promise<SessionView | { ok: false; message: string; attemptsLeft: null }>) {
    const listeners = new Set<(view: SessionView) => void>();
    const { cardLock, watchers } = setUp();
    const source: SessionSource = {
      handlers: {
        'session:sign-in': () =>
          signInAnswer(async () => {
            const watching = cardLock.watch(CARD);
            await tick();
            watchers.at(-1)!.settle.resolve(CARD);
            await watching;
          }),
      } as unknown as MainHandlers,
      on: (_event, listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const handlers = bindCardLockToSession(source, cardLock);
    const emit = (status: SessionView['status']) => {
      for (const listener of listeners) listener({ status } as SessionView);
    };
    return { handlers, cardLock, watchers, emit };
  }

  it('a sign-in that watched its card but ended without a session stops the watch', async () => {
    const { handlers, cardLock, watchers } = backendDouble(async (watch) => {
      await watch();
      return { ok: false, message: 'e-RS did not accept your sign-in.', attemptsLeft: null };
    });
    await handlers['session:sign-in']({ method: 'smartcard', pin: '1234' });
    assert.equal(cardLock.watching, false);
    assert.equal(watchers[0]!.stopped, true);
  });

  it('a refused sign-in that started no watch (busy, already signed in) leaves the running watch alone', async () => {
    let calls = 0;
    const { handlers, cardLock } = backendDouble(async (watch) => {
      calls += 1;
      if (calls === 1) {
        await watch();
        return { status: 'choose-role' } as SessionView;
      }
      return { ok: false, message: 'You are already signed in.', attemptsLeft: null };
    });
    await handlers['session:sign-in']({ method: 'smartcard', pin: '1234' });
    assert.equal(cardLock.watching, true);
    await handlers['session:sign-in']({ method: 'smartcard', pin: '1234' });
    assert.equal(cardLock.watching, true);
  });

  it('signing out, e-RS ending the session, or a lock stops the watch; choosing a role does not', async () => {
    for (const status of ['signed-out', 'expired', 'locked'] as const) {
      const { handlers, cardLock, emit } = backendDouble(async (watch) => {
        await watch();
        return { status: 'choose-role' } as SessionView;
      });
      await handlers['session:sign-in']({ method: 'smartcard', pin: '1234' });
      emit('active');
      assert.equal(cardLock.watching, true);
      emit(status);
      assert.equal(cardLock.watching, false, status);
    }
  });
});
