// The benchmark's handle on the sandbox host child.

import { forkNode, type NodeChild } from './proc.ts';
import { HostMessage, type BenchPki, type SandboxEndpoint, type SeenUpload, type StoredSummary } from './sandbox-messages.ts';

const HOST = new URL('../sandbox-host.ts', import.meta.url).pathname;
const TIMEOUT_MS = 60_000;

export interface SandboxLink {
  readonly pki: BenchPki;
  /** A fresh sandbox with an empty store. */
  start(): Promise<SandboxEndpoint>;
  /** Close it; returns what it stored and the A020 requests it saw. */
  stop(): Promise<{ stored: StoredSummary[]; uploads: SeenUpload[] }>;
  close(): Promise<void>;
}

export async function openSandboxHost(): Promise<SandboxLink> {
  const child: NodeChild<HostMessage> = forkNode(HOST, HostMessage);
  const expect = async <T extends HostMessage['type']>(type: T): Promise<Extract<HostMessage, { type: T }>> => {
    const message = await child.next(TIMEOUT_MS);
    if (message.type !== type) throw new Error(`the sandbox host said ${message.type}, not ${type}`);
    return message as Extract<HostMessage, { type: T }>;
  };
  const { pki } = await expect('ready');
  return {
    pki,
    async start() {
      child.send({ type: 'start' });
      return (await expect('started')).endpoint;
    },
    async stop() {
      child.send({ type: 'stop' });
      const { stored, uploads } = await expect('stopped');
      return { stored, uploads };
    },
    close: () => child.stop(),
  };
}
