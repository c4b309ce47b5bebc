// Registers one ipcMain.handle per operation in the contract, each wrapped in
// the same three steps: check the sender, validate the payload against the
// operation's schema, then call the backend's handler and nothing else.
// Channels come from OPERATIONS, never from the handlers object, so nothing
// outside the contract can be registered.

import type { ZodError } from 'zod';
import { OPERATIONS, type MainHandlers, type OperationName } from '../../../shared/ipc/contract.ts';
import { validateSender, type SenderFacts } from '../security/validate-sender.ts';
import { errorReply, type IpcReply } from './reply.ts';

/** The part of Electron's ipcMain this module needs. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface RegisterIpcOptions<E> {
  /** Reduce Electron's event to the facts the sender check needs. */
  readonly senderOf: (event: E) => SenderFacts | null;
  readonly log?: (line: string) => void;
}

export function describeBadRequest(operation: OperationName, error: ZodError): string {
  const first = error.issues[0];
  const where = first && first.path.length > 0 ? first.path.join('.') : 'request';
  return `${operation} refused: ${where}: ${first?.message ?? 'invalid'}`;
}

/** Handle one call: the whole policy, independent of Electron. */
export async function handleInvoke<K extends OperationName>(
  operation: K,
  handlers: MainHandlers,
  sender: SenderFacts | null,
  args: readonly unknown[],
  log?: (line: string) => void,
): Promise<IpcReply<unknown>> {
  const verdict = validateSender(sender);
  if (!verdict.ok) {
    log?.(`ipc ${operation} refused: ${verdict.reason}`);
    return errorReply('This request did not come from the ers-attach window.');
  }
  // Exactly one argument: the request object. Extra arguments are a malformed call.
  if (args.length !== 1) {
    log?.(`ipc ${operation} refused: expected 1 argument, got ${args.length}`);
    return errorReply(`${operation} refused: expected one request object`);
  }
  const parsed = OPERATIONS[operation].request.safeParse(args[0]);
  if (!parsed.success) {
    const message = describeBadRequest(operation, parsed.error);
    log?.(`ipc ${message}`);
    return errorReply(message);
  }
  const handler = handlers[operation] as (request: unknown) => Promise<unknown>;
  try {
    return { value: await handler(parsed.data) };
  } catch (error) {
    // Backend errors carry person-readable messages and never secrets; the stack stays in main.
    const message = error instanceof Error && error.message !== '' ? error.message : 'Something went wrong in ers-attach.';
    log?.(`ipc ${operation} failed: ${message}`);
    return errorReply(message);
  }
}

/** Registers every operation; returns a function that removes them again. */
export function registerIpcHandlers<E>(
  ipcMain: IpcMainLike<E>,
  handlers: MainHandlers,
  options: RegisterIpcOptions<E>,
): () => void {
  const channels = Object.keys(OPERATIONS) as OperationName[];
  for (const operation of channels) {
    ipcMain.handle(operation, (event, ...args) =>
      handleInvoke(operation, handlers, options.senderOf(event), args, options.log),
    );
  }
  return () => {
    for (const operation of channels) ipcMain.removeHandler(operation);
  };
}
