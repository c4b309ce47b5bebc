// Locks the app when the smartcard that signed in is taken out (issue 4:
// within 2 seconds).
//
// Sign-in calls watch() with the card it has just used, before A001: the
// watcher must see that card before sign-in may go on, so a card that cannot
// be watched cannot be signed in with (fail closed). From then on a removal,
// or the watcher failing, calls lock(). stop() ends the watching on sign-out,
// on a sign-in that did not get as far as a session, and on close.

import { watchCard, type CardRemovedEvent, type CardWatcher, type CardWatchOptions } from './smartcard/card-watcher.ts';
import type { LaunchWatcherProcess } from './smartcard/card-watch-process.ts';
import { SmartcardError } from './smartcard/smartcard-errors.ts';
import type { MainHandlers, SessionView } from '../../../shared/ipc/contract.ts';

export interface CardRemovalLockOptions {
  /** The PKCS#11 module sign-in uses. */
  readonly modulePath: string;
  /** Locks the session (Backend.lock). `message` is for the locked screen; undefined means the usual "card removed" words. */
  readonly lock: (message: string | undefined) => Promise<unknown>;
  /** How the watcher's polling process is started (Electron: a utilityProcess launcher). */
  readonly launchProcess?: LaunchWatcherProcess;
  /** Polling interval (default: the watcher's, 300 ms). */
  readonly intervalMs?: number;
  readonly log?: (line: string) => void;
  /** The watcher (tests may pass a double). */
  readonly watch?: (options: CardWatchOptions) => CardWatcher;
}

export interface CardRemovalLock {
  /**
   * Start watching `card` (replacing any earlier watch). Resolves once the
   * watcher has seen it; rejects with a SmartcardError if it cannot watch or
   * the card is no longer there.
   */
  watch(card: { readonly serialNumber: string }): Promise<void>;
  /** Stop watching (no lock follows). */
  stop(): Promise<void>;
  /** Counts watch() calls, so a caller can tell whether one began after a point in time. */
  readonly generation: number;
  /** Whether a card is being watched now. */
  readonly watching: boolean;
}

export function createCardRemovalLock(options: CardRemovalLockOptions): CardRemovalLock {
  const log = options.log ?? (() => {});
  const start = options.watch ?? watchCard;
  let current: CardWatcher | null = null;
  let generation = 0;

  async function stopWatcher(watcher: CardWatcher | null): Promise<void> {
    if (watcher === null) return;
    if (current === watcher) current = null;
    await watcher.stop();
  }

  function onRemoved(watcher: CardWatcher, event: CardRemovedEvent): void {
    if (current !== watcher) return;
    current = null;
    log(`smartcard: ${event.reason === 'card-removed' ? 'the card was removed' : 'the card watcher failed'}; locking`);
    // Lock first: the 2 seconds are for the lock, not for tidying up the watcher.
    options.lock(event.reason === 'card-removed' ? undefined : event.message).catch((error: unknown) => {
      log(`smartcard: locking failed: ${error instanceof Error ? error.name : 'error'}`);
    });
    void watcher.stop();
  }

  return {
    get generation() {
      return generation;
    },
    get watching() {
      return current !== null;
    },
    async watch(card) {
      generation += 1;
      await stopWatcher(current);
      const watcher = start({
        modulePath: options.modulePath,
        tokenSerial: card.serialNumber,
        ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
        ...(options.launchProcess === undefined ? {} : { launchProcess: options.launchProcess }),
      });
      current = watcher;
      // Listening from the start, so no event can slip between the first look and a later subscription.
      let armed = false;
      let goneBeforeArmed = false;
      watcher.on('removed', (event) => {
        if (armed) onRemoved(watcher, event);
        else goneBeforeArmed = true;
      });
      let seen;
      try {
        seen = await watcher.ready;
      } catch (error) {
        await stopWatcher(watcher);
        log(`smartcard: the card watcher could not start: ${error instanceof Error ? error.message : 'error'}`);
        throw error;
      }
      if (current !== watcher) {
        // stop() or another watch() came while this one was starting: nobody wants it now.
        await watcher.stop();
        throw new SmartcardError('cancelled', 'Signing in was stopped. Sign in again');
      }
      if (seen === null || goneBeforeArmed) {
        await stopWatcher(watcher);
        throw new SmartcardError('card-removed', 'Your smartcard was removed. Insert it and sign in again');
      }
      armed = true;
    },
    async stop() {
      await stopWatcher(current);
    },
  };
}

/** The part of the backend the card lock is tied to (Backend fits). */
export interface SessionSource {
  readonly handlers: MainHandlers;
  on(event: 'session:changed', listener: (view: SessionView) => void): () => void;
}

/**
 * Ties the card watch to the session: signing out, locking or e-RS ending the
 * session stops it, and so does a sign-in that started a watch but ended without a
 * session (A001 refused, or the card went meanwhile). Returns the handlers to
 * expose, with sign-in wrapped.
 */
export function bindCardLockToSession(backend: SessionSource, cardLock: CardRemovalLock): MainHandlers {
  backend.on('session:changed', (view) => {
    // No session left to guard (a lock by removal has stopped it already).
    if (view.status === 'signed-out' || view.status === 'expired' || view.status === 'locked') void cardLock.stop();
  });
  const signIn = backend.handlers['session:sign-in'];
  return {
    ...backend.handlers,
    'session:sign-in': async (request) => {
      const before = cardLock.generation;
      const answer = await signIn(request);
      if ('ok' in answer && cardLock.generation !== before) await cardLock.stop();
      return answer;
    },
  };
}
