// Which format a ZIP-based document is, from the one part that says so, by the
// same rule file-type applies (checked against it in zip-office-types.test.ts):
// an OpenDocument's stored `mimetype` part, or the content type in an Office
// file's `[Content_Types].xml` that ends ".main+xml". The answer is
// file-type's extension, so identify.ts maps it exactly as file-type's own.

const OPEN_DOCUMENT: Readonly<Record<string, string>> = {
  'application/epub+zip': 'epub',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.text-template': 'ott',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.spreadsheet-template': 'ots',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'application/vnd.oasis.opendocument.presentation-template': 'otp',
  'application/vnd.oasis.opendocument.graphics': 'odg',
  'application/vnd.oasis.opendocument.graphics-template': 'otg',
};

const OFFICE_OPEN_XML: Readonly<Record<string, string>> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-word.document.macroenabled': 'docm',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template': 'dotx',
  'application/vnd.ms-word.template.macroenabledtemplate': 'dotm',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-excel.sheet.macroenabled': 'xlsm',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template': 'xltx',
  'application/vnd.ms-excel.template.macroenabled': 'xltm',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.ms-powerpoint.presentation.macroenabled': 'pptm',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow': 'ppsx',
  'application/vnd.ms-powerpoint.slideshow.macroenabled': 'ppsm',
  'application/vnd.openxmlformats-officedocument.presentationml.template': 'potx',
  'application/vnd.ms-powerpoint.template.macroenabled': 'potm',
  'application/vnd.ms-visio.drawing': 'vsdx',
  'application/vnd.ms-package.3dmanufacturing-3dmodel+xml': '3mf',
};

/** Both tables in one (a Map, so no text can name an Object property), also for the test that checks them against file-type. */
export const ZIP_PART_TYPES: ReadonlyMap<string, string> = new Map([...Object.entries(OPEN_DOCUMENT), ...Object.entries(OFFICE_OPEN_XML)]);

const MODEL_3D = 'application/vnd.ms-package.3dmanufacturing-3dmodel+xml';

/** The extension a `mimetype` part's text names (either table, as file-type looks in both), or undefined. */
export function extensionFromMimetypePart(text: string): string | undefined {
  return ZIP_PART_TYPES.get(text.trim().toLowerCase());
}

/** The extension `[Content_Types].xml` names, or undefined. */
export function extensionFromContentTypes(xml: string): string | undefined {
  const end = xml.indexOf('.main+xml"');
  if (end === -1) return xml.includes(`ContentType="${MODEL_3D}"`) ? '3mf' : undefined;
  const before = xml.slice(0, end);
  // No quote before it: the whole prefix is taken, as file-type does.
  return ZIP_PART_TYPES.get(before.slice(before.lastIndexOf('"') + 1).toLowerCase());
}
