// A deliberately minimal HTTPS client for the sandbox's own tests: raw `https.request`
// with the sandbox PKI, nothing from the app's client, so these tests judge the
// server alone. Also the shared test PKI and a session helper.

import { sign } from 'node:crypto';
import { request, type RequestOptions } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { createSandboxPki, type SandboxPki } from '../../../sandbox/pki.ts';
import type { Sandbox } from '../../../sandbox/server.ts';

let pki: Promise<SandboxPki> | undefined;
/** One PKI per test process: key generation is the slow part of these tests. */
export function sharedPki(): Promise<SandboxPki> {
  pki ??= createSandboxPki();
  return pki;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The body parsed as JSON (undefined when it is empty or not JSON). */
  readonly json: any;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Uint8Array | string;
  /** Client certificate and key; default the sandbox's endpoint certificate; null = none. */
  clientCert?: { certPem: string; keyPem: string } | null;
  timeoutMs?: number;
}

export function send(sandbox: Sandbox, req: RawRequest): Promise<RawResponse> {
  const url = new URL(sandbox.origin);
  const cert = req.clientCert === undefined ? { certPem: sandbox.pki.clientCertPem, keyPem: sandbox.pki.clientKeyPem } : req.clientCert;
  const options: RequestOptions = {
    host: url.hostname,
    port: url.port,
    method: req.method ?? 'GET',
    path: req.path,
    headers: req.headers,
    ca: sandbox.pki.caCertPem,
    agent: false,
    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
  };
  return new Promise((resolve, reject) => {
    const r = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = body.length ? JSON.parse(body.toString('utf8')) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    r.setTimeout(req.timeoutMs ?? 10_000, () => r.destroy(new Error('test client timeout')));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Signs in with a card (default: the test card) through the identity service; returns the SSO token. */
export async function ssoToken(sandbox: Sandbox, card = sandbox.pki.testCard): Promise<string> {
  const { json: c } = await send(sandbox, { method: 'POST', path: '/identity/challenge' });
  const signature = sign('sha256', Buffer.from(c.challenge, 'base64url'), card.keyPem).toString('base64');
  const res = await send(sandbox, {
    method: 'POST',
    path: '/identity/token',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ certificate: card.certPem, challenge: c.challenge, signature }),
  });
  if (res.status !== 200) throw new Error(`identity token: ${res.status} ${res.body}`);
  return res.json.token;
}

const TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';

export async function createSession(sandbox: Sandbox, token: string): Promise<RawResponse> {
  return send(sandbox, {
    method: 'POST',
    path: '/ers-api/v1/ProfessionalSession',
    headers: { XAPI_ASID: sandbox.asid, 'Content-Type': 'application/json' },
    body: JSON.stringify({ typeInfo: TYPE_INFO, token }),
  });
}

export async function selectRole(sandbox: Sandbox, key: string, businessFunction: string, orgIdentifier = 'R01'): Promise<RawResponse> {
  return send(sandbox, {
    method: 'PUT',
    path: `/ers-api/v1/ProfessionalSession/${key}`,
    headers: { XAPI_ASID: sandbox.asid, HTTP_X_SESSION_KEY: key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ typeInfo: TYPE_INFO, permission: { businessFunction, orgIdentifier } }),
  });
}

/** A usable session key: identity → A001 → A002 with `role`. */
export async function sessionKey(sandbox: Sandbox, role = 'REFERRING_CLINICIAN'): Promise<string> {
  const created = await createSession(sandbox, await ssoToken(sandbox));
  const key: string = created.json.id;
  const chosen = await selectRole(sandbox, key, role);
  if (chosen.status !== 200) throw new Error(`A002: ${chosen.status} ${chosen.body}`);
  return key;
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

/** A020 with sensible defaults (a small PDF named letter.pdf); `headers` override or add. */
export function upload(sandbox: Sandbox, key: string, opts: { body?: Uint8Array | string; headers?: Record<string, string | number>; path?: string } = {}): Promise<RawResponse> {
  return send(sandbox, {
    method: 'POST',
    path: opts.path ?? '/ers-api/STU3/v1/Binary',
    headers: {
      XAPI_ASID: sandbox.asid,
      HTTP_X_SESSION_KEY: key,
      'X-ERS-XAPI-META-FILE_NAME': 'letter.pdf',
      'Content-Type': 'application/pdf',
      Accept: 'application/fhir+json',
      ...opts.headers,
    },
    body: opts.body ?? PDF,
  });
}

/** Writes `head` (CRLF line ends, no trailing blank line) over a raw TLS socket; returns the status and the raw answer. */
export function rawHttp(sandbox: Sandbox, head: string): Promise<{ status: number; text: string }> {
  const url = new URL(sandbox.origin);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: url.hostname,
      port: Number(url.port),
      ca: sandbox.pki.caCertPem,
      cert: sandbox.pki.clientCertPem,
      key: sandbox.pki.clientKeyPem,
    }, () => socket.end(Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1')));
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw client timeout')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}
