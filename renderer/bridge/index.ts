// Which transport the page talks through: Electron's preload if it put
// window.ers there, otherwise the browser preview's HTTP API.
import { createPreviewBridge } from './preview-bridge.ts';
import { pickFilesWithInput } from './pick-files.ts';
import type { RendererBridge } from './types.ts';

export type { RendererBridge } from './types.ts';

export function chooseBridge(win: Window = window): RendererBridge {
  return win.ers ?? createPreviewBridge({ pickFiles: () => pickFilesWithInput(win.document) });
}

/**
 * How many parts of a drop the store may send at once over this bridge. The preview server adds
 * batches one at a time in arrival order, and sending ahead keeps main busy while the page renders
 * (1,000 files: ~1.45 s with 8, ~1.7 s with 4); Electron's handlers run side by side, so one at a time.
 */
export function partsInFlightFor(bridge: RendererBridge, win: Window = window): number {
  return bridge === win.ers ? 1 : 8;
}
