/**
 * Code-aware tokens for the lexical index. An identifier is kept whole (for exact name
 * matches) and also split into its camelCase / snake_case / digit parts (for matches on
 * words); parts are stemmed so that "parsing" finds `parseArgs`.
 */
import stem = require('wink-porter2-stemmer');
import { memoised } from '../memo';

/** Boundaries inside an identifier: fooBar, FOOBar, foo2bar, foo_bar. */
const PART_PATTERN = /[\p{Lu}]+(?![\p{Ll}])|[\p{Lu}]?[\p{Ll}]+|\p{N}+|[\p{Lo}]+/gu;
/** Identifiers with any of these take the Unicode path. */
const NON_ASCII = /[^\x00-\x7f]/;
const FIRST_NON_ASCII = 0x80;
/** A word: a run of letters, digits, `_` and `$` (identifiers, words, numbers), anchored where it starts. */
const WORD_AT = /[\p{L}\p{N}_$]+/uy;
/** Longest token kept; longer runs are hashes, base64 or minified noise. */
const MAX_TOKEN_LENGTH = 40;

/** English words that carry no meaning in a code query. Code keywords are NOT listed: `return`, `class` can matter. */
const STOP_WORDS = new Set([
  'a', 'an', 'the', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'is', 'are', 'be', 'by',
  'with', 'how', 'what', 'where', 'which', 'when', 'does', 'do', 'it', 'its', 'that',
  'this', 'from', 'as', 'at', 'into', 'i', 'we', 'you', 'can', 'should', 'there', 'find',
  'code', 'some', 'any', 'me', 'my', 'our', 'show',
]);

/**
 * Sizes of the memo tables (each emptied when full). Each parse worker holds its own: at
 * 200,000 stems and 50,000 words they held about 15 MB a worker by the end of a large index
 * (peak RSS indexing 219k chunks lexical-only: 362 MB against 332 at 20,000 each), for no
 * measurable speed (npm sources: 3.9-4.3 s either way, three runs each).
 */
const STEM_CACHE_LIMIT = 20_000;
const WORD_CACHE_LIMIT = 20_000;

/** A word's stem (lowercase ASCII words of more than 3 letters are stemmed; others are kept). */
export const stemWord = memoised((word) => (/^[a-z]+$/.test(word) && word.length > 3 ? stem(word) : word), STEM_CACHE_LIMIT);

/** Splits one identifier into lowercase parts: `parseHTTPResponse2` -> parse, http, response, 2. */
export function splitIdentifier(identifier: string): string[] {
  const parts: string[] = [];
  if (!NON_ASCII.test(identifier)) {
    splitAsciiIdentifier(identifier, 0, identifier.length, parts);
    return parts;
  }
  for (const piece of identifier.split(/[_$]+/)) {
    for (const m of piece.matchAll(PART_PATTERN)) parts.push(m[0].toLowerCase());
  }
  return parts;
}

/**
 * Tokens of a text for indexing: each identifier whole (lowercased, unstemmed) when it has
 * several parts, plus each stemmed part. Repeats are kept: term frequency matters.
 */
export function tokenize(text: string, sink: string[] = [], skipWord?: (lowercased: string) => boolean): string[] {
  forEachWord(text, (word) => {
    if (skipWord?.(word.toLowerCase())) return;
    for (const token of wordTokens(word)) sink.push(token);
  });
  return sink;
}

/**
 * Calls `visit` with each word of `text` (a run of letters, digits, `_` and `$`) that may
 * yield tokens: words longer than MAX_TOKEN_LENGTH are hashes or noise, and skipped.
 */
export function forEachWord(text: string, visit: (word: string) => void): void {
  // Most code is ASCII: a hand-written scanner (same words as WORD_AT, several times
  // faster) that hands only the words touching non-ASCII characters to the Unicode pattern.
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (!isWordChar(c) && c < FIRST_NON_ASCII) {
      i++;
      continue;
    }
    let end = i + 1;
    if (c < FIRST_NON_ASCII) while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    if (c >= FIRST_NON_ASCII || (end < text.length && text.charCodeAt(end) >= FIRST_NON_ASCII)) {
      // The word starts in, or goes on into, another script.
      WORD_AT.lastIndex = i;
      const m = WORD_AT.exec(text);
      if (!m) {
        i++;
        continue;
      }
      end = i + m[0].length;
    }
    if (end - i <= MAX_TOKEN_LENGTH) visit(text.slice(i, end));
    i = end;
  }
}

/**
 * The tokens of one word, memoised: identifiers repeat across a code base, and splitting,
 * lowercasing and stemming them again was a fifth of indexing time.
 */
export const wordTokens = memoised((word): readonly string[] => {
  const parts = splitIdentifier(word);
  const tokens: string[] = [];
  if (parts.length > 1) tokens.push(word.toLowerCase().replace(/^[_$]+|[_$]+$/g, ''));
  for (const part of parts) {
    if (part.length < 2 && !/\p{Lo}/u.test(part)) continue;
    tokens.push(stemWord(part));
  }
  return tokens;
}, WORD_CACHE_LIMIT);

/**
 * ASCII identifier parts, as PART_PATTERN finds them: an upper-case run (less its last
 * letter when a lower-case run follows), an optionally capitalised lower-case run, a digit run.
 */
function splitAsciiIdentifier(text: string, from: number, to: number, parts: string[]): void {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    let end = i + 1;
    if (isUpper(c)) {
      while (end < to && isUpper(text.charCodeAt(end))) end++;
      if (end < to && isLower(text.charCodeAt(end))) {
        if (end - i > 1) end--; // HTTPResponse: HTTP, then Response
        else while (end < to && isLower(text.charCodeAt(end))) end++;
      }
    } else if (isLower(c)) {
      while (end < to && isLower(text.charCodeAt(end))) end++;
    } else if (isDigit(c)) {
      while (end < to && isDigit(text.charCodeAt(end))) end++;
    } else {
      i = end; // _ and $ separate parts
      continue;
    }
    parts.push(text.slice(i, end).toLowerCase());
    i = end;
  }
}

const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
/** ASCII letters, digits, `_` and `$`: WORD_AT restricted to ASCII. */
const isWordChar = (c: number) => isLower(c) || isUpper(c) || isDigit(c) || c === 95 || c === 36;

/** Query tokens: like `tokenize`, without stop words (unless the query is nothing but). */
export function tokenizeQuery(query: string): string[] {
  const kept = tokenize(query, [], (word) => STOP_WORDS.has(word));
  return kept.length > 0 ? kept : tokenize(query);
}

/** A path as words: folder names and the file stem, to be split like identifiers. */
export function pathWords(relPath: string): string {
  return relPath.replace(/\.[^./]+$/, '').replace(/[/\\.-]+/g, ' ');
}
