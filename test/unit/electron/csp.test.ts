import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../../../electron/main/csp.ts';

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name === undefined || name === '') continue;
    assert.equal(map.has(name), false, `${name} appears once`);
    map.set(name, values);
  }
  return map;
}

describe('Content-Security-Policy', () => {
  it('is exactly the agreed policy', () => {
    assert.equal(
      CONTENT_SECURITY_POLICY,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('allows nothing by default and nothing inline, evaluated or remote', () => {
    const parsed = directives(CONTENT_SECURITY_POLICY);
    assert.deepEqual(parsed.get('default-src'), ["'none'"]);
    for (const [name, values] of parsed) {
      for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'file:', 'blob:']) {
        assert.equal(values.includes(forbidden), false, `${name} must not allow ${forbidden}`);
      }
    }
    assert.deepEqual(parsed.get('script-src'), ["'self'"]);
    assert.deepEqual(parsed.get('connect-src'), ["'self'"]);
    assert.deepEqual(parsed.get('frame-ancestors'), ["'none'"]);
  });

  it('is sent with the companion headers', () => {
    const headers = securityHeaders();
    assert.equal(headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
    assert.equal(headers['X-Content-Type-Options'], 'nosniff');
    assert.equal(headers['Referrer-Policy'], 'no-referrer');
  });
});
