// A scriptable stand-in for e-RS: records every request (exact header names and
// bytes) and answers with whatever the test sets for a route.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestPki } from './test-pki.ts';
import { clientTransport, readBody, startTlsServer, type TestServer } from './tls-server.ts';
import type { ErsConnection } from '../../../../electron/services/ers/endpoint.ts';
import type { Transport } from '../../../../electron/services/ers/transport.ts';

export interface Seen {
  readonly method: string;
  readonly path: string;
  /** Header name as sent -> value as sent (latin1, i.e. the raw bytes). */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export type Reply = (seen: Seen, res: ServerResponse) => void;

export interface FakeErs {
  readonly server: TestServer;
  readonly seen: Seen[];
  readonly connection: ErsConnection;
  readonly transport: Transport;
  on(method: string, path: string | RegExp, reply: Reply): void;
  close(): Promise<void>;
}

export const FAKE_ASID = '999000000045';
export const FAKE_FQDN = 'client.test';

export async function startFakeErs(pki: TestPki): Promise<FakeErs> {
  const routes: { method: string; path: string | RegExp; reply: Reply }[] = [];
  const seen: Seen[] = [];
  const server = await startTlsServer(pki, async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Map<string, string>();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.set(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const entry: Seen = { method: req.method ?? '', path: req.url ?? '', headers, body: await readBody(req) };
    seen.push(entry);
    // Latest route wins, so a test can override a default.
    const route = [...routes].reverse().find(
      (r) => r.method === entry.method && (typeof r.path === 'string' ? r.path === entry.path : r.path.test(entry.path)),
    );
    if (route === undefined) res.writeHead(404).end();
    else route.reply(entry, res);
  });
  const transport = clientTransport(pki);
  return {
    server,
    seen,
    transport,
    connection: { baseUrl: `${server.origin}/ers-api`, asid: FAKE_ASID, fqdn: FAKE_FQDN, transport },
    on: (method, path, reply) => routes.push({ method, path, reply }),
    close: async () => {
      transport.close();
      await server.close();
    },
  };
}

export function replyJson(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return (_seen, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
}

export function professionalSession(id: string, token: string, permission: unknown = null) {
  return {
    typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession',
    id,
    token,
    user: {
      identifier: '555020964101',
      firstName: 'SA Assurance',
      lastName: 'GP-Card',
      middleName: null,
      permissions: [
        { businessFunction: 'SERVICE_DEFINER', orgIdentifier: 'R01', orgName: 'NHST_X3' },
        { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: ' NHST_X3' },
      ],
    },
    permission,
  };
}
