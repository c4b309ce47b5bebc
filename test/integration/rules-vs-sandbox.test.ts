// The client's rules (shared/rules + shared/content) and the sandbox's own
// server-side rules (sandbox/rules.ts) are independent implementations of the
// A020 spec. Here each input goes to both: the client's verdict, and a raw
// request straight to the sandbox that bypasses every client check. They must
// agree, so neither side can drift from the spec unnoticed.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox/server.ts';
import { identifyContent } from '../../shared/content/identify.ts';
import { MAX_FILE_BYTES } from '../../shared/rules/limits.ts';
import { validateAttachment } from '../../shared/rules/validate.ts';
import { padPdf } from '../support/make-files.ts';
import { send, sessionKey, sharedPki, type RawResponse } from './sandbox/raw-client.ts';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url));

let sb: Sandbox;
let key: string;
before(async () => {
  sb = await startSandbox({ pki: await sharedPki() });
  key = await sessionKey(sb);
});
after(() => sb.close());

async function clientVerdict(name: string, bytes: Uint8Array) {
  return validateAttachment({ name, size: bytes.length, look: await identifyContent(bytes, { complete: true }) });
}

/** A020 exactly as a naive client would send it: the name as given, Content-Type as given. */
function rawUpload(name: string, contentType: string, bytes: Uint8Array): Promise<RawResponse> {
  return send(sb, {
    method: 'POST',
    path: '/ers-api/STU3/v1/Binary',
    headers: {
      XAPI_ASID: sb.asid,
      HTTP_X_SESSION_KEY: key,
      XAPI_FQDN: sb.fqdn,
      'X-ERS-XAPI-META-FILE_NAME': name,
      'Content-Type': contentType,
      Accept: 'application/fhir+json',
    },
    body: bytes,
  });
}

function outcomeCode(res: RawResponse): string {
  assert.equal(res.status, 422, `expected 422, got ${res.status}: ${res.body.toString('utf8')}`);
  assert.equal(res.json.resourceType, 'OperationOutcome');
  assert.deepEqual(res.json.meta.profile, ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1']);
  const coding = res.json.issue[0].details.coding[0];
  assert.equal(coding.system, 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1');
  return coding.code;
}

interface BadInput {
  readonly what: string;
  readonly name: string;
  /** The Content-Type a client that trusted the extension would send. */
  readonly contentType: string;
  readonly bytes: () => Promise<Uint8Array>;
  readonly code: string;
}

const PDF_MIME = 'application/pdf';
const longName = (chars: number) => `${'a'.repeat(chars - 4)}.pdf`;

const BAD_INPUTS: readonly BadInput[] = [
  { what: 'a 0-byte file', name: 'letter.pdf', contentType: PDF_MIME, bytes: async () => new Uint8Array(0), code: 'FILE_SIZE_ERROR' },
  {
    what: 'a 5,242,881-byte PDF',
    name: 'scan.pdf',
    contentType: PDF_MIME,
    bytes: async () => padPdf(await fixture('referral.pdf'), MAX_FILE_BYTES + 1),
    code: 'FILE_SIZE_ERROR',
  },
  { what: 'a DOCX renamed .pdf', name: 'letter.pdf', contentType: PDF_MIME, bytes: () => fixture('docx-renamed.pdf'), code: 'CONFLICTING_VALUES' },
  {
    what: 'an Excel spreadsheet',
    name: 'bloods.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    bytes: () => fixture('bloods.xlsx'),
    code: 'INAPPROPRIATE_VALUE',
  },
  { what: 'an HTML page (refused since 2022)', name: 'page.html', contentType: 'text/html', bytes: () => fixture('page.html'), code: 'INAPPROPRIATE_VALUE' },
  {
    what: 'an Outlook message',
    name: 'Discharge summary.msg',
    contentType: 'application/vnd.ms-outlook',
    bytes: () => fixture('Discharge summary.msg'),
    code: 'INAPPROPRIATE_VALUE',
  },
  { what: 'an executable renamed .txt', name: 'notes.txt', contentType: 'text/plain', bytes: () => fixture('notes-exe.txt'), code: 'CONFLICTING_VALUES' },
  { what: 'a HEIC photo named .jpg', name: 'rash.jpg', contentType: 'image/jpeg', bytes: () => fixture('rash-heic.jpg'), code: 'CONFLICTING_VALUES' },
  { what: 'a 256-character name', name: longName(256), contentType: PDF_MIME, bytes: () => fixture('referral.pdf'), code: 'INVALID_VALUE' },
  // A line break cannot travel in an HTTP header at all (see the test below);
  // a tab is the control character that can, and both sides refuse it.
  { what: 'a name with a control character (tab)', name: 'referral\t2.pdf', contentType: PDF_MIME, bytes: () => fixture('referral.pdf'), code: 'INVALID_VALUE' },
];

describe('client rules and sandbox rules agree on bad inputs', () => {
  for (const input of BAD_INPUTS) {
    it(`${input.what}: both say ${input.code}`, async () => {
      const bytes = await input.bytes();
      const verdict = await clientVerdict(input.name, bytes);
      assert.equal(verdict.ok, false);
      assert.deepEqual(
        verdict.problems.map((p) => p.code),
        [input.code],
        `client problems: ${verdict.problems.map((p) => p.message).join(' | ')}`,
      );
      const before = sb.store.list().length;
      assert.equal(outcomeCode(await rawUpload(input.name, input.contentType, bytes)), input.code);
      assert.equal(sb.store.list().length, before, 'the sandbox stored nothing');
    });
  }

  it('a name with a line break: the client refuses it (INVALID_VALUE) and HTTP cannot carry it to the server', async () => {
    const verdict = await clientVerdict('referral\n2.pdf', await fixture('referral.pdf'));
    assert.deepEqual(verdict.problems.map((p) => p.code), ['INVALID_VALUE']);
    // Node's own client refuses to write it, so a naive client crashes here unless it checks first.
    await assert.rejects(rawUpload('referral\n2.pdf', PDF_MIME, await fixture('referral.pdf')), { code: 'ERR_INVALID_CHAR' });
  });
});

describe('client rules and sandbox rules agree on good inputs', () => {
  const GOOD = [
    'referral.pdf', 'referral.docx', 'referral.doc', 'letter.rtf', 'notes-ascii.txt', 'notes-utf8.txt',
    'notes-utf16le.txt', 'results.xml', 'scan.png', 'photo.jpg', 'scan.gif', 'scan.tif', 'image.dcm',
    'dictation.mp3', 'tone.au',
  ];
  for (const name of GOOD) {
    it(`${name}: accepted by both, sent as the client's MIME type`, async () => {
      const bytes = await fixture(name);
      const verdict = await clientVerdict(name, bytes);
      assert.equal(verdict.ok, true, verdict.problems.map((p) => p.message).join(' | '));
      assert.ok(verdict.mimeType && verdict.storedName);
      const res = await rawUpload(verdict.storedName, verdict.mimeType, bytes);
      assert.equal(res.status, 201, res.body.toString('utf8'));
    });
  }

  it('a 255-character name and exactly 5,242,880 bytes: accepted by both', async () => {
    const bytes = padPdf(await fixture('referral.pdf'), MAX_FILE_BYTES);
    const name = longName(255);
    const verdict = await clientVerdict(name, bytes);
    assert.equal(verdict.ok, true, verdict.problems.map((p) => p.message).join(' | '));
    assert.equal((await rawUpload(name, PDF_MIME, bytes)).status, 201);
  });
});
