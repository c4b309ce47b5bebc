// Which transport the page talks through: Electron's preload if it put
// window.ers there, otherwise the browser preview's HTTP API.
import { createPreviewBridge } from './preview-bridge.ts';
import { pickFilesWithInput } from './pick-files.ts';
import type { RendererBridge } from './types.ts';

export type { RendererBridge } from './types.ts';

export function chooseBridge(win: Window = window): RendererBridge {
  return win.ers ?? createPreviewBridge({ pickFiles: () => pickFilesWithInput(win.document) });
}
