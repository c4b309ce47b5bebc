// What every e-RS call needs (where, who we are, how to get there) and the one
// place a call's answer is turned into a result or a typed error.

import type * as z from 'zod';
import {
  contextOf,
  errorFromAnswer,
  ErsCancelledError,
  ErsProtocolError,
} from './errors.ts';
import type { HttpMethod, Transport, TransportResponse, UploadProgress } from './transport.ts';

export interface ErsConnection {
  /** e.g. https://api.dev3.ers.ncrs.nhs.uk/ers-api (no trailing slash). */
  readonly baseUrl: string;
  /** XAPI_ASID: the Accredited System ID. */
  readonly asid: string;
  /** XAPI_FQDN: the common name of the endpoint certificate. */
  readonly fqdn: string;
  readonly transport: Transport;
}

export interface CallSpec {
  readonly method: HttpMethod;
  /** Appended to baseUrl; path segments taken from outside must already be encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: UploadProgress) => void) | undefined;
  readonly maxResponseBytes?: number;
  /** Statuses that count as success. */
  readonly expect: readonly number[];
  /** Values scrubbed from any server text that ends up in an error message. */
  readonly secrets: readonly string[];
  /** What the call is, for messages: "e-RS upload (A020)". */
  readonly what: string;
  /**
   * The success status and headers are the whole answer (A020's 201 carries its id in
   * Location and an empty body), so a body cut short after them changes nothing: the
   * server's answer wins over the later socket error or timeout.
   */
  readonly headersSuffice?: boolean;
}

/** Where a call goes: e-RS, or the identity service, which shares the transport. */
export type Service = Pick<ErsConnection, 'baseUrl' | 'transport'>;

export function endpointUrl(service: Service, path: string): URL {
  return new URL(service.baseUrl.replace(/\/+$/, '') + path);
}

/** Send one call; a success status with a body cut short is an error, never a success. */
export async function call(service: Service, spec: CallSpec): Promise<TransportResponse> {
  const { transport } = service;
  const response = await transport.request({
    method: spec.method,
    url: endpointUrl(service, spec.path),
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    ...(spec.signal === undefined ? {} : { signal: spec.signal }),
    ...(spec.onProgress === undefined ? {} : { onProgress: spec.onProgress }),
    ...(spec.maxResponseBytes === undefined ? {} : { maxResponseBytes: spec.maxResponseBytes }),
  });
  if (spec.expect.includes(response.status)) {
    if (response.truncated === null) return response;
    if (response.truncated === 'aborted') throw new ErsCancelledError(contextOf(response));
    if (spec.headersSuffice === true) return response;
    const why = response.truncated === 'too-large' ? 'was larger than expected' : 'was cut short';
    throw new ErsProtocolError(`The answer to the ${spec.what} ${why}`, contextOf(response));
  }
  if (response.truncated === 'aborted') throw new ErsCancelledError(contextOf(response));
  throw errorFromAnswer(response, spec.secrets);
}

export const jsonBody = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** The JSON in a body, or undefined when there is none. */
export function jsonIn(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
}

/**
 * Validate a JSON answer. The error names the fields that failed, never their
 * values (an answer may hold the token).
 */
export function parseAnswer<T>(response: TransportResponse, schema: z.ZodType<T>, what: string, shape: string): T {
  const parsed = schema.safeParse(jsonIn(response.body));
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))].join(', ');
  throw new ErsProtocolError(`The answer to the ${what} is not ${shape} (${fields})`, contextOf(response));
}
