// Reading the configuration file: JSON, then its shape (schema.ts), then the
// PEM files it names, so a broken setup is reported once, completely, before
// anything connects. Relative paths are relative to the config file's folder.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkConfigShape, describeFound, ENVIRONMENT_NAME, SANDBOX_ENVIRONMENT, type EnvironmentEntry } from './schema.ts';
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

interface PairFiles {
  readonly certKey: string;
  readonly certFile: string;
  readonly keyKey: string;
  readonly keyFile: string;
}

async function loadPair(files: PairFiles, problems: string[], now: number) {
  const [certText, keyText] = await Promise.all([readText(files.certKey, files.certFile), readText(files.keyKey, files.keyFile)]);
  const certs = certText.ok ? certificates(files.certKey, files.certFile, certText.value, now) : certText;
  const key = keyText.ok ? privateKey(files.keyKey, files.keyFile, keyText.value) : keyText;
  if (!certs.ok) problems.push(certs.problem);
  if (!key.ok) problems.push(key.problem);
  if (!certs.ok || !key.ok || !certText.ok || !keyText.ok) return null;
  if (!certs.value[0]!.checkPrivateKey(key.value)) {
    problems.push(`${files.keyKey}: the key in ${files.keyFile} does not belong to the certificate in ${files.certFile}`);
    return null;
  }
  return { certificatePem: certText.value, privateKeyPem: keyText.value, leaf: certs.value[0]! };
}

async function loadEnvironment(name: string, entry: EnvironmentEntry, baseDir: string, now: number): Promise<EnvironmentSpec | string[]> {
  const problems: string[] = [];
  const at = (key: string) => `environments.${name}.${key}`;
  const file = (p: string) => resolve(baseDir, p);

  const client = await loadPair(
    { certKey: at('clientCertificate'), certFile: file(entry.clientCertificate), keyKey: at('clientKey'), keyFile: file(entry.clientKey) },
    problems,
    now,
  );
  if (client !== null) {
    const cn = commonName(client.leaf);
    if (cn !== null && cn.toLowerCase() !== entry.fqdn.toLowerCase()) {
      problems.push(`${at('fqdn')}: expected the common name of the endpoint certificate (${JSON.stringify(cn)}), found ${JSON.stringify(entry.fqdn)}`);
    }
  }

  const caPems: string[] = [];
  await Promise.all(
    entry.caCertificates.map(async (p, i) => {
      const key = at(`caCertificates[${i}]`);
      const text = await readText(key, file(p));
      const certs = text.ok ? certificates(key, file(p), text.value, now) : text;
      if (!certs.ok) problems.push(certs.problem);
      else if (text.ok) caPems[i] = text.value;
    }),
  );

  let identity: IdentitySpec | null = null;
  const id = entry.identity;
  if (id.method === 'test-card') {
    const card = await loadPair(
      { certKey: at('identity.certificate'), certFile: file(id.certificate), keyKey: at('identity.privateKey'), keyFile: file(id.privateKey) },
      problems,
      now,
    );
    if (card !== null) identity = { method: 'test-card', identityUrl: id.identityUrl, certificatePem: card.certificatePem, privateKeyPem: card.privateKeyPem };
  } else if (id.method === 'smartcard') {
    identity = { method: 'smartcard', identityUrl: id.identityUrl, pkcs11Module: file(id.pkcs11Module) };
  } else {
    identity = { method: 'sso-token' };
  }

  if (problems.length > 0 || client === null || identity === null) return problems;
  return {
    name,
    baseUrl: entry.baseUrl.replace(/\/+$/, ''),
    asid: entry.asid,
    fqdn: entry.fqdn,
    production: entry.production,
    tls: { certificatePem: client.certificatePem, privateKeyPem: client.privateKeyPem, caCertificatesPem: caPems },
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
  const shape = checkConfigShape(options.environment === undefined ? json : withEnvironment(json, options.environment));
  if (!shape.ok) throw new ConfigError(path, shape.problems);

  const name = shape.config.environment;
  if (name === SANDBOX_ENVIRONMENT) return { kind: 'sandbox', configPath: path };
  const entry = shape.config.environments?.[name];
  if (entry === undefined) throw new ConfigError(path, [`environment: ${JSON.stringify(name)} is not configured`]);
  const spec = await loadEnvironment(name, entry, dirname(path), options.now ?? Date.now());
  if (Array.isArray(spec)) throw new ConfigError(path, spec);
  return { kind: 'configured', configPath: path, spec };
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
