// The backend: the one object the Electron IPC layer and the browser-preview
// server call. It composes the file registry, the session keeper and the upload
// queue, implements every operation in shared/ipc/contract.ts, and emits
// queue:changed and session:changed. No Electron here.
//
// Views leave this file; secrets never do. Handlers receive requests already
// validated against the contract's schemas. A handler that cannot do what was
// asked throws a BackendError whose message is written for the person.

import { createHash, timingSafeEqual } from 'node:crypto';
import { basename } from 'node:path';
import type {
  AddFilesResult,
  EventName,
  EventPayloads,
  FileId,
  MainHandlers,
  OperationRequest,
  QueueItemView,
  SessionView,
} from '../../shared/ipc/contract.ts';
import type { SandboxOptions } from '../../sandbox/server.ts';
import { bindCardLockToSession, createCardRemovalLock, type CardRemovalLock } from './auth/card-removal-lock.ts';
import type { LaunchWatcherProcess } from './auth/smartcard/card-watch-process.ts';
import { createSmartcardProvider } from './auth/smartcard/smartcard-provider.ts';
import { createSsoTokenProvider } from './auth/sso-token.ts';
import { currentPlace, CONFIG_ENV_VAR } from './config/locate.ts';
import { resolveEnvironment, type ResolvedEnvironment } from './config/environment.ts';
import { uploadBinary } from './ers/binary.ts';
import { createProfessionalSession, deleteProfessionalSession, selectRole, type ProfessionalSession } from './ers/session.ts';
import { FileAccessError, FileRegistry } from './files/index.ts';
import { createSessionKeeper, MESSAGES as SESSION_MESSAGES, type SessionApi, type SessionKeeper, type SessionLike } from './auth/session-keeper.ts';
import { systemClock, type Clock } from './queue/clock.ts';
import { classifyUploadError } from './queue/ers-attempt.ts';
import { FileUnreadableError, type CheckedFileLike, type UploadGate, type Uploader, type UploadRequest } from './queue/ports.ts';
import { createFileQueueStore } from './queue/queue-file.ts';
import { createRateLimiter, ERS_RATE_LIMIT, type RateLimiter } from './queue/rate-limiter.ts';
import type { RetryPolicy } from './queue/retry-policy.ts';
import { createUploadQueue, UnknownItemError, type QueueEntry, type UploadQueue } from './queue/upload-queue.ts';
import { auditTrailLocation } from './audit/audit-files.ts';
import { mapLimited } from './map-limited.ts';
import { auditSendFile } from './audit/audited-upload.ts';
import { createAuditTrail } from './audit/audit-trail.ts';
import { heldBackCopies } from '../../shared/queue/same-content.ts';

export interface Backend {
  /** Implements every operation in shared/ipc/contract.ts OPERATIONS (requests already schema-validated by the caller). */
  readonly handlers: MainHandlers;
  /** Subscribe to events in EVENT_NAMES; returns an unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Browser preview only: a file that arrived as bytes (no disk path). */
  addBytes(name: string, bytes: Uint8Array): Promise<AddFilesResult>;
  /** Browser preview only: several files that arrived as bytes in one request, added (and checked) as one drop. */
  addManyBytes(files: readonly { readonly name: string; readonly bytes: Uint8Array }[]): Promise<AddFilesResult>;
  /** Card removed (issue 4): no new uploads, those in flight back to queued, A003, secrets cleared. */
  lock(message?: string): Promise<SessionView>;
  /** A003 the session (after in-flight calls return), stop the embedded sandbox, flush the queue. */
  close(): Promise<void>;
}

export interface BackendOptions {
  /** Where the queue and audit trail live (Electron: app.getPath('userData')). */
  userDataDir: string;
  /** Config file path override; default: the documented location (electron/services/config). */
  configPath?: string;
  /** Electron glue injects main's file dialog; returns chosen absolute paths ([] if cancelled). */
  chooseFiles?: () => Promise<string[]>;
  /** Log sink (never given secrets). */
  log?: (line: string) => void;
  /** Options for the embedded sandbox when it is the environment (tests share one PKI, the preview may fix a port). */
  sandbox?: SandboxOptions;
  /** Uploads in flight at once (default 2). */
  concurrency?: number;
  /** Retry policy override (tests). */
  retry?: RetryPolicy;
  /** Starts the smartcard watcher's process (Electron: over utilityProcess.fork); default child_process.fork. */
  launchWatcherProcess?: LaunchWatcherProcess;
  /** Embedded sandbox only: sign in with this PKCS#11 module's card (e.g. SoftHSM2) instead of the test card. */
  sandboxSmartcard?: { pkcs11Module: string };
}

/** A handler could not do what was asked; `message` is for the person. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

// ---------------------------------------------------------------- the parts it is built from

/** How the registry answers a registration (RULES' FileRegistry, adapted). */
export type Registration = { readonly ok: true; readonly id: FileId; readonly name: string } | { readonly ok: false; readonly name: string; readonly message: string };

export interface RegistryPort {
  registerPath(path: string, displayName: string): Promise<Registration>;
  registerBytes(name: string, bytes: Uint8Array): Promise<Registration>;
  /** Throws FileUnreadableError (message for the person) when the file cannot be read. */
  readAndCheck(id: string): Promise<CheckedFileLike>;
  remove(id: string): void;
}

/** One A020 call on a session, as the e-RS client makes it. */
export type SendFile<S> = (
  session: S,
  request: Omit<UploadRequest, 'onProgress'> & { readonly onProgress: (sent: number, total: number) => void },
) => Promise<{ readonly fileId: string }>;

export interface BackendParts<S extends SessionLike> {
  readonly environment: { readonly name: string; readonly isSandbox: boolean };
  readonly registry: RegistryPort;
  /** A001-A003 without the rate limit: the backend adds it. */
  readonly sessionApi: SessionApi<S>;
  readonly sendFile: SendFile<S>;
  readonly smartcard: ((pin: string, signal: AbortSignal) => Promise<string>) | null;
  readonly pastedToken: ((pasted: string, signal: AbortSignal) => Promise<string>) | null;
  /** Where the queue file lives; null keeps the queue in memory only. */
  readonly userDataDir: string | null;
  readonly chooseFiles?: (() => Promise<string[]>) | undefined;
  readonly log?: ((line: string) => void) | undefined;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  readonly rateLimiter?: RateLimiter;
  /** Runs last in close(), e.g. stopping the embedded sandbox. */
  readonly onClose?: () => Promise<void>;
}

// ---------------------------------------------------------------- the real parts

/** The registry RULES built, in the shape the backend and queue use. */
export function registryPort(registry: FileRegistry): RegistryPort {
  return {
    async registerPath(path, displayName) {
      const r = await registry.registerPath(path, displayName);
      return r.ok ? { ok: true, id: r.file.id, name: r.file.name } : { ok: false, name: r.name || displayName, message: r.message };
    },
    async registerBytes(name, bytes) {
      const file = registry.registerBytes(name, bytes);
      return { ok: true, id: file.id, name: file.name };
    },
    async readAndCheck(id) {
      try {
        return await registry.readAndCheck(id);
      } catch (error) {
        if (error instanceof FileAccessError) throw new FileUnreadableError(error.message);
        throw error;
      }
    },
    remove(id) {
      registry.remove(id);
    },
  };
}

/**
 * How the person signs in here: the sandbox's test card behind its PIN, a real
 * card over PKCS#11 (watched from then on, so taking it out locks), or neither.
 */
function smartcardFor(env: ResolvedEnvironment, cardLock: CardRemovalLock | null): BackendParts<ProfessionalSession>['smartcard'] {
  const { identity } = env;
  if (identity.method === 'test-card' && env.credentialProvider) {
    const card = env.credentialProvider;
    return withTestCardPin((signal) => card.obtainSsoToken(signal));
  }
  if (identity.method === 'smartcard' && cardLock) {
    return async (pin, signal) => {
      const provider = createSmartcardProvider({ modulePath: identity.pkcs11Module, identityUrl: identity.identityUrl, transport: env.connection.transport, pin });
      const token = await provider.obtainSsoToken(signal);
      // No session without a watched card: if it cannot be watched, sign-in fails (fail closed).
      if (provider.card) await cardLock.watch(provider.card);
      return token;
    };
  }
  return null;
}

/**
 * The backend on the configured environment, or on an e-RS sandbox started in
 * this process when nothing is configured. Restores the saved queue before it
 * resolves.
 */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const log = options.log ?? (() => {});
  const place = options.configPath === undefined ? currentPlace() : { ...currentPlace(), env: { ...process.env, [CONFIG_ENV_VAR]: options.configPath } };
  const env = await resolveEnvironment({
    place,
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.sandboxSmartcard ? { sandboxSmartcard: options.sandboxSmartcard } : {}),
  });
  log(`backend: environment ${env.name}${env.isSandbox ? ` (embedded sandbox at ${env.connection.baseUrl})` : ''}`);
  const { connection } = env;
  // Card removal locks the backend being built here (bound below, once it exists).
  let lockBackend: (message: string | undefined) => Promise<unknown> = async () => undefined;
  const cardLock =
    env.identity.method === 'smartcard'
      ? createCardRemovalLock({
          modulePath: env.identity.pkcs11Module,
          lock: (message) => lockBackend(message),
          ...(options.launchWatcherProcess ? { launchProcess: options.launchWatcherProcess } : {}),
          log,
        })
      : null;
  try {
    const backend = await assembleBackend<ProfessionalSession>({
      environment: { name: env.isSandbox ? 'Sandbox' : env.name, isSandbox: env.isSandbox },
      registry: registryPort(new FileRegistry()),
      sessionApi: {
        create: (token, signal) => createProfessionalSession(connection, token, { signal }),
        selectRole: (session, role, signal) => selectRole(session, role, { signal }),
        remove: (session) => deleteProfessionalSession(session),
      },
      // Every A020 attempt and its outcome go on the audit trail (<userDataDir>/audit/<environment>).
      sendFile: auditSendFile(createAuditTrail({ ...auditTrailLocation(options.userDataDir, env.name), log }), env.name, (session, request) =>
        uploadBinary({
          session,
          bytes: request.bytes,
          storedName: request.storedName,
          mimeType: request.mimeType,
          ...(request.ubrn === null ? {} : { ubrn: request.ubrn }),
          signal: request.signal,
          onProgress: (progress) => request.onProgress(progress.sent, progress.total),
        }),
      ),
      smartcard: smartcardFor(env, cardLock),
      // The provider refuses production itself; not offering the method there keeps the UI honest too.
      pastedToken: env.production
        ? null
        : (pasted, signal) => createSsoTokenProvider(pasted, { name: env.name, production: env.production }).obtainSsoToken(signal),
      userDataDir: options.userDataDir,
      chooseFiles: options.chooseFiles,
      log,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      onClose: async () => {
        await cardLock?.stop();
        await env.close();
      },
    });
    if (!cardLock) return backend;
    lockBackend = (message) => backend.lock(message);
    return { ...backend, handlers: bindCardLockToSession(backend, cardLock) };
  } catch (error) {
    await cardLock?.stop();
    await env.close();
    throw error;
  }
}

// ---------------------------------------------------------------- the sandbox's test card PIN

/** The PIN of the embedded sandbox's software test card. */
export const SANDBOX_TEST_PIN = '1234';
const TEST_CARD_TRIES = 3;
/** Dropped paths registered at once: libuv's thread pool has four threads. */
const REGISTER_CONCURRENCY = 4;

/** A PIN the test card refused; attemptsLeft as a real card reports it. */
export class TestCardPinError extends Error {
  override readonly name = 'TestCardPinError';
  readonly attemptsLeft: number;
  constructor(message: string, attemptsLeft: number) {
    super(message);
    this.attemptsLeft = attemptsLeft;
  }
}

function samePin(a: string, b: string): boolean {
  const digest = (pin: string) => createHash('sha256').update(pin, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Puts a PIN in front of a software card so signing in on the sandbox feels like
 * a real card: 3 tries, a correct PIN resets them, the third wrong one locks it
 * (until the app restarts). The PIN is compared and dropped, never kept.
 */
export function withTestCardPin(
  obtainSsoToken: (signal: AbortSignal) => Promise<string>,
  expected: string = SANDBOX_TEST_PIN,
): (pin: string, signal: AbortSignal) => Promise<string> {
  let left = TEST_CARD_TRIES;
  return async (pin, signal) => {
    if (left === 0) throw new TestCardPinError('Your smartcard is locked. Contact your Registration Authority to unlock it.', 0);
    if (!samePin(pin, expected)) {
      left -= 1;
      if (left === 0) throw new TestCardPinError('The PIN is wrong and your smartcard is now locked. Contact your Registration Authority to unlock it.', 0);
      const tries = left === 1 ? 'one try' : `${left} tries`;
      throw new TestCardPinError(`The PIN is wrong. You have ${tries} left before your smartcard locks.`, left);
    }
    left = TEST_CARD_TRIES;
    return obtainSsoToken(signal);
  };
}

// ---------------------------------------------------------------- composition

function rateLimited<S extends SessionLike>(api: SessionApi<S>, limiter: RateLimiter): SessionApi<S> {
  return {
    async create(token, signal) {
      await limiter.acquire(signal);
      return api.create(token, signal);
    },
    async selectRole(session, role, signal) {
      await limiter.acquire(signal);
      return api.selectRole(session, role, signal);
    },
    async remove(session) {
      await limiter.acquire();
      return api.remove(session);
    },
  };
}

function uploadRefusal(view: SessionView): string {
  switch (view.status) {
    case 'signed-out':
      return 'Sign in to e-RS before uploading.';
    case 'choose-role':
      return 'Choose the role you are working in before uploading.';
    case 'locked':
      return 'ers-attach is locked. Insert your smartcard and sign in to upload.';
    case 'expired':
      return SESSION_MESSAGES.expired;
    case 'active':
      return view.role && !view.role.canUpload
        ? SESSION_MESSAGES.noUploadRole(view.role.businessFunction)
        : 'Uploads cannot start at the moment. Try again in a moment.';
  }
}

export async function assembleBackend<S extends SessionLike>(parts: BackendParts<S>): Promise<Backend> {
  const log = parts.log ?? (() => {});
  const clock = parts.clock ?? systemClock;
  const limiter = parts.rateLimiter ?? createRateLimiter({ ...ERS_RATE_LIMIT, clock });
  const { registry } = parts;

  const keeper: SessionKeeper<S> = createSessionKeeper<S>({
    api: rateLimited(parts.sessionApi, limiter),
    environment: parts.environment,
    smartcard: parts.smartcard,
    pastedToken: parts.pastedToken,
    log,
  });

  const uploader: Uploader = async (request) => {
    try {
      const result = await keeper.run(async (session, sessionSignal) => {
        const signal = AbortSignal.any([request.signal, sessionSignal]);
        await limiter.acquire(signal);
        return parts.sendFile(session, { ...request, signal });
      });
      return { ok: true, fileId: result.fileId };
    } catch (error) {
      return { ok: false, failure: classifyUploadError(error, request.signal) };
    }
  };

  const gate: UploadGate = {
    isOpen: () => keeper.canUpload(),
    onChange: (listener) => keeper.onChange(() => listener()),
  };

  const store = parts.userDataDir === null ? undefined : createFileQueueStore(parts.userDataDir, log);
  const queue: UploadQueue = createUploadQueue({
    files: registry,
    uploader,
    gate,
    clock,
    log,
    ...(parts.random ? { random: parts.random } : {}),
    ...(parts.concurrency ? { concurrency: parts.concurrency } : {}),
    ...(parts.retry ? { retry: parts.retry } : {}),
    ...(store ? { store } : {}),
  });

  // ------------------------------------------------------------ events

  const listeners: { [E in EventName]: Set<(payload: EventPayloads[E]) => void> } = {
    'queue:changed': new Set(),
    'session:changed': new Set(),
  };
  function emit<E extends EventName>(event: E, payload: EventPayloads[E]) {
    for (const listener of listeners[event]) {
      try {
        listener(payload);
      } catch (error) {
        log(`backend: a ${event} listener failed: ${(error as Error)?.message ?? String(error)}`);
      }
    }
  }
  queue.onChange((change) => emit('queue:changed', change));
  keeper.onChange((view) => emit('session:changed', view));

  // ------------------------------------------------------------ restore the saved queue

  await queue.restore(async (path, name) => {
    const registered = await registry.registerPath(path, name);
    if (!registered.ok) throw new FileUnreadableError(registered.message);
    return registered.id;
  });

  // ------------------------------------------------------------ operations

  async function addRegistrations(registrations: readonly (Registration & { path: string | null })[]): Promise<AddFilesResult> {
    const refused: { name: string; message: string }[] = [];
    const entries: QueueEntry[] = [];
    for (const r of registrations) {
      if (r.ok) entries.push({ id: r.id, ref: r.id, name: r.name, path: r.path });
      else refused.push({ name: r.name, message: r.message });
    }
    const added: QueueItemView[] = entries.length > 0 ? await queue.add(entries) : [];
    return { added, refused };
  }

  async function addPaths(items: readonly { path: string; name: string }[]): Promise<AddFilesResult> {
    // Each registration is a thread-pool trip: a few at once, in the order given.
    const registrations = await mapLimited(items, REGISTER_CONCURRENCY, async ({ path, name }) => {
      const shown = name !== '' ? name : path === '' ? 'This item' : basename(path);
      return { ...(await registry.registerPath(path, shown)), path: path === '' ? null : path };
    });
    return addRegistrations(registrations);
  }

  function known<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof UnknownItemError) throw new BackendError('That file is no longer in the list.');
      throw error;
    }
  }

  const handlers: MainHandlers = {
    'files:add-dropped': (request) => addPaths(request.items),
    'files:choose': async () => {
      if (!parts.chooseFiles) throw new BackendError('Choosing files is not available here. Drag your files onto the window instead.');
      const paths = await parts.chooseFiles();
      return addPaths(paths.map((path) => ({ path, name: basename(path) })));
    },
    'queue:snapshot': async () => queue.snapshot(),
    'queue:remove': async ({ id }) => known(() => queue.remove(id)),
    'queue:cancel': async ({ id }) => known(() => queue.cancel(id)),
    'queue:retry': async ({ id }) => {
      try {
        return await queue.retry(id);
      } catch (error) {
        if (error instanceof UnknownItemError) throw new BackendError('That file is no longer in the list.');
        throw error;
      }
    },
    'queue:upload': async (request: OperationRequest<'queue:upload'>) => {
      if (!keeper.canUpload()) throw new BackendError(uploadRefusal(keeper.view()));
      // Without ids: every ready item except copies of another item's content (the person sends those by id, "Upload anyway").
      const ids = request.ids ?? readyExceptCopies(queue.snapshot().items);
      return queue.upload({ ids, ...(request.ubrn ? { ubrn: request.ubrn } : {}) });
    },
    'session:get': async () => keeper.view(),
    'session:sign-in': (request) => keeper.signIn(request),
    'session:choose-role': (request) => keeper.chooseRole(request),
    'session:sign-out': () => keeper.signOut(),
  };

  let closing: Promise<void> | null = null;

  return {
    handlers,
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => void set.delete(listener);
    },
    async addBytes(name, bytes) {
      return addRegistrations([{ ...(await registry.registerBytes(name, bytes)), path: null }]);
    },
    async addManyBytes(files) {
      const registrations: (Registration & { path: string | null })[] = [];
      for (const { name, bytes } of files) registrations.push({ ...(await registry.registerBytes(name, bytes)), path: null });
      return addRegistrations(registrations);
    },
    async lock(message) {
      // The keeper closes the gate at once and aborts its calls; the queue's own wait makes
      // sure each aborted item is back in the queue before lock() returns.
      const locked = keeper.lock(message);
      await queue.requeueInFlight();
      return locked;
    },
    close() {
      closing ??= (async () => {
        await queue.close();
        await keeper.signOut();
        await parts.onClose?.();
      })();
      return closing;
    },
  };
}

/** The ready items "Upload n files" sends: all but the copies heldBackCopies leaves out. */
function readyExceptCopies(items: readonly QueueItemView[]): FileId[] {
  const held = heldBackCopies(items);
  return items.filter((item) => item.status === 'ready' && !held.has(item.id)).map((item) => item.id);
}
