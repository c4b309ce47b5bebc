// Small HTTP plumbing for the sandbox: bounded body reading, header access, replies.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { FHIR_JSON, operationOutcome, type OutcomeCode } from './operation-outcome.ts';

/** What a route answers; the server writes it (or, under a fault, does not). */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function outcomeReply(status: number, code: OutcomeCode, diagnostics?: string): Reply {
  return { status, headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(operationOutcome(code, diagnostics)) };
}

export interface Body {
  /** False when the request carried no body at all (neither Content-Length nor Transfer-Encoding). */
  readonly present: boolean;
  /** Everything read, at most `limit` bytes. */
  readonly bytes: Buffer;
  /** True when the body was longer than `limit`: reading stopped there, the rest is unread. */
  readonly exceeded: boolean;
  readonly declaredLength: number | null;
}

export class BodyAbortedError extends Error {}

/**
 * Reads a request body, keeping at most `limit` bytes in memory: once more arrive,
 * reading stops (the stream is paused) and `exceeded` is set.
 * `onProgress` sees the running total and may return 'stop' to abandon the read.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  onProgress?: (received: number) => 'stop' | void,
): Promise<Body> {
  const declared = req.headers['content-length'];
  const declaredLength = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : null;
  const present = declared !== undefined || req.headers['transfer-encoding'] !== undefined;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let received = 0;
    const done = (result: Body | Error): void => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (onProgress?.(received) === 'stop') return done(new BodyAbortedError('stopped by the server'));
      const room = limit - kept;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      kept += Math.min(chunk.length, room);
      if (received > limit) {
        req.pause();
        done({ present, bytes: Buffer.concat(chunks), exceeded: true, declaredLength });
      }
    };
    const onEnd = (): void => done({ present, bytes: Buffer.concat(chunks), exceeded: false, declaredLength });
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(new BodyAbortedError('the client went away before the body ended'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** Largest amount of an unread body we discard after answering, so a client still writing can read our reply. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_LIMIT_MS = 30_000;

/**
 * After answering early (auth failure, over-size body, injected status), read and discard the rest of the body
 * so the client can finish writing and see the answer instead of a reset; but only up to a bound, then hang up.
 */
export function drainRest(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let drained = 0;
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.resume();
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
  // RFC 9110: no Content-Length on a 204.
  const length: Record<string, string> = reply.status === 204 ? {} : { 'Content-Length': String(body.length) };
  res.writeHead(reply.status, { ...reply.headers, ...length });
  res.end(body);
}

/** A header's value (names are case-insensitive: Node lower-cases them); repeated headers are joined with ", ". */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Node hands header bytes over as latin1 characters. A client that sent UTF-8 meant UTF-8:
 * decode it as such when the bytes are valid UTF-8, so characters are counted honestly;
 * otherwise keep the latin1 reading.
 */
export function decodeHeaderText(latin1: string): string {
  if (!/[\u0080-\u00ff]/.test(latin1)) return latin1;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}
