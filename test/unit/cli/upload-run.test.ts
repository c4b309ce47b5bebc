// What the upload command prints for each file when it cannot send, against a
// scripted e-RS (A001 and A003 only): every file named gets one line, with its
// reason on that line.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runUpload, type UploadDeps } from '../../../electron/cli/upload-run.ts';
import type { UploadOptions } from '../../../electron/cli/upload-args.ts';
import type { ResolvedEnvironment } from '../../../electron/services/config/environment.ts';
import type { Transport, TransportRequest, TransportResponse } from '../../../electron/services/ers/transport.ts';
import { FileRegistry } from '../../../electron/services/files/index.ts';
import { ErsCancelledError } from '../../../electron/services/ers/errors.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const GOOD = join(FIXTURES, 'referral.pdf');
const BAD = join(FIXTURES, 'bloods.xlsx');
const GONE = join(FIXTURES, 'no-such-file.pdf');

/**
 * An e-RS that starts a session for a user holding `roles`, lets a role be
 * chosen, stores a file (A020) and ends the session; A006 waits until the call
 * is cancelled, after calling `onRetrieve`. Anything else is a test failure.
 */
function scriptedErs(roles: readonly string[], onRetrieve: () => void = () => {}) {
  const calls: string[] = [];
  const json = (status: number, value: unknown): TransportResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: new TextEncoder().encode(JSON.stringify(value)),
    truncated: null,
    bodySent: true,
  });
  const transport: Transport = {
    async request(req: TransportRequest): Promise<TransportResponse> {
      calls.push(`${req.method} ${req.url.pathname}`);
      if (req.method === 'POST' && req.url.pathname.endsWith('/v1/ProfessionalSession')) {
        return json(201, {
          id: 'pro-xapi-session_00000000-0000-4000-8000-000000000001',
          user: {
            identifier: '555020964101',
            firstName: 'Ann',
            lastName: 'Other',
            permissions: roles.map((businessFunction) => ({ businessFunction, orgIdentifier: 'R01', orgName: 'The Trust' })),
          },
          permission: null,
        });
      }
      if (req.method === 'PUT') {
        return json(200, {
          id: 'pro-xapi-session_00000000-0000-4000-8000-000000000002',
          user: { identifier: '555020964101', permissions: roles.map((businessFunction) => ({ businessFunction, orgIdentifier: 'R01' })) },
          permission: { businessFunction: roles[0], orgIdentifier: 'R01' },
        });
      }
      if (req.method === 'POST' && req.url.pathname.endsWith('/STU3/v1/Binary')) {
        return { status: 201, headers: { location: 'Binary/3aa88ad9-c312-434b-806f-40b44ace32a4' }, body: new Uint8Array(), truncated: null, bodySent: true };
      }
      if (req.method === 'GET') {
        onRetrieve();
        if (!req.signal?.aborted) await new Promise((resolve) => req.signal?.addEventListener('abort', resolve, { once: true }));
        throw new ErsCancelledError();
      }
      if (req.method === 'DELETE') return { status: 204, headers: {}, body: new Uint8Array(), truncated: null, bodySent: true };
      throw new Error(`unexpected ${req.method} ${req.url.pathname}`);
    },
    close() {},
  };
  const environment: ResolvedEnvironment = {
    name: 'dev3',
    isSandbox: false,
    production: false,
    configPath: '/config.json',
    transportOptions: { tls: { certificatePem: '', privateKeyPem: '', caCertificatesPem: [] } },
    connection: { baseUrl: 'https://ers.invalid/ers-api', asid: '999000000045', fqdn: 'test.example.nhs.uk', transport },
    identity: { method: 'sso-token' },
    credentialProvider: { kind: 'sso-token', obtainSsoToken: async () => 'AQIC5wM2LY4Sfcy-test-token' },
    sandbox: null,
    close: async () => {},
  };
  return { environment, calls };
}

async function run(
  files: string[],
  role: string | null,
  environment: UploadDeps['environment'],
  checkFile?: UploadDeps['checkFile'],
  signal = new AbortController().signal,
  verify = false,
) {
  const lines: string[] = [];
  const notes: string[] = [];
  const registry = new FileRegistry();
  const options: UploadOptions = { files, ubrn: null, verify, role, environment: null };
  const code = await runUpload(options, {
    environment,
    checkFile:
      checkFile ??
      (async (path) => {
        const r = await registry.registerPath(path);
        if (!r.ok) return { kind: 'unreadable', name: r.name, message: r.message };
        return { kind: 'checked', file: await registry.readAndCheck(r.file.id) };
      }),
    ssoToken: undefined,
    out: (l) => lines.push(l),
    note: (l) => notes.push(l),
    signal,
    rateLimiter: { acquire: async () => {} },
  });
  return { code, lines, notes };
}

describe('upload command: each file says why it was not sent', () => {
  it('a role the user does not hold: every file that could go says so, with the roles held; the session is still ended', async () => {
    const ers = scriptedErs(['REFERRING_CLINICIAN', 'SERVICE_DEFINER']);
    const { code, lines } = await run([GOOD, BAD, GOOD, GONE], 'SERVICE_PROVIDER_CLINICIAN', ers.environment);
    assert.equal(code, 1);
    const why = 'not sent: You do not have the role SERVICE_PROVIDER_CLINICIAN (your roles: REFERRING_CLINICIAN, SERVICE_DEFINER)';
    assert.deepEqual(lines, [
      `referral.pdf  ${why}`,
      'bloods.xlsx  rejected INAPPROPRIATE_VALUE: bloods.xlsx is an Excel spreadsheet. e-RS does not accept these: save it as a PDF and add it again',
      `referral.pdf  ${why}`,
      'no-such-file.pdf  not read: no-such-file.pdf could not be found. It may have been moved, renamed or deleted: find it and add it again',
    ]);
    assert.deepEqual(ers.calls, ['POST /ers-api/v1/ProfessionalSession', 'DELETE /ers-api/v1/ProfessionalSession/pro-xapi-session_00000000-0000-4000-8000-000000000001']);
  });

  it('no role that can upload: says so with the roles held', async () => {
    const ers = scriptedErs(['SERVICE_DEFINER']);
    const { code, lines } = await run([GOOD], null, ers.environment);
    assert.equal(code, 1);
    assert.deepEqual(lines, ['referral.pdf  not sent: None of your e-RS roles can upload attachments (your roles: SERVICE_DEFINER)']);
  });

  it('an environment that cannot be used: files are still checked, and each that could go says why not; nothing is sent', async () => {
    const ers = scriptedErs(['REFERRING_CLINICIAN']);
    const unusable = 'the configuration in /c/config.json cannot be used: environments.dev3.clientKey: file not found: /c/certs/endpoint.key';
    const { code, lines } = await run([GOOD, BAD, GONE], null, { unusable });
    assert.equal(code, 1);
    assert.deepEqual(lines.map((l) => l.replace(/  (rejected|not read)\b.*/, '  $1 ...')), [`referral.pdf  not sent: ${unusable}`, 'bloods.xlsx  rejected ...', 'no-such-file.pdf  not read ...']);
    assert.deepEqual(ers.calls, []);
  });

  it('after Ctrl-C, the files not reached are not read, and each says it was not sent', async () => {
    const ers = scriptedErs(['REFERRING_CLINICIAN']);
    const stop = new AbortController();
    stop.abort();
    const { code, lines, notes } = await run([GOOD, GONE], null, ers.environment, undefined, stop.signal);
    assert.equal(code, 1);
    assert.deepEqual(lines, ['referral.pdf  not sent: the upload was cancelled', 'no-such-file.pdf  not sent: the upload was cancelled']);
    assert.deepEqual(notes, ['Stopped: the upload was cancelled']);
    assert.deepEqual(ers.calls, []);
  });

  it('Ctrl-C while checking an uploaded file (--verify) still prints its e-RS id', async () => {
    const stop = new AbortController();
    const ers = scriptedErs(['REFERRING_CLINICIAN'], () => stop.abort());
    const { code, lines } = await run([GOOD, GOOD], null, ers.environment, undefined, stop.signal, true);
    assert.equal(code, 1);
    assert.deepEqual(lines, [
      'referral.pdf  uploaded 3aa88ad9-c312-434b-806f-40b44ace32a4  not verified: the check was cancelled',
      'referral.pdf  not sent: the upload was cancelled',
    ]);
    assert.equal(ers.calls.filter((c) => c.startsWith('DELETE')).length, 1, 'the session is ended');
  });

  it('a check that fails unexpectedly is that file\'s "not read", and the others carry on', async () => {
    const ers = scriptedErs(['REFERRING_CLINICIAN']);
    const { code, lines } = await run(['/x/odd.pdf', GONE], null, ers.environment, async (path) => {
      if (path === '/x/odd.pdf') throw new Error('EIO: i/o error, read');
      return { kind: 'unreadable', name: 'no-such-file.pdf', message: 'gone' };
    });
    assert.equal(code, 1);
    assert.deepEqual(lines, ['odd.pdf  not read: EIO: i/o error, read', 'no-such-file.pdf  not read: gone']);
  });
});

describe('upload command: pooled read buffers', () => {
  it('gives each checked file back once, after its upload (or its rejection), never before', async () => {
    const ers = scriptedErs(['REFERRING_CLINICIAN']);
    const registry = new FileRegistry();
    const events: string[] = [];
    const checkFile: UploadDeps['checkFile'] = async (path) => {
      const r = await registry.registerPath(path);
      if (!r.ok) return { kind: 'unreadable', name: r.name, message: r.message };
      const file = await registry.readAndCheck(r.file.id);
      const callsWhenChecked = ers.calls.length;
      return {
        kind: 'checked',
        file: {
          ...file,
          release() {
            // What e-RS had been sent by the time this file's buffer came back.
            events.push(`${file.name} released after ${ers.calls.slice(callsWhenChecked).join(', ') || 'nothing'}`);
            file.release();
          },
        },
      };
    };
    const { code } = await run([GOOD, BAD], null, ers.environment, checkFile);
    assert.equal(code, 1);
    assert.deepEqual(events, [
      'referral.pdf released after POST /ers-api/v1/ProfessionalSession, PUT /ers-api/v1/ProfessionalSession/pro-xapi-session_00000000-0000-4000-8000-000000000001, POST /ers-api/STU3/v1/Binary',
      'bloods.xlsx released after nothing',
    ]);
  });
});
