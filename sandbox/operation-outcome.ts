// STU3 eRS-OperationOutcome-1 bodies, shaped as the e-RS documentation shows them
// (research notes §8.3). Every error the sandbox returns as JSON is built here, so
// the shape cannot drift between routes.

export const OUTCOME_PROFILE = 'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-OperationOutcome-1';
export const ERROR_CODE_SYSTEM = 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1';
export const FHIR_JSON = 'application/fhir+json';

/** The e-RS error codes the sandbox uses, with the FHIR issue type and display it sends with each. */
const CODES = {
  MISSING_VALUE: { issueType: 'required', display: 'A mandatory input field is missing' },
  FILE_SIZE_ERROR: { issueType: 'value', display: 'File size error' },
  INVALID_VALUE: { issueType: 'value', display: 'Invalid value' },
  INAPPROPRIATE_VALUE: { issueType: 'value', display: 'Inappropriate value' },
  CONFLICTING_VALUES: { issueType: 'invalid', display: 'Conflicting values' },
  // 401: the official STU3 example carries no display.
  NO_ACCESS: { issueType: 'login', display: null },
  FORBIDDEN: { issueType: 'forbidden', display: 'Forbidden' },
  MISSING_HEADER: { issueType: 'required', display: 'Missing header' },
  INVALID_FHIR_STRUCTURE: { issueType: 'structure', display: 'Invalid request structure' },
  INVALID_REQUEST_TYPE: { issueType: 'not-supported', display: 'Invalid request type' },
  REFERENCE_NOT_FOUND: { issueType: 'not-found', display: 'Reference not found' },
  // 503: as in the official example, sent without diagnostics.
  SYSTEM_UNAVAILABLE: { issueType: 'transient', display: 'System Unavailable' },
} as const;

export type OutcomeCode = keyof typeof CODES;

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  meta: { profile: [typeof OUTCOME_PROFILE] };
  issue: Array<{
    severity: 'error';
    code: string;
    details: { coding: Array<{ system: typeof ERROR_CODE_SYSTEM; code: OutcomeCode; display?: string }> };
    diagnostics?: string;
  }>;
}

/** One-issue OperationOutcome; `diagnostics` says what exactly was wrong (omitted when undefined). */
export function operationOutcome(code: OutcomeCode, diagnostics?: string): OperationOutcome {
  const { issueType, display } = CODES[code];
  const coding: OperationOutcome['issue'][number]['details']['coding'][number] = display === null
    ? { system: ERROR_CODE_SYSTEM, code }
    : { system: ERROR_CODE_SYSTEM, code, display };
  const issue: OperationOutcome['issue'][number] = { severity: 'error', code: issueType, details: { coding: [coding] } };
  if (diagnostics !== undefined) issue.diagnostics = diagnostics;
  return { resourceType: 'OperationOutcome', meta: { profile: [OUTCOME_PROFILE] }, issue: [issue] };
}
