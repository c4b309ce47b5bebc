// The browser preview's host: serves the built renderer and carries the IPC
// contract over HTTP to the real Backend, so the app can be shown and tested
// in an ordinary browser where Electron cannot run.
//
//   POST /api/op/<operation>  JSON body, validated with the contract's schema -> JSON answer
//   POST /api/files           raw bytes; name in X-File-Name (percent-encoded) -> AddFilesResult,
//                             or several files in one body (Content-Type application/vnd.ers-attach.files,
//                             framing in renderer/bridge/file-batch.ts) -> one AddFilesResult, in order
//   GET  /api/events          Server-Sent Events: `event: <EventName>` / `data: <json>`
//   GET  anything else        the built renderer (dist/renderer)
//
// Loopback only, and same-origin only: a request whose Host is not this
// server, or whose Origin is another site, is refused, so neither another web
// page nor a DNS-rebinding trick can drive the queue. files:add-dropped is not
// offered: the browser has no paths, and nothing here reads a path it is sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import {
  EVENT_NAMES,
  isOperationName,
  parseRequest,
  type EventName,
  type OperationName,
} from '../shared/ipc/contract.ts';
import { RENDERER_CSP } from '../renderer/content-security-policy.ts';
import { BackendError, type Backend } from '../electron/services/backend.ts';
import type { AddFilesResult } from '../shared/ipc/contract.ts';
import { FILE_BATCH_TYPE } from '../renderer/bridge/file-batch.ts';
import { decodeFileBatch, FileBatchError } from './file-batch.ts';

/** What the preview needs of the Backend. */
export type PreviewBackend = Pick<Backend, 'handlers' | 'on' | 'addBytes' | 'addManyBytes'>;

export interface PreviewServerOptions {
  readonly backend: PreviewBackend;
  /** The built renderer (vite build output). */
  readonly staticDir: string;
  /** 0 (the default) = any free port. */
  readonly port?: number;
  /** A loopback address; default 127.0.0.1. */
  readonly host?: string;
  /** One line per API request (method, path, status): never bodies. */
  readonly log?: (line: string) => void;
}

export interface PreviewServer {
  /** http://127.0.0.1:PORT/ */
  readonly url: string;
  close(): Promise<void>;
}

/** Bigger than any file e-RS accepts, so main (not this server) says what is wrong with a large file. */
export const MAX_FILE_BODY = 32 * 1024 * 1024;
/** A batch is at most about 16 MiB of files (the bridge sends a bigger file alone, as raw bytes), plus its manifest. */
export const MAX_BATCH_BODY = MAX_FILE_BODY + 1024 * 1024 + 16;
const MAX_JSON_BODY = 256 * 1024;
const HEARTBEAT_MS = 15_000;
const NOT_OFFERED: ReadonlySet<OperationName> = new Set(['files:add-dropped']);
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const STATIC_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`The preview only listens on loopback addresses, not ${host}`);
  const staticRoot = resolve(options.staticDir);
  const log = options.log ?? (() => {});
  const streams = new Set<ServerResponse>();
  let allowedHosts: ReadonlySet<string> = new Set();
  /** Settles when the batch that arrived last has been added (or failed). */
  let batchTurn: Promise<void> = Promise.resolve();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A BackendError's message is written for the person ("Sign in to e-RS before uploading.").
      const known = error instanceof HttpError ? error : error instanceof BackendError ? new HttpError(409, error.message) : null;
      const status = known?.status ?? 500;
      const message = known?.message ?? 'Something went wrong in the preview server';
      if (!known) log(`preview: ${req.method} ${pathOf(req)} failed: ${describe(error)}`);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkSameOrigin(req, allowedHosts);
    const path = pathOf(req);
    if (path.startsWith('/api/')) {
      await handleApi(req, res, path);
      log(`preview: ${req.method} ${path} ${res.statusCode}`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET is allowed here');
    await serveStatic(res, staticRoot, path, req.method === 'HEAD');
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/api/events') {
      if (req.method !== 'GET') throw new HttpError(405, 'Use GET for events');
      openEventStream(req, res);
      return;
    }
    if (req.method !== 'POST') throw new HttpError(405, 'Use POST');
    if (path === '/api/files') {
      if ((req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === FILE_BATCH_TYPE) {
        // Bodies are read side by side, but added one batch at a time in the order the requests arrived
        // (the bridge starts them in drop order), so main holds the files in the order they were dropped.
        const previous = batchTurn;
        let done = () => {};
        batchTurn = new Promise<void>((resolveTurn) => (done = resolveTurn));
        try {
          const body = await readBody(req, MAX_BATCH_BODY, 'The files are too big to add in one go');
          await previous;
          sendJson(res, 200, await addBatch(body));
        } finally {
          done();
        }
        return;
      }
      const name = fileNameFrom(req);
      const bytes = await readBody(req, MAX_FILE_BODY, `${name} is too big to add (the largest file e-RS accepts is 5MB)`);
      sendJson(res, 200, await options.backend.addBytes(name, bytes));
      return;
    }
    const opName = path.startsWith('/api/op/') ? decodeURIComponent(path.slice('/api/op/'.length)) : '';
    if (!isOperationName(opName) || NOT_OFFERED.has(opName)) throw new HttpError(404, `There is no operation called ${opName || path}`);
    const body = await readBody(req, MAX_JSON_BODY, 'The request is too big');
    sendJson(res, 200, await runOperation(opName, parseJson(body)));
  }

  /** Every file in a batch body, added as one drop: main keeps them in this order and checks them together. */
  async function addBatch(body: Uint8Array): Promise<AddFilesResult> {
    try {
      return await options.backend.addManyBytes(decodeFileBatch(body, MAX_FILE_BODY));
    } catch (error) {
      if (error instanceof FileBatchError) throw new HttpError(400, error.message);
      throw error;
    }
  }

  async function runOperation(name: OperationName, payload: unknown): Promise<unknown> {
    let request: unknown;
    try {
      request = parseRequest(name, payload);
    } catch (error) {
      if (error instanceof z.ZodError) throw new HttpError(400, `Bad request for ${name}: ${z.prettifyError(error)}`);
      throw error;
    }
    const handler = options.backend.handlers[name] as (request: unknown) => Promise<unknown>;
    return handler(request);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const send = (event: EventName, payload: unknown) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    };
    const unsubscribes = EVENT_NAMES.map((event) => options.backend.on(event, (payload) => send(event, payload)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    streams.add(res);
    const stop = () => {
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const names = host === '::1' ? ['[::1]'] : host === 'localhost' ? ['localhost', '127.0.0.1'] : ['127.0.0.1', 'localhost'];
  allowedHosts = new Set(names.map((name) => `${name}:${port}`));
  const urlHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${urlHost}:${port}/`,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const stream of streams) stream.end();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

/** Host must be this server; Origin (browsers send it on POST and on cross-site requests) must be too. */
function checkSameOrigin(req: IncomingMessage, allowedHosts: ReadonlySet<string>): void {
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) throw new HttpError(403, 'This server only answers its own pages');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) throw new HttpError(403, 'This server only answers its own pages');
  if (req.method === 'POST' && origin === undefined) throw new HttpError(403, 'This server only answers its own pages');
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'This server only answers its own pages');
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://preview.invalid').pathname;
}

function fileNameFrom(req: IncomingMessage): string {
  const raw = req.headers['x-file-name'];
  if (typeof raw !== 'string' || raw === '') throw new HttpError(400, 'X-File-Name is missing');
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'X-File-Name is not percent-encoded');
  }
}

async function readBody(req: IncomingMessage, limit: number, tooBig: string): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, tooBig);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.destroy();
      throw new HttpError(413, tooBig);
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks, size);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new HttpError(400, 'The request body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function serveStatic(res: ServerResponse, root: string, urlPath: string, headOnly: boolean): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, 'Bad path');
  }
  if (relative.includes('\0')) throw new HttpError(400, 'Bad path');
  let file = resolve(join(root, relative));
  if (file !== root && !file.startsWith(root + sep)) throw new HttpError(404, 'Not found');
  const info = await stat(file).catch(() => null);
  if (info?.isDirectory()) file = join(file, 'index.html');
  const type = STATIC_TYPES[extname(file)];
  const bytes = type ? await readFile(file).catch(() => null) : null;
  if (!type || !bytes) throw new HttpError(404, 'Not found');
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': bytes.length });
  res.end(headOnly ? undefined : bytes);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
