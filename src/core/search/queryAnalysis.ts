/**
 * What kind of query this is. An identifier-like query ("parseConfig", "http.Client",
 * "user_id") is answered mostly by names; a natural-language one by meaning.
 */
import { splitIdentifier, tokenize, tokenizeQuery } from '../index/tokenize';

export type QueryKind = 'identifier' | 'natural';

export interface AnalysedQuery {
  text: string;
  kind: QueryKind;
  /** Lexical terms with their weights: whole identifiers above their parts. */
  terms: Map<string, number>;
  /** Identifiers the query names (lowercased), for definition boosts. */
  identifiers: string[];
  /** The same identifiers as the query writes them. */
  identifiersAsWritten: string[];
  /** Plain lowercased words of the query (unstemmed parts), for name and path matches. */
  words: string[];
  /** True when the query asks about tests, examples or docs, which are otherwise down-weighted. */
  mentionsTests: boolean;
  mentionsDocs: boolean;
}

/** A whole identifier in the query is a precise signal; its parts are weaker evidence. */
const WHOLE_IDENTIFIER_WEIGHT = 1.5;
const PART_WEIGHT = 1;
const CODE_PUNCTUATION = /[._:#>()-]/;

export function analyseQuery(text: string): AnalysedQuery {
  const trimmed = text.trim();
  const rawWords = trimmed.split(/\s+/).filter(Boolean);
  const single = rawWords.length === 1;
  const identifiersAsWritten = rawWords
    .map((w) => w.replace(/^[^\p{L}\p{N}_$]+|[^\p{L}\p{N}_$]+$/gu, ''))
    .filter((w) => w.length > 0 && (single || looksLikeIdentifier(w)))
    .flatMap((w) => w.split(/[.:#]+|->/).filter(Boolean));
  const identifiers = identifiersAsWritten.map((w) => w.toLowerCase());
  const kind: QueryKind = single || rawWords.length <= 2 && rawWords.every((w) => looksLikeIdentifier(w) || CODE_PUNCTUATION.test(w))
    ? 'identifier'
    : 'natural';
  const terms = new Map<string, number>();
  for (const token of tokenizeQuery(trimmed)) {
    const weight = token.length > 2 && identifiers.includes(token) ? WHOLE_IDENTIFIER_WEIGHT : PART_WEIGHT;
    terms.set(token, Math.max(terms.get(token) ?? 0, weight));
  }
  const lower = trimmed.toLowerCase();
  return {
    text: trimmed,
    kind,
    terms,
    identifiers,
    identifiersAsWritten,
    words: rawWords.flatMap((w) => splitIdentifier(w)),
    mentionsTests: /\b(tests?|spec|specs|testing|fixtures?|mocks?|examples?)\b/.test(lower),
    mentionsDocs: /\b(docs?|documentation|readme|guide|tutorial|changelog)\b/.test(lower),
  };
}

/** camelCase, PascalCase with inner capitals, snake_case, dotted paths, or a call. */
function looksLikeIdentifier(word: string): boolean {
  if (!/^[\p{L}_$][\p{L}\p{N}_$.:#>-]*(\(\))?$/u.test(word)) return false;
  return /[a-z][A-Z]|[A-Z]{2,}[a-z]|_|[.:#]|\(\)$|^[A-Z][a-z]+[A-Z]/.test(word) || tokenize(word).length > 1;
}
