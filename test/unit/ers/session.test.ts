import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { makeTestPki, type TestPki } from './helpers/test-pki.ts';
import { FAKE_ASID, professionalSession, replyJson, startFakeErs, type FakeErs } from './helpers/fake-ers.ts';
import {
  canUpload,
  createProfessionalSession,
  deleteProfessionalSession,
  selectRole,
  SESSION_TYPE_INFO,
} from '../../../electron/services/ers/session.ts';
import { ErsProtocolError, ErsSessionError } from '../../../electron/services/ers/errors.ts';

const KEY_1 = 'pro-xapi-session_222c42c7-820f-4f9b-92fb-3add4b1db9f7';
const KEY_2 = 'pro-xapi-session_94414701-0000-4000-8000-000000000002';
const TOKEN_1 = 'AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#';
const TOKEN_2 = 'AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDI=#';
const ROLE = { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' };

let pki: TestPki;
let ers: FakeErs;
before(async () => {
  pki = makeTestPki();
  ers = await startFakeErs(pki);
});
after(async () => {
  await ers.close();
  pki.remove();
});
beforeEach(() => {
  ers.seen.length = 0;
  ers.on('POST', '/ers-api/v1/ProfessionalSession', replyJson(201, professionalSession(KEY_1, TOKEN_1)));
  ers.on('PUT', `/ers-api/v1/ProfessionalSession/${KEY_1}`, replyJson(200, professionalSession(KEY_2, TOKEN_2, ROLE)));
  ers.on('DELETE', `/ers-api/v1/ProfessionalSession/${KEY_2}`, (_seen, res) => res.writeHead(204).end());
});

describe('A001 create session', () => {
  it('posts typeInfo and the token with XAPI_ASID, and reads the session', async () => {
    const session = await createProfessionalSession(ers.connection, ` ${TOKEN_1}`);
    const request = ers.seen[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.get('XAPI_ASID'), FAKE_ASID);
    assert.equal(request.headers.get('Content-Type'), 'application/json');
    assert.deepEqual(JSON.parse(request.body.toString()), { typeInfo: SESSION_TYPE_INFO, token: TOKEN_1 });
    assert.equal(session.key.reveal(), KEY_1);
    assert.equal(session.permission, null);
    assert.deepEqual(session.user, { identifier: '555020964101', firstName: 'SA Assurance', middleName: null, lastName: 'GP-Card' });
    assert.deepEqual(session.permissions, [
      { businessFunction: 'SERVICE_DEFINER', orgIdentifier: 'R01', orgName: 'NHST_X3' },
      { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' },
    ]);
  });

  it('refuses an answer that is not a session, naming fields but not values', async () => {
    ers.on('POST', '/ers-api/v1/ProfessionalSession', replyJson(201, { id: KEY_1, token: TOKEN_1 }));
    await assert.rejects(createProfessionalSession(ers.connection, TOKEN_1), (err) => {
      assert.ok(err instanceof ErsProtocolError);
      assert.match(err.message, /\(user\)/);
      assert.ok(!err.message.includes(TOKEN_1) && !err.message.includes(KEY_1));
      return true;
    });
  });

  it('turns a 403 into ErsSessionError', async () => {
    ers.on('POST', '/ers-api/v1/ProfessionalSession', replyJson(403, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { coding: [{ code: 'FORBIDDEN' }] } }] }));
    await assert.rejects(createProfessionalSession(ers.connection, TOKEN_1), ErsSessionError);
  });

  it('refuses an empty token before sending anything', async () => {
    await assert.rejects(createProfessionalSession(ers.connection, '  '), TypeError);
    assert.equal(ers.seen.length, 0);
  });
});

describe('A002 select role and A003 delete', () => {
  it('puts the role with the key, then uses the id and token A002 returned', async () => {
    const created = await createProfessionalSession(ers.connection, TOKEN_1);
    const active = await selectRole(created, ROLE);
    const put = ers.seen[1]!;
    assert.equal(put.method, 'PUT');
    assert.equal(put.path, `/ers-api/v1/ProfessionalSession/${KEY_1}`);
    assert.equal(put.headers.get('HTTP_X_SESSION_KEY'), KEY_1);
    assert.equal(put.headers.get('XAPI_ASID'), FAKE_ASID);
    assert.deepEqual(JSON.parse(put.body.toString()), {
      typeInfo: SESSION_TYPE_INFO,
      token: TOKEN_1,
      permission: { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' },
    });
    assert.equal(active.key.reveal(), KEY_2);
    assert.equal(active.token.reveal(), TOKEN_2);
    assert.deepEqual(active.permission, ROLE);

    await deleteProfessionalSession(active);
    const del = ers.seen[2]!;
    assert.equal(del.method, 'DELETE');
    assert.equal(del.path, `/ers-api/v1/ProfessionalSession/${KEY_2}`);
    assert.equal(del.headers.get('HTTP_X_SESSION_KEY'), KEY_2);
  });

  it('refuses an A002 answer that does not confirm a role', async () => {
    ers.on('PUT', `/ers-api/v1/ProfessionalSession/${KEY_1}`, replyJson(200, professionalSession(KEY_1, TOKEN_1, null)));
    const created = await createProfessionalSession(ers.connection, TOKEN_1);
    await assert.rejects(selectRole(created, ROLE), ErsProtocolError);
  });
});

describe('secrets', () => {
  it('never shows the session key or token in logs, JSON or error messages', async () => {
    const created = await createProfessionalSession(ers.connection, TOKEN_1);
    const active = await selectRole(created, ROLE);
    for (const printed of [inspect(active, { depth: 10 }), JSON.stringify(active.key), `${active.key}`, JSON.stringify({ token: active.token })]) {
      assert.ok(!printed.includes(KEY_2), printed);
      assert.ok(!printed.includes(TOKEN_2), printed);
    }
    assert.equal(structuredClone({ key: active.key }).key.toString(), '[object Object]');

    // A server that echoes the key (and token) in its reason.
    ers.on('DELETE', `/ers-api/v1/ProfessionalSession/${KEY_2}`, replyJson(401, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'login', diagnostics: `Session ${KEY_2} for token ${TOKEN_2} has expired` }],
    }));
    await assert.rejects(deleteProfessionalSession(active), (err) => {
      assert.ok(err instanceof ErsSessionError);
      const everything = `${err.message} ${err.stack ?? ''} ${inspect(err, { depth: 10 })} ${JSON.stringify(err)}`;
      assert.ok(!everything.includes(KEY_2), everything);
      assert.ok(!everything.includes(TOKEN_2), everything);
      assert.match(err.message, /Session \[redacted\] for token \[redacted\] has expired/);
      return true;
    });
  });
});

describe('canUpload', () => {
  it('allows the four referring and provider clinician roles only', () => {
    for (const bf of ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN']) {
      assert.equal(canUpload({ businessFunction: bf }), true, bf);
    }
    for (const bf of ['SERVICE_DEFINER', 'REFERRING_ADMIN', 'BOOKING_MANAGER']) assert.equal(canUpload({ businessFunction: bf }), false, bf);
  });
});
