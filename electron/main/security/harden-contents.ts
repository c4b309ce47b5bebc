// Applied to every webContents the app creates (via app 'web-contents-created'):
// the UI is one static page, so it never navigates, never opens windows and
// never hosts a <webview>. A file dropped outside the drop zone would otherwise
// navigate the window to file://; will-navigate refuses that too.

export interface NavigationEventLike {
  preventDefault(): void;
}

/** The part of Electron's WebContents this module needs. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: NavigationEventLike, ...rest: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export function hardenContents(contents: HardenableContents, log?: (line: string) => void): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    log?.('navigation refused');
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    log?.('redirect refused');
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log?.('webview refused');
  });
  contents.setWindowOpenHandler(() => {
    log?.('new window refused');
    return { action: 'deny' };
  });
}
