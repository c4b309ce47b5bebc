// Electron's utilityProcess.fork played by child_process.fork and
// utility-process-shim.ts: the same events (spawn, message, exit with a code),
// postMessage, kill and stderr, and in the child process.parentPort instead of
// process.send. Lets the Electron launcher and the real polling script be
// tested together under Node, on a real card.

import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ForkUtility, UtilityChild } from '../../electron/main/utility-watcher.ts';

const SHIM = fileURLToPath(new URL('./utility-process-shim.ts', import.meta.url));

export const forkLikeUtilityProcess: ForkUtility = (modulePath, args, options) => {
  const child = fork(SHIM, [modulePath, ...args], {
    env: options.env,
    execArgv: [],
    stdio: ['ignore', options.stdio[1] ?? 'ignore', options.stdio[2] ?? 'ignore', 'ipc'],
    serialization: 'advanced',
  });
  const utility = Object.assign(new EventEmitter(), {
    stderr: child.stderr,
    postMessage: (message: unknown) => void child.send(message as object),
    kill: () => child.kill(),
  }) satisfies UtilityChild;
  child.on('spawn', () => utility.emit('spawn'));
  child.on('message', (message) => utility.emit('message', message));
  // Electron reports an exit code only (a signal shows as a non-zero code).
  child.on('exit', (code) => utility.emit('exit', code ?? 1));
  return utility;
};
