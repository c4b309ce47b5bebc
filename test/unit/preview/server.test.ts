// The preview server against a small fake Backend: the HTTP API's shape, its
// validation, and its same-origin and loopback rules. (The e2e suite drives the
// real Backend through it.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { BackendError } from '../../../electron/services/backend.ts';
import { startPreviewServer, type PreviewBackend, type PreviewServer } from '../../../preview/server.ts';
import type { EventName, EventPayloads, FileId, MainHandlers, QueueItemView } from '../../../shared/ipc/contract.ts';
import { FILE_BATCH_TYPE, fileBatchHead } from '../../../renderer/bridge/file-batch.ts';

/** A several-files body as the preview bridge writes it. */
function batchBody(files: { name: string; bytes: number[] }[]): Uint8Array {
  const head = fileBatchHead(files.map((f) => ({ name: f.name, size: f.bytes.length })));
  return new Uint8Array([...head, ...files.flatMap((f) => f.bytes)]);
}

const view = (id: string, name: string): QueueItemView => ({
  id: id as FileId, name, storedName: name, nameChange: null, size: 3, typeLabel: 'a PDF', status: 'ready', problems: [],
  progress: null, ersFileId: null, error: null, possibleDuplicate: false, sameContentAs: null, ubrn: null, attempts: 0,
});

function fakeBackend() {
  const calls: { op: string; request: unknown }[] = [];
  const listeners = new Set<(payload: EventPayloads['queue:changed']) => void>();
  const added: { name: string; bytes: number[] }[] = [];
  const handler = (op: string) => async (request: unknown) => {
    calls.push({ op, request });
    if (op === 'queue:retry') throw new BackendError('That file is no longer in the list.');
    if (op === 'queue:cancel') throw new Error('ECONNRESET at https://127.0.0.1:1/ers-api with key pro-xapi-session_x');
    return { items: [] };
  };
  const handlers = new Proxy({} as MainHandlers, { get: (_t, op: string) => handler(op) });
  const backend: PreviewBackend = {
    handlers,
    on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
      if (event !== 'queue:changed') return () => {};
      const l = listener as (payload: EventPayloads['queue:changed']) => void;
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async addBytes(name, bytes) {
      added.push({ name, bytes: [...bytes] });
      return { added: [view('f_aaaaaaaaaa', name)], refused: [] };
    },
    async addManyBytes(files) {
      added.push(...files.map(({ name, bytes }) => ({ name, bytes: [...bytes] })));
      return { added: files.map(({ name }, i) => view(`f_aaaaaaaaa${i}`, name)), refused: [] };
    },
  };
  return { backend, calls, added, listeners };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so Host and Origin can be set as a hostile page or a rebinding DNS name would. */
function send(url: string, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Uint8Array }): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

// A file beside the build directory that a path-traversal request would reach.
const SECRET = `ers-preview-secret-${process.pid}.txt`;

describe('preview server', () => {
  let dir: string;
  let server: PreviewServer;
  let fake: ReturnType<typeof fakeBackend>;
  let origin: string;
  let host: string;
  const json = (extra: Record<string, string> = {}) => ({ 'Content-Type': 'application/json', Origin: origin, Host: host, ...extra });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ers-preview-test-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(dir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, '..', `${SECRET}`), 'secret');
    fake = fakeBackend();
    server = await startPreviewServer({ backend: fake.backend, staticDir: dir });
    origin = server.url.replace(/\/$/, '');
    host = new URL(server.url).host;
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(join(dir, '..', SECRET), { force: true });
  });

  it('listens on 127.0.0.1 and serves the built page with the CSP and no-sniff headers', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await send(server.url, { path: '/', headers: { Host: host } });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'; style-src 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    const js = await send(server.url, { path: '/assets/app.js', headers: { Host: host } });
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  });

  it('never serves a file outside the build', async () => {
    for (const path of [`/../${SECRET}`, `/%2e%2e/${SECRET}`, `/assets/%2e%2e%2f%2e%2e%2f${SECRET}`]) {
      const reply = await send(server.url, { path, headers: { Host: host } });
      assert.equal(reply.status, 404, path);
      assert.ok(!reply.body.includes('secret'), path);
    }
  });

  it('runs an operation with a validated request', async () => {
    const reply = await send(server.url, { method: 'POST', path: '/api/op/queue:upload', headers: json(), body: JSON.stringify({ ubrn: '000040001234' }) });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { items: [] });
    assert.deepEqual(fake.calls.at(-1), { op: 'queue:upload', request: { ubrn: '000040001234' } });
  });

  it('refuses a bad request with 400 naming the field, and never calls the backend', async () => {
    const before = fake.calls.length;
    for (const body of [JSON.stringify({ ubrn: '123' }), JSON.stringify({ ids: ['/etc/passwd'] }), JSON.stringify({ extra: 1 }), 'not json']) {
      const reply = await send(server.url, { method: 'POST', path: '/api/op/queue:upload', headers: json(), body });
      assert.equal(reply.status, 400, body);
      assert.equal(typeof JSON.parse(reply.body).error, 'string');
    }
    const path = await send(server.url, { method: 'POST', path: '/api/op/queue:remove', headers: json(), body: JSON.stringify({ id: 'C:\\Users\\x\\letter.pdf' }) });
    assert.equal(path.status, 400);
    assert.match(JSON.parse(path.body).error, /not a file id/);
    assert.equal(fake.calls.length, before);
  });

  it("passes a BackendError's message on for the person, and hides any other error's details", async () => {
    const id = JSON.stringify({ id: 'f_aaaaaaaaaa' });
    const known = await send(server.url, { method: 'POST', path: '/api/op/queue:retry', headers: json(), body: id });
    assert.equal(known.status, 409);
    assert.deepEqual(JSON.parse(known.body), { error: 'That file is no longer in the list.' });
    const unknown = await send(server.url, { method: 'POST', path: '/api/op/queue:cancel', headers: json(), body: id });
    assert.equal(unknown.status, 500);
    assert.deepEqual(JSON.parse(unknown.body), { error: 'Something went wrong in the preview server' });
  });

  it('does not offer files:add-dropped (the browser has no paths) or unknown operations', async () => {
    const before = fake.calls.length;
    const body = JSON.stringify({ items: [{ path: '/etc/passwd', name: 'passwd' }] });
    for (const op of ['files:add-dropped', 'nope', '__proto__', 'constructor']) {
      const reply = await send(server.url, { method: 'POST', path: `/api/op/${op}`, headers: json(), body });
      assert.equal(reply.status, 404, op);
    }
    assert.equal(fake.calls.length, before);
  });

  it('adds a file from its bytes with the percent-encoded name', async () => {
    const name = 'Dr O’Brien – referral.pdf';
    const reply = await send(server.url, {
      method: 'POST',
      path: '/api/files',
      headers: { Origin: origin, Host: host, 'Content-Type': 'application/octet-stream', 'X-File-Name': encodeURIComponent(name) },
      body: new Uint8Array([37, 80, 68]),
    });
    assert.equal(reply.status, 200);
    assert.equal(JSON.parse(reply.body).added[0].name, name);
    assert.deepEqual(fake.added.at(-1), { name, bytes: [37, 80, 68] });
    const bad = await send(server.url, { method: 'POST', path: '/api/files', headers: { Origin: origin, Host: host, 'X-File-Name': '%E0%A4%A' }, body: 'x' });
    assert.equal(bad.status, 400);
  });

  it('adds several files from one batch body, in order, each with exactly its own bytes', async () => {
    const before = fake.added.length;
    const files = [
      { name: 'Dr O’Brien – referral.pdf', bytes: [37, 80, 68, 70] },
      { name: 'empty.txt', bytes: [] },
      { name: 'b.txt', bytes: [10, 0, 255] },
    ];
    const reply = await send(server.url, {
      method: 'POST',
      path: '/api/files',
      headers: { Origin: origin, Host: host, 'Content-Type': FILE_BATCH_TYPE },
      body: batchBody(files),
    });
    assert.equal(reply.status, 200, reply.body);
    assert.deepEqual(JSON.parse(reply.body).added.map((a: QueueItemView) => a.name), files.map((f) => f.name));
    assert.deepEqual(fake.added.slice(before), files);
  });

  it('adds batches that arrive together one at a time, in the order they arrived', async () => {
    const before = fake.added.length;
    const first = fake.backend.addManyBytes;
    let release = () => {};
    const firstMayFinish = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    fake.backend.addManyBytes = async (files) => {
      // The first batch is slow in main; the second must wait for it rather than overtake it.
      if (calls++ === 0) await firstMayFinish;
      return first(files);
    };
    try {
      const post = (name: string) =>
        send(server.url, {
          method: 'POST',
          path: '/api/files',
          headers: { Origin: origin, Host: host, 'Content-Type': FILE_BATCH_TYPE },
          body: batchBody([{ name, bytes: [1] }]),
        });
      const one = post('one.pdf');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const two = post('two.pdf');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(fake.added.length, before, 'the second batch waits for the first');
      release();
      assert.deepEqual([(await one).status, (await two).status], [200, 200]);
      assert.deepEqual(fake.added.slice(before).map((f) => f.name), ['one.pdf', 'two.pdf']);
    } finally {
      fake.backend.addManyBytes = first;
    }
  });

  it('refuses a batch body whose framing does not add up, adding none of its files', async () => {
    const before = fake.added.length;
    const good = batchBody([{ name: 'a.pdf', bytes: [1, 2, 3] }]);
    const manifest = (json: string) => new Uint8Array([...new TextEncoder().encode(`${new TextEncoder().encode(json).length}\n${json}`), 1, 2, 3]);
    const bad: Record<string, Uint8Array> = {
      'a byte too few': good.subarray(0, good.length - 1),
      'a byte too many': new Uint8Array([...good, 9]),
      'no length line': new TextEncoder().encode('{"files":[]}'),
      'a length past the end': new TextEncoder().encode('999\n{}'),
      'a non-numeric length': new TextEncoder().encode('+3\n{}'),
      'not JSON': manifest('{files:1}'),
      'no files': manifest('{"files":[]}'),
      'a negative size': manifest('{"files":[{"name":"a.pdf","size":-3}]}'),
      'an empty name': manifest('{"files":[{"name":"","size":3}]}'),
      'an extra field': manifest('{"files":[{"name":"a.pdf","size":3,"path":"/etc/passwd"}]}'),
    };
    for (const [what, body] of Object.entries(bad)) {
      const reply = await send(server.url, { method: 'POST', path: '/api/files', headers: { Origin: origin, Host: host, 'Content-Type': FILE_BATCH_TYPE }, body });
      assert.equal(reply.status, 400, what);
      assert.equal(typeof JSON.parse(reply.body).error, 'string', what);
    }
    assert.equal(fake.added.length, before);
  });

  it('refuses other origins, a foreign Host (DNS rebinding) and a POST without Origin', async () => {
    const body = JSON.stringify({});
    const cases: Record<string, string>[] = [
      { Origin: 'http://evil.example', Host: host },
      { Origin: origin, Host: `evil.example:${new URL(server.url).port}` },
      { Host: host },
      { Origin: origin, Host: host, 'Sec-Fetch-Site': 'cross-site' },
    ];
    const before = fake.calls.length;
    for (const headers of cases) {
      const reply = await send(server.url, { method: 'POST', path: '/api/op/queue:snapshot', headers: { 'Content-Type': 'application/json', ...headers }, body });
      assert.equal(reply.status, 403, JSON.stringify(headers));
    }
    const page = await send(server.url, { path: '/', headers: { Host: 'evil.example' } });
    assert.equal(page.status, 403);
    assert.equal(fake.calls.length, before);
  });

  it('streams backend events as Server-Sent Events and unsubscribes when the page goes', async () => {
    const { hostname, port } = new URL(server.url);
    const received = await new Promise<string>((resolve, reject) => {
      const req = request({ host: hostname, port, path: '/api/events', headers: { Host: host } }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (/event: queue:changed\ndata: .*\n\n/.test(text)) {
            req.destroy();
            resolve(text);
          }
        });
        // The stream is open once the headers are here: now the backend speaks.
        for (const listener of fake.listeners) listener({ items: [view('f_bbbbbbbbbb', 'a.pdf')], removed: [] });
      });
      req.on('error', reject);
      req.end();
    });
    assert.match(received, /^retry: 1000\n\n/);
    const match = /event: queue:changed\ndata: (.*)\n\n/.exec(received);
    assert.equal(JSON.parse(match?.[1] ?? 'null').items[0].id, 'f_bbbbbbbbbb');
    for (let i = 0; i < 50 && fake.listeners.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fake.listeners.size, 0);
  });

  it('will not listen on a non-loopback address', async () => {
    await assert.rejects(startPreviewServer({ backend: fake.backend, staticDir: dir, host: '0.0.0.0' }), /loopback/);
  });
});
