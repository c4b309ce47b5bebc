// A020 upload a file to the e-RS document store, and A006 retrieve it.

import { contextOf, ErsProtocolError } from './errors.ts';
import { call } from './endpoint.ts';
import { sessionHeaders, sessionSecrets, type ProfessionalSession } from './session.ts';
import type { TransportResponse, UploadProgress } from './transport.ts';
import { fileNameHeaderValue } from '../../../shared/rules/file-name.ts';
import { MAX_FILE_BYTES } from '../../../shared/rules/limits.ts';

export interface UploadBinaryRequest {
  readonly session: ProfessionalSession;
  /** Exactly the bytes that were checked (CheckedFile.bytes). */
  readonly bytes: Uint8Array;
  /** The name from prepareFileName (Verdict.storedName). */
  readonly storedName: string;
  /** The e-RS MIME spelling (Verdict.mimeType). */
  readonly mimeType: string;
  /** The intended referral, 12 digits. */
  readonly ubrn?: string | undefined;
  readonly onProgress?: ((progress: UploadProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface UploadBinaryResult {
  /** The e-RS file id, from Location: Binary/<id>. */
  readonly fileId: string;
  /** The Location header as e-RS sent it (A012 links with it). */
  readonly location: string;
  readonly transactionId: string | null;
  readonly status: 200 | 201;
}

export interface RetrievedBinary {
  readonly bytes: Uint8Array;
  readonly mimeType: string | null;
  readonly transactionId: string | null;
}

/** FHIR id: [A-Za-z0-9\-\.]{1,64}. Covers att-97366-95217 and UUIDs, and nothing that could escape a path. */
const FILE_ID = /^[A-Za-z0-9.-]{1,64}$/;

export function isErsFileId(value: string): boolean {
  return FILE_ID.test(value) && value !== '.' && value !== '..';
}

/**
 * The file id from a Location header: `Binary/<id>` as documented, or an
 * absolute or rooted URL ending in `.../Binary/<id>`, optionally with a FHIR
 * version suffix `/_history/<v>`. Anything else is null.
 */
export function fileIdFromLocation(location: string): string | null {
  let path = location.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return null;
    }
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    return null; // another scheme
  } else {
    path = path.replace(/[?#].*$/, '');
  }
  const segments = path.split('/').filter((s) => s !== '');
  const historyAt = segments.length - 2;
  if (segments[historyAt] === '_history') segments.splice(historyAt, 2);
  const [type, id] = segments.slice(-2);
  if (type !== 'Binary' || id === undefined) return null;
  return isErsFileId(id) ? id : null;
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;
const UBRN = /^\d{12}$/;

function uploadHeaders(request: UploadBinaryRequest): Record<string, string> {
  if (!MIME_TYPE.test(request.mimeType)) throw new TypeError('uploadBinary() needs an e-RS MIME type');
  if (request.ubrn !== undefined && !UBRN.test(request.ubrn)) throw new TypeError('A UBRN is 12 digits');
  return {
    ...sessionHeaders(request.session),
    XAPI_FQDN: request.session.connection.fqdn,
    'X-ERS-XAPI-META-FILE_NAME': fileNameHeaderValue(request.storedName),
    ...(request.ubrn === undefined ? {} : { 'X-ERS-XAPI-META-INTENDED_UBRN': request.ubrn }),
    Accept: 'application/fhir+json',
    'Content-Type': request.mimeType,
  };
}

function uploadResult(response: TransportResponse): UploadBinaryResult {
  const location = response.headers['location'];
  const fileId = location === undefined ? null : fileIdFromLocation(location);
  if (location === undefined || fileId === null) {
    // The file may be stored, but without an id it cannot be linked: never report success.
    const what = location === undefined ? 'no Location header' : 'a Location header with no file id';
    throw new ErsProtocolError(`e-RS accepted the upload but sent ${what}`, contextOf(response));
  }
  return {
    fileId,
    location,
    transactionId: contextOf(response).transactionId,
    status: response.status === 200 ? 200 : 201,
  };
}

/** A020: POST {baseUrl}/STU3/v1/Binary with the raw bytes. */
export async function uploadBinary(request: UploadBinaryRequest): Promise<UploadBinaryResult> {
  const headers = uploadHeaders(request);
  const response = await call(request.session.connection, {
    method: 'POST',
    path: '/STU3/v1/Binary',
    headers,
    body: request.bytes,
    signal: request.signal,
    onProgress: request.onProgress,
    expect: [200, 201],
    secrets: sessionSecrets(request.session),
    what: 'e-RS upload (A020)',
    // Once e-RS has said 201 with a Location, the file is stored: resending it would store it twice.
    headersSuffice: true,
  });
  return uploadResult(response);
}

/** A006: GET {baseUrl}/STU3/v1/Binary/{id}. e-RS serves at most 5 MiB this way. */
export async function retrieveBinary(request: {
  readonly session: ProfessionalSession;
  readonly fileId: string;
  readonly signal?: AbortSignal | undefined;
}): Promise<RetrievedBinary> {
  if (!isErsFileId(request.fileId)) throw new TypeError('Not an e-RS file id');
  const response = await call(request.session.connection, {
    method: 'GET',
    path: `/STU3/v1/Binary/${request.fileId}`,
    headers: { ...sessionHeaders(request.session), Accept: '*/*' },
    signal: request.signal,
    maxResponseBytes: MAX_FILE_BYTES,
    expect: [200],
    secrets: sessionSecrets(request.session),
    what: 'e-RS download (A006)',
  });
  const type = response.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return { bytes: response.body, mimeType: type === undefined || type === '' ? null : type, transactionId: contextOf(response).transactionId };
}
