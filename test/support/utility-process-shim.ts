// Runs a script the way Electron's utilityProcess does, for tests under Node:
// the script gets process.parentPort (postMessage, and 'message' events whose
// data is the message, queued until someone listens, as Electron queues them)
// and no process.send. Underneath, the parent's fork() IPC channel carries it.
// Usage (by test/support/fake-utility-process.ts): fork(this file, [script]).

import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

const script = process.argv[2];
const send = process.send?.bind(process);
if (script === undefined || send === undefined) throw new Error('utility-process-shim needs a script and an IPC channel');

const port = Object.assign(new EventEmitter(), { postMessage: (message: unknown) => void send(message) });
const waiting: unknown[] = [];
process.on('message', (data) => {
  if (port.listenerCount('message') > 0) port.emit('message', { data, ports: [] });
  else waiting.push(data);
});
port.on('newListener', (event) => {
  if (event !== 'message') return;
  process.nextTick(() => {
    for (const data of waiting.splice(0)) port.emit('message', { data, ports: [] });
  });
});
// Electron ends a utility process with its parent.
process.on('disconnect', () => process.exit(0));
// A utility process talks through parentPort only.
process.send = undefined;
Object.defineProperty(process, 'parentPort', { value: port });

await import(pathToFileURL(script).href);
