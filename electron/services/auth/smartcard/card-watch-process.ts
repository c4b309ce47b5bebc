// How the card watcher's polling process is started, so each host can use
// the way it allows.
//
// Under Node, child_process.fork. Inside Electron, fork needs the Electron
// binary to run as Node (ELECTRON_RUN_AS_NODE), and the packaged app turns
// that off (the runAsNode fuse in electron-builder.yml), so the Electron glue
// passes a launcher over utilityProcess.fork instead (electron/main). The
// polling script (card-watch-child.ts) speaks to either: process.send /
// 'message' under fork, process.parentPort under a utility process.

import { fork } from 'node:child_process';

/** The polling process as the watcher needs it, whatever started it. */
export interface WatcherProcess {
  /** Deliver one message to the child (the start message). */
  send(message: unknown): void;
  /** Every message the child sends, unvalidated: the watcher checks them. */
  onMessage(listener: (message: unknown) => void): void;
  /** Once, when the child could not start or has ended; `why` completes "The card watcher ..." for a person. */
  onEnd(listener: (why: string) => void): void;
  /** Tell the child to end now (it may not have started yet). */
  kill(): void;
  /** End the child gracefully, forcing it after `graceMs`; resolves when it has gone. */
  stop(graceMs: number): Promise<void>;
}

export interface WatcherLaunch {
  /** The polling script's path. */
  readonly script: string;
  /** The child's whole environment (SOFTHSM2_CONF, PKCS#11 middleware settings...). */
  readonly env: NodeJS.ProcessEnv;
}

export type LaunchWatcherProcess = (launch: WatcherLaunch) => WatcherProcess;

/** Last line of what a child wrote to stderr, kept short, for the "stopped" message. */
export function stderrTail(): { add(chunk: string): void; lastLine(): string } {
  let tail = '';
  return {
    add(chunk) {
      tail = (tail + chunk).slice(-2000);
    },
    lastLine() {
      // Node ends an uncaught error's report with its version line: the line before says what went wrong.
      const lines = tail.trim().split('\n').filter((line) => line.trim() !== '' && !/^Node\.js v\d/.test(line));
      return lines.at(-1) ?? '';
    },
  };
}

export function endedBecause(exit: string, lastStderrLine: string): string {
  return `stopped (${exit})${lastStderrLine === '' ? '' : `: ${lastStderrLine}`}`;
}

/**
 * The Node default: child_process.fork with an IPC channel. `execPath` runs the
 * script (default: this process's binary; inside Electron that is Electron,
 * which is asked to behave as Node).
 */
export function forkWatcherProcess(options: { readonly execPath?: string } = {}): LaunchWatcherProcess {
  return ({ script, env }) => {
    const childEnv: NodeJS.ProcessEnv = { ...env };
    if (process.versions['electron'] !== undefined) childEnv['ELECTRON_RUN_AS_NODE'] = '1';
    const child = fork(script, [], {
      execPath: options.execPath ?? process.execPath,
      // Not the parent's flags (--test, --inspect...): the child is a plain script.
      execArgv: [],
      env: childEnv,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const stderr = stderrTail();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => stderr.add(chunk));
    // Ended, or never started (a spawn error may come without an 'exit').
    let ended = false;
    child.on('error', () => (ended = true));
    child.on('exit', () => (ended = true));
    return {
      send(message) {
        child.send(message as object);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onEnd(listener) {
        let told = false;
        const once = (why: string): void => {
          if (told) return;
          told = true;
          listener(why);
        };
        child.on('error', (err) => once(`could not start: ${err.message}`));
        child.on('exit', (code, signal) => once(endedBecause(signal !== null ? `signal ${signal}` : `exit code ${code}`, stderr.lastLine())));
      },
      kill() {
        child.kill();
      },
      async stop(graceMs) {
        if (ended || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // Disconnecting tells the child to exit; kill it if it does not.
        if (child.connected) child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
  };
}
