// HTTPS with mutual TLS to e-RS (and to the identity service), over Node's `https`.
//
// Guarantees callers rely on:
// - The server certificate is always verified against the configured CAs and
//   the host name. There is no option to turn that off, and NODE_TLS_REJECT_UNAUTHORIZED
//   has no effect because rejectUnauthorized is always passed explicitly.
// - The promise settles exactly once: with a response, or with a typed ErsError.
// - Once a status line has arrived, that answer wins: a later socket error,
//   timeout, abort or size cap resolves with what was received and says why
//   the body is short (`truncated`), rather than hiding the server's reason.
// - `bodySent` says whether every byte of the request body was handed to the
//   network, so a caller knows whether an unanswered A020 might have been stored.

import https from 'node:https';
import tls from 'node:tls';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  ErsCancelledError,
  ErsConnectionSecurityError,
  ErsRetryableError,
  type ErrorContext,
  type ErsError,
} from './errors.ts';

export interface TlsMaterial {
  /** The endpoint (client) certificate, PEM; may be followed by intermediates. */
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The only CAs trusted for the server's certificate. */
  readonly caCertificatesPem: readonly string[];
}

export interface TransportOptions {
  readonly tls: TlsMaterial;
  /** From getting a socket to a finished TLS handshake. */
  readonly connectTimeoutMs?: number;
  /** The whole exchange, from the call to the last response byte. */
  readonly requestTimeoutMs?: number;
  /** Default cap on a response body. */
  readonly maxResponseBytes?: number;
  readonly maxSockets?: number;
}

export const TRANSPORT_DEFAULTS = {
  connectTimeoutMs: 15_000,
  // The APIM proxy's own I/O timeout towards e-RS is 180 s.
  requestTimeoutMs: 180_000,
  maxResponseBytes: 8 * 1024 * 1024,
  maxSockets: 4,
} as const;

/** Request bodies go out in chunks of this size, so progress is smooth and memory stays flat. */
export const UPLOAD_CHUNK_BYTES = 64 * 1024;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface UploadProgress {
  /** Bytes of the body handed to the network so far. */
  readonly sent: number;
  readonly total: number;
}

export interface TransportRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal;
  /** Starts again from 0 if a kept-alive socket was found closed and the request went out on a fresh one. */
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly maxResponseBytes?: number;
  readonly requestTimeoutMs?: number;
}

/** Why a response body ended early, after its status had arrived. */
export type Truncation = 'network' | 'request-timeout' | 'aborted' | 'too-large';

export interface TransportResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** null when the whole body arrived. */
  readonly truncated: Truncation | null;
  readonly bodySent: boolean;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Close idle sockets. In-flight requests carry on. */
  close(): void;
}

/** Fail at construction, not at the first upload, when the PEMs are unusable or do not belong together. */
function secureContextFrom(material: TlsMaterial): void {
  if (material.caCertificatesPem.length === 0) {
    throw new TypeError('At least one CA certificate is needed to verify the e-RS server');
  }
  tls.createSecureContext({
    cert: material.certificatePem,
    key: material.privateKeyPem,
    ca: [...material.caCertificatesPem],
  });
}

export function createTransport(options: TransportOptions): Transport {
  secureContextFrom(options.tls);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: options.maxSockets ?? TRANSPORT_DEFAULTS.maxSockets,
    cert: options.tls.certificatePem,
    key: options.tls.privateKeyPem,
    ca: [...options.tls.caCertificatesPem],
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
  });
  const limits = {
    connectTimeoutMs: options.connectTimeoutMs ?? TRANSPORT_DEFAULTS.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs ?? TRANSPORT_DEFAULTS.requestTimeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? TRANSPORT_DEFAULTS.maxResponseBytes,
  };

  return {
    async request(request) {
      if (request.url.protocol !== 'https:') throw new TypeError('e-RS requests must use https');
      checkHeaderValues(request.headers);
      const first = await exchange(agent, request, limits);
      if (first.ok) return first.response;
      // A kept-alive socket the server had already closed: the request cannot
      // have been acted on (it did not all arrive), so one fresh attempt is safe.
      if (first.staleSocket) {
        const second = await exchange(agent, request, limits);
        if (second.ok) return second.response;
        throw second.error;
      }
      throw first.error;
    },
    close() {
      agent.destroy();
    },
  };
}

/**
 * Node's http throws ERR_INVALID_CHAR synchronously for such values; callers
 * (fileNameHeaderValue, the session schemas) guarantee it cannot happen, so a
 * breach is a bug. The value is not quoted: it may be the session key.
 */
function checkHeaderValues(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[\t\x20-\x7e]*$/.test(value)) throw new TypeError(`The ${name} header holds characters HTTP cannot carry`);
  }
}

// ---------------------------------------------------------------- one exchange

type Outcome =
  | { readonly ok: true; readonly response: TransportResponse }
  | { readonly ok: false; readonly error: ErsError; readonly staleSocket: boolean };

interface Limits {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxResponseBytes: number;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);

function exchange(agent: https.Agent, request: TransportRequest, limits: Limits): Promise<Outcome> {
  const { signal } = request;
  if (signal?.aborted) {
    return Promise.resolve({ ok: false, error: new ErsCancelledError(), staleSocket: false });
  }
  const maxResponseBytes = request.maxResponseBytes ?? limits.maxResponseBytes;
  const body = request.body ?? null;
  const total = body?.byteLength ?? 0;

  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let requestTimer: NodeJS.Timeout | undefined;
    let bodySent = false;
    let reusedSocket = false;
    let status: number | null = null;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let received = 0;
    let connectTimer: NodeJS.Timeout | undefined;

    const context = (): ErrorContext => ({ status: null, transactionId: null, bodySent });

    const headersOut: Record<string, string> = { ...request.headers };
    if (body !== null) headersOut['Content-Length'] = String(total);

    const req: ClientRequest = https.request(request.url, {
      method: request.method,
      headers: headersOut,
      agent,
      rejectUnauthorized: true,
    });

    const cleanUp = (): void => {
      clearTimeout(requestTimer);
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
    };

    const fail = (error: ErsError, staleSocket = false): void => {
      if (settled) return;
      settled = true;
      cleanUp();
      req.destroy();
      resolve({ ok: false, error, staleSocket });
    };

    const answer = (truncated: Truncation | null): void => {
      if (settled || status === null) return;
      settled = true;
      cleanUp();
      // A socket whose request body is still going out (or whose answer was cut)
      // is in no state to be reused.
      if (truncated !== null || !bodySent) req.destroy();
      resolve({
        ok: true,
        response: { status, headers, body: new Uint8Array(Buffer.concat(chunks)), truncated, bodySent },
      });
    };

    /** Whatever ends the exchange early: after a status it truncates the answer, before it it fails. */
    const end = (truncated: Truncation, error: () => ErsError, staleSocket = false): void => {
      if (status !== null) answer(truncated);
      else fail(error(), staleSocket);
    };

    function onAbort(): void {
      end('aborted', () => new ErsCancelledError(context()));
    }

    requestTimer = setTimeout(() => {
      const seconds = Math.round(request.requestTimeoutMs ?? limits.requestTimeoutMs) / 1000;
      end(
        'request-timeout',
        () =>
          new ErsRetryableError(`e-RS did not answer within ${seconds} seconds`, 'request-timeout', context()),
      );
    }, request.requestTimeoutMs ?? limits.requestTimeoutMs);

    signal?.addEventListener('abort', onAbort, { once: true });

    // Never removed: a socket error after settling must not become an uncaught exception.
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale =
        reusedSocket && status === null && (IDEMPOTENT.has(request.method) || !bodySent) && isConnectionDrop(err);
      end('network', () => errorFromSocket(err, context()), stale);
    });

    req.on('socket', (socket) => {
      reusedSocket = req.reusedSocket;
      if (reusedSocket) return;
      connectTimer = setTimeout(() => {
        const seconds = limits.connectTimeoutMs / 1000;
        fail(new ErsRetryableError(`Could not connect to e-RS within ${seconds} seconds`, 'connect-timeout', context()));
      }, limits.connectTimeoutMs);
      socket.once('secureConnect', () => clearTimeout(connectTimer));
    });

    req.on('finish', () => {
      bodySent = true;
      if (total > 0) request.onProgress?.({ sent: total, total });
    });

    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      headers = flattenHeaders(res.headers);
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        answer('too-large');
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.byteLength;
        if (received > maxResponseBytes) {
          answer('too-large');
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => answer(null));
      res.on('error', () => answer('network'));
      res.on('close', () => {
        if (!res.complete) answer('network');
      });
    });

    sendBody(req, body, request.onProgress, () => settled);
  });
}

/** Write the body in chunks, waiting for 'drain' when the socket is full; report bytes as the socket takes them. */
function sendBody(
  req: ClientRequest,
  body: Uint8Array | null,
  onProgress: TransportRequest['onProgress'],
  settled: () => boolean,
): void {
  if (body === null || body.byteLength === 0) {
    req.end();
    return;
  }
  const total = body.byteLength;
  let offset = 0;
  let acknowledged = 0;
  const pump = (): void => {
    while (offset < total) {
      if (settled() || req.destroyed) return;
      const chunk = body.subarray(offset, Math.min(offset + UPLOAD_CHUNK_BYTES, total));
      offset += chunk.byteLength;
      const more = req.write(chunk, (err) => {
        if (err || settled()) return;
        acknowledged += chunk.byteLength;
        // The last chunk is reported on 'finish', once the request is complete.
        if (acknowledged < total) onProgress?.({ sent: acknowledged, total });
      });
      if (!more) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  pump();
}

// ---------------------------------------------------------------- socket errors

const CONNECTION_DROPS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function isConnectionDrop(err: NodeJS.ErrnoException): boolean {
  return err.code !== undefined && CONNECTION_DROPS.has(err.code);
}

/** OpenSSL's verification results for the server's certificate chain and name. */
const SERVER_CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** TLS alerts the server sends when it does not accept our client certificate. */
const CLIENT_CERT_ALERT = /ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE)/;

const NETWORK_MESSAGES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'e-RS refused the connection: check the network connection and try again',
  ENOTFOUND: 'The e-RS address could not be found: check the network connection (HSCN) and try again',
  EAI_AGAIN: 'The e-RS address could not be looked up: check the network connection and try again',
  ECONNRESET: 'The connection to e-RS was interrupted',
  EPIPE: 'The connection to e-RS was interrupted',
  ETIMEDOUT: 'The connection to e-RS timed out',
  ENETUNREACH: 'e-RS cannot be reached from this network',
  EHOSTUNREACH: 'e-RS cannot be reached from this network',
};

function errorFromSocket(err: NodeJS.ErrnoException, context: ErrorContext): ErsError {
  const code = err.code ?? null;
  if (code !== null && SERVER_CERT_CODES.has(code)) {
    return new ErsConnectionSecurityError(
      `The e-RS server's certificate is not trusted (${code}): the connection was stopped`,
      'server-certificate',
      code,
      err,
    );
  }
  if (code !== null && code.startsWith('ERR_SSL_')) {
    return CLIENT_CERT_ALERT.test(code)
      ? new ErsConnectionSecurityError(
          `e-RS did not accept this system's endpoint certificate (${code})`,
          'client-certificate',
          code,
          err,
        )
      : new ErsConnectionSecurityError(`The secure connection to e-RS failed (${code})`, 'handshake', code, err);
  }
  const message = (code !== null ? NETWORK_MESSAGES[code] : undefined) ?? 'The connection to e-RS failed';
  return new ErsRetryableError(code === null ? message : `${message} (${code})`, 'network', context, { cause: err });
}
