// The main-process services in a child process of their own: the real backend
// (config, e-RS client, file registry, session keeper, queue, audit trail),
// driven over Node's IPC channel with the IPC contract's operations. Start it
// with startBackendHost() (host-client.ts). It exists so a test can kill the
// process running the services (SIGKILL, mid-upload) and start it again on the
// same user data folder, as a crash or power cut would.
//
//   node electron/services/host/backend-host.ts --user-data DIR [--config FILE]
//        [--retry '{"maxAttempts":..,"baseDelayMs":..,"maxDelayMs":..,"maxRetryAfterMs":..}'] [--concurrency N]
//
// Like the preload, the parent is trusted to name paths (files:add-dropped);
// every request is still validated against the contract.

import { parseArgs } from 'node:util';
import * as z from 'zod';
import { parseRequest } from '../../../shared/ipc/contract.ts';
import { createBackend, type Backend, type BackendOptions } from '../backend.ts';
import { HostRequestSchema, type HostMessage } from './host-messages.ts';

const RetrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1),
  baseDelayMs: z.number().int().min(0),
  maxDelayMs: z.number().int().min(0),
  maxRetryAfterMs: z.number().int().min(0),
});

function say(message: HostMessage): void {
  // The parent may be gone (it is what kills us in tests): nothing to tell then.
  if (process.connected) process.send?.(message);
}

function options(): BackendOptions {
  const { values } = parseArgs({
    options: {
      'user-data': { type: 'string' },
      config: { type: 'string' },
      retry: { type: 'string' },
      concurrency: { type: 'string' },
    },
    strict: true,
  });
  const userDataDir = values['user-data'];
  if (userDataDir === undefined || userDataDir === '') throw new Error('--user-data DIR is needed');
  const concurrency = values.concurrency === undefined ? undefined : z.coerce.number().int().min(1).max(16).parse(values.concurrency);
  return {
    userDataDir,
    ...(values.config === undefined ? {} : { configPath: values.config }),
    ...(values.retry === undefined ? {} : { retry: RetrySchema.parse(JSON.parse(values.retry)) }),
    ...(concurrency === undefined ? {} : { concurrency }),
    log: (line) => say({ type: 'log', line }),
  };
}

function serve(backend: Backend): void {
  backend.on('queue:changed', (payload) => say({ type: 'event', event: 'queue:changed', payload }));
  backend.on('session:changed', (payload) => say({ type: 'event', event: 'session:changed', payload }));
  process.on('message', (raw: unknown) => {
    const parsed = HostRequestSchema.safeParse(raw);
    if (!parsed.success) {
      say({ type: 'log', line: 'backend-host: ignored a message that is not a call' });
      return;
    }
    const { id, operation } = parsed.data as { id: number; operation: keyof Backend['handlers'] };
    void (async () => {
      try {
        const request = parseRequest(operation, parsed.data.request);
        const handler = backend.handlers[operation] as (request: unknown) => Promise<unknown>;
        say({ type: 'reply', id, value: await handler(request) });
      } catch (error) {
        say({ type: 'refusal', id, message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    // A003, the last queue write, then out.
    void backend.close().finally(() => process.exit(0));
  };
  process.on('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
  say({ type: 'ready', pid: process.pid });
}

if (!process.send) {
  process.stderr.write('backend-host: start it with startBackendHost() (child_process.fork), not directly\n');
  process.exit(2);
}

createBackend(options()).then(serve, (error: unknown) => {
  say({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
