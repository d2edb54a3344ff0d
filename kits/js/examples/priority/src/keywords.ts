// Keyword phrases: text normalisation and whole-word-ish phrase matching,
// exactly as plugins/priority/src/keywords.rs.
//
// Text and phrases are brought to the same form once (phrases at configure
// time, the message once per call): lower case, common Latin accents
// dropped (`kündigen` = `kundigen`, `piraté` = `pirate`, `ß` = `ss`),
// apostrophes dropped (so "can't", "can’t" and "cant" are one word), and
// runs of whitespace, hyphens, underscores and slashes folded into one space
// ("double-charged" reads as "double charged", "log-in" as "log in"). Other
// punctuation stays, so a phrase never matches across a comma or a sentence
// end.
import { CUES } from './cues.ts';

/** Words that cancel a keyword when they come right before it ("not urgent", "nicht dringend"): cues.json. */
const NEGATIONS: ReadonlySet<string> = new Set(CUES.negations);

/** The ASCII a lower-case accented Latin letter is written as without its accent (keywords.rs `fold`). */
const FOLD: ReadonlyMap<string, string> = new Map(
  (
    [
      ['àáâãäåāăą', 'a'], ['çćč', 'c'], ['èéêëēėęě', 'e'], ['ìíîïīį', 'i'], ['ñńň', 'n'], ['òóôõöøōő', 'o'],
      ['ùúûüūůű', 'u'], ['ýÿ', 'y'], ['ß', 'ss'], ['œ', 'oe'], ['æ', 'ae'], ['šś', 's'], ['žźż', 'z'], ['ł', 'l'],
    ] as const
  ).flatMap(([letters, plain]) => Array.from(letters, (c) => [c, plain] as [string, string])),
);

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
    // Lower case one character at a time, as Rust's char::to_lowercase, then without accents.
    for (const lower of ch.toLowerCase()) {
      const plain = FOLD.get(lower) ?? lower;
      parts.push(plain);
      last = plain[plain.length - 1];
    }
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
    /** What the phrase is evidence of, for the built-in lists (undefined for an operator's keyword: it counts on its own). */
    readonly cue: string | undefined,
    /** The phrase in matching form. */
    readonly norm: string,
    /** Whether the phrase starts with a letter or digit (then it needs a word boundary before). */
    readonly wordStart: boolean,
    private readonly wordEnd: boolean,
  ) {}

  /** The phrase's first word: its longest prefix of letters and digits ('' when it starts with neither). */
  get firstWord(): string {
    return this.norm.slice(0, wordEnd(this.norm, 0));
  }

  /** Whether the match at `at` of `text` (in matching form) counts: whole words, not negated. */
  countsAt(text: string, at: number): boolean {
    return text.startsWith(this.norm, at) && this.boundaryBefore(text, at) && this.boundaryAfter(text, at + this.norm.length) && !negated(text, at);
  }

  /** Prepares a phrase (evidence of `cue`, for a built-in one); undefined when nothing of it is left to match. */
  static make(keyword: string, cue?: string): Phrase | undefined {
    const norm = normalizeInto(keyword, '');
    if (norm.length === 0) return undefined;
    const chars = Array.from(norm);
    return new Phrase(trimWhitespace(keyword).toLowerCase(), cue, norm, isAlphanumeric(chars[0]), isAlphanumeric(chars[chars.length - 1]));
  }

  /**
   * Whether the phrase occurs in `text` (in matching form) as whole words,
   * allowing a plural "s" after it, and not right after a negation such as
   * "not" or "no". Every occurrence is tried, overlapping ones too (as the
   * Rust plugin's Aho-Corasick search reports them).
   */
  foundIn(text: string): boolean {
    for (let at = text.indexOf(this.norm); at >= 0; at = text.indexOf(this.norm, at + 1)) {
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
  return NEGATIONS.has(text.slice(start, end));
}

/** Where the run of letters and digits starting at `from` ends. */
function wordEnd(s: string, from: number): number {
  let j = from;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c < 0x80) {
      if (!((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a))) break;
      j++;
      continue;
    }
    const ch = charAt(s, j)!;
    if (!isAlphanumeric(ch)) break;
    j += ch.length;
  }
  return j;
}

/**
 * A list of phrases, each label once (the first phrase of a label is kept).
 *
 * The Rust plugin finds all phrases in one pass of an Aho-Corasick
 * automaton; here one pass over the text's words finds the candidates. A
 * phrase that starts with a letter or digit can only count where a word
 * starts (it needs a word boundary before), and there the text's word is
 * the phrase's first word, or the whole phrase plus a plural "s" for a
 * one-word phrase; each candidate is then checked as `foundIn` checks a
 * match. Phrases that start otherwise are searched for one by one.
 */
export class Keywords {
  readonly phrases: readonly Phrase[];
  /** Indexes of the phrases by their first word. */
  private readonly byFirstWord = new Map<string, number[]>();
  /** Indexes of the one-word phrases, by that word (for the plural "s"). */
  private readonly oneWord = new Map<string, number[]>();
  /** Indexes of the phrases that do not start with a letter or digit. */
  private readonly others: number[] = [];

  constructor(phrases: Iterable<Phrase | undefined>) {
    const unique: Phrase[] = [];
    for (const phrase of phrases) {
      if (phrase && !unique.some((p) => p.label === phrase.label)) unique.push(phrase);
    }
    this.phrases = unique;
    const add = (map: Map<string, number[]>, key: string, i: number) => {
      const list = map.get(key);
      if (list) list.push(i);
      else map.set(key, [i]);
    };
    unique.forEach((p, i) => {
      if (!p.wordStart) {
        this.others.push(i);
        return;
      }
      const first = p.firstWord;
      add(this.byFirstWord, first, i);
      if (first === p.norm) add(this.oneWord, first, i);
    });
  }

  /** The phrases found in `text` (in matching form), each once, in configured order. */
  found(text: string): Phrase[] {
    const hit = new Uint8Array(this.phrases.length);
    for (const i of this.others) if (this.phrases[i]!.foundIn(text)) hit[i] = 1;
    const check = (candidates: number[] | undefined, at: number) => {
      if (candidates === undefined) return;
      for (const i of candidates) if (!hit[i] && this.phrases[i]!.countsAt(text, at)) hit[i] = 1;
    };
    let i = 0;
    while (i < text.length) {
      const end = wordEnd(text, i);
      if (end === i) {
        i += charAt(text, i)!.length;
        continue;
      }
      // A word starts at i (what came before was not a letter or digit).
      const word = text.slice(i, end);
      check(this.byFirstWord.get(word), i);
      if (word.length > 1 && word.endsWith('s')) check(this.oneWord.get(word.slice(0, -1)), i);
      i = end;
    }
    return this.phrases.filter((_, k) => hit[k] === 1);
  }
}
