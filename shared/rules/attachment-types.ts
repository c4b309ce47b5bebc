// What e-RS accepts (A020 upload list, current APIM), and the things people
// commonly try to attach that it does not, with a label and advice for each.
//
// Formats are stable ids shared with shared/content: a ContentLook's `format`
// is either an ATTACHMENT_TYPES id or a REFUSED_TYPES id (or a file-type
// extension we have no entry for).

export interface AttachmentType {
  /** Stable id, also the ContentLook format for this kind of content. */
  readonly id: string;
  /** Lower-case extensions without the dot; the first is the one we suggest when renaming. */
  readonly extensions: readonly string[];
  /** Content-Type to send, spelled the way e-RS lists it (text/rtf, text/xml). */
  readonly mimeType: string;
  /** How a person would call it, with its article: "a PDF". */
  readonly label: string;
  /** The internal type id from the legacy e-RS whitelist; null for types added since (DICOM). */
  readonly legacyTypeId: number | null;
  /** ContentLook formats that count as this type when found inside a file with one of these extensions. */
  readonly contentFormats: readonly string[];
}

export interface RefusedType {
  readonly id: string;
  /** Extensions that name this kind of file; empty for kinds we only recognise by content. */
  readonly extensions: readonly string[];
  readonly label: string;
  /** What to do instead, as a clause that follows a colon: "save it as a PDF and add it again". */
  readonly advice: string;
}

// HTML/HTM (legacy id 769) and application/xml (legacy id 1406) are deliberately absent:
// e-RS stopped accepting HTML uploads in July 2022, and lists XML only as text/xml.
export const ATTACHMENT_TYPES: readonly AttachmentType[] = [
  { id: 'txt', extensions: ['txt'], mimeType: 'text/plain', label: 'a text file', legacyTypeId: 768, contentFormats: ['txt', 'xml'] },
  { id: 'pdf', extensions: ['pdf'], mimeType: 'application/pdf', label: 'a PDF', legacyTypeId: 770, contentFormats: ['pdf'] },
  { id: 'xml', extensions: ['xml'], mimeType: 'text/xml', label: 'an XML file', legacyTypeId: 771, contentFormats: ['xml'] },
  { id: 'rtf', extensions: ['rtf', 'rtx'], mimeType: 'text/rtf', label: 'an RTF document', legacyTypeId: 772, contentFormats: ['rtf'] },
  { id: 'au', extensions: ['au'], mimeType: 'audio/basic', label: 'an AU sound file', legacyTypeId: 773, contentFormats: ['au'] },
  { id: 'mp3', extensions: ['mp3'], mimeType: 'audio/mpeg', label: 'an MP3 sound file', legacyTypeId: 774, contentFormats: ['mp3', 'mp2', 'mp1'] },
  { id: 'png', extensions: ['png'], mimeType: 'image/png', label: 'a PNG image', legacyTypeId: 775, contentFormats: ['png'] },
  { id: 'gif', extensions: ['gif'], mimeType: 'image/gif', label: 'a GIF image', legacyTypeId: 776, contentFormats: ['gif'] },
  { id: 'jpg', extensions: ['jpg', 'jpe', 'jpeg'], mimeType: 'image/jpeg', label: 'a JPEG', legacyTypeId: 777, contentFormats: ['jpg'] },
  { id: 'tif', extensions: ['tif', 'tiff'], mimeType: 'image/tiff', label: 'a TIFF image', legacyTypeId: 778, contentFormats: ['tif'] },
  { id: 'mpg', extensions: ['mpg', 'mpeg', 'mpe'], mimeType: 'video/mpeg', label: 'an MPEG video', legacyTypeId: 779, contentFormats: ['mpg'] },
  { id: 'doc', extensions: ['doc'], mimeType: 'application/msword', label: 'a Word 97-2003 document', legacyTypeId: 780, contentFormats: ['doc'] },
  {
    id: 'docx',
    extensions: ['docx'],
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    label: 'a Word document',
    legacyTypeId: 781,
    contentFormats: ['docx'],
  },
  { id: 'dcm', extensions: ['dcm'], mimeType: 'application/dicom', label: 'a DICOM image', legacyTypeId: null, contentFormats: ['dcm'] },
];

const AS_PDF = 'save it as a PDF and add it again';
const PRINT_TO_PDF = 'print it to PDF and add that';
const AS_IMAGE = 'save it as PNG or JPEG and add it again';
const AS_MP3 = 'save it as MP3 and add it again';
const NOT_A_DOCUMENT = 'check you chose the right file';
const UNPACK = 'unzip it and add the files inside it';
const EMAIL = 'save the attachment itself, or print the email to PDF, and add that';

export const REFUSED_TYPES: readonly RefusedType[] = [
  // Spreadsheets and presentations
  { id: 'xlsx', extensions: ['xlsx'], label: 'an Excel spreadsheet', advice: AS_PDF },
  { id: 'xlsm', extensions: ['xlsm', 'xlsb'], label: 'an Excel spreadsheet', advice: AS_PDF },
  { id: 'xls', extensions: ['xls'], label: 'an Excel spreadsheet', advice: AS_PDF },
  { id: 'xltx', extensions: ['xltx', 'xltm', 'xlt'], label: 'an Excel template', advice: AS_PDF },
  { id: 'csv', extensions: ['csv'], label: 'a CSV spreadsheet', advice: AS_PDF },
  { id: 'ods', extensions: ['ods', 'ots'], label: 'an OpenDocument spreadsheet', advice: AS_PDF },
  { id: 'numbers', extensions: ['numbers'], label: 'an Apple Numbers spreadsheet', advice: AS_PDF },
  { id: 'pptx', extensions: ['pptx', 'pptm', 'ppsx', 'ppsm', 'potx', 'potm'], label: 'a PowerPoint presentation', advice: AS_PDF },
  { id: 'ppt', extensions: ['ppt', 'pps', 'pot'], label: 'a PowerPoint presentation', advice: AS_PDF },
  { id: 'odp', extensions: ['odp', 'otp'], label: 'an OpenDocument presentation', advice: AS_PDF },
  { id: 'key', extensions: ['key'], label: 'an Apple Keynote presentation', advice: AS_PDF },
  // Documents
  { id: 'docm', extensions: ['docm'], label: 'a Word document with macros', advice: 'save it as a PDF, or as a Word document (.docx), and add it again' },
  { id: 'dotx', extensions: ['dotx', 'dotm', 'dot'], label: 'a Word template', advice: 'save it as a Word document (.docx) or a PDF and add it again' },
  { id: 'odt', extensions: ['odt', 'ott'], label: 'an OpenDocument text document', advice: AS_PDF },
  { id: 'pages', extensions: ['pages'], label: 'an Apple Pages document', advice: AS_PDF },
  { id: 'wpd', extensions: ['wpd', 'wps'], label: 'a WordPerfect or Works document', advice: AS_PDF },
  { id: 'pub', extensions: ['pub'], label: 'a Publisher document', advice: AS_PDF },
  { id: 'vsd', extensions: ['vsd', 'vsdx'], label: 'a Visio drawing', advice: AS_PDF },
  { id: 'xps', extensions: ['xps', 'oxps'], label: 'an XPS document', advice: PRINT_TO_PDF },
  { id: 'ps', extensions: ['ps', 'eps'], label: 'a PostScript file', advice: AS_PDF },
  { id: 'epub', extensions: ['epub'], label: 'an e-book', advice: AS_PDF },
  { id: 'encrypted-office', extensions: [], label: 'a password-protected Office document', advice: 'remove the password, save it again and add it again' },
  // Web pages and email
  { id: 'html', extensions: ['html', 'htm', 'xhtml', 'shtml'], label: 'a web page', advice: PRINT_TO_PDF },
  { id: 'mht', extensions: ['mht', 'mhtml'], label: 'a saved web page', advice: PRINT_TO_PDF },
  { id: 'msg', extensions: ['msg'], label: 'an Outlook email', advice: EMAIL },
  { id: 'eml', extensions: ['eml'], label: 'an email', advice: EMAIL },
  { id: 'pst', extensions: ['pst', 'ost'], label: 'an Outlook data file', advice: EMAIL },
  // Images
  { id: 'bmp', extensions: ['bmp', 'dib'], label: 'a BMP image', advice: AS_IMAGE },
  { id: 'heic', extensions: ['heic', 'heif', 'hif'], label: 'a HEIC photo', advice: 'export it as JPEG and add it again' },
  { id: 'avif', extensions: ['avif'], label: 'an AVIF image', advice: 'export it as JPEG and add it again' },
  { id: 'webp', extensions: ['webp'], label: 'a WebP image', advice: AS_IMAGE },
  { id: 'svg', extensions: ['svg', 'svgz'], label: 'an SVG image', advice: AS_IMAGE },
  { id: 'psd', extensions: ['psd'], label: 'a Photoshop image', advice: AS_IMAGE },
  { id: 'ico', extensions: ['ico', 'cur'], label: 'an icon', advice: NOT_A_DOCUMENT },
  // Sound and video
  { id: 'wav', extensions: ['wav'], label: 'a WAV sound recording', advice: AS_MP3 },
  { id: 'm4a', extensions: ['m4a', 'aac', 'wma', 'ogg', 'oga', 'opus', 'flac', 'amr'], label: 'a sound recording', advice: AS_MP3 },
  { id: 'mp4', extensions: ['mp4', 'm4v', 'mov', 'avi', 'wmv', 'mkv', 'webm', '3gp'], label: 'a video', advice: 'save it as MPEG (.mpg) and add it again' },
  // Archives
  { id: 'zip', extensions: ['zip'], label: 'a ZIP file', advice: UNPACK },
  { id: 'archive', extensions: ['7z', 'rar', 'gz', 'tgz', 'tar', 'cab', 'bz2', 'xz'], label: 'a compressed archive', advice: UNPACK },
  // Programs and shortcuts
  { id: 'exe', extensions: ['exe', 'com', 'scr', 'dll', 'cpl', 'sys'], label: 'a Windows program', advice: NOT_A_DOCUMENT },
  { id: 'msi', extensions: ['msi', 'msp'], label: 'a Windows installer', advice: NOT_A_DOCUMENT },
  { id: 'script', extensions: ['bat', 'cmd', 'ps1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'hta', 'sh'], label: 'a script', advice: NOT_A_DOCUMENT },
  { id: 'jar', extensions: ['jar', 'class'], label: 'a Java program', advice: NOT_A_DOCUMENT },
  { id: 'elf', extensions: [], label: 'a Linux program', advice: NOT_A_DOCUMENT },
  { id: 'macho', extensions: [], label: 'a Mac program', advice: NOT_A_DOCUMENT },
  { id: 'lnk', extensions: ['lnk'], label: 'a shortcut', advice: 'add the file the shortcut points to' },
  // Kinds we only know by content
  { id: 'cfb', extensions: [], label: 'a Microsoft Office file of an unknown kind', advice: AS_PDF },
  { id: 'empty', extensions: [], label: 'an empty file', advice: NOT_A_DOCUMENT },
  { id: 'unknown', extensions: [], label: 'a file ers-attach does not recognise', advice: NOT_A_DOCUMENT },
];

/** Advice for a refused extension that none of our tables names. */
export const DEFAULT_REFUSED_ADVICE = AS_PDF;

function indexBy<T extends { readonly id: string; readonly extensions: readonly string[] }>(rows: readonly T[]) {
  const byExtension = new Map<string, T>();
  const byId = new Map<string, T>();
  for (const row of rows) {
    byId.set(row.id, row);
    for (const ext of row.extensions) byExtension.set(ext, row);
  }
  return { byExtension, byId };
}

const accepted = indexBy(ATTACHMENT_TYPES);
const refused = indexBy(REFUSED_TYPES);

/** Lower-case an extension and drop one leading dot: ".PDF" -> "pdf". */
export function normaliseExtension(ext: string): string {
  return (ext.startsWith('.') ? ext.slice(1) : ext).toLowerCase();
}

/** The accepted type an extension names ("pdf", ".JPEG"), or undefined when e-RS does not accept it. */
export function findTypeByExtension(ext: string): AttachmentType | undefined {
  return accepted.byExtension.get(normaliseExtension(ext));
}

export function findTypeById(id: string): AttachmentType | undefined {
  return accepted.byId.get(id);
}

/** A well-known refused kind of file named by this extension, if we have one. */
export function findRefusedByExtension(ext: string): RefusedType | undefined {
  return refused.byExtension.get(normaliseExtension(ext));
}

/** A refused kind of file by its format id (as found in a ContentLook). */
export function findRefusedById(id: string): RefusedType | undefined {
  return refused.byId.get(id);
}

/** How a person would call a format: the table's label, else "a file of type FLAC" from the id (no article guessing). */
export function labelForFormat(format: string): string {
  return accepted.byId.get(format)?.label ?? refused.byId.get(format)?.label ?? `a file of type ${format.toUpperCase()}`;
}
