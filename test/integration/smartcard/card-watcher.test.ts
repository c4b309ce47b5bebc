// Watching the reader on a real SoftHSM2 token: taking the card out must be
// reported well within the 2 seconds issue 4 allows for locking.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createSandboxPki, type SandboxPki } from '../../../sandbox/pki.ts';
import { watchCard, type CardInsertedEvent, type CardRemovedEvent, type CardWatcher } from '../../../electron/services/auth/smartcard/card-watcher.ts';
import { signChallengeOnCard } from '../../../electron/services/auth/smartcard/pkcs11-card.ts';
import { SmartcardError } from '../../../electron/services/auth/smartcard/smartcard-errors.ts';
import { createSoftHsmCard, requireSoftHsm, type SoftHsmCard, type SoftHsmInstall } from '../../support/softhsm.ts';

const LOCK_BUDGET_MS = 2000;

let install: SoftHsmInstall;
let pki: SandboxPki;
const cards: SoftHsmCard[] = [];
const watchers: CardWatcher[] = [];

before(async () => {
  install = await requireSoftHsm();
  pki = await createSandboxPki();
});

after(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await Promise.all(cards.map((c) => c.dispose()));
});

async function newCard(): Promise<SoftHsmCard> {
  const card = await createSoftHsmCard(install, { certify: (spki) => pki.issueCardCertificate(spki, { id: '555000000019', name: 'Ali Khan' }) });
  cards.push(card);
  card.insertIntoProcess(); // the watcher's process inherits SOFTHSM2_CONF
  return card;
}

function watch(options: Parameters<typeof watchCard>[0]): CardWatcher {
  const watcher = watchCard(options);
  watchers.push(watcher);
  return watcher;
}

/** The next event of a kind, or a failure after `ms`. */
function next<E extends 'removed' | 'inserted'>(watcher: CardWatcher, event: E, ms: number): Promise<E extends 'removed' ? CardRemovedEvent : CardInsertedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no '${event}' within ${ms} ms`));
    }, ms);
    const off = watcher.on(event as 'removed', (e) => {
      clearTimeout(timer);
      off();
      resolve(e as never);
    });
  });
}

describe('card watcher on a SoftHSM2 token', () => {
  it("reports 'removed' within 2 seconds of the token being deleted", async (t) => {
    const card = await newCard();
    const watcher = watch({ modulePath: card.modulePath, tokenSerial: card.serialNumber });
    const seen = await watcher.ready;
    assert.equal(seen?.serialNumber, card.serialNumber);
    assert.equal(seen?.label, card.label);

    const removed = next(watcher, 'removed', 5000);
    // Timed from before the delete starts, so the tool's own start-up counts against us.
    const pulledAt = Date.now();
    await card.deleteToken();
    const event = await removed;
    const latency = Date.now() - pulledAt;
    t.diagnostic(`removal (token deleted) reported after ${latency} ms`);
    assert.ok(latency < LOCK_BUDGET_MS, `removal reported after ${latency} ms`);
    assert.equal(event.reason, 'card-removed');
    assert.equal(event.card?.serialNumber, card.serialNumber);
    assert.equal(event.message, 'Your smartcard was removed, so the app is locked. Insert your smartcard and sign in again');
  });

  it("reports 'removed' when the card is taken out, 'inserted' when it goes back, and the card signs again", async (t) => {
    const card = await newCard();
    const watcher = watch({ modulePath: card.modulePath, tokenSerial: card.serialNumber, intervalMs: 250 });
    assert.equal((await watcher.ready)?.serialNumber, card.serialNumber);

    const removed = next(watcher, 'removed', 5000);
    const pulledAt = Date.now();
    await card.takeOut();
    await removed;
    const latency = Date.now() - pulledAt;
    t.diagnostic(`removal (token folder moved away) reported after ${latency} ms`);
    assert.ok(latency < LOCK_BUDGET_MS, `removal reported after ${latency} ms`);

    const inserted = next(watcher, 'inserted', 5000);
    await card.putBack();
    assert.equal((await inserted).card.serialNumber, card.serialNumber);
    const signed = await signChallengeOnCard({ modulePath: card.modulePath, pin: card.userPin, challenge: new Uint8Array(32), tokenSerial: card.serialNumber });
    assert.equal(signed.card.serialNumber, card.serialNumber);
  });

  it('starts with no card when none is in, and reports the card when it is inserted', async () => {
    const card = await newCard();
    await card.takeOut();
    const watcher = watch({ modulePath: card.modulePath, intervalMs: 250 });
    assert.equal(await watcher.ready, null);
    const inserted = next(watcher, 'inserted', 5000);
    await card.putBack();
    assert.equal((await inserted).card.label, card.label);
  });

  it('after stop() reports nothing', async () => {
    const card = await newCard();
    const watcher = watch({ modulePath: card.modulePath, intervalMs: 100 });
    await watcher.ready;
    let events = 0;
    watcher.on('removed', () => events++);
    await watcher.stop();
    await card.takeOut();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(events, 0);
  });

  it('a missing module: ready rejects naming the path, and the watcher fails closed', async () => {
    const watcher = watch({ modulePath: '/nowhere/opensc-pkcs11.so' });
    const removed = next(watcher, 'removed', 5000);
    await assert.rejects(watcher.ready, (err: unknown) => {
      assert.ok(err instanceof SmartcardError);
      assert.equal(err.code, 'module-not-found');
      assert.equal(err.message, "The smartcard software was not found at /nowhere/opensc-pkcs11.so. Check the PKCS#11 module path in the app's configuration");
      return true;
    });
    assert.equal((await removed).reason, 'watcher-failed');
  });

  it("a watcher process that dies is reported as 'removed' (fail closed)", async () => {
    const watcher = watch({
      modulePath: install.modulePath,
      childScript: fileURLToPath(new URL('./fixtures/watch-child-that-dies.ts', import.meta.url)),
    });
    assert.equal((await watcher.ready)?.serialNumber, 'dies-soon');
    const event = await next(watcher, 'removed', 5000);
    assert.equal(event.reason, 'watcher-failed');
    assert.equal(event.card?.serialNumber, 'dies-soon');
    assert.equal(event.message, 'The app can no longer check your smartcard, so it is locked. Check the card reader and sign in again');
  });
});
