// Loading a PKCS#11 module (the card middleware) through pkcs11js.
//
// pkcs11js is a Node-API addon: one build loads in Node and in Electron's main
// process. It is required lazily, so an app whose addon failed to build still
// starts and says what is wrong when someone tries to use a card.
//
// Each use runs between C_Initialize and C_Finalize. Some modules (SoftHSM2)
// only notice tokens that appeared or vanished at C_Initialize, so a fresh
// initialisation per sign-in sees the card that is inserted now. Uses are
// serialised: PKCS#11 initialisation is per process, so two overlapping uses
// would finalise each other. The module stays loaded once loaded: unloading
// middleware that started its own threads (PC/SC) is a known way to crash.

import { createRequire } from 'node:module';
import { stat } from 'node:fs/promises';
import type * as Pkcs11Js from 'pkcs11js';
import { SmartcardError, pkcs11CodeOf } from './smartcard-errors.ts';

export type Pkcs11Binding = typeof Pkcs11Js;
export type Pkcs11 = Pkcs11Js.PKCS11;

let binding: Pkcs11Binding | null = null;

/** The pkcs11js addon, or a SmartcardError saying it is not built. */
export function loadBinding(): Pkcs11Binding {
  if (binding !== null) return binding;
  try {
    binding = createRequire(import.meta.url)('pkcs11js') as Pkcs11Binding;
    return binding;
  } catch (err) {
    throw new SmartcardError(
      'binding-missing',
      'Smartcard support is not installed in this copy of the app (the pkcs11js module did not load). Reinstall the app',
      { cause: err },
    );
  }
}

/** A loaded module, between C_Initialize and C_Finalize. */
export interface OpenModule {
  readonly p11: Pkcs11;
  /** The binding's constants (CKA_*, CKO_*, CKM_*, CKF_*...). */
  readonly k: Pkcs11Binding;
}

const loaded = new Map<string, Pkcs11>();

/** Check the path first, so "not found" names the path rather than repeating a loader message. */
async function checkModulePath(modulePath: string): Promise<void> {
  const configured = `Check the PKCS#11 module path in the app's configuration`;
  if (modulePath.trim() === '') {
    throw new SmartcardError('module-not-found', `No smartcard software (PKCS#11 module) is configured. ${configured}`);
  }
  let isFile: boolean;
  try {
    isFile = (await stat(modulePath)).isFile();
  } catch (err) {
    throw new SmartcardError('module-not-found', `The smartcard software was not found at ${modulePath}. ${configured}`, {
      cause: err,
    });
  }
  if (!isFile) {
    throw new SmartcardError('module-not-found', `${modulePath} is a folder, not smartcard software (a PKCS#11 module). ${configured}`);
  }
}

/** Load the module at `modulePath` (once per process). */
export async function loadModule(modulePath: string): Promise<Pkcs11> {
  const existing = loaded.get(modulePath);
  if (existing !== undefined) return existing;
  await checkModulePath(modulePath);
  const k = loadBinding();
  const p11 = new k.PKCS11();
  try {
    p11.load(modulePath);
  } catch (err) {
    throw new SmartcardError(
      'module-unusable',
      `${modulePath} is not smartcard software this app can use (not a PKCS#11 module). Check the PKCS#11 module path in the app's configuration`,
      { pkcs11Code: pkcs11CodeOf(err), cause: err },
    );
  }
  loaded.set(modulePath, p11);
  return p11;
}

/** Initialise, ignoring "already initialised" (then someone else owns finalising). Returns whether we own it. */
export function initialise(p11: Pkcs11, k: Pkcs11Binding, modulePath: string): boolean {
  try {
    // OS locking: pkcs11js runs C_Sign (async) on a worker thread.
    p11.C_Initialize({ flags: k.CKF_OS_LOCKING_OK });
    return true;
  } catch (err) {
    const code = pkcs11CodeOf(err);
    if (code === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') return false;
    throw new SmartcardError(
      'module-unusable',
      `The smartcard software at ${modulePath} did not start${code === null ? '' : ` (${code})`}. Check that the card reader software is installed`,
      { pkcs11Code: code, cause: err },
    );
  }
}

export function finalise(p11: Pkcs11): void {
  try {
    p11.C_Finalize();
  } catch {
    // Nothing useful to do: the next use initialises again.
  }
}

let queue: Promise<unknown> = Promise.resolve();

/** Run `use` with the module initialised, one use at a time in this process. */
export function withModule<T>(modulePath: string, use: (module: OpenModule) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const p11 = await loadModule(modulePath);
    const k = loadBinding();
    const owned = initialise(p11, k, modulePath);
    try {
      return await use({ p11, k });
    } finally {
      if (owned) finalise(p11);
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** A PKCS#11 handle (slot or object) as text, for logs and comparisons. */
export const handleText = (handle: Buffer): string => handle.toString('hex');

/** PKCS#11 fixed-width text fields are blank-padded. */
export const trimPadded = (text: string): string => text.replace(/[\s\0]+$/, '');
