// A001 / A002 / A003 and the session rules every later call obeys.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../../sandbox/server.ts';
import { createSession, selectRole, send, sessionKey, sharedPki, ssoToken, upload } from './raw-client.ts';

const PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1';
const SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1';

let sb: Sandbox;
before(async () => {
  sb = await startSandbox({ pki: await sharedPki() });
});
after(() => sb.close());

function assertOutcome(res: { status: number; headers: Record<string, unknown>; json: any }, status: number, code: string, issueType: string): void {
  assert.equal(res.status, status);
  assert.equal(res.headers['content-type'], 'application/fhir+json');
  assert.equal(res.json.resourceType, 'OperationOutcome');
  assert.deepEqual(res.json.meta, { profile: [PROFILE] });
  assert.equal(res.json.issue.length, 1);
  assert.equal(res.json.issue[0].severity, 'error');
  assert.equal(res.json.issue[0].code, issueType);
  assert.equal(res.json.issue[0].details.coding[0].system, SYSTEM);
  assert.equal(res.json.issue[0].details.coding[0].code, code);
}

describe('A001 create professional session', () => {
  it('answers 201 with the ProfessionalSession for the card holder, permission null', async () => {
    const token = await ssoToken(sb);
    const res = await createSession(sb, token);
    assert.equal(res.status, 201);
    assert.match(res.json.id, /^pro-xapi-session_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(res.json.typeInfo, 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession');
    assert.equal(res.json.token, token);
    assert.equal(res.json.permission, null);
    assert.equal(res.json.user.identifier, '555020964101');
    assert.equal(res.json.user.firstName, 'SA Assurance');
    assert.equal(res.json.user.lastName, 'GP-Card');
    assert.equal(res.json.user.middleName, null);
    const roles = res.json.user.permissions.map((p: { businessFunction: string }) => p.businessFunction);
    assert.deepEqual(roles, ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN', 'SERVICE_DEFINER', 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN']);
    assert.deepEqual(res.json.user.permissions[0], { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' });
  });

  it('refuses an SSO token the identity service did not issue with 401 NO_ACCESS', async () => {
    const res = await createSession(sb, 'AQIC5wM2LY4Sfcyw62EbAOsRpdfbGYUOyvkfZ4M6U7W52lM=@AAJTSQACMDE=#');
    assertOutcome(res, 401, 'NO_ACCESS', 'login');
    assert.equal(res.json.issue[0].details.coding[0].display, undefined, 'the official 401 example has no display');
  });

  it('needs XAPI_ASID, and the registered one', async () => {
    const token = await ssoToken(sb);
    const body = JSON.stringify({ typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession', token });
    const missing = await send(sb, { method: 'POST', path: '/ers-api/v1/ProfessionalSession', headers: { 'Content-Type': 'application/json' }, body });
    assertOutcome(missing, 400, 'MISSING_HEADER', 'required');
    const wrong = await send(sb, { method: 'POST', path: '/ers-api/v1/ProfessionalSession', headers: { XAPI_ASID: '999000000045' }, body });
    assertOutcome(wrong, 403, 'FORBIDDEN', 'forbidden');
  });

  it('says which field is missing or wrong', async () => {
    const missing = await send(sb, { method: 'POST', path: '/ers-api/v1/ProfessionalSession', headers: { XAPI_ASID: sb.asid }, body: '{"typeInfo":"uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession"}' });
    assertOutcome(missing, 422, 'MISSING_VALUE', 'required');
    assert.equal(missing.json.issue[0].diagnostics, 'token is missing');
    const wrongType = await send(sb, { method: 'POST', path: '/ers-api/v1/ProfessionalSession', headers: { XAPI_ASID: sb.asid }, body: '{"typeInfo":"Session","token":"x"}' });
    assertOutcome(wrongType, 422, 'INVALID_VALUE', 'value');
    const notJson = await send(sb, { method: 'POST', path: '/ers-api/v1/ProfessionalSession', headers: { XAPI_ASID: sb.asid }, body: '{"typeInfo":' });
    assertOutcome(notJson, 400, 'INVALID_FHIR_STRUCTURE', 'structure');
  });

  it('refuses a body over 64 KiB with 413 rather than reading it', async () => {
    const body = JSON.stringify({ typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession', token: 'x'.repeat(70_000) });
    const res = await send(sb, { method: 'POST', path: '/ers-api/v1/ProfessionalSession', headers: { XAPI_ASID: sb.asid }, body });
    assertOutcome(res, 413, 'INVALID_VALUE', 'value');
  });
});

describe('A002 select role', () => {
  it('makes the session usable, and reports the chosen permission with its organisation name', async () => {
    const key = (await createSession(sb, await ssoToken(sb))).json.id;
    assertOutcome(await upload(sb, key), 403, 'FORBIDDEN', 'forbidden');
    const res = await selectRole(sb, key, 'SERVICE_PROVIDER_CLINICIAN');
    assert.equal(res.status, 200);
    assert.equal(res.json.id, key, 'the session keeps its key');
    assert.deepEqual(res.json.permission, { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', orgIdentifier: 'R01', orgName: 'NHST_X3' });
    assert.equal((await upload(sb, key)).status, 201);
  });

  it('refuses a role the user does not hold, or at another organisation', async () => {
    const key = (await createSession(sb, await ssoToken(sb))).json.id;
    assertOutcome(await selectRole(sb, key, 'BOOKING_MANAGER'), 403, 'FORBIDDEN', 'forbidden');
    assertOutcome(await selectRole(sb, key, 'REFERRING_CLINICIAN', 'RXX'), 403, 'FORBIDDEN', 'forbidden');
    assertOutcome(await upload(sb, key), 403, 'FORBIDDEN', 'forbidden');
  });

  it('needs the session key in HTTP_X_SESSION_KEY as well as the path', async () => {
    const key = (await createSession(sb, await ssoToken(sb))).json.id;
    const body = JSON.stringify({ typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession', permission: { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R01' } });
    const res = await send(sb, { method: 'PUT', path: `/ers-api/v1/ProfessionalSession/${key}`, headers: { XAPI_ASID: sb.asid }, body });
    assertOutcome(res, 401, 'NO_ACCESS', 'login');
  });

  it('a role that cannot upload gets 403 FORBIDDEN on A020, and nothing is stored', async () => {
    const key = await sessionKey(sb, 'SERVICE_DEFINER');
    const before = sb.store.list().length;
    const res = await upload(sb, key);
    assertOutcome(res, 403, 'FORBIDDEN', 'forbidden');
    assert.match(res.json.issue[0].diagnostics, /SERVICE_DEFINER cannot upload/);
    assert.equal(sb.store.list().length, before);
  });

  it('all four upload roles may upload', async () => {
    for (const role of ['REFERRING_CLINICIAN', 'REFERRING_CLINICIAN_ADMIN', 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_CLINICIAN_ADMIN']) {
      const res = await upload(sb, await sessionKey(sb, role));
      assert.equal(res.status, 201, role);
      const stored = sb.store.get(String(res.headers.location).slice('Binary/'.length));
      assert.equal(stored?.sessionRole, role);
    }
  });
});

describe('A003 delete professional session', () => {
  it('answers 204 with no body, and the key is refused from then on', async () => {
    const key = await sessionKey(sb);
    const res = await send(sb, { method: 'DELETE', path: `/ers-api/v1/ProfessionalSession/${key}`, headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key } });
    assert.equal(res.status, 204);
    assert.equal(res.body.length, 0);
    assertOutcome(await upload(sb, key), 401, 'NO_ACCESS', 'login');
    const again = await send(sb, { method: 'DELETE', path: `/ers-api/v1/ProfessionalSession/${key}`, headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key } });
    assertOutcome(again, 401, 'NO_ACCESS', 'login');
  });

  it('refuses an unknown key', async () => {
    const key = 'pro-xapi-session_00000000-0000-4000-8000-000000000000';
    const res = await send(sb, { method: 'DELETE', path: `/ers-api/v1/ProfessionalSession/${key}`, headers: { XAPI_ASID: sb.asid, HTTP_X_SESSION_KEY: key } });
    assertOutcome(res, 401, 'NO_ACCESS', 'login');
  });
});

describe('request log', () => {
  it('never records a session key, in headers or in the path', async () => {
    const key = await sessionKey(sb);
    await upload(sb, key);
    const logged = JSON.stringify(sb.requests);
    assert.ok(!logged.includes(key), 'the session key appears in the request log');
    const a002 = sb.requests.findLast((r) => r.method === 'PUT');
    assert.equal(a002?.path, '/ers-api/v1/ProfessionalSession/[redacted]');
    assert.equal(sb.requests.at(-1)?.headers['http_x_session_key'], '[redacted]');
  });
});
