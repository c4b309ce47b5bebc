// The messages between the card watcher (main) and its polling child process.
// Both sides validate what they receive: it crosses a process boundary.

import * as z from 'zod';

export const CardIdentitySchema = z
  .object({
    slotId: z.string().max(64),
    label: z.string().max(64),
    serialNumber: z.string().max(64),
  })
  .strict();
export type CardIdentity = z.infer<typeof CardIdentitySchema>;

export const StartMessageSchema = z
  .object({
    type: z.literal('start'),
    modulePath: z.string().min(1).max(4096),
    tokenSerial: z.string().max(64).nullable(),
    intervalMs: z.number().int().min(50).max(5000),
  })
  .strict();
export type StartMessage = z.infer<typeof StartMessageSchema>;

export const ChildMessageSchema = z.discriminatedUnion('type', [
  /** The first look: the watched card, or null if it is not inserted. */
  z.object({ type: z.literal('ready'), card: CardIdentitySchema.nullable() }).strict(),
  z.object({ type: z.literal('removed'), card: CardIdentitySchema, at: z.number() }).strict(),
  z.object({ type: z.literal('inserted'), card: CardIdentitySchema, at: z.number() }).strict(),
  /** The child cannot watch (module missing, unusable...): it exits after sending this. */
  z.object({ type: z.literal('failed'), code: z.string().max(64), message: z.string().max(2000) }).strict(),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;
