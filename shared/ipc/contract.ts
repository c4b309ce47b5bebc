// The one contract between the renderer and the main process.
//
// Every operation the renderer may ask of main is listed in OPERATIONS with a
// runtime schema for its request; every event main may send is listed in
// EVENTS. The Electron glue (electron/main), the preload bridge
// (electron/preload) and the browser-preview transport (renderer/bridge) are
// all typed from this file, so drift fails `npm run typecheck`.
//
// Rules that shape it:
// - Files cross as opaque ids issued by main, never as paths from the page.
//   The only channel that carries paths is files:add-dropped, which only the
//   preload calls, with paths it resolved itself from File objects.
// - Nothing that main sends may contain the session key, the SSO token, the PIN
//   or key material: views are built for display.

import * as z from 'zod';
import type { NameChange, RuleBreak } from '../rules/types.ts';

// ---------------------------------------------------------------- limits

/** Generous caps on strings crossing the boundary, so a hostile page cannot make main allocate freely. */
export const IPC_LIMITS = {
  idLength: 64,
  nameLength: 1024,
  pathLength: 4096,
  pinLength: 16,
  tokenLength: 4096,
  itemsPerRequest: 2000,
} as const;

// ---------------------------------------------------------------- shared pieces

/** Ids main issues for chosen files: 'f_' followed by url-safe base64. */
export const FileIdSchema = z.string().regex(/^f_[A-Za-z0-9_-]{8,60}$/, 'not a file id issued by ers-attach');
export type FileId = z.infer<typeof FileIdSchema>;

/** A UBRN is 12 digits. */
export const UbrnSchema = z.string().regex(/^\d{12}$/, 'a UBRN is 12 digits');

export const BUSINESS_FUNCTIONS_THAT_UPLOAD = [
  'REFERRING_CLINICIAN',
  'REFERRING_CLINICIAN_ADMIN',
  'SERVICE_PROVIDER_CLINICIAN',
  'SERVICE_PROVIDER_CLINICIAN_ADMIN',
] as const;

// ---------------------------------------------------------------- views (main -> renderer)

export type ItemStatus =
  | 'checking' // main is reading and checking the bytes
  | 'rejected' // a rule is broken: never sent (problems says which)
  | 'ready' // passed every check, waiting for the person to press Upload
  | 'queued' // will be sent when a slot is free
  | 'uploading'
  | 'uploaded' // e-RS returned an id (fileId is set)
  | 'failed' // gave up: error says why, retry may be offered
  | 'cancelled'
  | 'changed'; // the file on disk changed since it was added: the person decides

export interface UploadError {
  /** Stable kind for the UI to choose wording and actions. */
  readonly kind:
    | 'rejected-by-ers' // 422 and friends: the server's reason
    | 'session' // 401/403: sign in again
    | 'type-refused' // 406/415
    | 'unavailable' // 429/5xx/network after retries
    | 'file-unreadable' // locked, permission, vanished
    | 'cancelled'
    | 'internal';
  readonly message: string;
  /** The e-RS code when the server gave one (e.g. FILE_SIZE_ERROR). */
  readonly code: string | null;
  readonly retryable: boolean;
}

export interface QueueItemView {
  readonly id: FileId;
  /** The name as the person chose it. */
  readonly name: string;
  /** The name e-RS will store, when it can be sent. */
  readonly storedName: string | null;
  readonly nameChange: NameChange | null;
  readonly size: number;
  /** How the content was identified, e.g. "PDF document". */
  readonly typeLabel: string | null;
  readonly status: ItemStatus;
  readonly problems: readonly RuleBreak[];
  readonly progress: { readonly sent: number; readonly total: number } | null;
  /** The e-RS file id (from Location: Binary/<id>) once uploaded. */
  readonly ersFileId: string | null;
  readonly error: UploadError | null;
  /** True when an attempt's outcome was unknown and it was retried: e-RS may hold a second, unlinked copy. */
  readonly possibleDuplicate: boolean;
  /** Set when the same content was already added under another id. */
  readonly sameContentAs: FileId | null;
  readonly ubrn: string | null;
  readonly attempts: number;
}

export interface QueueSnapshot {
  readonly items: readonly QueueItemView[];
}

export interface RoleView {
  readonly businessFunction: string;
  readonly orgIdentifier: string;
  readonly orgName: string;
  /** Whether this role may upload attachments (A020). */
  readonly canUpload: boolean;
}

export type SessionStatus =
  | 'signed-out'
  | 'choose-role' // A001 done, A002 needed
  | 'active' // uploads allowed
  | 'locked' // card removed: queue kept, nothing sent
  | 'expired'; // e-RS ended the session (401/403): sign in again, queue resumes

export interface SessionView {
  readonly status: SessionStatus;
  readonly environment: { readonly name: string; readonly isSandbox: boolean };
  /** Which ways of signing in this environment allows. */
  readonly signInMethods: readonly ('smartcard' | 'sso-token')[];
  readonly user: { readonly id: string; readonly displayName: string } | null;
  readonly roles: readonly RoleView[];
  readonly role: RoleView | null;
  /** A sentence for the person when something needs their attention. */
  readonly message: string | null;
}

export interface AddFilesResult {
  readonly added: readonly QueueItemView[];
  /** Items that never became files main could read, with the reason (no file on disk, a folder, locked...). */
  readonly refused: readonly { readonly name: string; readonly message: string }[];
}

export interface SignInFailure {
  readonly ok: false;
  readonly message: string;
  /** PIN attempts the card reports as left, when known. */
  readonly attemptsLeft: number | null;
}

// ---------------------------------------------------------------- operations (renderer -> main)

const Empty = z.object({}).strict();
const Id = z.object({ id: FileIdSchema }).strict();

export const OPERATIONS = {
  /** Preload only: paths it resolved with webUtils.getPathForFile. An empty path means no file on disk. */
  'files:add-dropped': {
    request: z
      .object({
        items: z
          .array(
            z
              .object({
                path: z.string().max(IPC_LIMITS.pathLength),
                name: z.string().max(IPC_LIMITS.nameLength),
              })
              .strict(),
          )
          .max(IPC_LIMITS.itemsPerRequest),
      })
      .strict(),
    response: {} as AddFilesResult,
  },
  /** Main opens its own file dialog; the page never names a path. */
  'files:choose': { request: Empty, response: {} as AddFilesResult },
  'queue:snapshot': { request: Empty, response: {} as QueueSnapshot },
  'queue:remove': { request: Id, response: {} as QueueSnapshot },
  'queue:cancel': { request: Id, response: {} as QueueSnapshot },
  'queue:retry': { request: Id, response: {} as QueueSnapshot },
  /** Send every ready item (or the listed ones), optionally for one intended UBRN. */
  'queue:upload': {
    request: z
      .object({
        ids: z.array(FileIdSchema).max(IPC_LIMITS.itemsPerRequest).optional(),
        ubrn: UbrnSchema.optional(),
      })
      .strict(),
    response: {} as QueueSnapshot,
  },
  'session:get': { request: Empty, response: {} as SessionView },
  'session:sign-in': {
    request: z.discriminatedUnion('method', [
      z.object({ method: z.literal('smartcard'), pin: z.string().min(4).max(IPC_LIMITS.pinLength) }).strict(),
      z.object({ method: z.literal('sso-token'), token: z.string().min(1).max(IPC_LIMITS.tokenLength) }).strict(),
    ]),
    response: {} as SessionView | SignInFailure,
  },
  'session:choose-role': {
    request: z
      .object({
        businessFunction: z.string().regex(/^[A-Z_]{1,64}$/),
        orgIdentifier: z.string().regex(/^[A-Za-z0-9]{1,16}$/),
      })
      .strict(),
    response: {} as SessionView,
  },
  'session:sign-out': { request: Empty, response: {} as SessionView },
} as const;

export type OperationName = keyof typeof OPERATIONS;
export type OperationRequest<K extends OperationName> = z.infer<(typeof OPERATIONS)[K]['request']>;
export type OperationResponse<K extends OperationName> = (typeof OPERATIONS)[K]['response'];

/** What main implements: one async function per operation. */
export type MainHandlers = {
  readonly [K in OperationName]: (request: OperationRequest<K>) => Promise<OperationResponse<K>>;
};

// ---------------------------------------------------------------- events (main -> renderer)

export interface EventPayloads {
  /** Items that changed (added or updated), and ids that were removed. */
  'queue:changed': { readonly items: readonly QueueItemView[]; readonly removed: readonly FileId[] };
  'session:changed': SessionView;
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES = ['queue:changed', 'session:changed'] as const satisfies readonly EventName[];

// ---------------------------------------------------------------- the page's view of the bridge

/**
 * window.ers as the page sees it. The preload implements it with ipcRenderer;
 * the browser preview implements it over HTTP. Subscriptions return an
 * unsubscribe function. No member accepts a path. TFile is the DOM File
 * (shared/ has no DOM types, so the renderer and preload supply it).
 */
export interface ErsBridge<TFile> {
  addFiles(files: readonly TFile[]): Promise<AddFilesResult>;
  chooseFiles(): Promise<AddFilesResult>;
  snapshot(): Promise<QueueSnapshot>;
  remove(id: FileId): Promise<QueueSnapshot>;
  cancel(id: FileId): Promise<QueueSnapshot>;
  retry(id: FileId): Promise<QueueSnapshot>;
  upload(options: { ids?: FileId[]; ubrn?: string }): Promise<QueueSnapshot>;
  session(): Promise<SessionView>;
  signIn(request: OperationRequest<'session:sign-in'>): Promise<SessionView | SignInFailure>;
  chooseRole(request: OperationRequest<'session:choose-role'>): Promise<SessionView>;
  signOut(): Promise<SessionView>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** Validate a request for a named operation; throws a ZodError naming the bad field. */
export function parseRequest<K extends OperationName>(name: K, payload: unknown): OperationRequest<K> {
  return OPERATIONS[name].request.parse(payload) as OperationRequest<K>;
}

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && Object.hasOwn(OPERATIONS, value);
}
