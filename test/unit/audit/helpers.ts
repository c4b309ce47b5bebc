// What the audit tests share: a temporary audit folder, a ProfessionalSession
// with recognisable secrets, and reading the lines back.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Secret } from '../../../electron/services/ers/secret.ts';
import type { ProfessionalSession } from '../../../electron/services/ers/session.ts';
import type { Transport } from '../../../electron/services/ers/transport.ts';
import { AuditEventSchema, type AuditEvent } from '../../../electron/services/audit/audit-event.ts';
import { createAuditTrail } from '../../../electron/services/audit/audit-trail.ts';
import { auditedUpload, sessionFacts } from '../../../electron/services/audit/audited-upload.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

export async function auditDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ers-audit-'));
  dirs.push(dir);
  return dir;
}

export const SESSION_KEY = 'pro-xapi-session_38dbf5e1-c145-475f-bdbc-f71bbb167e38';
export const SSO_TOKEN = 'AQIC5wM2LY4SfcywSECRETTOKEN@AAJTSQACMDE=#';

const noTransport: Transport = {
  request: () => Promise.reject(new Error('no network in this test')),
  close: () => {},
};

export function fakeSession(): ProfessionalSession {
  const permission = { businessFunction: 'REFERRING_CLINICIAN_ADMIN', orgIdentifier: 'A81001', orgName: 'The Surgery' };
  return {
    connection: { baseUrl: 'https://ers.invalid/ers-api', asid: '200000000220', fqdn: 'ers-attach.test.nhs.uk', transport: noTransport },
    key: new Secret(SESSION_KEY, 'session key'),
    token: new Secret(SSO_TOKEN, 'SSO token'),
    user: { identifier: '555254242106', firstName: 'Ann', middleName: null, lastName: 'Admin' },
    permissions: [permission],
    permission,
  };
}

/** Every line of every audit file in dir, parsed and checked against the schema. */
export async function readAudit(dir: string): Promise<{ files: string[]; text: string; events: AuditEvent[] }> {
  const files = (await readdir(dir)).sort();
  let text = '';
  for (const f of files) text += await readFile(join(dir, f), 'utf8');
  const events = text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => AuditEventSchema.parse(JSON.parse(l)));
  return { files, text, events };
}

/** A new audit folder (or `dir`) with one upload (attempt + outcome line) at each of these times, for `environment` (dev3), named by its time. */
export async function trailWith(
  times: number[],
  options: { readonly fileName?: (at: number) => string; readonly dir?: string; readonly environment?: string } = {},
): Promise<string> {
  const fileName = options.fileName ?? ((at: number) => `${new Date(at).toISOString().slice(0, 10)}.pdf`);
  const folder = options.dir ?? (await auditDir());
  const trail = createAuditTrail({ dir: folder, now: () => Math.max(...times) });
  for (const at of times) {
    await auditedUpload(trail, sessionFacts(fakeSession(), options.environment ?? 'dev3'), {
      itemId: 'f_x', attempt: 1, fileName: fileName(at), attachmentType: 'application/pdf', size: 3, sha256: 'b'.repeat(64), ubrn: null, possibleDuplicate: false,
    }, new AbortController().signal, async () => ({ fileId: `id-${at}`, transactionId: null, status: 201 }), () => at);
  }
  return folder;
}
