// The envelope every IPC handler resolves with. Errors travel as a plain
// message: never an Error object (Electron would serialise its message into a
// longer string) and never a stack, cause or anything else from main's heap.

export type IpcReply<T> = { readonly value: T } | { readonly error: string };

/** Longest message sent back to the page; anything longer is cut. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

export function errorReply(message: string): { readonly error: string } {
  const text = message.length > MAX_ERROR_MESSAGE_CHARS ? `${message.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…` : message;
  return { error: text };
}

/** Preload side: the value, or a rejection carrying main's message. */
export function unwrapReply<T>(reply: unknown): T {
  if (typeof reply === 'object' && reply !== null) {
    if ('error' in reply && typeof reply.error === 'string') throw new Error(reply.error);
    if ('value' in reply) return reply.value as T;
  }
  throw new Error('ers-attach received a reply it did not understand');
}
