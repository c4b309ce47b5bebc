// Figure 1: upload N files of about 4 MB to the sandbox, one after another,
// by our client (registry read + check, A020 through uploadBinary, mutual TLS,
// a real session) and by curl sending the same bytes with the same headers.
//
// curl runs as ONE process making all N requests (`--next` between them) over
// one kept-alive connection, as our transport's agent does. That is the
// stronger baseline: a process per file would add N process starts and N TLS
// handshakes to curl's time and flatter us.

import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeUploadCorpus, type CorpusFile } from '../corpus/build.ts';
import { checkAndUpload, onFreshTransport, signIn } from '../lib/client-path.ts';
import { judgedOnRatio, type BenchContext, type FigureResult } from '../lib/figure.ts';
import { runCommand } from '../lib/proc.ts';
import { openSandboxHost, type SandboxLink } from '../lib/sandbox-link.ts';
import type { BenchPki, SandboxEndpoint, SeenUpload, StoredSummary } from '../lib/sandbox-messages.ts';
import { pairedRatios, summarise } from '../lib/stats.ts';

const SESSION_HEADER = 'http_x_session_key';
/** Headers each HTTP client sets for itself; every other header must be the same from both. */
const TRANSPORT_HEADERS = new Set(['host', 'content-length', 'connection', 'user-agent', 'expect', 'transfer-encoding']);

/** A curl config value in double quotes (curl's -K syntax: backslash escapes). */
const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

async function writeTlsFiles(dir: string, pki: BenchPki): Promise<{ cert: string; key: string; ca: string }> {
  const files = { cert: join(dir, 'client.pem'), key: join(dir, 'client.key'), ca: join(dir, 'ca.pem') };
  await writeFile(files.cert, pki.clientCertPem, { mode: 0o600 });
  await writeFile(files.key, pki.clientKeyPem, { mode: 0o600 });
  await writeFile(files.ca, pki.caCertPem, { mode: 0o600 });
  return files;
}

/** The A020 headers our client sent (from the sandbox's record), minus the ones each client sets itself. */
function applicationHeaders(seen: SeenUpload): [string, string][] {
  return Object.entries(seen.headers).filter(([name]) => !TRANSPORT_HEADERS.has(name));
}

/**
 * A curl config for all the files, one transfer each, in a file only we can
 * read (it holds the session key, which must not appear on a command line).
 */
async function writeCurlConfig(
  dir: string,
  endpoint: SandboxEndpoint,
  tls: { cert: string; key: string; ca: string },
  files: readonly CorpusFile[],
  headers: readonly [string, string][][],
  sessionKey: string,
): Promise<string> {
  const url = `${endpoint.baseUrl}/STU3/v1/Binary`;
  const transfers = files.map((file, i) => {
    const lines = [
      `url = ${quoted(url)}`,
      `cert = ${quoted(tls.cert)}`,
      `key = ${quoted(tls.key)}`,
      `cacert = ${quoted(tls.ca)}`,
      // curl would otherwise wait for "100 Continue" on bodies over 1 MB, a round trip our client does not make.
      `header = ${quoted('Expect:')}`,
      ...headers[i]!.map(([name, value]) => `header = ${quoted(`${name}: ${name === SESSION_HEADER ? sessionKey : value}`)}`),
      `data-binary = ${quoted(`@${file.path}`)}`,
      `output = ${quoted('/dev/null')}`,
      `write-out = ${quoted('%{http_code} %{num_connects}\\n')}`,
    ];
    return lines.join('\n');
  });
  const path = join(dir, 'curl.conf');
  await writeFile(path, `silent\nshow-error\n${transfers.join('\nnext\n')}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return path;
}

interface Round {
  readonly oursMs: number;
  readonly curlMs: number;
  readonly curlConnections: number;
}

/** Every file must have arrived twice, byte for byte, with the same name and type from both clients. */
function checkStored(stored: readonly StoredSummary[], files: readonly CorpusFile[], seen: readonly SeenUpload[]): void {
  if (stored.length !== 2 * files.length) throw new Error(`the sandbox stored ${stored.length} files, not ${2 * files.length}`);
  const ours = stored.slice(0, files.length);
  const theirs = stored.slice(files.length);
  const key = (f: StoredSummary) => `${f.name}|${f.mimeType}|${f.size}|${f.sha256}`;
  const a = ours.map(key).sort().join('\n');
  const b = theirs.map(key).sort().join('\n');
  if (a !== b) throw new Error('curl and our client did not store the same files');
  const shape = (s: SeenUpload) => JSON.stringify(applicationHeaders(s).filter(([n]) => n !== SESSION_HEADER).sort());
  const first = seen.slice(0, files.length).map(shape).sort();
  const second = seen.slice(files.length).map(shape).sort();
  if (first.join('\n') !== second.join('\n')) throw new Error('curl and our client did not send the same headers');
}

async function round(
  link: SandboxLink,
  ctx: BenchContext,
  files: readonly CorpusFile[],
  tls: { cert: string; key: string; ca: string },
  headers: readonly [string, string][][],
  oursFirst: boolean,
): Promise<Round> {
  const endpoint = await link.start();
  const session = await signIn(endpoint, link.pki);
  session.connection.transport.close();
  const paths = files.map((f) => f.path);

  const runOurs = async (): Promise<number> => {
    const fresh = onFreshTransport(session, link.pki);
    const started = performance.now();
    await checkAndUpload(fresh.session, paths);
    const ms = performance.now() - started;
    fresh.transport.close();
    return ms;
  };
  const runCurl = async (): Promise<{ ms: number; connections: number }> => {
    const config = await writeCurlConfig(ctx.workDir, endpoint, tls, files, headers, session.key.reveal());
    const result = await runCommand('curl', ['-K', config], { timeoutMs: 120_000 });
    const lines = result.stdout.trim().split('\n');
    const codes = lines.map((l) => l.split(' ')[0]);
    if (result.code !== 0 || codes.length !== files.length || codes.some((c) => c !== '201')) {
      throw new Error(`curl failed (exit ${result.code}, statuses ${codes.join(',')}): ${result.stderr.trim()}`);
    }
    const connections = lines.reduce((n, l) => n + Number(l.split(' ')[1] ?? 0), 0);
    return { ms: result.wallMs, connections };
  };

  let oursMs: number;
  let curl: { ms: number; connections: number };
  if (oursFirst) {
    oursMs = await runOurs();
    curl = await runCurl();
  } else {
    curl = await runCurl();
    oursMs = await runOurs();
  }
  const { stored, uploads } = await link.stop();
  // The sandbox lists in arrival order; put ours first either way.
  const n = files.length;
  const oursThenCurl = <T>(list: readonly T[]): T[] => (oursFirst ? [...list] : [...list.slice(n), ...list.slice(0, n)]);
  checkStored(oursThenCurl(stored), files, oursThenCurl(uploads));
  return { oursMs, curlMs: curl.ms, curlConnections: curl.connections };
}

/** Our client's A020 headers for each file, learned by uploading them once to a throw-away sandbox. */
async function learnHeaders(link: SandboxLink, files: readonly CorpusFile[]): Promise<[string, string][][]> {
  const endpoint = await link.start();
  const session = await signIn(endpoint, link.pki);
  await checkAndUpload(session, files.map((f) => f.path));
  session.connection.transport.close();
  const { uploads } = await link.stop();
  if (uploads.length !== files.length) throw new Error(`the sandbox saw ${uploads.length} uploads, not ${files.length}`);
  return uploads.map(applicationHeaders);
}

export async function benchUpload(ctx: BenchContext): Promise<FigureResult> {
  const count = ctx.files ?? (ctx.quick ? 4 : 20);
  const size = ctx.quick ? 1_000_000 : 4_000_000;
  const files = await writeUploadCorpus(join(ctx.workDir, 'files'), count, size);
  const link = await openSandboxHost();
  try {
    const tls = await writeTlsFiles(ctx.workDir, link.pki);
    const headers = await learnHeaders(link, files);
    const curlVersion = (await runCommand('curl', ['--version'], { timeoutMs: 10_000 })).stdout.split(' ')[1] ?? '';
    const ours: number[] = [];
    const curl: number[] = [];
    const connections: number[] = [];
    // Warm-up rounds (not counted), then alternate who goes first.
    for (let i = -ctx.warmups; i < ctx.runs; i++) {
      const r = await round(link, ctx, files, tls, headers, i % 2 !== 0);
      ctx.log(`upload: run ${i < 0 ? 'warm-up' : i + 1}: ours ${r.oursMs.toFixed(0)} ms, curl ${r.curlMs.toFixed(0)} ms`);
      if (i < 0) continue;
      ours.push(r.oursMs);
      curl.push(r.curlMs);
      connections.push(r.curlConnections);
    }
    const ratio = pairedRatios(ours, curl);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    return {
      id: 'upload',
      title: `Upload ${count} files of about ${size / 1_000_000} MB`,
      ours: { label: 'ers-attach: registry read + check, A020 via uploadBinary (mutual TLS, session)', unit: 'ms', summary: summarise(ours) },
      baseline: { label: `curl ${curlVersion}: one process, one transfer per file (--next), same bytes and headers`, unit: 'ms', summary: summarise(curl) },
      ...judgedOnRatio(ratio, 'ours / curl wall time', 1.0),
      details: {
        files: count,
        totalBytes: bytes,
        types: [...new Set(files.map((f) => f.name.split('.').pop()))],
        order: 'sequential (one file after another) for both',
        curlConnectionsPerRun: connections,
        fairness: [
          'the sandbox runs in its own process for both clients',
          'each run of ours uses a new transport, so it makes its own TLS handshake, as curl does',
          'curl is sent "Expect:" so it does not wait for 100 Continue (our client does not)',
          'ours is timed in-process (the app is already running); curl from spawn to exit',
          'the sandbox checked that both stored the same bytes, names and types, and saw the same headers',
        ],
      },
    };
  } finally {
    await link.close();
  }
}
