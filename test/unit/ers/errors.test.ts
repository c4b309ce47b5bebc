import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperationOutcome } from '../../../electron/services/ers/operation-outcome.ts';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../electron/services/ers/retry-after.ts';
import {
  cleanServerText,
  errorFromAnswer,
  ErsHttpError,
  ErsRejectedError,
  ErsRetryableError,
  ErsSessionError,
  ErsTypeRefusedError,
} from '../../../electron/services/ers/errors.ts';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const STU3_OUTCOME = {
  meta: { profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1'], lastUpdated: '2026-01-01T00:00:00Z' },
  resourceType: 'OperationOutcome',
  id: 'extra-field',
  issue: [
    {
      severity: 'error',
      code: 'value',
      details: {
        coding: [
          { system: 'https://example.org/other', code: 'OTHER' },
          { system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1', code: 'FILE_SIZE_ERROR', display: 'File size error' },
        ],
      },
      diagnostics: 'The file is too large; the max size is 5MB',
      location: ['Binary'],
    },
    {
      severity: 'error',
      code: 'value',
      details: { coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1', code: 'INVALID_VALUE' }] },
    },
  ],
};

function answer(status: number, body: Uint8Array, headers: Record<string, string> = {}) {
  return { status, headers, body, bodySent: true };
}

describe('parseOperationOutcome', () => {
  it('reads every issue, preferring the e-RS coding, and tolerates extra fields', () => {
    const parsed = parseOperationOutcome(json(STU3_OUTCOME));
    assert.deepEqual(parsed, {
      issues: [
        {
          severity: 'error',
          type: 'value',
          errorCode: 'FILE_SIZE_ERROR',
          display: 'File size error',
          diagnostics: 'The file is too large; the max size is 5MB',
        },
        { severity: 'error', type: 'value', errorCode: 'INVALID_VALUE', display: null, diagnostics: null },
      ],
    });
  });

  it('reads the R4 shape of A039', () => {
    const parsed = parseOperationOutcome(
      json({
        resourceType: 'OperationOutcome',
        meta: { lastUpdated: '2026-09-04T10:15:30.000Z' },
        issue: [
          {
            severity: 'error',
            code: 'required',
            details: { coding: [{ system: 'https://fhir.nhs.uk/CodeSystem/ers-error-codes', code: 'MISSING_VALUE' }] },
            diagnostics: 'Missing required header: NHSD-eRS-File-Name',
          },
        ],
      }),
    );
    assert.equal(parsed?.issues[0]?.errorCode, 'MISSING_VALUE');
    assert.equal(parsed?.issues[0]?.diagnostics, 'Missing required header: NHSD-eRS-File-Name');
  });

  it('gives null for bodies that are not an OperationOutcome', () => {
    for (const body of [
      new Uint8Array(),
      new TextEncoder().encode('<html>Bad gateway</html>'),
      new TextEncoder().encode('{"resourceType":"OperationOutcome","issue":[]}'),
      json({ resourceType: 'Binary', id: 'x' }),
      json({ resourceType: 'OperationOutcome', issue: 'nope' }),
      new Uint8Array([0xff, 0xfe, 0x7b]),
    ]) {
      assert.equal(parseOperationOutcome(body), null);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
  });

  it('reads an HTTP date relative to now, and a past date as 0', () => {
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now), 0);
  });

  it('ignores what it cannot read', () => {
    for (const value of [undefined, '', '-5', '1.5', 'soon', '5 minutes', 'Tomorrow']) {
      assert.equal(parseRetryAfter(value, now), null, String(value));
    }
  });

  it('caps very long waits at a day', () => {
    assert.equal(parseRetryAfter('99999999999', now), MAX_RETRY_AFTER_MS);
  });
});

describe('errorFromAnswer', () => {
  it('422: ErsRejectedError with the codes and the diagnostics, keeping the transaction id', () => {
    const error = errorFromAnswer(answer(422, json(STU3_OUTCOME), { x_ers_transaction_id: 'b3bf226d-1' }));
    assert.ok(error instanceof ErsRejectedError);
    assert.deepEqual(error.codes, ['FILE_SIZE_ERROR', 'INVALID_VALUE']);
    assert.equal(error.code, 'FILE_SIZE_ERROR');
    assert.equal(error.message, 'The file is too large; the max size is 5MB');
    assert.equal(error.status, 422);
    assert.equal(error.transactionId, 'b3bf226d-1');
  });

  it('422 with a malformed body still gives a typed error with the status', () => {
    const error = errorFromAnswer(answer(422, new TextEncoder().encode('{"resourceType":')));
    assert.ok(error instanceof ErsRejectedError);
    assert.equal(error.status, 422);
    assert.deepEqual(error.codes, []);
    assert.match(error.message, /could not be read/);
  });

  it('422 with a code but no text uses the plain-English meaning', () => {
    const body = json({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'value', details: { coding: [{ code: 'CONFLICTING_VALUES' }] } }],
    });
    const error = errorFromAnswer(answer(422, body));
    assert.equal(error.message, 'The file extension does not match what the file contains');
  });

  it('401 and 403: ErsSessionError', () => {
    const unauthorised = errorFromAnswer(
      answer(401, json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', details: { coding: [{ code: 'NO_ACCESS' }] } }] })),
    );
    assert.ok(unauthorised instanceof ErsSessionError);
    assert.equal(unauthorised.reason, 'unauthenticated');
    assert.equal(unauthorised.code, 'NO_ACCESS');
    const forbidden = errorFromAnswer(answer(403, new Uint8Array()));
    assert.ok(forbidden instanceof ErsSessionError);
    assert.equal(forbidden.reason, 'forbidden');
  });

  it('406 and 415: ErsTypeRefusedError with the text/plain reason', () => {
    for (const status of [406, 415]) {
      const error = errorFromAnswer(answer(status, new TextEncoder().encode('Unsupported Media Type'), { 'content-type': 'text/plain;charset=utf-8' }));
      assert.ok(error instanceof ErsTypeRefusedError);
      assert.equal(error.status, status);
      assert.match(error.message, /Unsupported Media Type/);
    }
  });

  it('429, 500, 502, 503, 504: ErsRetryableError with Retry-After', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    const expectations = [
      [429, 'throttled'],
      [500, 'server'],
      [502, 'gateway'],
      [503, 'server'],
      [504, 'gateway'],
    ] as const;
    for (const [status, reason] of expectations) {
      const error = errorFromAnswer(answer(status, new Uint8Array(), { 'retry-after': '7' }), [], now);
      assert.ok(error instanceof ErsRetryableError, String(status));
      assert.equal(error.reason, reason);
      assert.equal(error.retryAfterMs, 7000);
      assert.equal(error.status, status);
    }
    const dated = errorFromAnswer(answer(503, new Uint8Array(), { 'retry-after': 'Sun, 01 Mar 2026 12:01:00 GMT' }), [], now);
    assert.equal((dated as ErsRetryableError).retryAfterMs, 60_000);
  });

  it('only an unanswered request or a gateway timeout leaves the outcome unknown', () => {
    const gateway = errorFromAnswer(answer(504, new Uint8Array())) as ErsRetryableError;
    const refused = errorFromAnswer(answer(503, new Uint8Array())) as ErsRetryableError;
    assert.equal(gateway.outcomeUnknown, true);
    assert.equal(refused.outcomeUnknown, false);
  });

  it('other statuses: ErsHttpError with the code', () => {
    const error = errorFromAnswer(
      answer(404, json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', details: { coding: [{ code: 'REFERENCE_NOT_FOUND' }] }, diagnostics: 'No such Binary' }] })),
    );
    assert.ok(error instanceof ErsHttpError);
    assert.equal(error.code, 'REFERENCE_NOT_FOUND');
    assert.equal(error.message, 'e-RS answered 404: No such Binary');
  });

  it('scrubs secrets and control characters from server text', () => {
    const key = 'pro-xapi-session_222c42c7-820f-4f9b-92fb-3add4b1db9f7';
    const body = json({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'login', diagnostics: `Session ${key} is not valid\r\nX-Injected: 1` }],
    });
    const error = errorFromAnswer(answer(401, body), [key]);
    assert.ok(!error.message.includes(key));
    assert.ok(!/[\r\n]/.test(error.message));
    assert.match(error.message, /Session \[redacted\] is not valid X-Injected: 1/);
    assert.equal(cleanServerText('x'.repeat(600), []).length, 501);
  });
});
