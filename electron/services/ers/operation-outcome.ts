// Reading an eRS-OperationOutcome-1 (STU3) body, and the R4 OperationOutcome
// of A039, which has the same issue shape.
//
// Servers add fields (meta.lastUpdated, id, location, extensions), gateways
// drop `display`, so the schema checks only what we use and lets the rest
// through. A body that is not an OperationOutcome gives null, never a throw:
// the caller still has the status.

import * as z from 'zod';

export const ERS_ERROR_CODE_SYSTEMS = [
  'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1',
  'https://fhir.nhs.uk/CodeSystem/ers-error-codes',
] as const;

const Coding = z.looseObject({
  system: z.string().nullish(),
  code: z.string().nullish(),
  display: z.string().nullish(),
});

const Issue = z.looseObject({
  severity: z.string().nullish(),
  code: z.string().nullish(),
  details: z
    .looseObject({
      coding: z.array(Coding).nullish(),
      text: z.string().nullish(),
    })
    .nullish(),
  diagnostics: z.string().nullish(),
});

const OperationOutcome = z.looseObject({
  resourceType: z.literal('OperationOutcome'),
  issue: z.array(Issue).min(1),
});

export interface OutcomeIssue {
  /** FHIR issue severity: fatal, error, warning, information. */
  readonly severity: string | null;
  /** FHIR issue type, e.g. 'value', 'login', 'forbidden'. */
  readonly type: string | null;
  /** The e-RS code from issue.details.coding, e.g. FILE_SIZE_ERROR. */
  readonly errorCode: string | null;
  readonly display: string | null;
  readonly diagnostics: string | null;
}

export interface ParsedOutcome {
  readonly issues: readonly OutcomeIssue[];
}

/** Bodies larger than this are not an OperationOutcome we want to parse. */
const MAX_OUTCOME_BYTES = 256 * 1024;

function pickCoding(coding: readonly z.infer<typeof Coding>[]): z.infer<typeof Coding> | undefined {
  const withCode = coding.filter((c) => typeof c.code === 'string' && c.code !== '');
  return (
    withCode.find((c) => (ERS_ERROR_CODE_SYSTEMS as readonly (string | null | undefined)[]).includes(c.system)) ??
    withCode[0]
  );
}

export function parseOperationOutcome(body: Uint8Array): ParsedOutcome | null {
  if (body.byteLength === 0 || body.byteLength > MAX_OUTCOME_BYTES) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return null;
  }
  const parsed = OperationOutcome.safeParse(json);
  if (!parsed.success) return null;
  return {
    issues: parsed.data.issue.map((issue) => {
      const coding = pickCoding(issue.details?.coding ?? []);
      return {
        severity: issue.severity ?? null,
        type: issue.code ?? null,
        errorCode: coding?.code ?? null,
        display: coding?.display ?? issue.details?.text ?? null,
        diagnostics: issue.diagnostics ?? null,
      };
    }),
  };
}
