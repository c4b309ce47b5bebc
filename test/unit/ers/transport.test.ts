import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { makeTestPki, type TestPki } from './helpers/test-pki.ts';
import { clientTransport, readBody, startTlsServer, type TestServer } from './helpers/tls-server.ts';
import { createTransport, UPLOAD_CHUNK_BYTES, type UploadProgress } from '../../../electron/services/ers/transport.ts';
import {
  ErsCancelledError,
  ErsConnectionSecurityError,
  ErsError,
  ErsRetryableError,
} from '../../../electron/services/ers/errors.ts';

let pki: TestPki;
before(() => {
  pki = makeTestPki();
});
after(() => pki.remove());

const servers: TestServer[] = [];
async function serve(...args: Parameters<typeof startTlsServer> extends [unknown, ...infer R] ? R : never) {
  const server = await startTlsServer(pki, ...args);
  servers.push(server);
  return server;
}
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function bytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('mutual TLS', () => {
  it('presents the client certificate and verifies the server against the configured CA', async () => {
    const server = await serve((req, res) => {
      const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
      res.writeHead(201, { X_ERS_TRANSACTION_ID: 'abc-1', Location: 'Binary/x' });
      res.end(`hello ${peer.subject.CN}`);
    });
    const transport = clientTransport(pki);
    const response = await transport.request({ method: 'GET', url: server.url('/ers-api/x'), headers: {} });
    transport.close();
    assert.equal(response.status, 201);
    assert.equal(Buffer.from(response.body).toString(), 'hello client.test');
    assert.equal(response.headers['x_ers_transaction_id'], 'abc-1');
    assert.equal(response.headers['location'], 'Binary/x');
    assert.equal(response.truncated, null);
  });

  it('is refused by the server when the client certificate is not from its CA', async () => {
    let handled = 0;
    const server = await serve((_req, res) => {
      handled++;
      res.end();
    });
    const transport = createTransport({
      tls: { certificatePem: pki.rogueClient.certPem, privateKeyPem: pki.rogueClient.keyPem, caCertificatesPem: [pki.ca.certPem] },
    });
    await assert.rejects(transport.request({ method: 'GET', url: server.url('/'), headers: {} }), (err) => {
      assert.ok(err instanceof ErsError, `typed error, got ${String(err)}`);
      assert.equal(err.status, null);
      return true;
    });
    transport.close();
    assert.equal(handled, 0);
  });

  it('stops when the server certificate is from another CA, even with NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const server = await serve((_req, res) => res.end('should not get here'), { serverCert: pki.rogueServer });
    const before = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
    const transport = clientTransport(pki);
    try {
      await assert.rejects(transport.request({ method: 'GET', url: server.url('/'), headers: {} }), (err) => {
        assert.ok(err instanceof ErsConnectionSecurityError);
        assert.equal(err.side, 'server-certificate');
        assert.match(err.message, /not trusted/);
        return true;
      });
    } finally {
      if (before === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
      else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = before;
      transport.close();
    }
  });

  it('stops when the server certificate is for another host name', async () => {
    const server = await serve((_req, res) => res.end(), { serverCert: pki.wrongNameServer });
    const transport = clientTransport(pki);
    await assert.rejects(transport.request({ method: 'GET', url: server.url('/'), headers: {} }), (err) => {
      assert.ok(err instanceof ErsConnectionSecurityError);
      assert.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
      return true;
    });
    transport.close();
  });

  it('refuses to be built without a CA, or with a key that does not match the certificate', () => {
    assert.throws(
      () => createTransport({ tls: { certificatePem: pki.client.certPem, privateKeyPem: pki.client.keyPem, caCertificatesPem: [] } }),
      /CA certificate/,
    );
    assert.throws(() =>
      createTransport({ tls: { certificatePem: pki.client.certPem, privateKeyPem: pki.server.keyPem, caCertificatesPem: [pki.ca.certPem] } }),
    );
  });

  it('refuses plain http', async () => {
    const transport = clientTransport(pki);
    await assert.rejects(
      transport.request({ method: 'GET', url: new URL('http://127.0.0.1:1/'), headers: {} }),
      TypeError,
    );
    transport.close();
  });

  it('keeps the connection alive between requests', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const transport = clientTransport(pki);
    await transport.request({ method: 'GET', url: server.url('/a'), headers: {} });
    await transport.request({ method: 'POST', url: server.url('/b'), headers: {}, body: bytes(10) });
    transport.close();
    assert.equal(server.connections(), 1);
  });
});

describe('request body and progress', () => {
  it('sends the exact bytes with Content-Length, in chunks of at most 64 KiB, reporting progress to the total', async () => {
    let seen: { length: string | undefined; hash: string } | null = null;
    const server = await serve(async (req, res) => {
      const body = await readBody(req);
      seen = { length: req.headers['content-length'], hash: sha256(body) };
      res.writeHead(201).end();
    });
    const body = bytes(5 * UPLOAD_CHUNK_BYTES + 123);
    const progress: UploadProgress[] = [];
    const transport = clientTransport(pki);
    const response = await transport.request({
      method: 'POST',
      url: server.url('/up'),
      headers: { 'Content-Type': 'application/pdf' },
      body,
      onProgress: (p) => progress.push(p),
    });
    transport.close();
    assert.equal(response.status, 201);
    assert.equal(response.bodySent, true);
    assert.deepEqual(seen, { length: String(body.byteLength), hash: sha256(body) });
    assert.ok(progress.length >= 2, 'several progress reports');
    let last = 0;
    for (const p of progress) {
      assert.equal(p.total, body.byteLength);
      assert.ok(p.sent > last, 'progress only grows');
      assert.ok(p.sent - last <= UPLOAD_CHUNK_BYTES, 'at most one chunk per report');
      last = p.sent;
    }
    assert.equal(last, body.byteLength);
  });

  it('refuses header values HTTP cannot carry without naming the value', async () => {
    const transport = clientTransport(pki);
    await assert.rejects(
      transport.request({ method: 'GET', url: new URL('https://127.0.0.1:1/'), headers: { 'X-Name': 'Café\r\nX: y' } }),
      (err: Error) => err instanceof TypeError && /X-Name/.test(err.message) && !err.message.includes('Café'),
    );
    transport.close();
  });
});

describe('timeouts', () => {
  it('gives up connecting after connectTimeoutMs when the TLS handshake never happens', async () => {
    const silent = net.createServer(() => {});
    const sockets: net.Socket[] = [];
    silent.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const transport = clientTransport(pki, { connectTimeoutMs: 150 });
    const started = Date.now();
    await assert.rejects(
      transport.request({ method: 'POST', url: new URL(`https://127.0.0.1:${port}/`), headers: {}, body: bytes(10) }),
      (err) => {
        assert.ok(err instanceof ErsRetryableError);
        assert.equal(err.reason, 'connect-timeout');
        assert.equal(err.bodySent, false);
        assert.equal(err.outcomeUnknown, false);
        return true;
      },
    );
    assert.ok(Date.now() - started < 2000);
    transport.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('gives up after requestTimeoutMs when the server never answers, with the body known to be sent', async () => {
    const server = await serve(async (req) => {
      await readBody(req); // and never answer
    });
    const transport = clientTransport(pki, { requestTimeoutMs: 300 });
    await assert.rejects(
      transport.request({ method: 'POST', url: server.url('/'), headers: {}, body: bytes(1000) }),
      (err) => {
        assert.ok(err instanceof ErsRetryableError);
        assert.equal(err.reason, 'request-timeout');
        assert.equal(err.bodySent, true);
        assert.equal(err.outcomeUnknown, true);
        return true;
      },
    );
    transport.close();
  });

  it('keeps a status that arrived before the timeout, marking the body as cut short', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(422, { 'Content-Length': '100', 'Content-Type': 'application/fhir+json' });
      res.write('{"resourceType"'); // and stall
    });
    const transport = clientTransport(pki, { requestTimeoutMs: 300 });
    const response = await transport.request({ method: 'GET', url: server.url('/'), headers: {}, requestTimeoutMs: 300 });
    transport.close();
    assert.equal(response.status, 422);
    assert.equal(response.truncated, 'request-timeout');
    assert.equal(Buffer.from(response.body).toString(), '{"resourceType"');
  });
});

describe('cancellation', () => {
  it('sends nothing when the signal is already aborted', async () => {
    const server = await serve((_req, res) => res.end());
    const transport = clientTransport(pki);
    await assert.rejects(
      transport.request({ method: 'POST', url: server.url('/'), headers: {}, body: bytes(10), signal: AbortSignal.abort() }),
      ErsCancelledError,
    );
    transport.close();
    assert.equal(server.connections(), 0);
  });

  it('stops an upload in flight', async () => {
    const server = await serve((req) => {
      req.pause(); // read nothing, so the client fills its buffers and waits
    });
    const controller = new AbortController();
    const transport = clientTransport(pki);
    const pending = transport.request({
      method: 'POST',
      url: server.url('/'),
      headers: {},
      body: bytes(4 * 1024 * 1024),
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await assert.rejects(pending, (err) => {
      assert.ok(err instanceof ErsCancelledError);
      assert.equal(err.bodySent, false);
      return true;
    });
    transport.close();
  });
});

describe('socket failures', () => {
  it('settles once with a retryable error when the socket is reset mid-body', async () => {
    const server = await serve((req) => {
      let got = 0;
      req.on('data', (chunk: Buffer) => {
        got += chunk.byteLength;
        if (got >= UPLOAD_CHUNK_BYTES) req.socket.destroy();
      });
    });
    const transport = clientTransport(pki);
    await assert.rejects(
      transport.request({ method: 'POST', url: server.url('/'), headers: {}, body: bytes(4 * 1024 * 1024) }),
      (err) => {
        assert.ok(err instanceof ErsRetryableError);
        assert.equal(err.reason, 'network');
        assert.equal(err.status, null);
        assert.equal(err.bodySent, false);
        assert.equal(err.outcomeUnknown, false);
        assert.ok(err.cause instanceof Error);
        return true;
      },
    );
    transport.close();
  });

  it('lets a status that arrived before a reset win over the reset', async () => {
    const server = await serve((req, res) => {
      // Answer at once, without reading the 4 MiB body, then cut the connection.
      res.writeHead(422, { 'Content-Length': '1000', 'Content-Type': 'application/fhir+json', X_ERS_TRANSACTION_ID: 't-1' });
      res.write('{"resourceType":"Operation', () => setTimeout(() => req.socket.destroy(), 30));
    });
    const transport = clientTransport(pki);
    const response = await transport.request({ method: 'POST', url: server.url('/'), headers: {}, body: bytes(4 * 1024 * 1024) });
    transport.close();
    assert.equal(response.status, 422);
    assert.equal(response.headers['x_ers_transaction_id'], 't-1');
    assert.equal(response.truncated, 'network');
    assert.equal(response.bodySent, false);
  });

  it('retries once on a fresh socket when a kept-alive socket turns out to be closed', async () => {
    let requests = 0;
    const server = await serve(async (req, res) => {
      requests++;
      if (requests === 2) {
        req.socket.destroy(); // the second request on the first socket: as if the server had closed it
        return;
      }
      await readBody(req);
      res.end('ok');
    });
    const transport = clientTransport(pki);
    await transport.request({ method: 'GET', url: server.url('/1'), headers: {} });
    const response = await transport.request({ method: 'POST', url: server.url('/2'), headers: {}, body: bytes(2 * 1024 * 1024) });
    transport.close();
    assert.equal(response.status, 200);
    assert.equal(requests, 3);
    assert.equal(server.connections(), 2);
  });
});

describe('response size cap', () => {
  it('cuts a body that grows past the cap', async () => {
    const server = await serve((_req, res) => {
      res.write(Buffer.alloc(800, 1));
      res.end(Buffer.alloc(800, 2));
    });
    const transport = clientTransport(pki);
    const response = await transport.request({ method: 'GET', url: server.url('/'), headers: {}, maxResponseBytes: 1000 });
    transport.close();
    assert.equal(response.status, 200);
    assert.equal(response.truncated, 'too-large');
    assert.ok(response.body.byteLength <= 1000);
  });

  it('does not read a body whose declared length is over the cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '5000' });
      res.end(Buffer.alloc(5000));
    });
    const transport = clientTransport(pki);
    const response = await transport.request({ method: 'GET', url: server.url('/'), headers: {}, maxResponseBytes: 1000 });
    transport.close();
    assert.equal(response.truncated, 'too-large');
    assert.equal(response.body.byteLength, 0);
  });

  it('accepts a body of exactly the cap', async () => {
    const server = await serve((_req, res) => res.end(Buffer.alloc(1000, 3)));
    const transport = clientTransport(pki);
    const response = await transport.request({ method: 'GET', url: server.url('/'), headers: {}, maxResponseBytes: 1000 });
    transport.close();
    assert.equal(response.truncated, null);
    assert.equal(response.body.byteLength, 1000);
  });
});
