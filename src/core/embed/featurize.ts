/**
 * Hashed sparse features for the lexical-dense embedding model (models/quarry-code).
 *
 * This is a bit-exact port of training/features.py; test/unit/featurize-golden.test.ts
 * checks both against fixtures that Python wrote. Change one, change both, bump `version`.
 *
 * Spec (featurizer version 1):
 * - Words are maximal runs of word code points: ASCII letters, digits and `_`, plus any code
 *   point >= 0x80 outside SEPARATOR_RANGES. Only the first `maxTokens` words count; a word
 *   longer than `maxTokenLength` code points gives no feature.
 * - A word is cut into segments at `_` and at class changes (ASCII upper, digit, lower where
 *   lower also holds every non-ASCII word code point): lower->upper, to or from a digit, and
 *   before the last upper of an upper run followed by a lower (HTTPResponse -> HTTP, Response).
 *   Segments are lowercased (ASCII only); a segment is a kept *part* when it has >= 2 code
 *   points or is one code point >= 0x80.
 * - Feature strings: `w:<word lowercased, outer _ stripped>` for a word of several segments;
 *   `w:<part>` per kept part; `c:<trigram>` per code-point trigram of `<part>` (with the angle
 *   brackets) for parts of >= `minTrigramPartLength` code points; `b:<a> <b>` per pair of
 *   consecutive kept parts in the text.
 * - Each distinct feature (keyed by its 32-bit FNV-1a hash over UTF-8 bytes; a lone surrogate
 *   is encoded as 3 bytes) yields, in order of first appearance, id = hash % numBuckets and
 *   weight = float32(1 + ln(tf)).
 *
 * ONNX contract of model.onnx: inputs `ids` int64 [B, L] (bucket ids, 0-padded) and
 * `weights` float32 [B, L] (0 for padding); output `embeddings` float32 [B, dimension],
 * L2-normalised (a text with no feature gives the zero vector). The 64- and 128-d prefixes are
 * trained to be usable on their own (re-normalise them).
 */
import { readFileSync } from 'node:fs';

export interface FeaturizerConfig {
  version: number;
  modelId: string;
  numBuckets: number;
  maxTokens: number;
  maxTokenLength: number;
  minTrigramPartLength: number;
  features: string[];
  hash: string;
  weighting: string;
  dimension: number;
  matryoshkaDimensions: number[];
}

export interface Features {
  ids: Int32Array;
  weights: Float32Array;
}

/** A padded batch, ready for `new ort.Tensor('int64', ids, [batch, length])`. */
export interface FeatureBatch {
  ids: BigInt64Array;
  weights: Float32Array;
  batch: number;
  length: number;
}

export const FEATURIZER_VERSION = 1;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const UNDERSCORE = 0x5f;
const SPACE = 0x20;
const LEFT_PAD = 0x3c; // '<'
const RIGHT_PAD = 0x3e; // '>'

/** Inclusive code point ranges (all >= 0x80) that separate words. */
const SEPARATOR_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x80, 0xbf], [0xd7, 0xd7], [0xf7, 0xf7], [0x2000, 0x206f], [0x2190, 0x2bff],
  [0x3000, 0x303f], [0xd800, 0xdfff], [0xfe00, 0xfe0f], [0xfe30, 0xfe4f], [0xfeff, 0xfeff],
  [0xff00, 0xff0f], [0xff1a, 0xff20], [0xff3b, 0xff40], [0xff5b, 0xff65], [0x1f000, 0x1faff],
];

const CLASS_UPPER = 0;
const CLASS_LOWER = 1;
const CLASS_DIGIT = 2;

function isWordCodePoint(c: number): boolean {
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE;
  for (const [lo, hi] of SEPARATOR_RANGES) if (c >= lo && c <= hi) return false;
  return true;
}

function classOf(c: number): number {
  if (c >= 48 && c <= 57) return CLASS_DIGIT;
  if (c >= 65 && c <= 90) return CLASS_UPPER;
  return CLASS_LOWER;
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Continues an FNV-1a hash over the UTF-8 bytes of one code point. */
function hashCodePoint(h: number, c: number): number {
  if (c < 0x80) return Math.imul(h ^ c, FNV_PRIME) >>> 0;
  if (c < 0x800) {
    h = Math.imul(h ^ (0xc0 | (c >> 6)), FNV_PRIME);
  } else if (c < 0x10000) {
    h = Math.imul(h ^ (0xe0 | (c >> 12)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
  } else {
    h = Math.imul(h ^ (0xf0 | (c >> 18)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
  }
  return Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME) >>> 0;
}

function hashCodePoints(h: number, cps: ArrayLike<number>, start = 0, end = cps.length): number {
  for (let i = start; i < end; i++) h = hashCodePoint(h, cps[i]);
  return h;
}

const HASH_WORD = hashCodePoints(FNV_OFFSET, [0x77, 0x3a]); // "w:"
const HASH_TRIGRAM = hashCodePoints(FNV_OFFSET, [0x63, 0x3a]); // "c:"
const HASH_BIGRAM = hashCodePoints(FNV_OFFSET, [0x62, 0x3a]); // "b:"

/** Segment boundaries [start, end) of one `_`-free piece of a word. */
function pushSegments(word: number[], start: number, end: number, out: number[]): void {
  let segStart = start;
  for (let i = start + 1; i < end; i++) {
    const a = classOf(word[i - 1]);
    const b = classOf(word[i]);
    let cut = false;
    if (a !== b) cut = !(a === CLASS_UPPER && b === CLASS_LOWER);
    else if (a === CLASS_UPPER && i + 1 < end && classOf(word[i + 1]) === CLASS_LOWER) cut = true;
    if (cut) {
      out.push(segStart, i);
      segStart = i;
    }
  }
  out.push(segStart, end);
}

/** Feature accumulator: counts per feature hash, in first-seen order (Map keeps insertion order). */
class FeatureCounter {
  readonly counts = new Map<number, number>();
  private prevPart: number[] | null = null;

  add(h: number): void {
    this.counts.set(h, (this.counts.get(h) ?? 0) + 1);
  }

  addWord(word: number[], config: FeaturizerConfig): void {
    const bounds: number[] = [];
    let pieceStart = 0;
    for (let i = 0; i <= word.length; i++) {
      if (i === word.length || word[i] === UNDERSCORE) {
        if (i > pieceStart) pushSegments(word, pieceStart, i, bounds);
        pieceStart = i + 1;
      }
    }
    if (bounds.length > 2) this.addWhole(word);
    for (let s = 0; s < bounds.length; s += 2) {
      const start = bounds[s];
      const end = bounds[s + 1];
      if (end - start < 2 && word[start] < 0x80) continue;
      const part: number[] = [];
      for (let i = start; i < end; i++) part.push(lowerAscii(word[i]));
      this.addPart(part, config.minTrigramPartLength);
    }
  }

  private addWhole(word: number[]): void {
    let start = 0;
    let end = word.length;
    while (start < end && word[start] === UNDERSCORE) start++;
    while (end > start && word[end - 1] === UNDERSCORE) end--;
    let h = HASH_WORD;
    for (let i = start; i < end; i++) h = hashCodePoint(h, lowerAscii(word[i]));
    this.add(h);
  }

  private addPart(part: number[], minTrigramLength: number): void {
    this.add(hashCodePoints(HASH_WORD, part));
    if (part.length >= minTrigramLength) {
      const padded = [LEFT_PAD, ...part, RIGHT_PAD];
      for (let i = 0; i + 3 <= padded.length; i++) this.add(hashCodePoints(HASH_TRIGRAM, padded, i, i + 3));
    }
    if (this.prevPart !== null) {
      const h = hashCodePoint(hashCodePoints(HASH_BIGRAM, this.prevPart), SPACE);
      this.add(hashCodePoints(h, part));
    }
    this.prevPart = part;
  }
}

/** Hashed features of one text: bucket ids and weights, one per distinct feature. */
export function featurize(text: string, config: FeaturizerConfig): Features {
  const counter = new FeatureCounter();
  let word: number[] = [];
  let words = 0;
  const flush = (): void => {
    if (word.length <= config.maxTokenLength) counter.addWord(word, config);
    word = [];
    words++;
  };
  for (let i = 0; i < text.length && words < config.maxTokens; i++) {
    const c = text.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (isWordCodePoint(c)) word.push(c);
    else if (word.length > 0) flush();
  }
  if (word.length > 0 && words < config.maxTokens) flush();
  const n = counter.counts.size;
  const ids = new Int32Array(n);
  const weights = new Float32Array(n);
  let k = 0;
  for (const [h, tf] of counter.counts) {
    ids[k] = h % config.numBuckets;
    weights[k] = 1 + Math.log(tf);
    k++;
  }
  return { ids, weights };
}

/** Features of many texts, zero-padded to the longest (at least 1 so that empty texts work). */
export function featurizeBatch(texts: readonly string[], config: FeaturizerConfig): FeatureBatch {
  const all = texts.map((t) => featurize(t, config));
  const length = Math.max(1, ...all.map((f) => f.ids.length));
  const ids = new BigInt64Array(texts.length * length);
  const weights = new Float32Array(texts.length * length);
  all.forEach((f, row) => {
    for (let j = 0; j < f.ids.length; j++) {
      ids[row * length + j] = BigInt(f.ids[j]);
      weights[row * length + j] = f.weights[j];
    }
  });
  return { ids, weights, batch: texts.length, length };
}

/** Reads and checks the featurizer.json shipped next to a model. */
export function loadFeaturizerConfig(file: string): FeaturizerConfig {
  const config = JSON.parse(readFileSync(file, 'utf8')) as FeaturizerConfig;
  if (config.version !== FEATURIZER_VERSION) {
    throw new Error(`${file}: featurizer version ${config.version}, this build reads ${FEATURIZER_VERSION}`);
  }
  if (config.hash !== 'fnv1a32-utf8' || config.weighting !== '1+ln(tf)') {
    throw new Error(`${file}: unsupported hash ${config.hash} or weighting ${config.weighting}`);
  }
  for (const key of ['numBuckets', 'maxTokens', 'maxTokenLength', 'minTrigramPartLength', 'dimension'] as const) {
    if (!Number.isInteger(config[key]) || config[key] <= 0) throw new Error(`${file}: bad ${key}`);
  }
  return config;
}
