import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_ENTRY_URL, isAppUrl } from '../../../electron/main/app-origin.ts';
import { validateSender } from '../../../electron/main/security/validate-sender.ts';

describe('validateSender', () => {
  it('accepts the main frame of the app page', () => {
    assert.deepEqual(validateSender({ url: APP_ENTRY_URL, isMainFrame: true }), { ok: true });
    assert.deepEqual(validateSender({ url: 'app://ers-attach/', isMainFrame: true }), { ok: true });
    assert.deepEqual(validateSender({ url: 'app://ers-attach/index.html?x=1#queue', isMainFrame: true }), { ok: true });
  });

  const forged: [string, string][] = [
    ['a look-alike host', 'app://ers-attach.evil/index.html'],
    ['a host with our name as a prefix', 'app://ers-attachment/index.html'],
    ['https with our host', 'https://ers-attach/index.html'],
    ['http with our host', 'http://ers-attach/index.html'],
    ['file://', 'file:///C:/Users/gp/Downloads/evil.html'],
    ['file:// on Linux', 'file:///home/gp/evil.html'],
    ['about:blank', 'about:blank'],
    ['a data: URL', 'data:text/html,<script>ers.upload({})</script>'],
    ['credentials before our host', 'app://ers-attach@evil.example/index.html'],
    ['a user name on our host', 'app://user@ers-attach/index.html'],
    ['a port on our host', 'app://ers-attach:8080/index.html'],
    ['a trailing dot', 'app://ers-attach./index.html'],
    ['our host only in the path', 'app://evil/ers-attach/index.html'],
    ['no host', 'app:///ers-attach/index.html'],
    ['an opaque app: URL', 'app:ers-attach/index.html'],
    ['a malformed URL', 'app://ers attach/'],
    ['not a URL at all', 'ers-attach'],
    ['the empty string', ''],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['our origin as a string prefix of another', 'app://ers-attach%2e.evil/'],
  ];
  for (const [what, url] of forged) {
    it(`refuses ${what}: ${url}`, () => {
      const verdict = validateSender({ url, isMainFrame: true });
      assert.equal(verdict.ok, false);
      assert.equal(isAppUrl(url), false);
    });
  }

  it('refuses a subframe even on the app origin', () => {
    const verdict = validateSender({ url: APP_ENTRY_URL, isMainFrame: false });
    assert.deepEqual(verdict, { ok: false, reason: 'the sender is not the main frame' });
  });

  it('refuses a sender whose frame has gone', () => {
    assert.deepEqual(validateSender(null), { ok: false, reason: 'the sending frame no longer exists' });
  });

  it('refuses a frame that reports no URL (a frame that has not committed a page)', () => {
    assert.deepEqual(validateSender({ url: undefined, isMainFrame: true }), { ok: false, reason: 'the sender has no URL' });
  });
});
