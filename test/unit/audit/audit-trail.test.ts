import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAuditTrail } from '../../../electron/services/audit/audit-trail.ts';
import { auditTrailLocation } from '../../../electron/services/audit/audit-files.ts';
import { auditedUpload, sessionFacts } from '../../../electron/services/audit/audited-upload.ts';
import type { AuditEvent } from '../../../electron/services/audit/audit-event.ts';
import { auditDir, fakeSession } from './helpers.ts';

/** One real attempt line for `at`, made the way the app makes them. */
async function attemptLineAt(at: number): Promise<AuditEvent> {
  let captured: AuditEvent | null = null;
  const spy = { record: async (e: AuditEvent) => void (captured ??= e), flush: async () => {} };
  await auditedUpload(spy, sessionFacts(fakeSession(), 'dev3'), {
    itemId: 'f_x', attempt: 1, fileName: 'a.pdf', attachmentType: 'application/pdf', size: 1, sha256: 'a'.repeat(64), ubrn: null, possibleDuplicate: false,
  }, new AbortController().signal, async () => ({ fileId: 'id-1', transactionId: null, status: 201 }), () => at);
  return captured!;
}

describe('audit trail: writing', () => {
  it('appends to what is there, one line per record, in a file for the line\'s month, owner-only', async () => {
    const dir = await auditDir();
    const earlier = '{"an":"earlier line, kept as it was"}\n';
    await writeFile(join(dir, 'audit-2026-11.jsonl'), earlier);
    const trail = createAuditTrail({ dir, now: () => Date.UTC(2026, 11, 2) });
    const nov = await attemptLineAt(Date.UTC(2026, 10, 30, 23, 59, 59, 999));
    const dec = await attemptLineAt(Date.UTC(2026, 11, 1));
    await trail.record(nov);
    await trail.record(dec);
    await trail.record(nov);
    const novText = await readFile(join(dir, 'audit-2026-11.jsonl'), 'utf8');
    assert.ok(novText.startsWith(earlier), 'the earlier content is untouched');
    assert.deepEqual(novText.slice(earlier.length).split('\n'), [JSON.stringify(nov), JSON.stringify(nov), '']);
    assert.equal(await readFile(join(dir, 'audit-2026-12.jsonl'), 'utf8'), `${JSON.stringify(dec)}\n`);
    if (process.platform !== 'win32') assert.equal((await stat(join(dir, 'audit-2026-12.jsonl'))).mode & 0o777, 0o600);
  });

  it('ends a line cut short by a crash, so the next line stands on its own', async () => {
    const dir = await auditDir();
    await writeFile(join(dir, 'audit-2026-11.jsonl'), '{"format":1,"eventId":"cut sh');
    const trail = createAuditTrail({ dir, now: () => Date.UTC(2026, 10, 5) });
    const line = await attemptLineAt(Date.UTC(2026, 10, 5));
    await trail.record(line);
    assert.equal(await readFile(join(dir, 'audit-2026-11.jsonl'), 'utf8'), `{"format":1,"eventId":"cut sh\n${JSON.stringify(line)}\n`);
  });

  it('prunes months past retention when it writes, and nothing else', async () => {
    const dir = await auditDir();
    for (const name of ['audit-2026-01.jsonl', 'audit-2026-02.jsonl', 'upload-queue.json']) await writeFile(join(dir, name), 'x\n');
    const trail = createAuditTrail({ dir, now: () => Date.UTC(2026, 4, 1) });
    await trail.record(await attemptLineAt(Date.UTC(2026, 4, 1)));
    assert.deepEqual((await readdir(dir)).sort(), ['audit-2026-02.jsonl', 'audit-2026-05.jsonl', 'upload-queue.json']);
  });

  it('writes into its environment\'s folder, and prunes the earlier shared folder by the same rule without writing there', async () => {
    const userData = await auditDir();
    const root = join(userData, 'audit');
    await mkdir(join(root, 'dev3'), { recursive: true });
    for (const name of ['audit-2026-01.jsonl', 'audit-2026-02.jsonl', 'dev3/audit-2026-01.jsonl']) await writeFile(join(root, name), 'x\n');
    const location = auditTrailLocation(userData, 'sandbox');
    assert.deepEqual(location, { dir: join(root, 'sandbox'), pruneAlso: [root] });
    const trail = createAuditTrail({ ...location, now: () => Date.UTC(2026, 4, 1) });
    await trail.record(await attemptLineAt(Date.UTC(2026, 4, 1)));
    assert.deepEqual((await readdir(root)).sort(), ['audit-2026-02.jsonl', 'dev3', 'sandbox'], 'January went; February is kept until 1 June');
    assert.deepEqual(await readdir(join(root, 'sandbox')), ['audit-2026-05.jsonl']);
    assert.deepEqual(await readdir(join(root, 'dev3')), ['audit-2026-01.jsonl'], "another environment's folder is its own trail's to prune");
  });

  it('refuses a line with a field it does not know (so nothing else can get in) and says which', async () => {
    const dir = await auditDir();
    const logged: string[] = [];
    const trail = createAuditTrail({ dir, log: (l) => logged.push(l) });
    const line = await attemptLineAt(Date.now());
    await trail.record({ ...line, sessionKey: 'pro-xapi-session_leak' } as unknown as AuditEvent);
    await trail.record({ ...line, sessionRef: 'pro-xapi-session_leak' });
    assert.deepEqual(await readdir(dir), [], 'nothing was written');
    assert.equal(logged.length, 2);
    assert.match(logged[1]!, /sessionRef/);
    assert.ok(logged.every((l) => !l.includes('leak')), 'the log names fields, not values');
  });

  it('never throws: a folder it cannot write to is logged and the caller carries on', async () => {
    const dir = await auditDir();
    await writeFile(join(dir, 'not-a-folder'), '');
    const logged: string[] = [];
    const trail = createAuditTrail({ dir: join(dir, 'not-a-folder'), log: (l) => logged.push(l) });
    await trail.record(await attemptLineAt(Date.now()));
    await trail.flush();
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /could not write the audit trail/);
  });
});
