// The messages between a backend host (a child process running the main-process
// services) and the process that started it, over Node's IPC channel. Both
// sides validate what they receive: it crosses a process boundary.

import * as z from 'zod';
import { EVENT_NAMES, isOperationName, type OperationName } from '../../../shared/ipc/contract.ts';

/** To the host: run one contract operation (the request is validated against the contract there). */
export const HostRequestSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  operation: z.string().refine(isOperationName, { error: 'not an operation in the IPC contract' }),
  request: z.unknown(),
});
export type HostRequest = { readonly type: 'call'; readonly id: number; readonly operation: OperationName; readonly request: unknown };

/** From the host. Replies and events carry views only: nothing secret ever crosses. */
export const HostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  z.strictObject({ type: z.literal('reply'), id: z.number().int(), value: z.unknown() }),
  /** The operation threw: its message (written for the person, or a bug's). */
  z.strictObject({ type: z.literal('refusal'), id: z.number().int(), message: z.string() }),
  z.strictObject({ type: z.literal('event'), event: z.enum(EVENT_NAMES), payload: z.unknown() }),
  z.strictObject({ type: z.literal('log'), line: z.string() }),
  z.strictObject({ type: z.literal('fatal'), message: z.string() }),
]);
export type HostMessage = z.infer<typeof HostMessageSchema>;
