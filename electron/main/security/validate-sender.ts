// Who may call main. Every IPC handler runs this before it looks at the
// payload: only the top-level frame of a page on this app's own origin may ask
// for anything. Subframes, about:blank, file:// and look-alike origins are
// refused, as is a sender whose frame has already gone (Electron then reports
// no frame at all).

import { isAppUrl } from '../app-origin.ts';

/** What the glue extracts from an IpcMainInvokeEvent (senderFrame may be null once the frame is gone). */
export interface SenderFacts {
  readonly url: string | undefined;
  readonly isMainFrame: boolean;
}

export type SenderVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function validateSender(sender: SenderFacts | null): SenderVerdict {
  if (sender === null) return { ok: false, reason: 'the sending frame no longer exists' };
  if (!sender.isMainFrame) return { ok: false, reason: 'the sender is not the main frame' };
  if (typeof sender.url !== 'string' || sender.url === '') return { ok: false, reason: 'the sender has no URL' };
  if (!isAppUrl(sender.url)) return { ok: false, reason: 'the sender is not on the app origin' };
  return { ok: true };
}
