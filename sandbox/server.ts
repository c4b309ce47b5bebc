// The e-RS sandbox: an in-process HTTPS server with mutual TLS that plays e-RS
// (A001-A003, A020, A006) and the smartcard identity service, with its own
// validation rules and per-test fault injection. It ships in the app as the
// default environment, so it is product code: small, strict and faithful.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { retrieveFile, uploadFile } from './binary.ts';
import { FaultInjector, type FaultKind, type SandboxFaults, type SandboxOperation } from './faults.ts';
import { BodyAbortedError, drainRest, header, outcomeReply, readBody, writeReply, type Body, type Reply } from './http.ts';
import { IdentityService } from './identity.ts';
import { createSandboxPki, SANDBOX_FQDN, type SandboxPki } from './pki.ts';
import { MAX_UPLOAD_BYTES } from './rules.ts';
import { SessionStore, type IssuedSession } from './sessions.ts';
import { FileStore, type SandboxStore } from './store.ts';

export type { SandboxPki } from './pki.ts';
export type { SandboxStore, StoredFile } from './store.ts';
export type { IssuedSession } from './sessions.ts';
export type { Fault, FaultKind, InjectedFault, RandomFaults, SandboxFaults, SandboxOperation } from './faults.ts';

/** The ASID the sandbox has "registered" for its endpoint certificate (the one in the A001 example). */
export const SANDBOX_ASID = '200000000220';

export interface SandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** 0 (the default) = any free port. */
  port?: number;
  /** 201 as e-RS answers today; 200 models the original 2019 A020 text. */
  successStatus?: 200 | 201;
  /** Share one PKI between sandboxes (generating one takes a moment). */
  pki?: SandboxPki;
}

export interface RecordedRequest {
  readonly method: string;
  /** As sent, including any query; a session key in the path (A002/A003) is redacted. */
  readonly path: string;
  /** Lower-case names; HTTP_X_SESSION_KEY's value is redacted. */
  readonly headers: Readonly<Record<string, string>>;
  readonly at: number;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  readonly origin: string;
  /** origin + '/ers-api' */
  readonly baseUrl: string;
  /** origin + '/identity' */
  readonly identityUrl: string;
  readonly pki: SandboxPki;
  readonly asid: string;
  /** The CN of the endpoint certificate, as XAPI_FQDN must carry it. */
  readonly fqdn: string;
  readonly store: SandboxStore;
  /** Every request that reached HTTP (including refused ones), in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Every session A001 created, with its key and SSO token (the last 1000), for tests that look for leaks. */
  readonly sessionsIssued: readonly IssuedSession[];
  readonly faults: SandboxFaults;
  close(): Promise<void>;
}

interface Call {
  readonly req: IncomingMessage;
  readonly params: readonly string[];
  readonly body: Body;
  readonly header: (name: string) => string | undefined;
}

interface Route {
  readonly op: SandboxOperation;
  readonly method: string;
  readonly pattern: RegExp;
  /** Most bytes of body worth reading; beyond that the route answers without reading more. */
  readonly bodyLimit: number;
  /** The handler itself answers an over-long body (A020: FILE_SIZE_ERROR); otherwise it is a 413. */
  readonly judgesSize?: true;
  readonly handle: (call: Call) => Reply;
}

const JSON_BODY_LIMIT = 64 * 1024;
const REDACTED = '[redacted]';

function record(req: IncomingMessage): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = name === 'http_x_session_key' ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  // A002/A003 carry the session key in the path too.
  const path = (req.url ?? '').replace(/(\/ProfessionalSession\/)[^/?#]+/i, `$1${REDACTED}`);
  return { method: req.method ?? '', path, headers, at: Date.now() };
}

function peerCommonName(req: IncomingMessage): string | undefined {
  const cn: unknown = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? String(cn[0]) : typeof cn === 'string' ? cn : undefined;
}

/** Checks every e-RS call makes before its own: the ASID, and XAPI_FQDN when sent. */
function ersHeaders(call: Call, asid: string): Reply | null {
  const sentAsid = call.header('XAPI_ASID');
  if (sentAsid === undefined || sentAsid === '') return outcomeReply(400, 'MISSING_HEADER', 'The XAPI_ASID header is missing');
  if (sentAsid !== asid) return outcomeReply(403, 'FORBIDDEN', `ASID ${sentAsid} is not registered for this endpoint`);
  // XAPI_FQDN left the documented A020 headers in 2019; a client that still sends it must send the right one.
  const fqdn = call.header('XAPI_FQDN');
  if (fqdn !== undefined && fqdn !== peerCommonName(call.req)) {
    return outcomeReply(403, 'FORBIDDEN', 'XAPI_FQDN does not match the endpoint certificate');
  }
  return null;
}

/** What an injected status fault answers. */
function statusFaultReply(fault: Extract<FaultKind, { kind: 'status' }>): Reply {
  const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  if (fault.status === 503) {
    const outcome = outcomeReply(503, 'SYSTEM_UNAVAILABLE');
    return { ...outcome, headers: { ...outcome.headers, ...headers } };
  }
  return { status: fault.status, headers };
}

/**
 * Reads the body; under a reset-mid-body fault, resets the connection once `afterBytes` have arrived (or at
 * the end of a shorter body). Null when the request is over: reset by us, or abandoned by the client.
 */
async function readBodyUnder(fault: FaultKind | undefined, req: IncomingMessage, limit: number): Promise<Body | null> {
  const resetAfter = fault?.kind === 'reset-mid-body' ? fault.afterBytes : null;
  try {
    if (resetAfter === 0) throw new BodyAbortedError('reset before the body');
    const body = await readBody(req, limit, (received) => (resetAfter !== null && received >= resetAfter ? 'stop' : undefined));
    if (resetAfter !== null) throw new BodyAbortedError('reset after the whole body');
    return body;
  } catch (err) {
    // A client that went away needs nothing more; anything else (our reset, a stream error) ends in a reset.
    if (resetAfter !== null || !(err instanceof BodyAbortedError)) resetConnection(req);
    return null;
  }
}

/** Hang up abruptly: a TCP reset where the platform allows it, else an ordinary destroy. */
function resetConnection(req: IncomingMessage): void {
  const socket = req.socket as TLSSocket & { resetAndDestroy?: () => void };
  try {
    socket.resetAndDestroy?.();
  } catch {
    // Not a plain TCP handle (TLS wraps it): fall through.
  }
  socket.destroy();
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const pki = options.pki ?? (await createSandboxPki());
  const successStatus = options.successStatus ?? 201;
  const identity = new IdentityService(pki.cardCaCertPem);
  const sessions = new SessionStore((token) => identity.userFor(token));
  const store = new FileStore();
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  const pendingDelays = new Set<() => void>();

  const ers = (handle: (call: Call) => Reply) => (call: Call): Reply => ersHeaders(call, SANDBOX_ASID) ?? handle(call);
  const routes: Route[] = [
    { op: 'identity-challenge', method: 'POST', pattern: /^\/identity\/challenge$/, bodyLimit: JSON_BODY_LIMIT, handle: () => identity.challenge() },
    { op: 'identity-token', method: 'POST', pattern: /^\/identity\/token$/, bodyLimit: JSON_BODY_LIMIT, handle: (c) => identity.token(c.body.bytes) },
    {
      op: 'A001', method: 'POST', pattern: /^\/ers-api\/[vV]1\/ProfessionalSession$/, bodyLimit: JSON_BODY_LIMIT,
      handle: ers((c) => sessions.create(c.body.bytes)),
    },
    {
      op: 'A002', method: 'PUT', pattern: /^\/ers-api\/[vV]1\/ProfessionalSession\/([^/]+)$/, bodyLimit: JSON_BODY_LIMIT,
      handle: ers((c) => sessions.selectRole(c.params[0]!, c.header('HTTP_X_SESSION_KEY'), c.body.bytes)),
    },
    {
      op: 'A003', method: 'DELETE', pattern: /^\/ers-api\/[vV]1\/ProfessionalSession\/([^/]+)$/, bodyLimit: JSON_BODY_LIMIT,
      handle: ers((c) => sessions.delete(c.params[0]!, c.header('HTTP_X_SESSION_KEY'))),
    },
    {
      // One byte past the limit is enough to know a file is too large.
      op: 'A020', method: 'POST', pattern: /^\/ers-api\/STU3\/[vV]1\/Binary$/, bodyLimit: MAX_UPLOAD_BYTES + 1, judgesSize: true,
      handle: ers((c) => uploadFile(c, sessions, store, successStatus)),
    },
    {
      op: 'A006', method: 'GET', pattern: /^\/ers-api\/STU3\/[vV]1\/Binary\/([^/]+)$/, bodyLimit: JSON_BODY_LIMIT,
      handle: ers((c) => retrieveFile(c, c.params[0]!, sessions, store)),
    },
  ];

  function match(method: string, pathname: string): { route: Route; params: string[] } | { reply: Reply } {
    const onPath = routes.filter((r) => r.pattern.test(pathname));
    const route = onPath.find((r) => r.method === method);
    if (route) {
      const params = route.pattern.exec(pathname)!.slice(1).map((p) => decodeURIComponent(p));
      return { route, params };
    }
    if (onPath.length > 0) {
      const reply = outcomeReply(405, 'INVALID_REQUEST_TYPE', `${method} is not allowed on ${pathname}`);
      return { reply: { ...reply, headers: { ...reply.headers, Allow: onPath.map((r) => r.method).join(', ') } } };
    }
    return { reply: outcomeReply(404, 'REFERENCE_NOT_FOUND', `No such endpoint: ${pathname}`) };
  }

  /** Waits `ms`, or less if the sandbox closes meanwhile. */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        pendingDelays.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      pendingDelays.add(wake);
    });
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = record(req);
    requests.push(recorded);
    const url = req.url ?? '/';
    let pathname: string;
    try {
      pathname = new URL(url, 'https://sandbox.invalid').pathname;
    } catch {
      pathname = url;
    }
    const found = match(req.method ?? '', pathname);
    if ('reply' in found) {
      writeReply(res, found.reply);
      drainRest(req);
      return;
    }
    const { route, params } = found;
    const fault = faults.take(route.op, recorded.path);

    if (fault?.kind === 'status') {
      writeReply(res, statusFaultReply(fault));
      drainRest(req);
      return;
    }
    if (fault?.kind === 'expire-session') sessions.expire(header(req, 'HTTP_X_SESSION_KEY') ?? params[0]);

    const body = await readBodyUnder(fault, req, route.bodyLimit);
    if (body === null) return;
    if (body.exceeded && !route.judgesSize) {
      writeReply(res, outcomeReply(413, 'INVALID_VALUE', `The request body is larger than ${route.bodyLimit} bytes`));
      drainRest(req);
      return;
    }

    if (fault?.kind === 'delay') {
      await sleep(fault.ms);
      if (req.socket.destroyed || res.writableEnded) return;
    }

    const reply = route.handle({ req, params, body, header: (name) => header(req, name) });

    if (fault?.kind === 'lose-answer') {
      resetConnection(req);
      return;
    }
    writeReply(res, reply);
    if (body.exceeded) drainRest(req);
  }

  const server = createServer(
    {
      key: pki.serverKeyPem,
      cert: pki.serverCertPem,
      ca: [pki.caCertPem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      serve(req, res).catch((err: unknown) => {
        // A bug in the sandbox: say so where its operator can see it, and answer 500 rather than hang.
        console.error('ers-attach sandbox: unexpected error', err);
        if (!res.headersSent) writeReply(res, { status: 500 });
        else res.destroy();
      });
    },
  );

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    origin,
    baseUrl: `${origin}/ers-api`,
    identityUrl: `${origin}/identity`,
    pki,
    asid: SANDBOX_ASID,
    fqdn: SANDBOX_FQDN,
    store,
    requests,
    sessionsIssued: sessions.issued,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of [...pendingDelays]) wake();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
