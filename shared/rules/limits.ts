// The two numeric limits e-RS enforces on A020 uploads.

/** Largest file e-RS accepts: 5MB in the binary sense (5 x 1024 x 1024). 5,242,880 is accepted, 5,242,881 refused. */
export const MAX_FILE_BYTES = 5_242_880;

/** Longest file name e-RS accepts, extension included, counted in characters (code points) of the stored name. */
export const MAX_NAME_CHARS = 255;

/** A byte count as people read it in messages: "5,242,881". Fixed grouping, not the machine's locale. */
export function formatByteCount(bytes: number): string {
  return String(Math.trunc(bytes)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
