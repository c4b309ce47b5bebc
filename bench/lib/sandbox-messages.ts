// What the sandbox host (a child process) and the benchmark say to each other.
// The sandbox runs in its own process so that the client being measured, and
// curl, each have the sandbox's work done on another core, the same for both.

import * as z from 'zod';

export const PkiSchema = z.object({
  caCertPem: z.string(),
  clientCertPem: z.string(),
  clientKeyPem: z.string(),
  testCard: z.object({ certPem: z.string(), keyPem: z.string(), userId: z.string() }),
});
export type BenchPki = z.infer<typeof PkiSchema>;

export const EndpointSchema = z.object({
  origin: z.string(),
  baseUrl: z.string(),
  identityUrl: z.string(),
  asid: z.string(),
  fqdn: z.string(),
});
export type SandboxEndpoint = z.infer<typeof EndpointSchema>;

export const StoredSchema = z.object({ name: z.string(), mimeType: z.string(), size: z.number(), sha256: z.string() });
export type StoredSummary = z.infer<typeof StoredSchema>;

/** An A020 request as the sandbox saw it: lower-case header names, the session key redacted. */
export const UploadRequestSchema = z.object({ headers: z.record(z.string(), z.string()) });
export type SeenUpload = z.infer<typeof UploadRequestSchema>;

export const HostMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pki: PkiSchema }),
  z.object({ type: z.literal('started'), endpoint: EndpointSchema }),
  z.object({ type: z.literal('stopped'), stored: z.array(StoredSchema), uploads: z.array(UploadRequestSchema) }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

export const HostCommand = z.discriminatedUnion('type', [z.object({ type: z.literal('start') }), z.object({ type: z.literal('stop') })]);
export type HostCommand = z.infer<typeof HostCommand>;
