// `npm run sandbox:card [-- --state .sandbox-state] [--pin 123456] [--name "Jo Bloggs"] [--user-id 555000000017]`
// Makes a SoftHSM2 token that acts as a smartcard for the sandbox: an RSA key
// generated on the token and a certificate for it from the card CA saved in
// --state (made there if missing, as `npm run sandbox` would). Prints how to
// run the preview (or point a config file) at it. Needs softhsm2 and opensc.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreatePki } from '../sandbox/pki.ts';
import { createSoftHsmCard, requireSoftHsm } from '../test/support/softhsm.ts';

const { values } = parseArgs({
  options: {
    state: { type: 'string', default: '.sandbox-state' },
    pin: { type: 'string', default: '123456' },
    name: { type: 'string', default: 'Jo Bloggs' },
    'user-id': { type: 'string', default: '555000000017' },
  },
  strict: true,
});

function fail(message: string): never {
  console.error(`sandbox:card: ${message}`);
  process.exit(2);
}

if (!/^\d{4,16}$/.test(values.pin)) fail('--pin must be 4 to 16 digits');
if (!/^\d{1,20}$/.test(values['user-id'])) fail('--user-id must be digits (a smartcard UID)');

const stateDir = resolve(values.state);
const install = await requireSoftHsm().catch((err: Error) => fail(err.message));
const pki = await loadOrCreatePki(stateDir);
const cardsDir = join(stateDir, 'cards');
await mkdir(cardsDir, { recursive: true, mode: 0o700 });
const card = await createSoftHsmCard(install, {
  certify: (spki) => pki.issueCardCertificate(spki, { id: values['user-id'], name: values.name }),
  userPin: values.pin,
  parentDir: cardsDir,
});

console.log(`SoftHSM2 card "${card.label}" (serial ${card.serialNumber}) for ${values.name} (${values['user-id']}), PIN ${card.userPin}
  token folder: ${card.dir}
  its certificate comes from the card CA in ${stateDir}

Run the preview on it:
  SOFTHSM2_CONF=${card.env.SOFTHSM2_CONF} npm run preview -- --card-module ${card.modulePath} --sandbox-pki ${values.state}

Delete the folder above to throw the card away.`);
