// Keyword phrases: text normalisation and whole-word-ish phrase matching,
// exactly as plugins/priority/src/keywords.rs.
//
// Text and phrases are brought to the same form once (phrases at configure
// time, the message once per call): lower case, apostrophes dropped (so
// "can't", "can’t" and "cant" are one word), and runs of whitespace,
// hyphens, underscores and slashes folded into one space ("double-charged"
// reads as "double charged", "log-in" as "log in"). Other punctuation stays,
// so a phrase never matches across a comma or a sentence end.

/** Words that cancel a keyword when they come right before it ("not urgent"). */
const NEGATIONS = ['not', 'no', 'never', 'isnt', 'wasnt', 'arent', 'non'];

// No \p{...} in regular expressions: StarlingMonkey has none (no ICU); a table does.
import { ALPHANUMERIC_RANGES } from './unicode.ts';

/** Rust's `char::is_alphanumeric` (Alphabetic, or a number Nd/Nl/No). */
export function isAlphanumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const cp = c.codePointAt(0)!;
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a);
  // Binary search over [first, last] pairs.
  let lo = 0;
  let hi = ALPHANUMERIC_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ALPHANUMERIC_RANGES[2 * mid]!) hi = mid - 1;
    else if (cp > ALPHANUMERIC_RANGES[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Unicode White_Space (Rust's `char::is_whitespace`). */
const WHITE_SPACE = new Set([
  0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);
export const isWhitespace = (c: string): boolean => WHITE_SPACE.has(c.codePointAt(0)!);

/** Whether a string is empty or only white space (Rust's `str::trim().is_empty()`). */
export function isBlank(s: string): boolean {
  for (const c of s) if (!isWhitespace(c)) return false;
  return true;
}

/** Rust's `str::trim()`: white space off both ends. */
export function trimWhitespace(s: string): string {
  const chars = Array.from(s);
  let start = 0;
  let end = chars.length;
  while (start < end && isWhitespace(chars[start]!)) start++;
  while (end > start && isWhitespace(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

const APOSTROPHES = new Set(["'", '\u2018', '\u2019', '\u02BC', '`']);
const isJoiner = (c: string): boolean => c === '-' || c === '_' || c === '/' || (c >= '\u2010' && c <= '\u2015');

/** ASCII kept as it is (only lower-cased): not white space, an apostrophe or a word joiner. */
const PLAIN_ASCII: readonly boolean[] = Array.from({ length: 128 }, (_, c) => !(c === 0x20 || (c >= 0x9 && c <= 0xd) || "'`-_/".includes(String.fromCharCode(c))));

/** `text` appended to `out` in matching form (see above). */
export function normalizeInto(text: string, out: string): string {
  const parts: string[] = [out];
  let last = out.length > 0 ? out[out.length - 1] : undefined; // the last character written
  let pending = false;
  // The single space a run of separators stands for: none at the start or after a space.
  const spaceBeforeNext = () => {
    if (pending && last !== undefined && last !== ' ') parts.push(' ');
    pending = false;
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    // A run of ASCII that is kept as it is, only lower-cased: most of every message.
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c >= 0x80 || !PLAIN_ASCII[c]) break;
      j++;
    }
    if (j > i) {
      spaceBeforeNext();
      parts.push(text.slice(i, j).toLowerCase());
      last = text[j - 1];
      i = j;
      continue;
    }
    // Anything else, one character (code point) at a time.
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    i += ch.length;
    if (APOSTROPHES.has(ch)) continue;
    if (isWhitespace(ch) || isJoiner(ch)) {
      pending = true;
      continue;
    }
    spaceBeforeNext();
    // Lower case one character at a time, as Rust's char::to_lowercase.
    const lower = ch.toLowerCase();
    parts.push(lower);
    last = lower[lower.length - 1];
  }
  return parts.join('');
}

/** The last character (code point) of `s[0..end)`. */
function charBefore(s: string, end: number): string | undefined {
  if (end <= 0) return undefined;
  const low = s.charCodeAt(end - 1);
  if (low >= 0xdc00 && low <= 0xdfff && end >= 2) {
    const high = s.charCodeAt(end - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.slice(end - 2, end);
  }
  return s.slice(end - 1, end);
}

/** The character (code point) starting at `at`. */
function charAt(s: string, at: number): string | undefined {
  if (at >= s.length) return undefined;
  return String.fromCodePoint(s.codePointAt(at)!);
}

/** A configured keyword phrase, ready to be searched for. */
export class Phrase {
  private constructor(
    /** The phrase as the operator wrote it (trimmed, lower case), used in reasons. */
    readonly label: string,
    /** The phrase in matching form. */
    readonly norm: string,
    private readonly wordStart: boolean,
    private readonly wordEnd: boolean,
  ) {}

  /** Prepares a phrase; undefined when nothing of it is left to match. */
  static make(keyword: string): Phrase | undefined {
    const norm = normalizeInto(keyword, '');
    if (norm.length === 0) return undefined;
    const chars = Array.from(norm);
    return new Phrase(trimWhitespace(keyword).toLowerCase(), norm, isAlphanumeric(chars[0]), isAlphanumeric(chars[chars.length - 1]));
  }

  /**
   * Whether the phrase occurs in `text` (in matching form) as whole words,
   * allowing a plural "s" after it, and not right after a negation such as
   * "not" or "no". Occurrences are searched without overlap, left to right.
   */
  foundIn(text: string): boolean {
    for (let at = text.indexOf(this.norm); at >= 0; at = text.indexOf(this.norm, at + this.norm.length)) {
      const end = at + this.norm.length;
      if (this.boundaryBefore(text, at) && this.boundaryAfter(text, end) && !negated(text, at)) return true;
    }
    return false;
  }

  private boundaryBefore(text: string, at: number): boolean {
    return !this.wordStart || !isAlphanumeric(charBefore(text, at));
  }

  private boundaryAfter(text: string, end: number): boolean {
    if (!this.wordEnd) return true;
    const next = charAt(text, end);
    if (next === undefined) return true;
    if (next === 's') return !isAlphanumeric(charAt(text, end + 1));
    return !isAlphanumeric(next);
  }
}

/** Whether the word right before position `at` (separated by one space) is a negation. */
function negated(text: string, at: number): boolean {
  if (at === 0 || text[at - 1] !== ' ') return false;
  const end = at - 1;
  let start = end;
  for (let c = charBefore(text, start); c !== undefined && isAlphanumeric(c); c = charBefore(text, start)) start -= c.length;
  return NEGATIONS.includes(text.slice(start, end));
}

/** Labels of the phrases found in `text` (in matching form), in configured order. */
export function matches(phrases: readonly Phrase[], text: string): string[] {
  return phrases.filter((p) => p.foundIn(text)).map((p) => p.label);
}
