// The packaged app cannot fork Electron as Node (runAsNode fuse), so main
// starts the card watcher with utilityProcess.fork. Here that path runs for
// real under Node: Electron's launcher (electron/main/utility-watcher.ts), the
// real polling script speaking through process.parentPort, and a real SoftHSM2
// token taken out of the reader.

import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { utilityWatcherLauncher } from '../../../electron/main/utility-watcher.ts';
import { watchCard, type CardRemovedEvent } from '../../../electron/services/auth/smartcard/card-watcher.ts';
import { createSandboxPki } from '../../../sandbox/pki.ts';
import { forkLikeUtilityProcess } from '../../support/fake-utility-process.ts';
import { createSoftHsmCard, requireSoftHsm, type SoftHsmCard } from '../../support/softhsm.ts';

let card: SoftHsmCard;

before(async () => {
  const install = await requireSoftHsm();
  const pki = await createSandboxPki();
  card = await createSoftHsmCard(install, { certify: (spki) => pki.issueCardCertificate(spki, { id: '555000000023', name: 'Lee Chan' }) });
  card.insertIntoProcess();
});

after(async () => {
  await card?.dispose();
});

it('in a utility process the watcher sees the card, reports its removal within 2 seconds, and stops', async (t) => {
  const watcher = watchCard({ modulePath: card.modulePath, tokenSerial: card.serialNumber, launchProcess: utilityWatcherLauncher(forkLikeUtilityProcess) });
  let out = false;
  try {
    assert.equal((await watcher.ready)?.serialNumber, card.serialNumber);
    const removed = new Promise<CardRemovedEvent>((resolve) => watcher.on('removed', resolve));
    const pulledAt = Date.now();
    await card.takeOut();
    out = true;
    const event = await removed;
    const latency = Date.now() - pulledAt;
    t.diagnostic(`removal reported from the utility process after ${latency} ms`);
    assert.ok(latency < 2000, `removal reported after ${latency} ms`);
    assert.equal(event.reason, 'card-removed');
    assert.equal(event.card?.serialNumber, card.serialNumber);
  } finally {
    await watcher.stop();
    if (out) await card.putBack();
  }
});
