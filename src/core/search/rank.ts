/**
 * Ranking: fuse the channels, then apply cheap priors. Pure functions over candidates so
 * each step can be read, tested and explained (`quarry search --explain`).
 */
import type { StoredChunk } from '../index/indexState';
import { splitIdentifier, stemWord } from '../index/tokenize';
import { memoised } from '../memo';
import type { AnalysedQuery } from './queryAnalysis';

export interface Candidate {
  chunk: StoredChunk;
  /** Raw channel scores: BM25F and cosine similarity. */
  lexical: number;
  /** Share of the query's weighted terms the chunk contains (lexical channel). */
  coverage: number;
  dense: number;
  /** Final score and the factors that made it, for explanations. */
  score: number;
  factors: Record<string, number>;
}

/** Share of the fused score given to the lexical channel, by query kind (the rest is dense). */
export const LEXICAL_SHARE = { identifier: 0.8, natural: 0.5 } as const;
/**
 * A chunk that defines the queried identifier: score x (1 + this). Range 0..2. The name must
 * be the identifier (or end with it after a `.`, `:`, `#` or `->`), spelled with the query's
 * capitals when the query writes any: `Serialize` is the trait, not every `serialize` method.
 */
export const DEFINITION_BOOST = 1.0;
/** Query words found in the chunk's name: up to x (1 + this). */
export const NAME_WORDS_BOOST = 0.35;
/** Query words found in the file name: up to x (1 + this); in its folders: up to x (1 + half). */
export const PATH_WORDS_BOOST = 0.5;
/** Tests, examples and fixtures, unless the query asks for them. */
export const TEST_FACTOR = 0.5;
/** Vendored, third-party and generated code. */
export const VENDORED_FACTOR = 0.5;
/** Documentation against a query that does not ask for docs: prose must not drown code. */
export const DOC_FACTOR = { identifier: 0.5, natural: 0.5 } as const;
/** A field, property or variable on its own. */
export const MEMBER_FACTOR = 0.7;
/** The file's name (without extension, `-` and `_`) is an identifier of the query... */
export const FILE_NAMED_IDENTIFIER_BOOST = 1.5;
/** ...or one of its words of at least MIN_FILE_WORD letters. */
export const FILE_NAMED_WORD_BOOST = 1.25;
const MIN_FILE_WORD = 4;
/** The n-th result from one file (0-based) is multiplied by this to the power n: other files get their turn. */
export const FILE_SATURATION = 0.3;
/**
 * Share of the mean of a file's other best chunk scores added to a chunk: files about the
 * query rank up. The mean is over FILE_CONTEXT_CHUNKS whether or not the file has that many,
 * so a file where many chunks match counts more than one where a single other chunk does.
 */
export const FILE_CONTEXT_WEIGHT = 1.0;
/** Other chunks of a file counted for its context. */
const FILE_CONTEXT_CHUNKS = 10;


const TEST_PATH = /(^|\/)(tests?|__tests__|spec|specs|testing|examples?|samples?|fixtures?|benchmarks?|e2e)(\/|$)|(^|\/)(test_[^/]*|[^/]*_(test|spec)\.[a-z]+|[^/]*\.(test|spec)\.[a-z]+|[^/]*Tests?\.[a-z]+|conftest\.py)$/i;
const VENDORED_PATH = /(^|\/)(vendor|vendored|third[_-]?party|external|deps|node_modules|generated|gen)(\/|$)|\.(pb|generated|g)\.[a-z]+$|_pb2\.py$/i;

/** Normalises each channel by its best candidate and mixes them by query kind. */
export function fuse(candidates: Candidate[], query: AnalysedQuery, hasDense: boolean, denseOnly = false): void {
  let maxLexical = 1e-9;
  let maxDense = 1e-9;
  let minDense = Infinity;
  for (const c of candidates) {
    maxLexical = Math.max(maxLexical, c.lexical);
    maxDense = Math.max(maxDense, c.dense);
    minDense = Math.min(minDense, c.dense);
  }
  minDense = Math.min(minDense, maxDense);
  const share = denseOnly ? 0 : hasDense ? LEXICAL_SHARE[query.kind] : 1;
  for (const c of candidates) {
    const lexicalPart = c.lexical / maxLexical;
    const densePart = maxDense > minDense ? (c.dense - minDense) / (maxDense - minDense) : 0;
    c.factors.lexical = lexicalPart;
    if (c.coverage > 0) c.factors.coverage = c.coverage;
    if (hasDense) c.factors.dense = densePart;
    c.score = share * lexicalPart + (1 - share) * densePart;
  }
}

/** Multiplies in the priors. */
export function applyPriors(candidates: Candidate[], query: AnalysedQuery): void {
  const queryStems = new Set([...query.terms.keys()].filter((t) => !query.identifiers.includes(t) || !/_/.test(t)));
  const unseparated = (words: string[]) => new Set(words.map((w) => w.replace(/[-_]/g, '')));
  const identifiers = unseparated(query.identifiers);
  const fileWords = unseparated(query.words.filter((w) => w.length >= MIN_FILE_WORD));
  const wanted = query.identifiers.length > 0 ? query.identifiersAsWritten.map(identifierForm) : [];
  // Candidates share files: the path-only factors are computed once per path.
  const byPath = new Map<string, { traits: PathTraits; path: number; fileName: number }>();
  const pathFactors = (path: string) => {
    let f = byPath.get(path);
    if (!f) {
      const traits = pathTraits(path);
      const fileName = identifiers.has(traits.fileStem) ? FILE_NAMED_IDENTIFIER_BOOST : fileWords.has(traits.fileStem) ? FILE_NAMED_WORD_BOOST : 1;
      byPath.set(path, (f = { traits, path: pathFactor(traits, queryStems), fileName }));
    }
    return f;
  };
  for (const c of candidates) {
    const chunk = c.chunk;
    const perPath = pathFactors(chunk.path);
    multiply(c, 'definition', definitionFactor(chunk, wanted));
    multiply(c, 'name', 1 + NAME_WORDS_BOOST * overlap(nameWords(chunk.name), queryStems));
    multiply(c, 'path', perPath.path);
    if (!query.mentionsTests && perPath.traits.isTest) multiply(c, 'test', TEST_FACTOR);
    if (perPath.traits.isVendored) multiply(c, 'vendored', VENDORED_FACTOR);
    if (chunk.isDoc && !query.mentionsDocs) multiply(c, 'doc', DOC_FACTOR[query.kind]);
    if (MEMBER_KINDS.has(chunk.kind) && chunk.extraNames.length === 0) multiply(c, 'member', MEMBER_FACTOR);
    multiply(c, 'file-name', perPath.fileName);
  }
}

/** Adds to each chunk a share of the best scores of the other chunks of its file. */
export function addFileContext(candidates: Candidate[]): void {
  const byFile = new Map<string, number[]>();
  for (const c of candidates) {
    const list = byFile.get(c.chunk.path);
    if (list) list.push(c.score);
    else byFile.set(c.chunk.path, [c.score]);
  }
  for (const list of byFile.values()) if (list.length > 1) list.sort(descending);
  const contexts = candidates.map((c) => otherBest(byFile.get(c.chunk.path)!, c.score) / FILE_CONTEXT_CHUNKS);
  candidates.forEach((c, i) => {
    if (contexts[i] === 0) return;
    c.factors['file-context'] = contexts[i];
    c.score += FILE_CONTEXT_WEIGHT * contexts[i];
  });
}

function descending(a: number, b: number): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

/** Sum of the FILE_CONTEXT_CHUNKS best scores of a file (sorted, best first) other than `own`. */
function otherBest(sorted: number[], own: number): number {
  let sum = 0;
  let taken = 0;
  let skipped = false;
  for (let i = 0; i < sorted.length && i <= FILE_CONTEXT_CHUNKS && taken < FILE_CONTEXT_CHUNKS; i++) {
    if (!skipped && sorted[i] === own) skipped = true;
    else {
      sum += sorted[i];
      taken++;
    }
  }
  return sum;
}

/**
 * The best `limit` candidates by score, damping further chunks of a file already seen.
 * Damping only lowers scores: once `limit` are kept, a candidate whose undamped score is
 * below the weakest damped score kept cannot get in, nor can any after it, so only the
 * candidates before it are damped and sorted again.
 */
export function saturateFiles(candidates: Candidate[], limit = candidates.length): Candidate[] {
  candidates.sort(byScore);
  const seen = new Map<string, number>();
  const kept: Candidate[] = [];
  /** The best `limit` damped scores so far, ascending (only once there are `limit`, the first is a bar). */
  const best: number[] = [];
  for (const c of candidates) {
    if (best.length === limit && c.score < best[0]) break;
    const n = seen.get(c.chunk.path) ?? 0;
    if (n > 0) multiply(c, 'file-saturation', FILE_SATURATION ** n);
    seen.set(c.chunk.path, n + 1);
    kept.push(c);
    if (limit >= candidates.length) continue; // every candidate is kept: no bar needed
    if (best.length < limit || c.score > best[0]) {
      if (best.length === limit) best.shift();
      best.splice(sortedIndex(best, c.score), 0, c.score);
    }
  }
  return kept.sort(byScore).slice(0, limit);
}

/** Where `x` goes in the ascending `sorted`. */
function sortedIndex(sorted: number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i] < x) i++;
  return i;
}

/** Best first; ties by path and line. Returns small integers (a fraction would be boxed on every call). */
function byScore(a: Candidate, b: Candidate): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine;
}

/** Data members (fields, properties, variables) explain less than the code that uses them. */
const MEMBER_KINDS = new Set(['field', 'property', 'variable']);

function multiply(c: Candidate, name: string, factor: number): void {
  if (factor === 1) return;
  c.score *= factor;
  c.factors[name] = factor;
}

function definitionFactor(chunk: StoredChunk, wanted: IdentifierForm[]): number {
  if (wanted.length === 0 || chunk.kind === 'block' || chunk.part > 1) return 1;
  if (definesAny(chunk.name, wanted)) return 1 + DEFINITION_BOOST;
  for (const name of chunk.extraNames) if (definesAny(name, wanted)) return 1 + DEFINITION_BOOST;
  return 1;
}

/** `name` spells one of the wanted identifiers (loops, not closures: this runs per candidate). */
function definesAny(name: string, wanted: IdentifierForm[]): boolean {
  const forms = nameForms(name);
  for (const id of wanted) if (spells(forms, id)) return true;
  return false;
}

/** Separators of a qualified name: `M.load`, `Foo::bar`, `Foo#bar`, `obj->field`. */
const QUALIFIER = /(?:\.|::?|#|->)([^.:#>]+)$/;

/** An identifier as a query writes it: case matters only when it has capitals. */
interface IdentifierForm {
  id: string;
  caseMatters: boolean;
}

/** A symbol name whole and its last qualified part, as written and lower-cased. */
interface NameForms {
  name: string;
  lower: string;
  last: string;
  lastLower: string;
}

function identifierForm(id: string): IdentifierForm {
  const lower = id.toLowerCase();
  return { id: id === lower ? lower : id, caseMatters: id !== lower };
}

function spells(forms: NameForms, { id, caseMatters }: IdentifierForm): boolean {
  return caseMatters ? forms.name === id || forms.last === id : forms.lower === id || forms.lastLower === id;
}

/**
 * `name` is the identifier `id` as written in a query: the whole name or its last qualified
 * part, ignoring case unless `id` has capitals (then `Visitor` is not `visitor`, nor `StrVisitor`).
 */
export function namesIdentifier(name: string, id: string): boolean {
  return spells(nameForms(name), identifierForm(id));
}

/**
 * What ranking needs of names and paths, memoised across searches: the same files and
 * symbols come back query after query, and stemming their words is most of the priors' cost.
 */
const MEMO_LIMIT = 50_000;

/** Word lists (distinct stems) rather than sets: memoised, they outlive many searches, and a list of a few words is a fraction of a set's size. */
const nameWords = memoised((name) => distinctStems(splitIdentifier(name)), MEMO_LIMIT);

const nameForms = memoised((name): NameForms => {
  const last = QUALIFIER.exec(name)?.[1] ?? '';
  return { name, lower: name.toLowerCase(), last, lastLower: last.toLowerCase() };
}, MEMO_LIMIT);

interface PathTraits {
  /** The file name without extensions, `-` and `_`, lower case: `Session` -> session.ex, "cookie store" -> cookie.ex. */
  fileStem: string;
  fileWords: readonly string[];
  /** Words of the three innermost folders. */
  folderWords: readonly string[];
  isTest: boolean;
  isVendored: boolean;
}

const pathTraits = memoised((path): PathTraits => {
  const segments = path.split('/');
  const file = (segments.pop() ?? '').replace(/\.[^.]+$/, '');
  return {
    fileStem: path.slice(path.lastIndexOf('/') + 1).replace(/\..*$/, '').toLowerCase().replace(/[-_]/g, ''),
    fileWords: distinctStems(splitIdentifier(file)),
    folderWords: distinctStems(segments.slice(-3).flatMap((s) => splitIdentifier(s))),
    isTest: TEST_PATH.test(path),
    isVendored: VENDORED_PATH.test(path),
  };
}, MEMO_LIMIT);

function pathFactor({ fileWords, folderWords }: PathTraits, queryStems: Set<string>): number {
  return (1 + PATH_WORDS_BOOST * overlap(fileWords, queryStems)) * (1 + (PATH_WORDS_BOOST / 2) * overlap(folderWords, queryStems));
}

/** The distinct stems of some words. */
function distinctStems(words: string[]): readonly string[] {
  return [...new Set(words.map(stemWord))];
}

/** Share of the query's words found in `words` (distinct stems; 0..1). */
function overlap(words: readonly string[], queryStems: Set<string>): number {
  if (queryStems.size === 0 || words.length === 0) return 0;
  let found = 0;
  for (const w of words) if (queryStems.has(w)) found++;
  return found / queryStems.size;
}
