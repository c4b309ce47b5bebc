// Child processes for the benchmark: commands with a time limit, and Node
// children that talk over the IPC channel with schema-checked messages.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import type * as z from 'zod';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From spawn to exit, in milliseconds. */
  readonly wallMs: number;
}

/** Run a command (no shell) and wait for it, killing it after `timeoutMs`. */
export function runCommand(command: string, args: readonly string[], options: { timeoutMs: number; cwd?: string }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (signal === 'SIGKILL') reject(new Error(`${command} took longer than ${options.timeoutMs} ms and was stopped`));
      else resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), wallMs });
    });
  });
}

export interface NodeChild<Out> {
  readonly process: ChildProcess;
  send(message: unknown): void;
  /** The next message from the child, checked against the schema; rejects on exit or after `timeoutMs`. */
  next(timeoutMs: number): Promise<Out>;
  /** Ask it to stop (disconnect), then kill it if it has not gone after a second. */
  stop(): Promise<void>;
}

/** Fork a TypeScript module under this Node (24, which strips types), messages validated with `schema`. */
export function forkNode<Out>(modulePath: string, schema: z.ZodType<Out>, options: { execArgv?: readonly string[] } = {}): NodeChild<Out> {
  const child = fork(modulePath, [], {
    execPath: process.execPath,
    execArgv: [...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const inbox: Out[] = [];
  const waiting: { resolve: (m: Out) => void; reject: (e: Error) => void }[] = [];
  let gone: Error | null = null;

  child.on('message', (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    const waiter = waiting.shift();
    if (!parsed.success) {
      const error = new Error(`${modulePath} sent a message of the wrong shape: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      if (waiter) waiter.reject(error);
      else gone = error;
      return;
    }
    if (waiter) waiter.resolve(parsed.data);
    else inbox.push(parsed.data);
  });
  child.on('exit', (code, signal) => {
    gone ??= new Error(`${modulePath} exited (${signal ?? `code ${code}`})`);
    for (const waiter of waiting.splice(0)) waiter.reject(gone);
  });

  return {
    process: child,
    send(message) {
      child.send(message as never);
    },
    next(timeoutMs) {
      const queued = inbox.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (gone) return Promise.reject(gone);
      return new Promise<Out>((resolve, reject) => {
        const timer = setTimeout(() => {
          const at = waiting.indexOf(entry);
          if (at >= 0) waiting.splice(at, 1);
          reject(new Error(`${modulePath} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const entry = {
          resolve: (m: Out) => {
            clearTimeout(timer);
            resolve(m);
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        waiting.push(entry);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 1000);
      await exited;
      clearTimeout(timer);
    },
  };
}
