// `npm run preview -- --card-module ... [--sandbox-pki DIR]`: the flags become
// backend options, and the sandbox PKI is saved so a card made from it keeps
// chaining to the same card CA run after run.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { cardSignInOptions } from '../../../preview/card-sign-in.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it('without flags the preview keeps the embedded sandbox and its test card', async () => {
  assert.deepEqual(await cardSignInOptions({}), {});
});

it('--card-module signs in through that module, on a sandbox PKI saved in .sandbox-state (or --sandbox-pki)', async () => {
  const cwd = await mkdtemp(join(tmpdir(), 'ers-preview-card-'));
  dirs.push(cwd);
  const first = await cardSignInOptions({ cardModule: 'lib/softhsm2.so' }, cwd);
  assert.deepEqual(first.sandboxSmartcard, { pkcs11Module: join(cwd, 'lib', 'softhsm2.so') });
  const saved = await readFile(join(cwd, '.sandbox-state', 'card-ca.pem'), 'utf8');
  assert.equal(first.sandbox?.pki?.cardCaCertPem, saved);

  // Run again (or with the folder named): the same card CA, so cards made from it still chain.
  const again = await cardSignInOptions({ cardModule: '/usr/lib/softhsm/libsofthsm2.so', sandboxPki: '.sandbox-state' }, cwd);
  assert.equal(again.sandbox?.pki?.cardCaCertPem, saved);
  assert.deepEqual(again.sandboxSmartcard, { pkcs11Module: '/usr/lib/softhsm/libsofthsm2.so' });

  // --sandbox-pki alone keeps the test card but persists the PKI.
  const pkiOnly = await cardSignInOptions({ sandboxPki: '.sandbox-state' }, cwd);
  assert.equal(pkiOnly.sandboxSmartcard, undefined);
  assert.equal(pkiOnly.sandbox?.pki?.cardCaCertPem, saved);
});
