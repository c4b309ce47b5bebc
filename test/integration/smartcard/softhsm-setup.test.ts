// The smartcard tests must fail, not skip, where SoftHSM2 is missing, and say how to install it.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requireSoftHsm } from '../../support/softhsm.ts';

describe('SoftHSM2 test setup', () => {
  it('without softhsm2-util and pkcs11-tool on PATH, fails with the install command', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await assert.rejects(requireSoftHsm(), (err: Error) => {
        assert.match(err.message, /^softhsm2-util was not found\. /);
        assert.match(err.message, /sudo apt-get install softhsm2 opensc/);
        return true;
      });
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('finds SoftHSM2 on this machine (CI installs it)', async () => {
    const { modulePath } = await requireSoftHsm();
    assert.match(modulePath, /libsofthsm2\.so$/);
  });
});
