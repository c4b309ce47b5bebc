// validateAttachment: every e-RS rule a file breaks, in RuleId order, with the
// A020 code e-RS itself would answer and a sentence for the person.
//
// Rules that depend on the extension (type-accepted, content-matches) are not
// applied when there is none, and the content rule is not applied to an empty
// file or to a look that is still undecided: one cause, one message.

import {
  DEFAULT_REFUSED_ADVICE,
  findRefusedByExtension,
  findRefusedById,
  findTypeByExtension,
  findTypeById,
  type AttachmentType,
} from './attachment-types.ts';
import { analyseFileName, type AnalysedFileName } from './file-name.ts';
import { MAX_FILE_BYTES, formatByteCount } from './limits.ts';
import type { ContentLook, FileFacts, RuleBreak, Verdict } from './types.ts';

export interface ValidationHints {
  /**
   * The MIME type a general-purpose table (mime-types, in main) gives the
   * extension, used only to name an extension our tables do not know
   * ("clip.mov is a video"). Never used to accept anything.
   */
  readonly extensionMimeType?: string | null;
}

// Formats that a prefix of a file cannot settle: the container is known, what is inside it not yet.
const UNSETTLED_WITHOUT_ALL_BYTES = new Set(['unknown', 'cfb', 'zip']);

function decisive(look: ContentLook | null): look is ContentLook {
  return look !== null && (look.complete || !UNSETTLED_WITHOUT_ALL_BYTES.has(look.format));
}

/** What an accepted type found in the content means for a name: "rename it to letter.pdf". */
function renameAdvice(name: AnalysedFileName, type: AttachmentType): string {
  // "letter.pdf." only needs its trailing dot removed.
  const stem = name.displayStem;
  const hasIt = name.extension === null && type.extensions.some((e) => stem.toLowerCase().endsWith(`.${e}`));
  return `rename it to ${hasIt ? stem : `${stem}.${type.extensions[0]}`} and add it again`;
}

function extensionMissing(name: AnalysedFileName, look: ContentLook | null): string {
  const found = decisive(look) ? findTypeById(look.format) : undefined;
  const start = `${name.display} has no file type at the end of its name`;
  if (found !== undefined) return `${start}. It looks like ${found.label}: ${renameAdvice(name, found)}`;
  return `${start}, such as .pdf or .docx: rename it and add it again`;
}

const MIME_FAMILIES: readonly { prefix: string; label: string; advice: string }[] = [
  { prefix: 'image/', label: 'an image', advice: 'save it as PNG or JPEG and add it again' },
  { prefix: 'audio/', label: 'a sound recording', advice: 'save it as MP3 and add it again' },
  { prefix: 'video/', label: 'a video', advice: 'save it as MPEG (.mpg) and add it again' },
  { prefix: 'font/', label: 'a font', advice: 'check you chose the right file' },
];

function typeRefused(name: AnalysedFileName, ext: string, look: ContentLook | null, hints: ValidationHints): string {
  const refused = findRefusedByExtension(ext);
  if (refused !== undefined) return `${name.display} is ${refused.label}. e-RS does not accept these: ${refused.advice}`;
  // An accepted kind of content under an extension e-RS does not list (scan.jfif): renaming fixes it.
  const found = decisive(look) ? findTypeById(look.format) : undefined;
  if (found !== undefined) {
    const allowed = found.extensions.map((e) => `.${e}`);
    const names = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
    return `${name.display} is ${found.label}, but e-RS only accepts these named ${names}: ${renameAdvice(name, found)}`;
  }
  const family = MIME_FAMILIES.find((f) => hints.extensionMimeType?.startsWith(f.prefix));
  if (family !== undefined) return `${name.display} is ${family.label} (.${ext}). e-RS does not accept these: ${family.advice}`;
  return `${name.display} is a .${ext} file. e-RS does not accept these: ${DEFAULT_REFUSED_ADVICE}`;
}

function contentConflict(name: AnalysedFileName, type: AttachmentType, look: ContentLook): string {
  if (look.format === 'unknown') {
    return `${name.display} does not look like ${type.label}: open it to check it is the right file, save it again and add it again`;
  }
  const other = findTypeById(look.format);
  const advice = other !== undefined ? renameAdvice(name, other) : (findRefusedById(look.format)?.advice ?? DEFAULT_REFUSED_ADVICE);
  return `${name.display} is ${look.label}, not ${type.label}: ${advice}`;
}

export function validateAttachment(facts: FileFacts, hints: ValidationHints = {}): Verdict {
  const name = analyseFileName(facts.name);
  const problems: RuleBreak[] = [...name.problems];
  const ext = name.extension;
  const hasName = name.cleaned.length > 0;

  if (hasName && ext === null) {
    problems.push({ rule: 'extension-present', code: 'MISSING_VALUE', message: extensionMissing(name, facts.look) });
  }
  if (facts.size === 0) {
    problems.push({ rule: 'size-not-empty', code: 'FILE_SIZE_ERROR', message: `${name.display} is empty` });
  }
  if (facts.size > MAX_FILE_BYTES) {
    problems.push({
      rule: 'size-limit',
      code: 'FILE_SIZE_ERROR',
      message: `${name.display} is ${formatByteCount(facts.size)} bytes. The largest file e-RS accepts is ${formatByteCount(MAX_FILE_BYTES)} bytes (5MB)`,
    });
  }

  const type = ext === null ? undefined : findTypeByExtension(ext);
  if (ext !== null && type === undefined) {
    problems.push({ rule: 'type-accepted', code: 'INAPPROPRIATE_VALUE', message: typeRefused(name, ext, facts.look, hints) });
  }
  if (type !== undefined && facts.size > 0 && decisive(facts.look) && !type.contentFormats.includes(facts.look.format)) {
    problems.push({ rule: 'content-matches', code: 'CONFLICTING_VALUES', message: contentConflict(name, type, facts.look) });
  }

  return {
    ok: problems.length === 0,
    problems,
    storedName: name.storedName,
    nameChange: name.change,
    mimeType: type?.mimeType ?? null,
    typeId: type?.id ?? null,
  };
}
