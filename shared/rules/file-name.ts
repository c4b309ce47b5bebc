// File names: what e-RS will store, and the exact header bytes we send.
//
// No e-RS source says how non-ASCII names travel in X-ERS-XAPI-META-FILE_NAME,
// and Node's http throws ERR_INVALID_CHAR above U+00FF while fetch throws on
// anything above U+00FF too. So the stored name is kept to printable ASCII:
// we make the changes a person would accept (curly quotes, dashes, accents,
// edge spaces) and tell them, and refuse what we cannot change faithfully.

import { MAX_NAME_CHARS } from './limits.ts';
import type { NameChange, RuleBreak } from './types.ts';

export interface PreparedFileName {
  /** The name e-RS will store, or null when a rule about the name is broken. */
  readonly storedName: string | null;
  /** Set when storedName differs from the name given. */
  readonly change: NameChange | null;
  /** Broken name rules (name-present, name-characters, name-length), in RuleId order. */
  readonly problems: RuleBreak[];
}

/** Everything validate.ts needs to know about a name, including what to call it in messages. */
export interface AnalysedFileName extends PreparedFileName {
  /** The name after our changes, possibly still holding characters we refuse. */
  readonly cleaned: string;
  /** The person's own name (NFC, edge spaces trimmed, controls made visible, long names shortened) for messages. */
  readonly display: string;
  /** display without its extension, for "rename it to <stem>.pdf". */
  readonly displayStem: string;
  /** Lower-case extension of the cleaned name, or null when it has none (no dot, a leading dot only, a trailing dot). */
  readonly extension: string | null;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const EDGE_SPACES = /^\p{Zs}+|\p{Zs}+$/gu;
const ODD_SPACES = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/gu;

const PUNCTUATION: Readonly<Record<string, string>> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u201f': '"', '\u2033': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...',
};
const PUNCTUATION_CHARS = new RegExp(`[${Object.keys(PUNCTUATION).join('')}]`, 'gu');

// Latin letters that Unicode does not decompose into a base letter and a mark.
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'SS', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L',
  đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th', ı: 'i', ħ: 'h', Ħ: 'H', ŧ: 't', Ŧ: 'T', ŀ: 'l', Ŀ: 'L',
};
const LETTER_CHARS = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  0x00: 'NUL', 0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return', 0x1b: 'escape', 0x7f: 'DEL',
};

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeControl(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const name = CONTROL_NAMES[cp];
  return name === undefined ? hex(cp) : `${name}, ${hex(cp)}`;
}

/** A refused character as a person can recognise it: visible ones quoted, invisible ones by code point. */
function describeCharacter(ch: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `"${ch}"` : hex(ch.codePointAt(0) ?? 0);
}

/** Controls drawn as their Unicode control pictures, so a message never carries a raw CR or NUL. */
function visible(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/gu, (ch) => {
    const cp = ch.charCodeAt(0);
    if (cp < 0x20) return String.fromCharCode(0x2400 + cp);
    return cp === 0x7f ? '\u2421' : '\ufffd';
  });
}

const DISPLAY_MAX = 80;

function shorten(name: string): string {
  const cps = [...name];
  if (cps.length <= DISPLAY_MAX) return name;
  return `${cps.slice(0, 50).join('')}…${cps.slice(-20).join('')}`;
}

/** Split at the last dot the way path.extname does: "a.pdf" -> pdf; ".pdf", "a" and "a." have none. */
export function splitExtension(name: string): { stem: string; extension: string | null } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return { stem: name.replace(/\.+$/u, ''), extension: null };
  return { stem: name.slice(0, dot), extension: name.slice(dot + 1).toLowerCase() };
}

/** Drop combining marks that sit on an ASCII letter (é = e + U+0301), and spell out ß, æ, ø and friends. */
function plainLetters(name: string): string {
  let out = '';
  let onAsciiLetter = false;
  for (const ch of name.normalize('NFD')) {
    if (/\p{M}/u.test(ch)) {
      if (!onAsciiLetter) out += ch;
      continue;
    }
    out += ch;
    onAsciiLetter = /^[A-Za-z]$/.test(ch);
  }
  return out.normalize('NFC').replace(LETTER_CHARS, (ch) => LETTERS[ch] ?? ch);
}

function rule(rule: RuleBreak['rule'], code: RuleBreak['code'], message: string): RuleBreak {
  return { rule, code, message };
}

function uniqueInOrder(chars: Iterable<string>): string[] {
  return [...new Set(chars)];
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function analyseFileName(name: string): AnalysedFileName {
  const nfc = name.normalize('NFC');
  const trimmed = nfc.replace(EDGE_SPACES, '');
  const display = shorten(visible(trimmed));
  const reasons: string[] = [];

  let cleaned = trimmed;
  if (cleaned !== nfc) reasons.push('spaces removed from the start or end');
  const spaced = cleaned.replace(ODD_SPACES, ' ');
  if (spaced !== cleaned) reasons.push('special spaces replaced with ordinary ones');
  const punctuated = spaced.replace(PUNCTUATION_CHARS, (ch) => PUNCTUATION[ch] ?? ch);
  if (punctuated !== spaced) reasons.push('curly quotes, long dashes and ellipses replaced with plain ones');
  const lettered = plainLetters(punctuated);
  if (lettered !== punctuated) reasons.push('accents removed from letters');
  cleaned = lettered;

  const problems: RuleBreak[] = [];
  if (cleaned.length === 0) {
    problems.push(rule('name-present', 'MISSING_VALUE', 'A file has no name: give it a name and add it again'));
  }

  const chars = [...cleaned];
  const controls = uniqueInOrder(chars.filter((ch) => CONTROL.test(ch)));
  const unsendable = uniqueInOrder(chars.filter((ch) => !CONTROL.test(ch) && !/^[\u0020-\u007e]$/u.test(ch)));
  if (controls.length > 0) {
    const what = controls.length === 1 ? 'a control character' : 'control characters';
    problems.push(
      rule(
        'name-characters',
        'INVALID_VALUE',
        `The name ${display} contains ${what} (${listOf(controls.map(describeControl))}) that e-RS cannot store: rename the file and add it again`,
      ),
    );
  }
  if (unsendable.length > 0) {
    problems.push(
      rule(
        'name-characters',
        'INVALID_VALUE',
        `The name ${display} contains characters that e-RS cannot store (${listOf(unsendable.map(describeCharacter))}): rename the file without them and add it again`,
      ),
    );
  }
  if (chars.length > MAX_NAME_CHARS) {
    problems.push(
      rule(
        'name-length',
        'INVALID_VALUE',
        `The name ${display} is ${chars.length} characters long. The longest name e-RS accepts is ${MAX_NAME_CHARS} characters: shorten it and add it again`,
      ),
    );
  }

  const storedName = problems.length === 0 ? cleaned : null;
  const change =
    storedName !== null && storedName !== name
      ? { from: name, to: storedName, reason: capitalise(reasons.join('; ') || 'normalised') }
      : null;
  return {
    storedName,
    change,
    problems,
    cleaned,
    display,
    displayStem: splitExtension(display).stem,
    extension: splitExtension(cleaned).extension,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** NFC, trimmed, typographic punctuation and accents made plain; refused when anything unsendable is left. */
export function prepareFileName(name: string): PreparedFileName {
  const { storedName, change, problems } = analyseFileName(name);
  return { storedName, change, problems };
}

/**
 * The exact value of X-ERS-XAPI-META-FILE_NAME. Only a name prepareFileName
 * produced may be sent, so this is the identity on stored names and refuses
 * anything else: a programming error must fail loudly here rather than reach
 * Node's http as an ERR_INVALID_CHAR, or e-RS as a name nobody was shown.
 */
export function fileNameHeaderValue(storedName: string): string {
  if (!/^[\u0020-\u007e]+$/u.test(storedName) || prepareFileName(storedName).storedName !== storedName) {
    throw new RangeError('fileNameHeaderValue() takes a storedName from prepareFileName()');
  }
  return storedName;
}
