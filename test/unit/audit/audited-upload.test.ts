import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAuditTrail } from '../../../electron/services/audit/audit-trail.ts';
import { auditedUpload, sessionFacts, type AuditUploadFacts } from '../../../electron/services/audit/audited-upload.ts';
import { ErsCancelledError, ErsRetryableError, errorFromAnswer } from '../../../electron/services/ers/errors.ts';
import { auditDir, fakeSession, readAudit, SESSION_KEY, SSO_TOKEN } from './helpers.ts';

const CONTENT = new TextEncoder().encode('Dear Dr Patel, re: Mrs Jane Example, NHS 9462640300, chest pain...');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const WHAT: AuditUploadFacts = {
  itemId: 'f_item000001',
  attempt: 2,
  fileName: 'Referral letter.pdf',
  attachmentType: 'application/pdf',
  size: CONTENT.byteLength,
  sha256: sha(CONTENT),
  ubrn: '000049614844',
  possibleDuplicate: true,
};
const signal = new AbortController().signal;
const outcome = (code: string, diagnostics: string) =>
  new TextEncoder().encode(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'value', details: { coding: [{ code }] }, diagnostics }] }));

describe('audited upload', () => {
  it('records the attempt on disk before anything is sent, then the outcome with the e-RS attachment id', async () => {
    const dir = await auditDir();
    const trail = createAuditTrail({ dir });
    let onDiskWhenSent = '';
    let t = Date.UTC(2026, 10, 3, 9, 30);
    const result = await auditedUpload(trail, sessionFacts(fakeSession(), 'dev3'), WHAT, signal, async () => {
      onDiskWhenSent = await readFile(join(dir, (await readdir(dir))[0]!), 'utf8');
      t += 250;
      return { fileId: 'c7a4e2c0-0000-4000-8000-000000000001', transactionId: 'tx-1-1', status: 201 as const, location: 'Binary/x' };
    }, () => t);
    assert.equal(result.fileId, 'c7a4e2c0-0000-4000-8000-000000000001');
    const { events } = await readAudit(dir);
    assert.equal(onDiskWhenSent, `${JSON.stringify(events[0])}\n`, 'only the attempt line, before the send');
    const [attempt, done] = events;
    const expectedRef = `sha256:${createHash('sha256').update(SESSION_KEY).digest('hex').slice(0, 16)}`;
    assert.deepEqual(
      { ...attempt, eventId: undefined },
      {
        format: 1, eventId: undefined, time: '2026-11-03T09:30:00.000Z', event: 'upload-attempt', method: 'POST',
        auditType: 'API Upload File (A020)', resourceType: 'Clinical Attachment', environment: 'dev3',
        userUuid: '555254242106', oboUuid: null, nhsNumber: null, sessionRef: expectedRef,
        odsCode: 'A81001', orgName: 'The Surgery', businessFunction: 'REFERRING_CLINICIAN_ADMIN',
        asid: '200000000220', fqdn: 'ers-attach.test.nhs.uk', ubrn: '000049614844', itemId: 'f_item000001', attempt: 2,
        fileName: 'Referral letter.pdf', attachmentType: 'application/pdf', size: CONTENT.byteLength, sha256: sha(CONTENT),
        possibleDuplicate: true, outcome: null, attachmentId: null, httpStatus: null, errorCode: null, transactionId: null,
        outcomeUnknown: null, durationMs: null, detail: null,
      },
    );
    assert.equal(done!.event, 'upload-outcome');
    assert.equal(done!.time, '2026-11-03T09:30:00.250Z');
    assert.deepEqual(
      [done!.outcome, done!.attachmentId, done!.httpStatus, done!.transactionId, done!.outcomeUnknown, done!.durationMs, done!.errorCode],
      ['uploaded', 'c7a4e2c0-0000-4000-8000-000000000001', 201, 'tx-1-1', false, 250, null],
    );
    assert.notEqual(attempt!.eventId, done!.eventId);
  });

  it('records what each kind of failure was, and passes the error on unchanged', async () => {
    const dir = await auditDir();
    const trail = createAuditTrail({ dir });
    const who = sessionFacts(fakeSession(), 'dev3');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const failures: [Error, AbortSignal][] = [
      // e-RS echoing the session key in its diagnostics: the client scrubs it before anything sees it.
      [errorFromAnswer({ status: 422, headers: { x_ers_transaction_id: 'tx-422' }, body: outcome('FILE_SIZE_ERROR', `too big for ${SESSION_KEY}`), bodySent: true }, [SESSION_KEY, SSO_TOKEN]), signal],
      [errorFromAnswer({ status: 503, headers: { 'retry-after': '5' }, body: new Uint8Array(), bodySent: false }), signal],
      [new ErsRetryableError('The connection to e-RS was interrupted (ECONNRESET)', 'network', { status: null, transactionId: null, bodySent: true }, { cause: reset }), signal],
      [new ErsRetryableError('e-RS did not answer within 1 seconds', 'request-timeout', { status: null, transactionId: null, bodySent: true }), signal],
      [errorFromAnswer({ status: 401, headers: {}, body: outcome('NO_ACCESS', 'expired'), bodySent: true }), signal],
      [new ErsCancelledError({ status: null, transactionId: null, bodySent: false }), AbortSignal.abort()],
    ];
    for (const [error, sig] of failures) {
      await assert.rejects(auditedUpload(trail, who, WHAT, sig, () => Promise.reject(error)), (thrown) => thrown === error);
    }
    const outcomes = (await readAudit(dir)).events.filter((e) => e.event === 'upload-outcome');
    assert.deepEqual(
      outcomes.map((e) => [e.outcome, e.httpStatus, e.errorCode, e.transactionId, e.outcomeUnknown]),
      [
        ['rejected', 422, 'FILE_SIZE_ERROR', 'tx-422', false],
        ['retry-later', 503, null, null, false],
        ['no-answer', null, 'ECONNRESET', null, true],
        ['no-answer', null, 'request-timeout', null, true],
        ['session-ended', 401, 'NO_ACCESS', null, false],
        ['cancelled', null, null, null, false],
      ],
    );
    assert.match(outcomes[0]!.detail!, /too big for \[redacted\]/);
  });

  it('never holds the file content, the session key (or its UUID) or the SSO token', async () => {
    const dir = await auditDir();
    const trail = createAuditTrail({ dir });
    const who = sessionFacts(fakeSession(), 'dev3');
    await auditedUpload(trail, who, WHAT, signal, async () => ({ fileId: 'id-1', transactionId: null, status: 201 }));
    await assert.rejects(auditedUpload(trail, who, WHAT, signal, () => Promise.reject(new TypeError(`bad header ${SESSION_KEY} ${SSO_TOKEN}`))));
    const { text, events } = await readAudit(dir);
    assert.equal(events.length, 4);
    assert.equal(events[3]!.detail, 'TypeError', 'an error the client did not word is named, not quoted');
    const uuid = SESSION_KEY.slice(SESSION_KEY.indexOf('_') + 1);
    const forbidden = [SESSION_KEY, uuid, SSO_TOKEN, 'SECRETTOKEN', 'Jane Example', '9462640300', Buffer.from(CONTENT).toString('base64').slice(0, 24), Buffer.from(CONTENT).toString('hex').slice(0, 24)];
    for (const secret of forbidden) assert.ok(!text.includes(secret), `the audit trail holds ${secret}`);
  });
});
