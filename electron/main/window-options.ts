// The main window's options. Every security-relevant webPreference is set
// explicitly, even where Electron's default already agrees, so a change of
// default in a later Electron cannot loosen this window silently.

import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  readonly preloadPath: string;
  /** app.isPackaged: DevTools only in development builds. */
  readonly isPackaged: boolean;
}

export function webPreferences(input: WindowOptionsInput): WebPreferences {
  return {
    preload: input.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools: !input.isPackaged,
  };
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'ers-attach',
    width: 1100,
    height: 780,
    minWidth: 640,
    minHeight: 480,
    // Shown on ready-to-show, so the person never sees an empty white window.
    show: false,
    backgroundColor: '#f0f4f5',
    autoHideMenuBar: true,
    webPreferences: webPreferences(input),
  };
}
