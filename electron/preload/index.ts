// The preload: runs sandboxed, before the page, in an isolated world. It only
// wires Electron's ipcRenderer and webUtils into the bridge (bridge.ts) and
// exposes the result as window.ers. Bundled to one CommonJS file because a
// sandboxed preload can require only 'electron' and a few built-ins.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createBridge } from './bridge.ts';

const bridge = createBridge<File>(
  {
    invoke: (channel, request) => ipcRenderer.invoke(channel, request),
    subscribe: (channel, listener) => {
      const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  },
  (file) => webUtils.getPathForFile(file),
);

contextBridge.exposeInMainWorld('ers', bridge);
