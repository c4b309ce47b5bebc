// Reading the configuration file: JSON, then its shape (schema.ts), then the
// PEM files it names, so a broken setup is reported once, completely, before
// anything connects. Relative paths are relative to the config file's folder.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  checkConfigShape,
  describeFound,
  ENVIRONMENT_NAME,
  SANDBOX_ENVIRONMENT,
  wellFormedPaths,
  type EnvironmentEntry,
  type EnvironmentPaths,
} from './schema.ts';
import { locateConfigFile, type PlaceFacts, currentPlace, CONFIG_ENV_VAR } from './locate.ts';
import type { TlsMaterial } from '../ers/transport.ts';

export type IdentitySpec =
  | { readonly method: 'smartcard'; readonly identityUrl: string; readonly pkcs11Module: string }
  | { readonly method: 'test-card'; readonly identityUrl: string; readonly certificatePem: string; readonly privateKeyPem: string }
  | { readonly method: 'sso-token' };

/** A real (configured) environment, with its PEM files read and checked. */
export interface EnvironmentSpec {
  readonly name: string;
  readonly baseUrl: string;
  readonly asid: string;
  readonly fqdn: string;
  readonly production: boolean;
  readonly tls: TlsMaterial;
  readonly identity: IdentitySpec;
  readonly timeouts: { readonly connectMs?: number; readonly requestMs?: number };
}

export type ChosenEnvironment =
  | { readonly kind: 'sandbox'; readonly configPath: string | null }
  | { readonly kind: 'configured'; readonly configPath: string; readonly spec: EnvironmentSpec };

export class ConfigError extends Error {
  readonly problems: readonly string[];
  readonly configPath: string | null;

  constructor(configPath: string | null, problems: readonly string[]) {
    const where = configPath === null ? 'The configuration' : `The configuration in ${configPath}`;
    super(`${where} cannot be used:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.configPath = configPath;
  }
}

// ---------------------------------------------------------------- PEM files

type Loaded<T> = { ok: true; value: T } | { ok: false; problem: string };

async function readText(key: string, file: string): Promise<Loaded<string>> {
  try {
    return { ok: true, value: await readFile(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: `${key}: file not found: ${file}` };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, problem: `${key}: cannot read ${file} (permission denied)` };
    if (code === 'EISDIR') return { ok: false, problem: `${key}: expected a file, found a folder: ${file}` };
    return { ok: false, problem: `${key}: cannot read ${file} (${code ?? 'error'})` };
  }
}

function certificates(key: string, file: string, text: string, now: number): Loaded<X509Certificate[]> {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return { ok: false, problem: `${key}: expected a PEM certificate, found none in ${file}` };
  const certs: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      return { ok: false, problem: `${key}: a certificate in ${file} cannot be read` };
    }
  }
  const leaf = certs[0]!;
  if (now > Date.parse(leaf.validTo)) return { ok: false, problem: `${key}: the certificate in ${file} expired on ${leaf.validTo}` };
  if (now < Date.parse(leaf.validFrom)) return { ok: false, problem: `${key}: the certificate in ${file} is not valid until ${leaf.validFrom}` };
  return { ok: true, value: certs };
}

function privateKey(key: string, file: string, text: string): Loaded<KeyObject> {
  if (/ENCRYPTED/.test(text)) {
    return { ok: false, problem: `${key}: the private key in ${file} is encrypted: ers-attach needs an unencrypted key file readable only by you` };
  }
  try {
    return { ok: true, value: createPrivateKey(text) };
  } catch {
    return { ok: false, problem: `${key}: expected a PEM private key, found something else in ${file}` };
  }
}

/** The certificate's subject CN (the FQDN for an endpoint certificate). */
function commonName(cert: X509Certificate): string | null {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line === undefined ? null : line.slice(3);
}

/** A certificate file and its key file; a file is null when its path is not well-formed (the schema reports that). */
interface PairFiles {
  readonly certKey: string;
  readonly certFile: string | null;
  readonly keyKey: string;
  readonly keyFile: string | null;
}

interface LoadedPair {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Checks each file that is named; the pair only when both load. `leaf` is the certificate's, whenever it loaded. */
async function loadPair(files: PairFiles, problems: string[], now: number): Promise<{ pair: LoadedPair | null; leaf: X509Certificate | null }> {
  const [certText, keyText] = await Promise.all([
    files.certFile === null ? null : readText(files.certKey, files.certFile),
    files.keyFile === null ? null : readText(files.keyKey, files.keyFile),
  ]);
  const certs = certText?.ok ? certificates(files.certKey, files.certFile!, certText.value, now) : certText;
  const key = keyText?.ok ? privateKey(files.keyKey, files.keyFile!, keyText.value) : keyText;
  if (certs?.ok === false) problems.push(certs.problem);
  if (key?.ok === false) problems.push(key.problem);
  const leaf = certs?.ok ? certs.value[0]! : null;
  if (!certs?.ok || !key?.ok || !certText?.ok || !keyText?.ok) return { pair: null, leaf };
  if (!certs.value[0]!.checkPrivateKey(key.value)) {
    problems.push(`${files.keyKey}: the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`);
    return { pair: null, leaf };
  }
  return { pair: { certificatePem: certText.value, privateKeyPem: keyText.value }, leaf };
}

/** A file that is used by path, not read here (a PKCS#11 module): it must be there. */
async function fileThere(key: string, file: string): Promise<string | null> {
  try {
    if (!(await stat(file)).isFile()) return `${key}: expected a file, found a folder: ${file}`;
    await access(file, constants.R_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${key}: file not found: ${file}`;
    if (code === 'EACCES' || code === 'EPERM') return `${key}: cannot read ${file} (permission denied)`;
    return `${key}: cannot read ${file} (${code ?? 'error'})`;
  }
}

/** What the files of one environment gave, with every problem they have. */
interface LoadedFiles {
  readonly problems: readonly string[];
  readonly client: LoadedPair | null;
  readonly caPems: readonly string[];
  readonly card: LoadedPair | null;
  readonly pkcs11Module: string | null;
}

/**
 * Checks every file the environment names whose path is well-formed, whatever
 * else is wrong with the entry, so all its problems are reported at once.
 */
async function loadFiles(name: string, paths: EnvironmentPaths, baseDir: string, now: number): Promise<LoadedFiles> {
  const problems: string[] = [];
  const at = (key: string) => `environments.${name}.${key}`;
  const file = (p: string | null) => (p === null ? null : resolve(baseDir, p));

  const client = await loadPair(
    { certKey: at('clientCertificate'), certFile: file(paths.clientCertificate), keyKey: at('clientKey'), keyFile: file(paths.clientKey) },
    problems,
    now,
  );
  const cn = client.leaf === null ? null : commonName(client.leaf);
  if (cn !== null && paths.fqdn !== null && cn.toLowerCase() !== paths.fqdn.toLowerCase()) {
    problems.push(`${at('fqdn')}: expected the common name of the endpoint certificate (${JSON.stringify(cn)}), found ${JSON.stringify(paths.fqdn)}`);
  }

  const cas = await Promise.all(
    paths.caCertificates.map(async (p, i) => {
      const key = at(`caCertificates[${i}]`);
      const path = file(p);
      if (path === null) return null;
      const text = await readText(key, path);
      return text.ok ? { pem: text.value, certs: certificates(key, path, text.value, now) } : { pem: null, certs: text };
    }),
  );
  const caPems: string[] = [];
  for (const ca of cas) {
    if (ca === null) continue;
    if (!ca.certs.ok) problems.push(ca.certs.problem);
    else if (ca.pem !== null) caPems.push(ca.pem);
  }

  let card: LoadedPair | null = null;
  let pkcs11Module: string | null = null;
  const id = paths.identity;
  if (id?.method === 'test-card') {
    const loaded = await loadPair(
      { certKey: at('identity.certificate'), certFile: file(id.certificate), keyKey: at('identity.privateKey'), keyFile: file(id.privateKey) },
      problems,
      now,
    );
    card = loaded.pair;
  } else if (id?.method === 'smartcard') {
    pkcs11Module = file(id.pkcs11Module);
    const problem = pkcs11Module === null ? null : await fileThere(at('identity.pkcs11Module'), pkcs11Module);
    if (problem !== null) problems.push(problem);
  }
  return { problems, client: client.pair, caPems, card, pkcs11Module };
}

/** The environment ready to use, from an entry that passed the schema and files that all loaded. */
function environmentSpec(name: string, entry: EnvironmentEntry, files: LoadedFiles): EnvironmentSpec {
  const id = entry.identity;
  const identity: IdentitySpec =
    id.method === 'test-card'
      ? { method: 'test-card', identityUrl: id.identityUrl, certificatePem: files.card!.certificatePem, privateKeyPem: files.card!.privateKeyPem }
      : id.method === 'smartcard'
        ? { method: 'smartcard', identityUrl: id.identityUrl, pkcs11Module: files.pkcs11Module! }
        : { method: 'sso-token' };
  return {
    name,
    baseUrl: entry.baseUrl.replace(/\/+$/, ''),
    asid: entry.asid,
    fqdn: entry.fqdn,
    production: entry.production,
    tls: { certificatePem: files.client!.certificatePem, privateKeyPem: files.client!.privateKeyPem, caCertificatesPem: files.caPems },
    identity,
    timeouts: {
      ...(entry.timeouts?.connectMs === undefined ? {} : { connectMs: entry.timeouts.connectMs }),
      ...(entry.timeouts?.requestMs === undefined ? {} : { requestMs: entry.timeouts.requestMs }),
    },
  };
}

// ---------------------------------------------------------------- the file

export interface ChooseOptions {
  readonly place?: PlaceFacts;
  /** Overrides the file's "environment" (e.g. the CLI's --environment). */
  readonly environment?: string;
  readonly now?: number;
}

/** The configuration file's JSON, or null when there is none at the default location (then: the built-in sandbox). */
async function readConfigJson(place: PlaceFacts): Promise<{ readonly path: string; readonly json: unknown } | { readonly path: null }> {
  const location = locateConfigFile(place);
  const path = resolve(location.path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !location.explicit) return { path: null };
    const why = code === 'ENOENT' ? `${CONFIG_ENV_VAR} names ${path}, which does not exist` : `cannot read ${path} (${code ?? 'error'})`;
    throw new ConfigError(path, [why]);
  }
  try {
    return { path, json: JSON.parse(text) };
  } catch (err) {
    throw new ConfigError(path, [`not valid JSON: ${(err as Error).message}`]);
  }
}

/**
 * Decide the environment: no config file means the built-in sandbox. Throws
 * ConfigError listing every problem found.
 */
export async function chooseEnvironment(options: ChooseOptions = {}): Promise<ChosenEnvironment> {
  const file = await readConfigJson(options.place ?? currentPlace());
  if (file.path === null) {
    if (options.environment !== undefined && options.environment !== SANDBOX_ENVIRONMENT) {
      const expected = resolve(locateConfigFile(options.place ?? currentPlace()).path);
      throw new ConfigError(null, [`environment: ${JSON.stringify(options.environment)} is not configured: there is no configuration file at ${expected}`]);
    }
    return { kind: 'sandbox', configPath: null };
  }
  const { path, json } = file;
  const effective = options.environment === undefined ? json : withEnvironment(json, options.environment);
  const shape = checkConfigShape(effective);
  // The chosen environment's files are checked even when the schema found problems, so that
  // every problem is reported at once, not one round of fixes at a time.
  const name = shape.ok ? shape.config.environment : rawString(effective, 'environment');
  const rawEntry = name !== null && name !== SANDBOX_ENVIRONMENT ? rawEnvironmentEntry(effective, name) : undefined;
  const files = name !== null && rawEntry !== undefined ? await loadFiles(name, wellFormedPaths(rawEntry), dirname(path), options.now ?? Date.now()) : null;
  if (!shape.ok || (files !== null && files.problems.length > 0)) {
    throw new ConfigError(path, [...(shape.ok ? [] : shape.problems), ...(files?.problems ?? [])]);
  }

  if (name === SANDBOX_ENVIRONMENT) return { kind: 'sandbox', configPath: path };
  const entry = shape.config.environments?.[shape.config.environment];
  if (entry === undefined || files === null) throw new ConfigError(path, [`environment: ${JSON.stringify(name)} is not configured`]);
  return { kind: 'configured', configPath: path, spec: environmentSpec(shape.config.environment, entry, files) };
}

function rawString(json: unknown, key: string): string | null {
  const value = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
}

/** environments[name] as written, when there is one. */
function rawEnvironmentEntry(json: unknown, name: string): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const environments = (json as Record<string, unknown>)['environments'];
  if (typeof environments !== 'object' || environments === null || Array.isArray(environments)) return undefined;
  return Object.hasOwn(environments, name) ? (environments as Record<string, unknown>)[name] : undefined;
}

/**
 * The name of the environment the configuration file chooses, read without
 * checking the rest of the file (an audit export must not depend on, say, a
 * certificate still being valid): SANDBOX_ENVIRONMENT when there is no file.
 * Throws ConfigError when the file cannot be read or names no environment.
 */
export async function configuredEnvironmentName(place: PlaceFacts = currentPlace()): Promise<{ readonly name: string; readonly configPath: string | null }> {
  const file = await readConfigJson(place);
  if (file.path === null) return { name: SANDBOX_ENVIRONMENT, configPath: null };
  const chosen = typeof file.json === 'object' && file.json !== null ? (file.json as Record<string, unknown>)['environment'] : undefined;
  if (typeof chosen !== 'string' || !ENVIRONMENT_NAME.test(chosen)) {
    throw new ConfigError(file.path, [`environment: expected the name of the environment to use, found ${describeFound(chosen)}`]);
  }
  return { name: chosen, configPath: file.path };
}

function withEnvironment(json: unknown, environment: string): unknown {
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? { ...json, environment } : json;
}
