// Watching the card reader, so the app can lock within 2 seconds of the card
// being taken out.
//
// The polling runs in a child process (card-watch-child.ts) because spotting
// a new card needs C_Finalize + C_Initialize with some modules (SoftHSM2), and
// PKCS#11 initialisation is per process: doing it in main would end the
// sign-in's own sessions. A separate process can re-initialise as often as it
// likes, and a module that hangs or crashes there cannot take main with it.
//
// Fail closed: if the watcher dies or its module fails after starting, it
// reports 'removed' with reason 'watcher-failed', since the card can no longer
// be vouched for. stop() is the only quiet way out.

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CardIdentity, StartMessage } from './card-watch-messages.ts';
import { forkWatcherProcess, type LaunchWatcherProcess } from './card-watch-process.ts';
import { ChildMessageSchema } from './card-watch-messages.ts';
import { SmartcardError, type SmartcardErrorCode } from './smartcard-errors.ts';

export type { CardIdentity } from './card-watch-messages.ts';
export type { LaunchWatcherProcess, WatcherLaunch, WatcherProcess } from './card-watch-process.ts';

export interface CardWatchOptions {
  /** The PKCS#11 module, as for sign-in. */
  readonly modulePath: string;
  /** Follow this card (CardToken.serialNumber from sign-in). Default: the first card present. */
  readonly tokenSerial?: string;
  /** How often to look. Default 300 ms: removal is reported well inside 2 seconds. */
  readonly intervalMs?: number;
  /** How long the first look may take before ready rejects. Default 10 s. */
  readonly startTimeoutMs?: number;
  /** Environment for the polling process. Default: this process's (e.g. SOFTHSM2_CONF). */
  readonly env?: NodeJS.ProcessEnv;
  /** Starts the polling process. Default: child_process.fork (forkWatcherProcess); Electron passes a utilityProcess launcher. */
  readonly launchProcess?: LaunchWatcherProcess;
  /** The polling script. Default: card-watch-child next to this file, with this file's extension (.ts or built .js). */
  readonly childScript?: string;
}

export interface CardRemovedEvent {
  /** Date.now() when the watcher saw it. */
  readonly at: number;
  readonly reason: 'card-removed' | 'watcher-failed';
  /** The card that went, when known. */
  readonly card: CardIdentity | null;
  /** For the locked screen. */
  readonly message: string;
}

export interface CardInsertedEvent {
  readonly at: number;
  readonly card: CardIdentity;
}

export interface CardWatcher {
  /** The card present at the first look (null: not inserted). Rejects with a SmartcardError if watching cannot start. */
  readonly ready: Promise<CardIdentity | null>;
  on(event: 'removed', listener: (event: CardRemovedEvent) => void): () => void;
  on(event: 'inserted', listener: (event: CardInsertedEvent) => void): () => void;
  /** Stop watching (no further events). */
  stop(): Promise<void>;
}

export const CARD_REMOVED_MESSAGE = 'Your smartcard was removed, so the app is locked. Insert your smartcard and sign in again';
const WATCHER_FAILED_MESSAGE =
  'The app can no longer check your smartcard, so it is locked. Check the card reader and sign in again';

function defaultChildScript(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./card-watch-child${extname(here)}`, import.meta.url));
}

export function watchCard(options: CardWatchOptions): CardWatcher {
  const removedListeners = new Set<(event: CardRemovedEvent) => void>();
  const insertedListeners = new Set<(event: CardInsertedEvent) => void>();
  let stopped = false;
  let failed = false;
  let isReady = false;
  let current: CardIdentity | null = null;

  const launch = options.launchProcess ?? forkWatcherProcess();
  const child = launch({ script: options.childScript ?? defaultChildScript(), env: { ...(options.env ?? process.env) } });

  let settleReady: { resolve: (card: CardIdentity | null) => void; reject: (err: Error) => void } | null = null;
  const ready = new Promise<CardIdentity | null>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // A rejection nobody awaits must not crash main; failures also arrive as 'removed'.
  ready.catch(() => undefined);

  const startTimer = setTimeout(() => {
    failWith('card-error', `The smartcard reader did not answer within ${Math.round((options.startTimeoutMs ?? 10_000) / 1000)} seconds`);
    child.kill();
  }, options.startTimeoutMs ?? 10_000);

  const emitRemoved = (event: CardRemovedEvent): void => {
    for (const listener of [...removedListeners]) listener(event);
  };

  function failWith(code: SmartcardErrorCode, message: string): void {
    if (stopped || failed) return;
    failed = true;
    clearTimeout(startTimer);
    if (!isReady) settleReady?.reject(new SmartcardError(code, message));
    emitRemoved({ at: Date.now(), reason: 'watcher-failed', card: current, message: WATCHER_FAILED_MESSAGE });
  }

  child.onMessage((raw: unknown) => {
    if (stopped || failed) return;
    const parsed = ChildMessageSchema.safeParse(raw);
    if (!parsed.success) {
      failWith('card-error', 'The card watcher sent a message this app does not understand');
      child.kill();
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        isReady = true;
        clearTimeout(startTimer);
        current = message.card;
        settleReady?.resolve(message.card);
        return;
      case 'removed':
        current = null;
        emitRemoved({ at: message.at, reason: 'card-removed', card: message.card, message: CARD_REMOVED_MESSAGE });
        return;
      case 'inserted':
        current = message.card;
        for (const listener of [...insertedListeners]) listener({ at: message.at, card: message.card });
        return;
      case 'failed':
        failWith(isSmartcardCode(message.code) ? message.code : 'card-error', message.message);
        return;
    }
  });

  child.onEnd((why) => failWith('card-error', `The card watcher ${why}`));

  const start: StartMessage = {
    type: 'start',
    modulePath: options.modulePath,
    tokenSerial: options.tokenSerial ?? null,
    intervalMs: options.intervalMs ?? 300,
  };
  child.send(start);

  return {
    ready,
    on(event: 'removed' | 'inserted', listener: ((e: CardRemovedEvent) => void) | ((e: CardInsertedEvent) => void)) {
      const set = (event === 'removed' ? removedListeners : insertedListeners) as Set<typeof listener>;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(startTimer);
      if (!isReady && !failed) settleReady?.reject(new SmartcardError('cancelled', 'Watching the smartcard was stopped'));
      // The child is asked to exit, and made to within a second.
      await child.stop(1000);
    },
  } as CardWatcher;
}

const CODES: ReadonlySet<string> = new Set<SmartcardErrorCode>([
  'binding-missing',
  'module-not-found',
  'module-unusable',
  'card-error',
]);

function isSmartcardCode(code: string): code is SmartcardErrorCode {
  return CODES.has(code);
}
