// A tiny mutual-TLS HTTPS server on 127.0.0.1 for transport and API tests.

import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TestPki, KeyPair } from './test-pki.ts';
import { createTransport, type Transport, type TransportOptions } from '../../../../electron/services/ers/transport.ts';

export interface TestServer {
  readonly origin: string;
  url(path: string): URL;
  /** TLS connections accepted (after the handshake). */
  readonly connections: () => number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function startTlsServer(
  pki: TestPki,
  handler: Handler,
  options: { serverCert?: KeyPair } = {},
): Promise<TestServer> {
  const cert = options.serverCert ?? pki.server;
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = https.createServer(
    { cert: cert.certPem, key: cert.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: true },
    handler,
  );
  server.on('secureConnection', () => connections++);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Tests provoke TLS failures on purpose.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `https://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => new URL(path, origin),
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export function clientTransport(pki: TestPki, options: Partial<TransportOptions> = {}): Transport {
  return createTransport({
    tls: { certificatePem: pki.client.certPem, privateKeyPem: pki.client.keyPem, caCertificatesPem: [pki.ca.certPem] },
    ...options,
  });
}

/** Read a request body fully. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
