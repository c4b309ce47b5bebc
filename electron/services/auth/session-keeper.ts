// The e-RS session as main holds it: signed out → choose role → active, and
// locked (card removed) or expired (e-RS said 401/403) on the way.
//
// The session key and SSO token live only in this object's memory, inside the
// client's session value; nothing it returns or emits carries them. Every e-RS
// call on the session goes through run(), so the keeper knows which calls are
// in flight: A003 is sent only after they have all returned (A003's rule), and
// lock() can abort them.

import type { RoleView, SessionStatus, SessionView, SignInFailure } from '../../../shared/ipc/contract.ts';
import { BUSINESS_FUNCTIONS_THAT_UPLOAD } from '../../../shared/ipc/contract.ts';
import { ErsError, ErsSessionError } from '../ers/errors.ts';
import { CredentialError } from './credential-provider.ts';

export interface PermissionLike {
  readonly businessFunction: string;
  readonly orgIdentifier: string;
  readonly orgName: string | null;
}

/** What the keeper reads from a session value (the client's ProfessionalSession fits). */
export interface SessionLike {
  readonly user: {
    readonly identifier: string;
    readonly firstName: string | null;
    readonly middleName: string | null;
    readonly lastName: string | null;
  };
  readonly permissions: readonly PermissionLike[];
  readonly permission: PermissionLike | null;
}

export interface RoleChoice {
  readonly businessFunction: string;
  readonly orgIdentifier: string;
}

/** A001-A003, wired by the backend to the e-RS client (and its rate limit). */
export interface SessionApi<S extends SessionLike> {
  create(ssoToken: string, signal: AbortSignal): Promise<S>;
  selectRole(session: S, role: RoleChoice, signal: AbortSignal): Promise<S>;
  remove(session: S): Promise<void>;
}

export type SignInRequest = { readonly method: 'smartcard'; readonly pin: string } | { readonly method: 'sso-token'; readonly token: string };

export interface SessionKeeperOptions<S extends SessionLike> {
  readonly api: SessionApi<S>;
  readonly environment: { readonly name: string; readonly isSandbox: boolean };
  /** Signs in with the card and the PIN the person typed; resolves with an SSO token. Null when no card is set up. */
  readonly smartcard: ((pin: string, signal: AbortSignal) => Promise<string>) | null;
  /** Turns a pasted SSO token into one A001 takes (test environments only); null when pasting is not allowed. */
  readonly pastedToken: ((pasted: string, signal: AbortSignal) => Promise<string>) | null;
  readonly log?: (line: string) => void;
  /** How long sign-in may take before it is given up (default 60 s). */
  readonly signInTimeoutMs?: number;
  /** How long a sign-in waits for a lock or sign-out that is still ending the last session (default 5 s). */
  readonly endingWaitMs?: number;
}

/** No usable session: the call was not made. */
export class NoSessionError extends Error {
  override readonly name = 'NoSessionError';
}

export interface SessionKeeper<S extends SessionLike> {
  view(): SessionView;
  signIn(request: SignInRequest): Promise<SessionView | SignInFailure>;
  chooseRole(role: RoleChoice): Promise<SessionView>;
  /** A003 once the calls in flight have returned; the queue stays as it is. */
  signOut(): Promise<SessionView>;
  /** Card removed: no new calls, calls in flight aborted, A003, secrets cleared, status 'locked'. */
  lock(message?: string): Promise<SessionView>;
  /**
   * Runs one e-RS call on the active session. The signal fires when the
   * session locks. A 401/403 from it ends the session ('expired').
   * Throws NoSessionError, without calling fn, when there is no active session.
   */
  run<T>(fn: (session: S, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Active, in a role that may upload, and not being ended. */
  canUpload(): boolean;
  inFlightCount(): number;
  /** Called on every change of view (and of canUpload); returns an unsubscribe function. */
  onChange(listener: (view: SessionView) => void): () => void;
}

const UPLOAD_ROLES: ReadonlySet<string> = new Set(BUSINESS_FUNCTIONS_THAT_UPLOAD);

export const MESSAGES = {
  expired: 'Your e-RS session has ended. Sign in again to carry on: your files are still in the list.',
  locked: 'ers-attach is locked because your smartcard was removed. Insert your card and sign in to carry on: your files are still in the list.',
  chooseRole: 'Choose the role you are working in.',
  alreadySignedIn: 'You are already signed in. Sign out first to sign in as someone else.',
  busy: 'Signing in is already in progress.',
  stillEnding: 'ers-attach is still ending your last e-RS session. Try again in a moment.',
  noCard: 'Smartcard sign-in is not set up on this computer. Contact your local service desk.',
  noToken: 'This environment does not allow signing in with a pasted token. Use your smartcard.',
  refused: 'e-RS did not accept your sign-in. Check your smartcard has an e-RS role, then try again.',
  unreachable: 'e-RS could not be reached. Check your connection, then try again.',
  failed: 'Sign-in did not work. Try again, and if it keeps happening contact your local service desk.',
  timedOut: 'Sign-in took too long. Try again.',
  interrupted: 'Sign-in was stopped because ers-attach was locked or signed out. Sign in again.',
  notYourRole: 'That role is not one of yours. Choose one of the roles listed.',
  roleFailed: 'e-RS did not accept that role. Choose another role or sign in again.',
  noUploadRole: (fn: string) => `${roleLabel(fn)} cannot attach files in e-RS. Choose another role.`,
} as const;

/** REFERRING_CLINICIAN_ADMIN -> "Referring clinician admin". */
export function roleLabel(businessFunction: string): string {
  const words = businessFunction.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function roleView(p: PermissionLike): RoleView {
  return {
    businessFunction: p.businessFunction,
    orgIdentifier: p.orgIdentifier,
    orgName: p.orgName ?? p.orgIdentifier,
    canUpload: UPLOAD_ROLES.has(p.businessFunction),
  };
}

function displayName(user: SessionLike['user']): string {
  const name = [user.firstName, user.lastName].filter((part) => part !== null && part.trim() !== '').join(' ');
  return name === '' ? user.identifier : name;
}

/** Whether an error carries a message meant for the person (a smartcard's own wording). */
function cardFailure(error: unknown): SignInFailure | null {
  if (!(error instanceof Error) || !('attemptsLeft' in error)) return null;
  const left = (error as { attemptsLeft: unknown }).attemptsLeft;
  return { ok: false, message: error.message, attemptsLeft: typeof left === 'number' ? left : null };
}

export function createSessionKeeper<S extends SessionLike>(options: SessionKeeperOptions<S>): SessionKeeper<S> {
  const { api, environment } = options;
  const log = options.log ?? (() => {});
  const signInTimeoutMs = options.signInTimeoutMs ?? 60_000;
  const listeners = new Set<(view: SessionView) => void>();

  let status: SessionStatus = 'signed-out';
  let session: S | null = null;
  let message: string | null = null;
  /** Calls made with the current session, each with the controller lock() aborts. */
  const inFlight = new Set<AbortController>();
  let inFlightDone: (() => void)[] = [];
  /** Sign-out or lock under way: no new calls. */
  let ending = false;
  /** Resolves when the sign-out or lock under way has finished. */
  let ended: Promise<void> = Promise.resolve();
  let busy = false;
  /** Bumped by sign-out and lock, so a sign-in they overtook does not come back to life. */
  let epoch = 0;

  const signInMethods: SessionView['signInMethods'] = [
    ...(options.smartcard ? (['smartcard'] as const) : []),
    ...(options.pastedToken ? (['sso-token'] as const) : []),
  ];

  function view(): SessionView {
    const s = session;
    return {
      status,
      environment: { name: environment.name, isSandbox: environment.isSandbox },
      signInMethods,
      user: s ? { id: s.user.identifier, displayName: displayName(s.user) } : null,
      roles: s ? s.permissions.map(roleView) : [],
      role: s && s.permission && status === 'active' ? roleView(s.permission) : null,
      message,
    };
  }

  function emit() {
    const v = view();
    for (const listener of listeners) {
      try {
        listener(v);
      } catch {
        // one listener's failure must not stop the others
      }
    }
  }

  function set(next: SessionStatus, nextMessage: string | null) {
    status = next;
    message = nextMessage;
    emit();
  }

  /** Marks a sign-out or lock as under way; call the result when it has finished. */
  function beginEnding(): () => void {
    ending = true;
    let finish!: () => void;
    ended = new Promise((resolve) => (finish = resolve));
    return () => {
      ending = false;
      finish();
    };
  }

  /** Whether the sign-out or lock under way finished within `ms`. */
  async function endingFinished(ms: number): Promise<boolean> {
    if (!ending) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const finished = await Promise.race([ended.then(() => true as const), late]);
    clearTimeout(timer);
    return finished;
  }

  function waitForInFlight(): Promise<void> {
    if (inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => inFlightDone.push(resolve));
  }

  /** A003 (best effort: a failure leaves a session e-RS ends on its own) and forget the secrets. */
  async function endSession(): Promise<void> {
    const s = session;
    session = null;
    if (!s) return;
    try {
      await api.remove(s);
    } catch (error) {
      log(`session: ending the e-RS session failed: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  async function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('sign-in timed out')), signInTimeoutMs);
    try {
      return await run(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  function failureFor(error: unknown, stage: string): SignInFailure {
    const fromCard = cardFailure(error);
    if (fromCard) return fromCard;
    // The credential providers word their refusals for the person (no secrets in them).
    if (error instanceof CredentialError) return { ok: false, message: error.message, attemptsLeft: null };
    log(`session: ${stage} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'error'}`);
    if (error instanceof ErsSessionError) return { ok: false, message: MESSAGES.refused, attemptsLeft: null };
    if (error instanceof ErsError && error.kind === 'retryable') return { ok: false, message: MESSAGES.unreachable, attemptsLeft: null };
    if (error instanceof Error && error.message === 'sign-in timed out') return { ok: false, message: MESSAGES.timedOut, attemptsLeft: null };
    return { ok: false, message: MESSAGES.failed, attemptsLeft: null };
  }

  return {
    view,

    async signIn(request) {
      // A card put back straight after it was taken out may find the lock still ending the old session (A003).
      if (ending && !busy && !(await endingFinished(options.endingWaitMs ?? 5000))) {
        return { ok: false, message: MESSAGES.stillEnding, attemptsLeft: null };
      }
      if (status === 'active') return { ok: false, message: MESSAGES.alreadySignedIn, attemptsLeft: null };
      if (busy || ending) return { ok: false, message: MESSAGES.busy, attemptsLeft: null };
      if (request.method === 'smartcard' && !options.smartcard) return { ok: false, message: MESSAGES.noCard, attemptsLeft: null };
      if (request.method === 'sso-token' && !options.pastedToken) return { ok: false, message: MESSAGES.noToken, attemptsLeft: null };
      busy = true;
      const started = epoch;
      try {
        // A session left in choose-role is ended before another starts.
        await endSession();
        let token: string;
        try {
          token = await withTimeout((signal) =>
            request.method === 'smartcard' ? options.smartcard!(request.pin, signal) : options.pastedToken!(request.token, signal),
          );
        } catch (error) {
          return failureFor(error, 'the smartcard sign-in');
        }
        let created: S;
        try {
          created = await withTimeout((signal) => api.create(token, signal));
        } catch (error) {
          return failureFor(error, 'starting the e-RS session (A001)');
        }
        if (epoch !== started) {
          await api.remove(created).catch(() => undefined);
          return { ok: false, message: MESSAGES.interrupted, attemptsLeft: null };
        }
        session = created;
        set('choose-role', MESSAGES.chooseRole);
        return view();
      } finally {
        busy = false;
      }
    },

    async chooseRole(role) {
      const s = session;
      if (status !== 'choose-role' || !s || busy) return view();
      const mine = s.permissions.find((p) => p.businessFunction === role.businessFunction && p.orgIdentifier === role.orgIdentifier);
      if (!mine) {
        message = MESSAGES.notYourRole;
        return view();
      }
      if (!UPLOAD_ROLES.has(mine.businessFunction)) {
        message = MESSAGES.noUploadRole(mine.businessFunction);
        return view();
      }
      busy = true;
      try {
        const chosen = await withTimeout((signal) => api.selectRole(s, role, signal));
        if (session !== s) return view(); // signed out or locked meanwhile
        session = chosen;
        set('active', null);
      } catch (error) {
        log(`session: choosing the role (A002) failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'error'}`);
        if (session !== s) return view();
        if (error instanceof ErsSessionError && error.reason === 'unauthenticated') {
          session = null;
          set('expired', MESSAGES.expired);
        } else {
          message = error instanceof ErsError && error.kind === 'retryable' ? MESSAGES.unreachable : MESSAGES.roleFailed;
          emit();
        }
      } finally {
        busy = false;
      }
      return view();
    },

    async signOut() {
      if (ending || (status === 'signed-out' && !session)) return view();
      const finished = beginEnding();
      epoch += 1;
      emit(); // canUpload is now false
      try {
        await waitForInFlight();
        await endSession();
        set('signed-out', null);
      } finally {
        finished();
      }
      return view();
    },

    async lock(lockMessage = MESSAGES.locked) {
      if (status === 'signed-out' && !session) {
        epoch += 1;
        set('locked', lockMessage);
        return view();
      }
      const finished = beginEnding();
      epoch += 1;
      set('locked', lockMessage);
      try {
        for (const controller of inFlight) controller.abort(new Error('session locked'));
        await waitForInFlight();
        await endSession();
      } finally {
        finished();
      }
      emit();
      return view();
    },

    async run(fn) {
      const s = session;
      if (status !== 'active' || ending || !s) throw new NoSessionError('no active e-RS session');
      const controller = new AbortController();
      inFlight.add(controller);
      try {
        return await fn(s, controller.signal);
      } catch (error) {
        if (error instanceof ErsSessionError && session === s && status === 'active') {
          // The session is gone (or its rights are): nothing more is sent on it.
          log(`session: e-RS answered ${error.status ?? 'session error'} on a working session; sign-in needed`);
          session = null;
          set('expired', MESSAGES.expired);
        }
        throw error;
      } finally {
        inFlight.delete(controller);
        if (inFlight.size === 0) {
          const waiters = inFlightDone;
          inFlightDone = [];
          for (const resolve of waiters) resolve();
        }
      }
    },

    canUpload() {
      return status === 'active' && !ending && session?.permission != null && UPLOAD_ROLES.has(session.permission.businessFunction);
    },

    inFlightCount: () => inFlight.size,

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
