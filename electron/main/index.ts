// Electron main: glue only. Every decision lives in a plain module next to
// this file (sender check, IPC registration, protocol, CSP, window options,
// navigation and permission policy, quit guard) and every operation in the
// backend (electron/services); this file wires them to Electron's objects.

import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  utilityProcess,
  type IpcMainInvokeEvent,
  type OpenDialogOptions,
} from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createBackend, type Backend } from '../services/backend.ts';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES } from './app-origin.ts';
import { openDialogFilters } from './dialog-filters.ts';
import { forwardEvents } from './ipc/forward-events.ts';
import { registerIpcHandlers } from './ipc/register.ts';
import { createAppRequestHandler } from './protocol/serve.ts';
import { createQuitGuard } from './quit-guard.ts';
import { applyPermissionPolicy } from './security/permissions.ts';
import { hardenContents } from './security/harden-contents.ts';
import type { SenderFacts } from './security/validate-sender.ts';
import { utilityWatcherLauncher } from './utility-watcher.ts';
import { mainWindowOptions } from './window-options.ts';

// Bundled to dist/electron/main.js: the preload sits beside it, the renderer in dist/renderer.
const PRELOAD_PATH = path.join(import.meta.dirname, 'preload.cjs');
const RENDERER_ROOT = path.join(import.meta.dirname, '..', 'renderer');
const CLOSE_TIMEOUT_MS = 10_000;

const log = (line: string): void => console.log(`[ers-attach] ${line}`);

// Both must happen before 'ready'.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another ers-attach is running: it gets focus (second-instance below) and this one leaves.
  app.quit();
} else {
  start();
}

function senderOf(event: IpcMainInvokeEvent): SenderFacts | null {
  const frame = event.senderFrame;
  if (frame === null || frame.isDestroyed()) return null;
  return { url: frame.url, isMainFrame: frame.parent === null };
}

function start(): void {
  let mainWindow: BrowserWindow | null = null;
  let backendPromise: Promise<Backend> | null = null;

  app.on('web-contents-created', (_event, contents) => hardenContents(contents, log));
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on(
    'before-quit',
    createQuitGuard({
      close: async () => {
        const backend = await backendPromise?.catch(() => null);
        await backend?.close();
      },
      quit: () => app.quit(),
      timeoutMs: CLOSE_TIMEOUT_MS,
      log,
    }),
  );

  const chooseFiles = async (): Promise<string[]> => {
    const options: OpenDialogOptions = {
      title: 'Choose files to attach',
      properties: ['openFile', 'multiSelections'],
      filters: openDialogFilters(),
    };
    const result = mainWindow === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(mainWindow, options);
    return result.canceled ? [] : result.filePaths;
  };

  app
    .whenReady()
    .then(async () => {
      applyPermissionPolicy(session.defaultSession, log);
      protocol.handle(APP_SCHEME, createAppRequestHandler({ root: RENDERER_ROOT, readFile, log }));

      // With no environment configured, the backend starts the embedded e-RS sandbox.
      backendPromise = createBackend({
        userDataDir: app.getPath('userData'),
        chooseFiles,
        log,
        // The smartcard watcher runs as a utility process: the runAsNode fuse rules out child_process.fork.
        launchWatcherProcess: utilityWatcherLauncher((modulePath, args, options) => utilityProcess.fork(modulePath, args, options)),
      });
      const backend = await backendPromise;
      registerIpcHandlers(ipcMain, backend.handlers, { senderOf, log });
      forwardEvents(backend, () => mainWindow?.webContents ?? null);

      mainWindow = new BrowserWindow(mainWindowOptions({ preloadPath: PRELOAD_PATH, isPackaged: app.isPackaged }));
      mainWindow.once('ready-to-show', () => mainWindow?.show());
      mainWindow.on('closed', () => {
        mainWindow = null;
      });
      await mainWindow.loadURL(APP_ENTRY_URL);
    })
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`could not start: ${message}`);
      dialog.showErrorBox('ers-attach could not start', message);
      app.exit(1);
    });
}
