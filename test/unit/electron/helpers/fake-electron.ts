// A stand-in for the 'electron' module, so the real bundled main process
// (dist/electron/main.js) can run under Node: it records what main asks of
// Electron (schemes, sandbox, window options, protocol and IPC handlers,
// permission handlers, messages sent to the window) and lets a test play the
// parts Electron would (ready, an IPC call, a request, quit). Loaded in place
// of 'electron' by a module resolve hook (see main-glue.test.ts).

import { EventEmitter } from 'node:events';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

class FakeWebContents extends EventEmitter {
  readonly id = 1;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }
}

class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return [...FakeBrowserWindow.all];
  }
  readonly options: unknown;
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  shown = false;
  focused = 0;
  constructor(options: unknown) {
    super();
    this.options = options;
    FakeBrowserWindow.all.push(this);
    fake.calls.push('new BrowserWindow');
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.emit('ready-to-show');
  }
  show(): void {
    this.shown = true;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {
    this.focused += 1;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  private readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.readyResolve = resolve));
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  becomeReady(): void {
    fake.calls.push('ready');
    this.readyResolve();
  }
  enableSandbox(): void {
    fake.calls.push('enableSandbox');
  }
  requestSingleInstanceLock(): boolean {
    fake.calls.push('requestSingleInstanceLock');
    return fake.singleInstanceLock;
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`fake electron: getPath(${name}) is not expected`);
    return fake.userDataDir;
  }
  quit(): void {
    fake.calls.push('quit');
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) fake.calls.push('quit:done');
  }
  exit(code: number): void {
    fake.calls.push(`exit:${code}`);
  }
}

export const app = new FakeApp();
export const BrowserWindow = FakeBrowserWindow;

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    fake.calls.push('registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void {
    this.handlers.set(scheme, handler);
  },
};

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl?: string },
) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string) => boolean;

class FakeSession {
  request: PermissionRequestHandler | null = null;
  check: PermissionCheckHandler | null = null;
  device: ((details: unknown) => boolean) | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.request = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.check = handler;
  }
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void {
    this.device = handler;
  }
}

export const session = { defaultSession: new FakeSession() };

export const dialog = {
  opened: [] as unknown[][],
  errors: [] as [string, string][],
  nextChoice: { canceled: true, filePaths: [] as string[] },
  async showOpenDialog(...args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> {
    this.opened.push(args);
    return this.nextChoice;
  },
  showErrorBox(title: string, content: string): void {
    this.errors.push([title, content]);
  },
};

export const utilityProcess = {
  forked: [] as unknown[][],
  fork(...args: unknown[]): never {
    this.forked.push(args);
    throw new Error('fake electron: no utility processes here (the sandbox test card needs no card watcher)');
  },
};

/** The test's controls and records. */
export const fake = {
  calls: [] as string[],
  singleInstanceLock: true,
  userDataDir: '',
};

export default { app, BrowserWindow, ipcMain, protocol, session, dialog, utilityProcess };
