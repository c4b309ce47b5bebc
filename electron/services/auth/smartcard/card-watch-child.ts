// The card watcher's polling loop, run in its own process (see card-watcher.ts
// for why). Started with fork() (Node) or Electron's utilityProcess.fork (the
// packaged app); talks over that channel only: process.send under fork,
// process.parentPort in a utility process.
//
// What SoftHSM2 2.6 does, measured here: a token deleted (softhsm2-util
// --delete-token) or whose directory is moved away keeps its slot in
// C_GetSlotList(true), but C_GetTokenInfo fails with CKR_GENERAL_ERROR; a
// token created later is not listed at all until C_Finalize + C_Initialize;
// C_WaitForSlotEvent(CKF_DONT_BLOCK) always answers CKR_NO_EVENT. Real
// readers (OpenSC) drop the slot from the present list, or answer
// CKR_TOKEN_NOT_PRESENT. So each tick:
//   - while the card is in: list and read token info (cheap, no re-initialise);
//     if the card is not seen, re-initialise once and look again, so one odd
//     answer does not lock anyone out;
//   - while no card is in: re-initialise every tick, so a newly inserted card shows.

import { presentCards } from './card-tokens.ts';
import type { CardIdentity, ChildMessage, StartMessage } from './card-watch-messages.ts';
import { StartMessageSchema } from './card-watch-messages.ts';
import type { OpenModule } from './pkcs11-module.ts';
import { finalise, initialise, loadBinding, loadModule } from './pkcs11-module.ts';
import { SmartcardError } from './smartcard-errors.ts';

/** Electron's channel to main in a utility process (not in Node's types). */
interface ParentPortLike {
  postMessage(message: unknown): void;
  once(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;

function send(message: ChildMessage): void {
  if (parentPort !== undefined) parentPort.postMessage(message);
  else process.send?.(message);
}

function look(module: OpenModule, config: StartMessage, current: CardIdentity | null): CardIdentity | null {
  const wanted = config.tokenSerial ?? current?.serialNumber ?? null;
  const cards = presentCards(module).map(({ card }) => ({ slotId: card.slotId, label: card.label, serialNumber: card.serialNumber }));
  return (wanted === null ? cards[0] : cards.find((c) => c.serialNumber === wanted)) ?? null;
}

async function watch(config: StartMessage): Promise<void> {
  const p11 = await loadModule(config.modulePath);
  const module: OpenModule = { p11, k: loadBinding() };
  const restart = (): void => {
    finalise(p11);
    initialise(p11, module.k, config.modulePath);
  };
  initialise(p11, module.k, config.modulePath);

  let current = look(module, config, null);
  send({ type: 'ready', card: current });

  const tick = (): void => {
    try {
      if (current === null) {
        restart();
        current = look(module, config, null);
        if (current !== null) send({ type: 'inserted', card: current, at: Date.now() });
      } else {
        let seen = look(module, config, current);
        if (seen === null) {
          restart();
          seen = look(module, config, current);
        }
        if (seen === null) {
          send({ type: 'removed', card: current, at: Date.now() });
          current = null;
        }
      }
    } catch (err) {
      // The module itself failed (not just "no card"): say so and stop; the parent fails closed.
      fail(err);
      return;
    }
    setTimeout(tick, config.intervalMs);
  };
  setTimeout(tick, config.intervalMs);
}

function fail(err: unknown): never {
  const code = err instanceof SmartcardError ? err.code : 'card-error';
  const message = err instanceof Error ? err.message : String(err);
  send({ type: 'failed', code, message: message.slice(0, 2000) });
  process.exit(1);
}

function start(raw: unknown): void {
  const parsed = StartMessageSchema.safeParse(raw);
  if (!parsed.success) fail(new Error('The card watcher was started without a valid configuration'));
  else watch(parsed.data).catch(fail);
}

if (parentPort !== undefined) {
  // Electron ends a utility process with its parent, and main's stop() kills it.
  parentPort.once('message', (event) => start(event.data));
} else {
  // The parent going away (closed or crashed) ends the watch.
  process.on('disconnect', () => process.exit(0));
  process.once('message', start);
}
