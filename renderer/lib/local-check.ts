// The renderer's quick verdict on a file the person just dropped: the same
// shared rules main applies, over the name, the size and the first 64 KiB.
// It is for showing problems at once; main reads every byte and decides.
// File.type is never consulted: browsers guess it from the name, differently
// on each platform.
import { identifyContent } from '../../shared/content/identify.ts';
import { validateAttachment } from '../../shared/rules/validate.ts';
import type { ContentLook } from '../../shared/rules/types.ts';
import type { LocalCheck } from '../store/queue-model.ts';

export const PREFIX_BYTES = 64 * 1024;

export async function checkLocally(file: Blob & { readonly name: string }): Promise<LocalCheck> {
  let look: ContentLook | null = null;
  try {
    const prefix = new Uint8Array(await file.slice(0, PREFIX_BYTES).arrayBuffer());
    look = await identifyContent(prefix, { complete: file.size <= PREFIX_BYTES });
  } catch {
    // Unreadable here (a folder, a vanished file): judge by name and size; main will say what it is.
    look = null;
  }
  return { look, verdict: validateAttachment({ name: file.name, size: file.size, look }) };
}
