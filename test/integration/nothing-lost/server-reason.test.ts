// "A reason the server gave wins over a later socket error", at the A020 level:
// once e-RS has answered, a connection that then breaks must not turn its answer
// into "no answer" (which would resend a stored file, or retry a refused one).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestPki, type TestPki } from '../../unit/ers/helpers/test-pki.ts';
import { clientTransport, startTlsServer, type Handler, type TestServer } from '../../unit/ers/helpers/tls-server.ts';
import { uploadBinary } from '../../../electron/services/ers/binary.ts';
import { ErsRetryableError } from '../../../electron/services/ers/errors.ts';
import { Secret } from '../../../electron/services/ers/secret.ts';
import type { ProfessionalSession } from '../../../electron/services/ers/session.ts';
import { classifyUploadError } from '../../../electron/services/queue/ers-attempt.ts';

let pki: TestPki;
const servers: TestServer[] = [];
before(() => {
  pki = makeTestPki();
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.remove();
});

async function uploadTo(handler: Handler, body = new Uint8Array(64 * 1024).fill(0x25)) {
  const server = await startTlsServer(pki, handler);
  servers.push(server);
  const transport = clientTransport(pki);
  const permission = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: null };
  const session: ProfessionalSession = {
    connection: { baseUrl: `${server.origin}/ers-api`, asid: '200000000220', fqdn: 'client.test', transport },
    key: new Secret('pro-xapi-session_k', 'session key'),
    token: new Secret('t', 'SSO token'),
    user: { identifier: 'u1', firstName: null, middleName: null, lastName: null },
    permissions: [permission],
    permission,
  };
  try {
    return await uploadBinary({ session, bytes: body, storedName: 'letter.pdf', mimeType: 'application/pdf' });
  } finally {
    transport.close();
  }
}

describe('the server\'s answer wins over a later socket error', () => {
  it('a 201 with its Location is an upload, even when the connection breaks in the body that follows', async () => {
    const result = await uploadTo((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { Location: 'Binary/4e1f5a2c-8d3b-4c1e-9f2a-0b6c7d8e9f10', X_ERS_TRANSACTION_ID: 'tx-7-1', 'Content-Length': '500' });
        res.write('{"resourceType":', () => setTimeout(() => req.socket.destroy(), 20));
      });
    });
    assert.equal(result.fileId, '4e1f5a2c-8d3b-4c1e-9f2a-0b6c7d8e9f10');
    assert.equal(result.transactionId, 'tx-7-1');
  });

  it('a 503 with Retry-After stays a 503 with its wait when the connection then resets mid-upload', async () => {
    const err = await uploadTo(
      (req, res) => {
        // Answer at once, without reading the upload, then cut the connection.
        res.writeHead(503, { 'Retry-After': '7', 'Content-Length': '300', 'Content-Type': 'application/fhir+json' });
        res.write('{"resourceType":"OperationOutcome"', () => setTimeout(() => req.socket.destroy(), 20));
      },
      new Uint8Array(4 * 1024 * 1024),
    ).then(
      () => assert.fail('a 503 is not an upload'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ErsRetryableError);
    assert.equal(err.status, 503);
    assert.equal(err.retryAfterMs, 7000);
    const failure = classifyUploadError(err, new AbortController().signal);
    assert.deepEqual([failure.kind, 'outcomeUnknown' in failure && failure.outcomeUnknown], ['retryable', false], 'a 503 means not stored: no duplicate flag');
  });
});
