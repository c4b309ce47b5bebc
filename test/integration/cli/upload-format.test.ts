import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configReason, displayName, errorText, reasonText } from '../../../electron/cli/upload-format.ts';
import { ConfigError } from '../../../electron/services/config/load.ts';
import { parseUploadArgs } from '../../../electron/cli/upload-args.ts';
import { ErsRejectedError, ErsRetryableError } from '../../../electron/services/ers/errors.ts';

describe('upload output', () => {
  it('shows control characters and bidi overrides in names as escapes, keeping other letters', () => {
    assert.equal(displayName('a\nb\r\t.pdf'), 'a\\nb\\r\\t.pdf');
    assert.equal(displayName('x\u0000\u001b[31m.pdf'), 'x\\x00\\x1b[31m.pdf');
    assert.equal(displayName('invoice\u202Efdp.exe'), 'invoice\\u{202e}fdp.exe');
    assert.equal(displayName('Dr O’Brien – Café.pdf'), 'Dr O’Brien – Café.pdf');
  });

  it('says rejected by e-RS with the code, and warns when a lost answer may have stored the file', () => {
    const rejected = new ErsRejectedError('The file is too large', [
      { severity: 'error', type: 'value', errorCode: 'FILE_SIZE_ERROR', display: null, diagnostics: 'The file is too large' },
    ], { status: 422, transactionId: null, bodySent: true });
    assert.equal(errorText(rejected), 'rejected by e-RS FILE_SIZE_ERROR: The file is too large');
    const lost = new ErsRetryableError('The connection to e-RS was interrupted', 'network', { status: null, transactionId: null, bodySent: true });
    assert.equal(errorText(lost), 'failed: The connection to e-RS was interrupted. e-RS may have stored it: check before sending it again');
    assert.equal(reasonText(rejected), 'The file is too large (FILE_SIZE_ERROR)');
  });

  it('gives every failure its outcome word, also one that is not from e-RS', () => {
    assert.equal(errorText(new Error('socket hang up')), 'failed: socket hang up');
  });

  it('puts a configuration\'s problems on one line for each file', () => {
    const err = new ConfigError('/c/config.json', ['environments.dev3.baseUrl: expected an https:// URL, found "http://x"', 'environments.dev3.clientKey: file not found: /c/k']);
    assert.equal(
      configReason(err),
      'the configuration in /c/config.json cannot be used: environments.dev3.baseUrl: expected an https:// URL, found "http://x"; environments.dev3.clientKey: file not found: /c/k',
    );
  });
});

describe('upload arguments', () => {
  it('reads the options and files', () => {
    assert.deepEqual(parseUploadArgs(['--verify', '--ubrn', '000000097366', '--role', 'REFERRING_CLINICIAN_ADMIN', 'a.pdf', '--', '-b.pdf']), {
      kind: 'run',
      options: { files: ['a.pdf', '-b.pdf'], ubrn: '000000097366', verify: true, role: 'REFERRING_CLINICIAN_ADMIN', environment: null },
    });
    assert.deepEqual(parseUploadArgs(['-h']), { kind: 'help' });
  });

  it('calls a bad UBRN, role, option or no file a usage error', () => {
    for (const argv of [
      ['--ubrn', '12345678901', 'a.pdf'],
      ['--role', 'admin', 'a.pdf'],
      ['--role', 'GP', 'a.pdf'],
      ['--role', 'SERVICE_DEFINER', 'a.pdf'],
      ['--environment', 'a/b', 'a.pdf'],
      ['--colour', 'a.pdf'],
      ['--verify'],
    ]) {
      assert.equal(parseUploadArgs(argv).kind, 'usage-error', argv.join(' '));
    }
    for (const role of ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN']) {
      assert.equal(parseUploadArgs(['--role', role, 'a.pdf']).kind, 'run', role);
    }
  });
});
