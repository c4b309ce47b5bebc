// Test setup: a real, throwaway SoftHSM2 token that behaves like a smartcard.
//
// Each card lives in its own temporary token directory with its own
// SOFTHSM2_CONF, so tests never touch the machine's tokens or each other's.
// The card gets an RSA 2048 key pair generated on the token (pkcs11-tool, so
// the private key never leaves it), a certificate for that key issued by
// whoever the test names (the sandbox's card CA), stored as CKO_CERTIFICATE
// with the key's CKA_ID, exactly as a smartcard holds it.
//
// SoftHSM2 has no PIN retry limit (it never locks), so `pinLimitModule` builds
// a small PKCS#11 module (softhsm-pin-limit.c) that forwards to SoftHSM2 and adds
// one, giving the lock-out behaviour of a real card.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { X509Certificate } from 'node:crypto';

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
];
const TOOLS = { softhsm2Util: 'softhsm2-util', pkcs11Tool: 'pkcs11-tool' } as const;

export interface SoftHsmInstall {
  readonly modulePath: string;
}

/**
 * Where SoftHSM2 is, or an error saying how to install it. The smartcard tests
 * call this first, so a machine without SoftHSM2 fails them loudly rather than
 * skipping them (CI installs it: scripts/install-test-packages.sh).
 */
export async function requireSoftHsm(): Promise<SoftHsmInstall> {
  const install =
    'The smartcard tests need SoftHSM2 and OpenSC. Install them with `sudo apt-get install softhsm2 opensc` ' +
    '(or run `bash scripts/install-test-packages.sh`), then run the tests again';
  const modulePath = [process.env['SOFTHSM2_MODULE'], ...MODULE_CANDIDATES].find((p) => p !== undefined && existsSync(p));
  if (modulePath === undefined) throw new Error(`libsofthsm2.so was not found. ${install}`);
  for (const tool of Object.values(TOOLS)) {
    try {
      await run(tool, ['--help'], {}, true);
    } catch {
      throw new Error(`${tool} was not found. ${install}`);
    }
  }
  return { modulePath };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, ignoreExit = false): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && (!ignoreExit || (err as NodeJS.ErrnoException).code === 'ENOENT')) {
        reject(new Error(`${command} ${args[0] ?? ''} failed: ${stderr || err.message}`));
      } else resolve(stdout);
    });
  });
}

export interface SoftHsmCardOptions {
  /** Certifies the card's public key (SubjectPublicKeyInfo DER); returns a PEM certificate. */
  readonly certify: (publicKeySpkiDer: Uint8Array) => Promise<string>;
  readonly label?: string;
  readonly userPin?: string;
  readonly soPin?: string;
  /** Where the card's folder is made (default: the system's temporary folder). */
  readonly parentDir?: string;
}

export interface SoftHsmCard {
  /** libsofthsm2.so: the PKCS#11 module to configure. */
  readonly modulePath: string;
  /** SOFTHSM2_CONF for this card; `insertIntoProcess` puts it in process.env (inherited by child processes). */
  readonly env: { readonly SOFTHSM2_CONF: string };
  readonly dir: string;
  readonly label: string;
  readonly serialNumber: string;
  readonly userPin: string;
  readonly soPin: string;
  /** The certificate stored on the card. */
  readonly certificatePem: string;
  /** Hex CKA_ID shared by the key pair and the certificate. */
  readonly keyId: string;
  /** Make this card's token directory the one SoftHSM2 uses in this process (and processes it starts). */
  insertIntoProcess(): void;
  /** "Take the card out" so it can go back in: move its token directory out of SoftHSM2's token directory. */
  takeOut(): Promise<void>;
  /** Put a card taken out back in (same token, same serial number). */
  putBack(): Promise<void>;
  /** Destroy the card's token (softhsm2-util --delete-token): gone for good. */
  deleteToken(): Promise<void>;
  /** Delete everything this card created. */
  dispose(): Promise<void>;
}

/** The serial number pkcs11-tool lists for the token labelled `label`. */
function serialOf(listing: string, label: string): string | null {
  for (const block of listing.split(/\n(?=Slot )/)) {
    const blockLabel = /token label\s*:\s*(.*)/.exec(block)?.[1]?.trim();
    if (blockLabel === label) return /serial num\s*:\s*(\S+)/.exec(block)?.[1] ?? null;
  }
  return null;
}

export async function createSoftHsmCard(install: SoftHsmInstall, options: SoftHsmCardOptions): Promise<SoftHsmCard> {
  const label = options.label ?? 'ers-attach test card';
  const userPin = options.userPin ?? '123456';
  const soPin = options.soPin ?? '87654321';
  const keyId = '01';
  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), 'ers-softhsm-'));
  const tokenDir = join(dir, 'tokens');
  const confPath = join(dir, 'softhsm2.conf');
  const env = { SOFTHSM2_CONF: confPath };
  const { modulePath } = install;
  try {
    await mkdir(tokenDir);
    // slots.removable: report the slots as removable-media readers, as smartcard readers are.
    await writeFile(confPath, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`);
    await run(TOOLS.softhsm2Util, ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', userPin], env);
    const p11 = ['--module', modulePath];
    await run(TOOLS.pkcs11Tool, [...p11, '--login', '--pin', userPin, '--keypairgen', '--key-type', 'rsa:2048', '--id', keyId, '--label', label], env);
    const publicKeyFile = join(dir, 'public.der');
    await run(TOOLS.pkcs11Tool, [...p11, '--read-object', '--type', 'pubkey', '--id', keyId, '--output-file', publicKeyFile], env);
    const certificatePem = await options.certify(new Uint8Array(await readFile(publicKeyFile)));
    const certificateFile = join(dir, 'certificate.der');
    await writeFile(certificateFile, new X509Certificate(certificatePem).raw);
    await run(TOOLS.pkcs11Tool, [...p11, '--login', '--pin', userPin, '--write-object', certificateFile, '--type', 'cert', '--id', keyId, '--label', label], env);
    const serialNumber = serialOf(await run(TOOLS.pkcs11Tool, [...p11, '--list-slots'], env), label);
    if (serialNumber === null) throw new Error(`The new SoftHSM2 token "${label}" is not listed by pkcs11-tool`);
    // SoftHSM2 keeps each token in one folder under the token directory.
    const [tokenFolder, extra] = await readdir(tokenDir);
    if (tokenFolder === undefined || extra !== undefined) throw new Error(`Expected one token folder in ${tokenDir}`);
    const outside = join(dir, 'out-of-reader');
    await mkdir(outside);

    return {
      modulePath,
      env,
      dir,
      label,
      serialNumber,
      userPin,
      soPin,
      certificatePem,
      keyId,
      insertIntoProcess() {
        process.env['SOFTHSM2_CONF'] = confPath;
      },
      async takeOut() {
        await rename(join(tokenDir, tokenFolder), join(outside, tokenFolder));
      },
      async putBack() {
        await rename(join(outside, tokenFolder), join(tokenDir, tokenFolder));
      },
      async deleteToken() {
        await run(TOOLS.softhsm2Util, ['--delete-token', '--serial', serialNumber], env);
      },
      async dispose() {
        if (process.env['SOFTHSM2_CONF'] === confPath) delete process.env['SOFTHSM2_CONF'];
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface PinLimitModule {
  /** The PKCS#11 module to configure: SoftHSM2 behind a PIN retry limit. */
  readonly modulePath: string;
  readonly maxTries: number;
  /** Set how many wrong PINs the card has seen in a row (maxTries = locked). */
  setWrongPins(count: number): Promise<void>;
  /** Leave CKF_USER_PIN_LOCKED out of the token flags, so only C_Login reports CKR_PIN_LOCKED (as some cards do). */
  hideLockFlag(hide: boolean): void;
  dispose(): Promise<void>;
}

/**
 * Compile softhsm-pin-limit.c (needs a C compiler: CI has one, since npm builds
 * pkcs11js) and point it at SoftHSM2 through this process's environment.
 */
export async function pinLimitModule(install: SoftHsmInstall, maxTries = 3): Promise<PinLimitModule> {
  const dir = await mkdtemp(join(tmpdir(), 'ers-pin-limit-'));
  const source = fileURLToPath(new URL('./softhsm-pin-limit.c', import.meta.url));
  const includes = fileURLToPath(new URL('../../node_modules/pkcs11js/includes', import.meta.url));
  const modulePath = join(dir, 'pin-limit.so');
  const stateFile = join(dir, 'wrong-pins');
  try {
    await run('cc', ['-shared', '-fPIC', '-O1', '-I', includes, '-o', modulePath, source, '-ldl'], {});
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Could not build the PIN-limit test module (a C compiler is needed: apt-get install build-essential): ${(err as Error).message}`);
  }
  process.env['PIN_LIMIT_REAL_MODULE'] = install.modulePath;
  process.env['PIN_LIMIT_STATE_FILE'] = stateFile;
  process.env['PIN_LIMIT_MAX'] = String(maxTries);
  const setWrongPins = (count: number): Promise<void> => writeFile(stateFile, `${count}\n`);
  await setWrongPins(0);
  return {
    modulePath,
    maxTries,
    setWrongPins,
    hideLockFlag(hide) {
      process.env['PIN_LIMIT_HIDE_LOCK'] = hide ? '1' : '0';
    },
    async dispose() {
      for (const name of ['PIN_LIMIT_REAL_MODULE', 'PIN_LIMIT_STATE_FILE', 'PIN_LIMIT_MAX', 'PIN_LIMIT_HIDE_LOCK']) delete process.env[name];
      await rm(dir, { recursive: true, force: true });
    },
  };
}
