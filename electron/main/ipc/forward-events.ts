// Forwards the backend's events to the window, on the event's own name, with
// only the event's payload. The listed names are the contract's EVENT_NAMES;
// nothing else is ever sent to the renderer.

import { EVENT_NAMES, type EventName, type EventPayloads } from '../../../shared/ipc/contract.ts';

export interface EventSource {
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** The part of a WebContents this module needs. */
export interface EventSink {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

/** Starts forwarding; the returned function stops it. `target` is looked up per event, so a reopened window gets them too. */
export function forwardEvents(source: EventSource, target: () => EventSink | null): () => void {
  const unsubscribes = EVENT_NAMES.map((name) =>
    source.on(name, (payload) => {
      const contents = target();
      if (contents !== null && !contents.isDestroyed()) contents.send(name, payload);
    }),
  );
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
