// Starts the smartcard watcher's polling script as an Electron utility
// process. The backend's default, child_process.fork, needs the Electron
// binary to run as Node (ELECTRON_RUN_AS_NODE), which the packaged app's
// runAsNode fuse switches off; utilityProcess.fork is Electron's supported way
// to run a Node script in its own process. Takes the fork function so it is
// tested without Electron.

import type { EventEmitter } from 'node:events';
import { endedBecause, stderrTail, type LaunchWatcherProcess } from '../services/auth/smartcard/card-watch-process.ts';

/** The part of Electron's UtilityProcess this needs (events: spawn, message, exit, error). */
export interface UtilityChild extends EventEmitter {
  postMessage(message: unknown): void;
  kill(): boolean;
  readonly stderr: NodeJS.ReadableStream | null;
}

export type ForkUtility = (
  modulePath: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; stdio: ('ignore' | 'pipe')[]; serviceName: string },
) => UtilityChild;

export function utilityWatcherLauncher(fork: ForkUtility): LaunchWatcherProcess {
  return ({ script, env }) => {
    const child = fork(script, [], { env, stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'ers-attach card watcher' });
    const stderr = stderrTail();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => stderr.add(chunk));

    // Hold messages until the process is running, so the start message is never lost.
    let spawned = false;
    let ended = false;
    let fatal: string | null = null;
    const pending: unknown[] = [];
    child.once('spawn', () => {
      spawned = true;
      for (const message of pending.splice(0)) child.postMessage(message);
    });
    child.once('error', (type: string) => (fatal = type));
    const exited = new Promise<number>((resolve) =>
      child.once('exit', (code: number) => {
        ended = true;
        resolve(code);
      }),
    );

    return {
      send(message) {
        if (ended) return;
        if (spawned) child.postMessage(message);
        else pending.push(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onEnd(listener) {
        void exited.then((code) => listener(endedBecause(fatal ?? `exit code ${code}`, stderr.lastLine())));
      },
      kill() {
        if (!ended) child.kill();
      },
      async stop(graceMs) {
        if (ended) return;
        child.kill();
        let timer: ReturnType<typeof setTimeout> | undefined;
        // A utility process has no gentler ending than kill(); wait for it, but not forever.
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      },
    };
  };
}
