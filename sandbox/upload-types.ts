// The MIME types e-RS accepts on upload today, with the extensions each may carry
// (research notes §5.2: the APIM A020/A039 list). HTML and application/xml were on
// the legacy list and are deliberately absent: current e-RS refuses them.
// This is the sandbox's own copy on purpose: it plays the server, so it must not
// share a table with the client it is checking.

export const UPLOAD_TYPES: ReadonlyMap<string, readonly string[]> = new Map([
  ['text/plain', ['txt']],
  ['application/pdf', ['pdf']],
  ['text/xml', ['xml']],
  ['text/rtf', ['rtf', 'rtx']],
  ['audio/basic', ['au']],
  ['audio/mpeg', ['mp3']],
  ['image/png', ['png']],
  ['image/gif', ['gif']],
  ['image/jpeg', ['jpg', 'jpe', 'jpeg']],
  ['image/tiff', ['tif', 'tiff']],
  ['video/mpeg', ['mpg', 'mpeg', 'mpe']],
  ['application/msword', ['doc']],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx']],
  ['application/dicom', ['dcm']],
]);

/** The media type of a Content-Type value, lower-cased, without parameters (`text/plain; charset=utf-8` → `text/plain`). */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** The extension after the last dot, lower-cased; null for no dot or a trailing dot. */
export function extensionOf(fileName: string): string | null {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0 || dot === fileName.length - 1) return null;
  return fileName.slice(dot + 1).toLowerCase();
}
