// The five A020 422 codes (issue.details.code in an eRS-OperationOutcome-1).
// Our own pre-upload checks use the same codes so the person sees one vocabulary
// whether a rule was caught here or by e-RS.
export const A020_ERROR_CODES = [
  'MISSING_VALUE',
  'FILE_SIZE_ERROR',
  'INVALID_VALUE',
  'INAPPROPRIATE_VALUE',
  'CONFLICTING_VALUES',
] as const;

export type A020ErrorCode = (typeof A020_ERROR_CODES)[number];

/** What each code means, in plain English (from the A020 spec table). */
export const A020_ERROR_MEANINGS: Readonly<Record<A020ErrorCode, string>> = {
  MISSING_VALUE: 'The file name, its type or its contents were not supplied',
  FILE_SIZE_ERROR: 'The file is empty or larger than 5MB',
  INVALID_VALUE: 'The file name is not allowed (too long, or has characters e-RS cannot store)',
  INAPPROPRIATE_VALUE: 'e-RS does not accept this type of file',
  CONFLICTING_VALUES: 'The file extension does not match what the file contains',
};

export function isA020ErrorCode(value: unknown): value is A020ErrorCode {
  return typeof value === 'string' && (A020_ERROR_CODES as readonly string[]).includes(value);
}
