// Throwaway certificates for tests, made with the openssl CLI in a temp dir.
// EC P-256 keys: quick to generate, so each test file can make its own.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface TestPki {
  readonly dir: string;
  /** Trusted by both sides in the happy path. */
  readonly ca: KeyPair;
  /** Valid for 127.0.0.1 and localhost, signed by `ca`. */
  readonly server: KeyPair;
  /** CN=client.test, signed by `ca`. */
  readonly client: KeyPair;
  /** A CA nobody trusts, and certificates it signed. */
  readonly rogueCa: KeyPair;
  readonly rogueServer: KeyPair;
  readonly rogueClient: KeyPair;
  /** Signed by `ca` but for another host name. */
  readonly wrongNameServer: KeyPair;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function pair(dir: string, name: string): KeyPair {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { certPath, keyPath, certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
}

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function makeCa(dir: string, name: string): KeyPair {
  openssl(dir, [
    'req', '-x509', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2',
    '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return pair(dir, name);
}

function makeLeaf(dir: string, name: string, ca: string, cn: string, extensions: string): KeyPair {
  openssl(dir, ['req', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`,
  ]);
  return pair(dir, name);
}

const SERVER_EXT = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
const CLIENT_EXT = 'extendedKeyUsage=clientAuth\n';

/** An RSA "smartcard" certificate signed by `caName` (identity challenges are RSASSA-PKCS1-v1_5). */
export function makeRsaCard(pki: TestPki, name: string, caName: 'ca' | 'rogue-ca'): KeyPair {
  const { dir } = pki;
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=Test Card/serialNumber=555020964101`]);
  writeFileSync(join(dir, `${name}.ext`), CLIENT_EXT);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial',
    '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`,
  ]);
  return pair(dir, name);
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'ers-attach-pki-'));
  const ca = makeCa(dir, 'ca');
  const rogueCa = makeCa(dir, 'rogue-ca');
  return {
    dir,
    ca,
    server: makeLeaf(dir, 'server', 'ca', 'localhost', SERVER_EXT),
    client: makeLeaf(dir, 'client', 'ca', 'client.test', CLIENT_EXT),
    rogueCa,
    rogueServer: makeLeaf(dir, 'rogue-server', 'rogue-ca', 'localhost', SERVER_EXT),
    rogueClient: makeLeaf(dir, 'rogue-client', 'rogue-ca', 'client.test', CLIENT_EXT),
    wrongNameServer: makeLeaf(dir, 'wrong-name', 'ca', 'other.test', 'subjectAltName=DNS:other.test\n'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
