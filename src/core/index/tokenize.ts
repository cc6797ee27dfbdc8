/**
 * Code-aware tokens for the lexical index. An identifier is kept whole (for exact name
 * matches) and also split into its camelCase / snake_case / digit parts (for matches on
 * words); parts are stemmed so that "parsing" finds `parseArgs`.
 */
import stem = require('wink-porter2-stemmer');

/** Runs of letters, digits and underscores (identifiers, words, numbers). */
const WORD_PATTERN = /[\p{L}\p{N}_$]+/gu;
/** Boundaries inside an identifier: fooBar, FOOBar, foo2bar, foo_bar. */
const PART_PATTERN = /[\p{Lu}]+(?![\p{Ll}])|[\p{Lu}]?[\p{Ll}]+|\p{N}+|[\p{Lo}]+/gu;
/** Longest token kept; longer runs are hashes, base64 or minified noise. */
const MAX_TOKEN_LENGTH = 40;

/** English words that carry no meaning in a code query. Code keywords are NOT listed: `return`, `class` can matter. */
const STOP_WORDS = new Set([
  'a', 'an', 'the', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'is', 'are', 'be', 'by',
  'with', 'how', 'what', 'where', 'which', 'when', 'does', 'do', 'it', 'its', 'that',
  'this', 'from', 'as', 'at', 'into', 'i', 'we', 'you', 'can', 'should', 'there', 'find',
  'code', 'some', 'any', 'me', 'my', 'our', 'show',
]);

const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

export function stemWord(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = /^[a-z]+$/.test(word) && word.length > 3 ? stem(word) : word;
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** Splits one identifier into lowercase parts: `parseHTTPResponse2` -> parse, http, response, 2. */
export function splitIdentifier(identifier: string): string[] {
  const parts: string[] = [];
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
  for (const m of text.matchAll(WORD_PATTERN)) {
    const word = m[0];
    if (word.length > MAX_TOKEN_LENGTH) continue;
    if (skipWord?.(word.toLowerCase())) continue;
    const parts = splitIdentifier(word);
    if (parts.length > 1) sink.push(word.toLowerCase().replace(/^[_$]+|[_$]+$/g, ''));
    for (const part of parts) {
      if (part.length < 2 && !/\p{Lo}/u.test(part)) continue;
      sink.push(stemWord(part));
    }
  }
  return sink;
}

/** Query tokens: like `tokenize`, without stop words (unless the query is nothing but). */
export function tokenizeQuery(query: string): string[] {
  const kept = tokenize(query, [], (word) => STOP_WORDS.has(word));
  return kept.length > 0 ? kept : tokenize(query);
}

/** Tokens of a path: folder names and the file stem, split like identifiers. */
export function tokenizePath(relPath: string, sink: string[] = []): string[] {
  const withoutExtension = relPath.replace(/\.[^./]+$/, '');
  return tokenize(withoutExtension.replace(/[/\\.-]+/g, ' '), sink);
}

export function isStopWord(token: string): boolean {
  return STOP_WORDS.has(token);
}
