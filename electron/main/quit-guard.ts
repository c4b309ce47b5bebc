// Quitting waits for the backend to close (end the e-RS session with A003,
// stop the embedded sandbox, flush the queue), but never forever: after
// timeoutMs the app quits anyway, because a hung network call must not leave
// a window that cannot be closed.

export interface QuitEventLike {
  preventDefault(): void;
}

export interface QuitGuardOptions {
  readonly close: () => Promise<void>;
  readonly quit: () => void;
  readonly timeoutMs: number;
  readonly log?: (line: string) => void;
}

/** Returns the 'before-quit' listener. */
export function createQuitGuard(options: QuitGuardOptions): (event: QuitEventLike) => void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  return (event) => {
    if (state === 'closed') return; // our own app.quit() after closing: let it through
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    Promise.race([options.close().then(() => 'closed' as const), timeout])
      .then((outcome) => {
        if (outcome === 'timeout') options.log?.(`backend did not close within ${options.timeoutMs} ms; quitting anyway`);
      })
      .catch((error: unknown) => {
        options.log?.(`backend close failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        options.quit();
      });
  };
}
