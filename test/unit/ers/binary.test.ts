import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestPki, type TestPki } from './helpers/test-pki.ts';
import { FAKE_ASID, FAKE_FQDN, professionalSession, replyJson, startFakeErs, type FakeErs } from './helpers/fake-ers.ts';
import { fileIdFromLocation, retrieveBinary, uploadBinary } from '../../../electron/services/ers/binary.ts';
import { createProfessionalSession, selectRole, type ProfessionalSession } from '../../../electron/services/ers/session.ts';
import { ErsProtocolError, ErsRejectedError, ErsTypeRefusedError } from '../../../electron/services/ers/errors.ts';
import { prepareFileName } from '../../../shared/rules/file-name.ts';
import { MAX_FILE_BYTES } from '../../../shared/rules/limits.ts';

const KEY = 'pro-api-session:e96357b1-298d-4159-ac58-a8953c3262c6';
const TOKEN = 'AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#';
const FILE_UUID = '19eb7224-dff3-4730-a5cb-67eac811f1a5';
const PDF = new TextEncoder().encode('%PDF-1.4\n%test\n%%EOF\n');

let pki: TestPki;
let ers: FakeErs;
let session: ProfessionalSession;

before(async () => {
  pki = makeTestPki();
  ers = await startFakeErs(pki);
  const role = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' };
  ers.on('POST', '/ers-api/v1/ProfessionalSession', replyJson(201, professionalSession(KEY, TOKEN)));
  ers.on('PUT', /^\/ers-api\/v1\/ProfessionalSession\//, replyJson(200, professionalSession(KEY, TOKEN, role)));
  session = await selectRole(await createProfessionalSession(ers.connection, TOKEN), role);
});
after(async () => {
  await ers.close();
  pki.remove();
});

function created(location: string | null, extra: Record<string, string> = {}) {
  return (_seen: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(201, { X_ERS_TRANSACTION_ID: 'b3bf226d-16f4-4a7a-867c-a21e1466a2f6-1', ...(location === null ? {} : { Location: location }), ...extra });
    res.end();
  };
}

beforeEach(() => {
  ers.seen.length = 0;
  ers.on('POST', '/ers-api/STU3/v1/Binary', created(`Binary/${FILE_UUID}`));
});

const uploads = () => ers.seen.filter((s) => s.method === 'POST' && s.path === '/ers-api/STU3/v1/Binary');

describe('A020 request', () => {
  it('sends exactly the documented headers and the bytes', async () => {
    const result = await uploadBinary({ session, bytes: PDF, storedName: 'referral.pdf', mimeType: 'application/pdf', ubrn: '000000097366' });
    assert.deepEqual(result, {
      fileId: FILE_UUID,
      location: `Binary/${FILE_UUID}`,
      transactionId: 'b3bf226d-16f4-4a7a-867c-a21e1466a2f6-1',
      status: 201,
    });
    const [request] = uploads();
    assert.ok(request);
    const headers = Object.fromEntries([...request.headers].filter(([name]) => !['Host', 'Connection'].includes(name)));
    assert.deepEqual(headers, {
      XAPI_ASID: FAKE_ASID,
      HTTP_X_SESSION_KEY: KEY,
      XAPI_FQDN: FAKE_FQDN,
      'X-ERS-XAPI-META-FILE_NAME': 'referral.pdf',
      'X-ERS-XAPI-META-INTENDED_UBRN': '000000097366',
      Accept: 'application/fhir+json',
      'Content-Type': 'application/pdf',
      'Content-Length': String(PDF.byteLength),
    });
    assert.deepEqual(new Uint8Array(request.body), PDF);
  });

  it('leaves out INTENDED_UBRN when no UBRN is given', async () => {
    await uploadBinary({ session, bytes: PDF, storedName: 'referral.pdf', mimeType: 'application/pdf' });
    assert.equal(uploads()[0]?.headers.has('X-ERS-XAPI-META-INTENDED_UBRN'), false);
  });

  it('sends a name with ’ – and é (NFC or NFD) as the stored ASCII name, without throwing', async () => {
    for (const name of ['Dr O’Brien – Café referral.docx', 'Dr O’Brien – Cafe\u0301 referral.docx']) {
      const { storedName } = prepareFileName(name);
      assert.equal(storedName, "Dr O'Brien - Cafe referral.docx");
      await uploadBinary({
        session,
        bytes: PDF,
        storedName: storedName!,
        mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      });
    }
    const names = uploads().map((u) => u.headers.get('X-ERS-XAPI-META-FILE_NAME'));
    // rawHeaders are latin1: any non-ASCII byte would show here.
    assert.deepEqual(names, ["Dr O'Brien - Cafe referral.docx", "Dr O'Brien - Cafe referral.docx"]);
  });

  it('sends nothing when given a name prepareFileName did not produce', async () => {
    await assert.rejects(
      uploadBinary({ session, bytes: PDF, storedName: 'Café.pdf', mimeType: 'application/pdf' }),
      RangeError,
    );
    await assert.rejects(
      uploadBinary({ session, bytes: PDF, storedName: 'a.pdf', mimeType: 'application/pdf', ubrn: '123' }),
      TypeError,
    );
    assert.equal(uploads().length, 0);
  });
});

describe('A020 answers', () => {
  it('accepts 200 as well as 201, and absolute or rooted Locations', async () => {
    ers.on('POST', '/ers-api/STU3/v1/Binary', (_seen, res) => {
      res.writeHead(200, { Location: `https://api.dev1.ers.ncrs.nhs.uk/ers-api/STU3/v1/Binary/att-97366-95217` }).end();
    });
    const result = await uploadBinary({ session, bytes: PDF, storedName: 'a.pdf', mimeType: 'application/pdf' });
    assert.equal(result.status, 200);
    assert.equal(result.fileId, 'att-97366-95217');
    assert.equal(result.transactionId, null);
  });

  it('never reports success without a usable file id', async () => {
    for (const location of [null, 'Binary/', 'Patient/123', 'Binary/../../etc', 'Binary/a b']) {
      ers.on('POST', '/ers-api/STU3/v1/Binary', created(location));
      await assert.rejects(
        uploadBinary({ session, bytes: PDF, storedName: 'a.pdf', mimeType: 'application/pdf' }),
        (err) => {
          assert.ok(err instanceof ErsProtocolError, String(location));
          assert.equal(err.status, 201);
          assert.equal(err.transactionId, 'b3bf226d-16f4-4a7a-867c-a21e1466a2f6-1');
          return true;
        },
      );
    }
  });

  it('turns a 422 into ErsRejectedError with the code, diagnostics and transaction id', async () => {
    ers.on('POST', '/ers-api/STU3/v1/Binary', replyJson(422, {
      meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1'] },
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'value', details: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1', code: 'CONFLICTING_VALUES' }] }, diagnostics: 'The file extension is not compatible with the file mime type' }],
    }, { X_ERS_TRANSACTION_ID: 'tx-422' }));
    await assert.rejects(uploadBinary({ session, bytes: PDF, storedName: 'a.pdf', mimeType: 'application/pdf' }), (err) => {
      assert.ok(err instanceof ErsRejectedError);
      assert.equal(err.code, 'CONFLICTING_VALUES');
      assert.equal(err.message, 'The file extension is not compatible with the file mime type');
      assert.equal(err.transactionId, 'tx-422');
      return true;
    });
  });

  it('turns a 415 into ErsTypeRefusedError', async () => {
    ers.on('POST', '/ers-api/STU3/v1/Binary', (_seen, res) => {
      res.writeHead(415, { 'Content-Type': 'text/plain;charset=utf-8' }).end('Unsupported Media Type');
    });
    await assert.rejects(uploadBinary({ session, bytes: PDF, storedName: 'a.pdf', mimeType: 'application/pdf' }), ErsTypeRefusedError);
  });
});

describe('fileIdFromLocation', () => {
  it('reads the documented and tolerated forms', () => {
    assert.equal(fileIdFromLocation('Binary/att-97366-95217'), 'att-97366-95217');
    assert.equal(fileIdFromLocation(`/ers-api/STU3/v1/Binary/${FILE_UUID}`), FILE_UUID);
    assert.equal(fileIdFromLocation(`https://h.example/ers-api/STU3/v1/Binary/${FILE_UUID}?x=1`), FILE_UUID);
    assert.equal(fileIdFromLocation(`Binary/${FILE_UUID}/_history/1`), FILE_UUID);
  });

  it('refuses anything else', () => {
    for (const value of ['', 'Binary', 'Binary/', 'binary/abc', 'Binary/..', 'Binary/%2e%2e', 'Binary/a_b', `Binary/${'a'.repeat(65)}`, 'ftp://x/Binary/a', 'https://[bad/Binary/a']) {
      assert.equal(fileIdFromLocation(value), null, value);
    }
  });
});

describe('A006 retrieve', () => {
  it('gets the bytes and type with the session headers', async () => {
    ers.on('GET', `/ers-api/STU3/v1/Binary/${FILE_UUID}`, (_seen, res) => {
      res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="a.pdf"' }).end(PDF);
    });
    const got = await retrieveBinary({ session, fileId: FILE_UUID });
    assert.deepEqual(got.bytes, PDF);
    assert.equal(got.mimeType, 'application/pdf');
    const request = ers.seen.at(-1)!;
    assert.equal(request.headers.get('HTTP_X_SESSION_KEY'), KEY);
    assert.equal(request.headers.get('XAPI_ASID'), FAKE_ASID);
  });

  it('refuses a download cut short or over 5 MiB', async () => {
    ers.on('GET', '/ers-api/STU3/v1/Binary/short', (seen, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('%PDF', () => res.destroy());
    });
    await assert.rejects(retrieveBinary({ session, fileId: 'short' }), ErsProtocolError);
    ers.on('GET', '/ers-api/STU3/v1/Binary/big', (_seen, res) => res.writeHead(200).end(Buffer.alloc(MAX_FILE_BYTES + 1)));
    await assert.rejects(retrieveBinary({ session, fileId: 'big' }), /larger than expected/);
  });

  it('refuses an id that is not an e-RS file id before sending', async () => {
    const before = ers.seen.length;
    await assert.rejects(retrieveBinary({ session, fileId: '../ProfessionalSession' }), TypeError);
    assert.equal(ers.seen.length, before);
  });
});
