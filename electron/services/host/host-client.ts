// Starting a backend host (backend-host.ts) and talking to it: the contract's
// operations as promises, its events as listeners, and the process itself so a
// test can kill it the hard way.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventName, EventPayloads, OperationName, OperationRequest, OperationResponse } from '../../../shared/ipc/contract.ts';
import type { RetryPolicy } from '../queue/retry-policy.ts';
import { HostMessageSchema } from './host-messages.ts';

const HOST_ENTRY = fileURLToPath(new URL('./backend-host.ts', import.meta.url));

export interface BackendHostOptions {
  readonly userDataDir: string;
  readonly configPath?: string;
  readonly retry?: RetryPolicy;
  readonly concurrency?: number;
  /** How long to wait for the services to be up (default 20 s). */
  readonly readyTimeoutMs?: number;
}

export interface BackendHost {
  readonly pid: number;
  call<K extends OperationName>(operation: K, request: OperationRequest<K>): Promise<OperationResponse<K>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** The services' log lines so far (they never hold secrets). */
  readonly logs: readonly string[];
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** Sends a signal (default SIGKILL: no chance to save or say goodbye). */
  kill(signal?: NodeJS.Signals): void;
  /** Asks the services to close (A003, last queue write) and waits; kills them if that takes longer than timeoutMs. */
  close(timeoutMs?: number): Promise<void>;
}

/** The host refused or failed an operation; the message is the backend's. */
export class HostCallError extends Error {
  override readonly name = 'HostCallError';
}

export function startBackendHost(options: BackendHostOptions): Promise<BackendHost> {
  const args = ['--user-data', options.userDataDir];
  if (options.configPath !== undefined) args.push('--config', options.configPath);
  if (options.retry !== undefined) args.push('--retry', JSON.stringify(options.retry));
  if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
  const child: ChildProcess = fork(HOST_ENTRY, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

  const logs: string[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners: { [E in EventName]: Set<(payload: EventPayloads[E]) => void> } = { 'queue:changed': new Set(), 'session:changed': new Set() };
  let nextId = 0;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const { reject } of pending.values()) reject(new HostCallError(`the backend host exited (${signal ?? code}) before answering`));
      pending.clear();
      resolve({ code, signal });
    });
  });

  return new Promise<BackendHost>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the backend host did not start in time'));
    }, options.readyTimeoutMs ?? 20_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the backend host exited (${signal ?? code}) before it was ready: ${logs.slice(-3).join(' | ')}`));
    });

    child.on('message', (raw: unknown) => {
      const parsed = HostMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      switch (message.type) {
        case 'ready':
          clearTimeout(timer);
          resolve(host);
          return;
        case 'fatal':
          logs.push(`fatal: ${message.message}`);
          return;
        case 'log':
          logs.push(message.line);
          return;
        case 'event':
          for (const listener of listeners[message.event]) (listener as (payload: unknown) => void)(message.payload);
          return;
        case 'reply':
        case 'refusal': {
          const waiter = pending.get(message.id);
          pending.delete(message.id);
          if (message.type === 'reply') waiter?.resolve(message.value);
          else waiter?.reject(new HostCallError(message.message));
          return;
        }
      }
    });

    const host: BackendHost = {
      pid: child.pid ?? -1,
      call(operation, request) {
        const id = nextId++;
        return new Promise((resolveCall, rejectCall) => {
          if (!child.connected) {
            rejectCall(new HostCallError('the backend host is not running'));
            return;
          }
          pending.set(id, { resolve: resolveCall as (value: unknown) => void, reject: rejectCall });
          child.send({ type: 'call', id, operation, request });
        });
      },
      on(event, listener) {
        const set = listeners[event] as Set<typeof listener>;
        set.add(listener);
        return () => void set.delete(listener);
      },
      logs,
      exited,
      kill(signal = 'SIGKILL') {
        child.kill(signal);
      },
      async close(timeoutMs = 10_000) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
      },
    };
  });
}
