// A020 upload and A006 retrieve, over HTTPS, with every 422 code in its exact shape.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { PDF, rawHttp, send, sessionKey, sharedPki, upload, type RawResponse } from './raw-client.ts';

const UUID_V4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const MAX = 5_242_880;

let sb: Sandbox;
let key: string;
before(async () => {
  sb = await startSandbox({ pki: await sharedPki() });
  key = await sessionKey(sb);
});
after(() => sb.close());

const fileIdOf = (res: RawResponse): string => String(res.headers.location).slice('Binary/'.length);

function retrieve(id: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(sb, { path: `/ers-api/STU3/v1/Binary/${id}`, headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key, Accept: '*/*', ...headers } });
}

describe('A020 success', () => {
  it('201, Location Binary/<uuid v4>, X_ERS_TRANSACTION_ID <uuid>-1, empty body; the exact bytes are stored', async () => {
    const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-INTENDED_UBRN': '000000097366' } });
    assert.equal(res.status, 201);
    assert.match(String(res.headers.location), new RegExp(`^Binary/${UUID_V4}$`));
    assert.match(String(res.headers['x_ers_transaction_id']), new RegExp(`^${UUID_V4}-1$`));
    assert.equal(res.headers['content-length'], '0');
    assert.equal(res.body.length, 0);
    const stored = sb.store.get(fileIdOf(res));
    assert.ok(stored);
    assert.deepEqual(Buffer.from(stored.bytes), PDF);
    assert.equal(stored.sha256, createHash('sha256').update(PDF).digest('hex'));
    assert.equal(stored.name, 'letter.pdf');
    assert.equal(stored.mimeType, 'application/pdf');
    assert.equal(stored.ubrn, '000000097366');
    assert.equal(stored.sessionUser, '555020964101');
    assert.equal(stored.transactionId, res.headers['x_ers_transaction_id']);
  });

  it('200 when started with successStatus 200 (the original A020 text)', async () => {
    const old = await startSandbox({ pki: sb.pki, successStatus: 200 });
    try {
      const res = await upload(old, await sessionKey(old));
      assert.equal(res.status, 200);
      assert.match(String(res.headers.location), new RegExp(`^Binary/${UUID_V4}$`));
    } finally {
      await old.close();
    }
  });

  it('takes /STU3/V1/ (the 2019 spelling) as well as /STU3/v1/', async () => {
    const res = await upload(sb, key, { path: '/ers-api/STU3/V1/Binary' });
    assert.equal(res.status, 201);
  });

  it('stores no UBRN when none is sent, and refuses one that is not 12 digits', async () => {
    assert.equal(sb.store.get(fileIdOf(await upload(sb, key)))?.ubrn, null);
    const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-INTENDED_UBRN': '97366' } });
    assert.equal(res.status, 422);
    assert.equal(res.json.issue[0].details.coding[0].code, 'INVALID_VALUE');
  });

  it('matches header names whatever their case (xapi_asid, x-ers-xapi-meta-file_name, CONTENT-TYPE)', async () => {
    const res = await send(sb, {
      method: 'POST',
      path: '/ers-api/STU3/v1/Binary',
      headers: { xapi_asid: sb.asid, Http_X_Session_Key: key, 'x-ers-xapi-meta-file_name': 'notes.txt', 'CONTENT-TYPE': 'text/plain' },
      body: 'Seen in clinic today.',
    });
    assert.equal(res.status, 201);
    assert.equal(sb.store.get(fileIdOf(res))?.name, 'notes.txt');
  });

  it('accepts exactly 5,242,880 bytes', async () => {
    const body = Buffer.alloc(MAX, 0x41);
    const res = await upload(sb, key, { body, headers: { 'X-ERS-XAPI-META-FILE_NAME': 'big.txt', 'Content-Type': 'text/plain' } });
    assert.equal(res.status, 201);
    assert.equal(sb.store.get(fileIdOf(res))?.bytes.length, MAX);
  });

  it('decodes a UTF-8 file name header, so the stored name is the one the person sees', async () => {
    const name = 'Café referral.pdf';
    const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-FILE_NAME': Buffer.from(name, 'utf8').toString('latin1') } });
    assert.equal(res.status, 201);
    assert.equal(sb.store.get(fileIdOf(res))?.name, name);
  });
});

describe('A020 422 codes, each an exact eRS-OperationOutcome-1', () => {
  function assert422(res: RawResponse, code: string, issueType: string, display: string, diagnostics: RegExp): void {
    assert.equal(res.status, 422);
    assert.equal(res.headers['content-type'], 'application/fhir+json');
    assert.deepEqual(Object.keys(res.json).sort(), ['issue', 'meta', 'resourceType']);
    assert.equal(res.json.resourceType, 'OperationOutcome');
    assert.deepEqual(res.json.meta, { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1'] });
    assert.equal(res.json.issue.length, 1);
    const [issue] = res.json.issue;
    assert.deepEqual(Object.keys(issue).sort(), ['code', 'details', 'diagnostics', 'severity']);
    assert.equal(issue.severity, 'error');
    assert.equal(issue.code, issueType);
    assert.deepEqual(issue.details, { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1', code, display }] });
    assert.match(issue.diagnostics, diagnostics);
  }

  it('MISSING_VALUE: no file name header', async () => {
    const res = await send(sb, { method: 'POST', path: '/ers-api/STU3/v1/Binary', headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key, 'Content-Type': 'application/pdf' }, body: PDF });
    assert422(res, 'MISSING_VALUE', 'required', 'A mandatory input field is missing', /X-ERS-XAPI-META-FILE_NAME/);
  });

  it('MISSING_VALUE: no Content-Type', async () => {
    const res = await send(sb, { method: 'POST', path: '/ers-api/STU3/v1/Binary', headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key, 'X-ERS-XAPI-META-FILE_NAME': 'letter.pdf' }, body: PDF });
    assert422(res, 'MISSING_VALUE', 'required', 'A mandatory input field is missing', /Content-Type/);
  });

  it('MISSING_VALUE: no body at all (no Content-Length, no Transfer-Encoding)', async () => {
    // Node's client always declares a body on POST, so write the request by hand.
    const res = await rawHttp(sb, [
      'POST /ers-api/STU3/v1/Binary HTTP/1.1',
      'Host: 127.0.0.1',
      `XAPI_ASID: ${sb.asid}`,
      `HTTP_X_SESSION_KEY: ${key}`,
      'X-ERS-XAPI-META-FILE_NAME: letter.pdf',
      'Content-Type: application/pdf',
    ].join('\r\n'));
    assert.equal(res.status, 422);
    const json = JSON.parse(res.text.slice(res.text.indexOf('\r\n\r\n') + 4));
    assert.equal(json.issue[0].details.coding[0].code, 'MISSING_VALUE');
    assert.match(json.issue[0].diagnostics, /no body/);
  });

  it('FILE_SIZE_ERROR: a 0-byte body', async () => {
    const res = await upload(sb, key, { body: Buffer.alloc(0), headers: { 'Content-Length': 0 } });
    assert422(res, 'FILE_SIZE_ERROR', 'value', 'File size error', /^letter\.pdf is empty/);
  });

  it('FILE_SIZE_ERROR: 5,242,881 bytes, read no further than one byte past the limit', async () => {
    const res = await upload(sb, key, { body: Buffer.alloc(MAX + 1, 0x41), headers: { 'X-ERS-XAPI-META-FILE_NAME': 'big.txt', 'Content-Type': 'text/plain' } });
    assert422(res, 'FILE_SIZE_ERROR', 'value', 'File size error', /5,242,881 bytes; the maximum is 5,242,880 bytes/);
  });

  it('FILE_SIZE_ERROR: a much larger body is answered, not buffered, and the client can read the answer', async () => {
    const res = await upload(sb, key, { body: Buffer.alloc(8 * 1024 * 1024, 0x41), headers: { 'X-ERS-XAPI-META-FILE_NAME': 'huge.txt', 'Content-Type': 'text/plain' } });
    assert422(res, 'FILE_SIZE_ERROR', 'value', 'File size error', /8,388,608 bytes/);
  });

  it('INVALID_VALUE: a name of 256 characters (counted as characters, not bytes)', async () => {
    const ok = `${'é'.repeat(251)}.pdf`; // 255 characters, 506 bytes of UTF-8
    assert.equal((await upload(sb, key, { headers: { 'X-ERS-XAPI-META-FILE_NAME': Buffer.from(ok).toString('latin1') } })).status, 201);
    const long = `${'a'.repeat(252)}.pdf`;
    const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-FILE_NAME': long } });
    assert422(res, 'INVALID_VALUE', 'value', 'Invalid value', /256 characters long; the maximum is 255/);
  });

  it('INVALID_VALUE: a control character in the name (a tab gets through HTTP)', async () => {
    const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-FILE_NAME': 'letter\tfinal.pdf' } });
    assert422(res, 'INVALID_VALUE', 'value', 'Invalid value', /control character \(U\+0009\)/);
  });

  it('INAPPROPRIATE_VALUE: text/html, application/xml and an Excel type are not on the upload list', async () => {
    for (const [name, type] of [['page.html', 'text/html'], ['data.xml', 'application/xml'], ['bloods.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']]) {
      const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-FILE_NAME': name!, 'Content-Type': type! }, body: '<html></html>' });
      assert422(res, 'INAPPROPRIATE_VALUE', 'value', 'Inappropriate value', new RegExp(`${type!.replace(/[.+]/g, '\\$&')} is not supported`));
    }
  });

  it('CONFLICTING_VALUES: the extension does not match the Content-Type', async () => {
    const res = await upload(sb, key, { headers: { 'X-ERS-XAPI-META-FILE_NAME': 'test.docx', 'Content-Type': 'text/plain' }, body: 'hello' });
    assert422(res, 'CONFLICTING_VALUES', 'invalid', 'Conflicting values', /\.docx is not compatible with the file type text\/plain/);
  });

  it('CONFLICTING_VALUES: a ZIP (e.g. a .docx) sent as application/pdf named .pdf', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)]);
    const res = await upload(sb, key, { body: zip });
    assert422(res, 'CONFLICTING_VALUES', 'invalid', 'Conflicting values', /application\/pdf but the file is a ZIP archive/);
  });

  it('CONFLICTING_VALUES: a Windows program sent as text/plain', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
    const res = await upload(sb, key, { body: exe, headers: { 'X-ERS-XAPI-META-FILE_NAME': 'notes.txt', 'Content-Type': 'text/plain' } });
    assert422(res, 'CONFLICTING_VALUES', 'invalid', 'Conflicting values', /text\/plain but the file is a Windows program/);
  });

  it('nothing is stored for any refused upload', async () => {
    const before = sb.store.list().length;
    await upload(sb, key, { headers: { 'Content-Type': 'text/html' } });
    await upload(sb, key, { body: Buffer.alloc(0) });
    assert.equal(sb.store.list().length, before);
  });
});

describe('A020 headers checked before the rules', () => {
  it('missing XAPI_ASID is 400 MISSING_HEADER; an unknown ASID 403; a wrong XAPI_FQDN 403', async () => {
    const noAsid = await send(sb, { method: 'POST', path: '/ers-api/STU3/v1/Binary', headers: { HTTP_X_SESSION_KEY: key, 'X-ERS-XAPI-META-FILE_NAME': 'letter.pdf', 'Content-Type': 'application/pdf' }, body: PDF });
    assert.equal(noAsid.status, 400);
    assert.equal(noAsid.json.issue[0].details.coding[0].code, 'MISSING_HEADER');
    const otherAsid = await upload(sb, key, { headers: { XAPI_ASID: '999000000045' } });
    assert.equal(otherAsid.status, 403);
    assert.equal(otherAsid.json.issue[0].details.coding[0].code, 'FORBIDDEN');
    const wrongFqdn = await upload(sb, key, { headers: { XAPI_FQDN: 'someone-else.nhs.uk' } });
    assert.equal(wrongFqdn.status, 403);
    const rightFqdn = await upload(sb, key, { headers: { XAPI_FQDN: sb.fqdn } });
    assert.equal(rightFqdn.status, 201);
  });

  it('no session key, or an unknown one, is 401 NO_ACCESS', async () => {
    const none = await send(sb, { method: 'POST', path: '/ers-api/STU3/v1/Binary', headers: { XAPI_ASID: sb.asid, 'X-ERS-XAPI-META-FILE_NAME': 'letter.pdf', 'Content-Type': 'application/pdf' }, body: PDF });
    assert.equal(none.status, 401);
    assert.equal(none.json.issue[0].details.coding[0].code, 'NO_ACCESS');
    const unknown = await upload(sb, 'pro-xapi-session_nope');
    assert.equal(unknown.status, 401);
  });
});

describe('A006 retrieve', () => {
  it('returns the stored bytes with Content-Type and Content-Disposition', async () => {
    const bytes = Buffer.from('Seen in clinic. Plan: review in 6 weeks.\n');
    const name = 'Überweisung notes.txt';
    const up = await upload(sb, key, { body: bytes, headers: { 'X-ERS-XAPI-META-FILE_NAME': Buffer.from(name).toString('latin1'), 'Content-Type': 'text/plain; charset=utf-8' } });
    assert.equal(up.status, 201);
    const res = await retrieve(fileIdOf(up));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, bytes);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['content-length'], String(bytes.length));
    assert.equal(res.headers['content-disposition'], `attachment; filename="_berweisung notes.txt"; filename*=UTF-8''%C3%9Cberweisung%20notes.txt`);
  });

  it('an unknown or malformed id is 404', async () => {
    const unknown = await retrieve('6b1f3c9e-1d2a-4c3b-9f00-0a1b2c3d4e5f');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.issue[0].code, 'not-found');
    assert.equal((await retrieve('att-1-2')).status, 404);
  });

  it('needs a live session with a role', async () => {
    const up = await upload(sb, key);
    const res = await retrieve(fileIdOf(up), { HTTP_X_SESSION_KEY: 'pro-xapi-session_nope' });
    assert.equal(res.status, 401);
  });
});

describe('routing', () => {
  it('unknown paths are 404 and wrong methods 405, both recorded', async () => {
    const before = sb.requests.length;
    assert.equal((await send(sb, { path: '/ers-api/STU3/v1/ReferralRequest/000000097366' })).status, 404);
    const wrong = await send(sb, { method: 'DELETE', path: '/ers-api/STU3/v1/Binary' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'POST');
    assert.equal(sb.requests.length, before + 2);
  });
});
