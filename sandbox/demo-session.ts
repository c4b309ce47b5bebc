// Signs the test card in to a running sandbox the way a client would (identity
// challenge → token → A001 → A002), so `npm run sandbox` can hand a person a
// session to try the API with curl. Uses only the public HTTPS interface.

import { sign } from 'node:crypto';
import { request } from 'node:https';
import type { Sandbox } from './server.ts';

const TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';

function call(sandbox: Sandbox, method: string, path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; json: any }> {
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL(path, sandbox.origin);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(payload.length) },
      cert: sandbox.pki.clientCertPem,
      key: sandbox.pki.clientKeyPem,
      ca: sandbox.pki.caCertPem,
      agent: false,
      timeout: 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A session key for the test card with `role` selected. */
export async function demoSession(sandbox: Sandbox, role = 'REFERRING_CLINICIAN'): Promise<string> {
  const card = sandbox.pki.testCard;
  const { json: c } = await call(sandbox, 'POST', '/identity/challenge', {}, {});
  const signature = sign('sha256', Buffer.from(String(c.challenge), 'base64url'), card.keyPem).toString('base64');
  const t = await call(sandbox, 'POST', '/identity/token', {}, { certificate: card.certPem, challenge: c.challenge, signature });
  if (t.status !== 200) throw new Error(`identity token refused (${t.status})`);
  const asid = { XAPI_ASID: sandbox.asid };
  const s = await call(sandbox, 'POST', '/ers-api/v1/ProfessionalSession', asid, { typeInfo: TYPE_INFO, token: t.json.token });
  if (s.status !== 201) throw new Error(`A001 refused (${s.status})`);
  const key = String(s.json.id);
  const r = await call(sandbox, 'PUT', `/ers-api/v1/ProfessionalSession/${key}`, { ...asid, HTTP_X_SESSION_KEY: key }, {
    typeInfo: TYPE_INFO,
    permission: { businessFunction: role, orgIdentifier: 'R01' },
  });
  if (r.status !== 200) throw new Error(`A002 refused (${r.status})`);
  return key;
}
