// What the memory child (bench/memory-child.ts) is told and what it answers.

import * as z from 'zod';
import { EndpointSchema, PkiSchema } from './sandbox-messages.ts';

export const MemoryJob = z.object({
  endpoint: EndpointSchema,
  pki: PkiSchema,
  paths: z.array(z.string()).min(1),
  concurrency: z.number().int().min(1).max(8),
});
export type MemoryJob = z.infer<typeof MemoryJob>;

export const MemoryAnswer = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('result'),
    /** Median RSS over a second of idling after sign-in (bytes). */
    idleBytes: z.number().positive(),
    /** Highest RSS seen while uploading: sampled, or the kernel's high-water mark if it rose meanwhile (bytes). */
    peakBytes: z.number().positive(),
    samples: z.number().int(),
    uploaded: z.number().int(),
    heapUsedIdleBytes: z.number(),
    heapUsedPeakBytes: z.number(),
    externalPeakBytes: z.number(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type MemoryAnswer = z.infer<typeof MemoryAnswer>;
