// The sandbox's test PKI, generated at run time (no key or certificate is ever
// committed): a TLS CA with the server's and the supplier's endpoint certificates,
// and a separate "card CA" standing in for the NHS smartcard issuer, with one test
// card. RSA 2048 / SHA-256 throughout, as Spine endpoint certificates are.

// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

x509.cryptoProvider.set(webcrypto as ReturnType<typeof x509.cryptoProvider.get>);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export const SANDBOX_FQDN = 'ers-attach.sandbox.local';
/** The test card's user: the UID of the smartcard in the e-RS A001 example. */
export const TEST_CARD_USER = { id: '555020964101', name: 'SA Assurance GP-Card' } as const;

export interface SandboxPki {
  /** Issuer of the server and endpoint certificates; the only CA the server trusts for TLS clients. */
  readonly caCertPem: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** The supplier's endpoint certificate (CN = the FQDN), used for mutual TLS. */
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  /** Issuer of smartcard user certificates (trusted by the identity service only). */
  readonly cardCaCertPem: string;
  readonly testCard: { readonly certPem: string; readonly keyPem: string; readonly userId: string };
  /** Certifies a card key (e.g. one generated on a SoftHSM2 token) for a user; returns the certificate PEM. */
  issueCardCertificate(publicKeySpkiDer: Uint8Array, user: { id: string; name: string }): Promise<string>;
}

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

const HOUR = 3600_000;
const VALIDITY_MS = 365 * 24 * HOUR;

interface Authority {
  readonly cert: x509.X509Certificate;
  readonly key: CryptoKey;
}

const newKeys = (): Promise<CryptoKeyPair> => webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

async function keyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), RSA, true, ['sign']);
}

function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  // An hour's grace either side of "now" tolerates small clock differences.
  return { notBefore: new Date(now - HOUR), notAfter: new Date(now + VALIDITY_MS) };
}

async function createAuthority(name: string): Promise<Authority> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, key: keys.privateKey };
}

async function issue(
  ca: Authority,
  subject: string,
  publicKey: CryptoKey | x509.PublicKey,
  usage: { keyUsage: number; extendedKeyUsage: string[]; altNames?: x509.JsonGeneralNames },
): Promise<string> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage.keyUsage, true),
    new x509.ExtendedKeyUsageExtension(usage.extendedKeyUsage),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
  if (usage.altNames) extensions.push(new x509.SubjectAlternativeNameExtension(usage.altNames));
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.cert.subject,
    publicKey,
    signingKey: ca.key,
    ...validity(),
    extensions,
  });
  return cert.toString('pem');
}

/** X.500 attribute values are escaped so that a name like "Smith, Jo" cannot add attributes. */
const dnValue = (v: string): string => v.replace(/[\\,+="<>#;]/g, (c) => `\\${c}`);

function cardSubject(user: { id: string; name: string }): string {
  // Smartcard certificates identify the holder by their UID; we carry it in serialNumber (2.5.4.5).
  return `CN=${dnValue(user.name)}, 2.5.4.5=${dnValue(user.id)}, O=ers-attach sandbox`;
}

const CARD_USAGE = {
  keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
  extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
};

function cardIssuer(cardCa: Authority): SandboxPki['issueCardCertificate'] {
  return async (spkiDer, user) => issue(cardCa, cardSubject(user), new x509.PublicKey(spkiDer), CARD_USAGE);
}

/** Generates a complete new PKI (about a second of CPU: do it once per process and share it). */
export async function createSandboxPki(): Promise<SandboxPki> {
  const [ca, cardCa, serverKeys, clientKeys, cardKeys] = await Promise.all([
    createAuthority('CN=ers-attach sandbox test CA, O=ers-attach sandbox'),
    createAuthority('CN=ers-attach sandbox card CA, O=ers-attach sandbox'),
    newKeys(),
    newKeys(),
    newKeys(),
  ]);
  const serverCertPem = await issue(ca, 'CN=localhost, O=ers-attach sandbox', serverKeys.publicKey, {
    keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedKeyUsage: [x509.ExtendedKeyUsage.serverAuth],
    altNames: [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }],
  });
  const clientCertPem = await issue(ca, `CN=${SANDBOX_FQDN}, O=ers-attach sandbox`, clientKeys.publicKey, {
    keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
    altNames: [{ type: 'dns', value: SANDBOX_FQDN }],
  });
  const cardCertPem = await issue(cardCa, cardSubject(TEST_CARD_USER), cardKeys.publicKey, CARD_USAGE);
  return withCardCaKey({
    caCertPem: ca.cert.toString('pem'),
    serverCertPem,
    serverKeyPem: await keyPem(serverKeys.privateKey),
    clientCertPem,
    clientKeyPem: await keyPem(clientKeys.privateKey),
    cardCaCertPem: cardCa.cert.toString('pem'),
    testCard: { certPem: cardCertPem, keyPem: await keyPem(cardKeys.privateKey), userId: TEST_CARD_USER.id },
    issueCardCertificate: cardIssuer(cardCa),
  }, await keyPem(cardCa.key));
}

// The card CA's key must survive a save/load round trip (issueCardCertificate needs it) but is not
// part of the public SandboxPki shape: this module keeps it aside, keyed by the PKI object.
const cardCaKeys = new WeakMap<SandboxPki, string>();

function withCardCaKey(pki: SandboxPki, cardCaKeyPem: string): SandboxPki {
  cardCaKeys.set(pki, cardCaKeyPem);
  return pki;
}

/** The files a saved PKI consists of (PEM), named so a person can use them with curl. */
export const PKI_FILES = {
  caCertPem: 'ca.pem',
  serverCertPem: 'server.pem',
  serverKeyPem: 'server-key.pem',
  clientCertPem: 'client.pem',
  clientKeyPem: 'client-key.pem',
  cardCaCertPem: 'card-ca.pem',
  cardCaKeyPem: 'card-ca-key.pem',
  cardCertPem: 'card.pem',
  cardKeyPem: 'card-key.pem',
} as const;

type PkiFileKey = keyof typeof PKI_FILES;

/** Writes the PKI's PEM files into `dir` (created with owner-only access; keys are 0600). */
export async function savePki(pki: SandboxPki, dir: string): Promise<void> {
  const cardCaKey = cardCaKeys.get(pki);
  if (cardCaKey === undefined) throw new Error('This PKI was not created by createSandboxPki, so it cannot be saved');
  const contents: Record<PkiFileKey, string> = {
    caCertPem: pki.caCertPem,
    serverCertPem: pki.serverCertPem,
    serverKeyPem: pki.serverKeyPem,
    clientCertPem: pki.clientCertPem,
    clientKeyPem: pki.clientKeyPem,
    cardCaCertPem: pki.cardCaCertPem,
    cardCaKeyPem: cardCaKey,
    cardCertPem: pki.testCard.certPem,
    cardKeyPem: pki.testCard.keyPem,
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [key, file] of Object.entries(PKI_FILES) as Array<[PkiFileKey, string]>) {
    const path = join(dir, file);
    // Write then rename, so a reader never sees half a file.
    await writeFile(`${path}.tmp`, contents[key], { mode: 0o600 });
    await rename(`${path}.tmp`, path);
    if (!key.endsWith('KeyPem')) await chmod(path, 0o644);
  }
}

/** Reads a PKI saved by savePki; null if files are missing or any certificate is expired or about to expire. */
export async function loadPki(dir: string): Promise<SandboxPki | null> {
  const pems = {} as Record<PkiFileKey, string>;
  try {
    for (const [key, file] of Object.entries(PKI_FILES) as Array<[PkiFileKey, string]>) {
      pems[key] = await readFile(join(dir, file), 'utf8');
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const soon = Date.now() + 24 * HOUR;
  for (const pem of [pems.caCertPem, pems.serverCertPem, pems.clientCertPem, pems.cardCaCertPem, pems.cardCertPem]) {
    if (new Date(new X509Certificate(pem).validTo).getTime() < soon) return null;
  }
  const cardCa: Authority = { cert: new x509.X509Certificate(pems.cardCaCertPem), key: await importKeyPem(pems.cardCaKeyPem) };
  return withCardCaKey({
    caCertPem: pems.caCertPem,
    serverCertPem: pems.serverCertPem,
    serverKeyPem: pems.serverKeyPem,
    clientCertPem: pems.clientCertPem,
    clientKeyPem: pems.clientKeyPem,
    cardCaCertPem: pems.cardCaCertPem,
    testCard: { certPem: pems.cardCertPem, keyPem: pems.cardKeyPem, userId: TEST_CARD_USER.id },
    issueCardCertificate: cardIssuer(cardCa),
  }, pems.cardCaKeyPem);
}

/** The PKI saved in `dir`, or a new one (saved there) when there is none or it is expiring. */
export async function loadOrCreatePki(dir: string): Promise<SandboxPki> {
  const existing = await loadPki(dir);
  if (existing) return existing;
  const pki = await createSandboxPki();
  await savePki(pki, dir);
  return pki;
}
