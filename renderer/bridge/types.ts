// The page's view of window.ers: the contract's bridge over DOM Files.
import type { ErsBridge } from '../../shared/ipc/contract.ts';

export type RendererBridge = ErsBridge<File>;

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser preview. */
    readonly ers?: RendererBridge;
  }
}
