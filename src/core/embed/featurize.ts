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
 * trained to be usable on their own (re-normalise them). When the model holds its weights as
 * `table` int8 [numBuckets, dimension] and `scale` float32 [numBuckets], queries are embedded
 * from them without onnxruntime (tableEncoder.ts).
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

/** ASCII word characters: 0-9, A-Z, a-z, _. */
const ASCII_WORD = new Uint8Array(128).map((_, c) => ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE ? 1 : 0));

function isWordCodePoint(c: number): boolean {
  if (c < 0x80) return ASCII_WORD[c] === 1;
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
  // Small enough to be inlined on the hot path; the multi-byte encodings live apart.
  return c < 0x80 ? Math.imul(h ^ c, FNV_PRIME) >>> 0 : hashMultiByte(h, c);
}

function hashMultiByte(h: number, c: number): number {
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

/** hash("c:" + a + b) for ASCII a, b: a trigram of ASCII code points then costs one step. */
const TRIGRAM_PREFIX = new Uint32Array(128 * 128).map((_, ab) => hashCodePoint(hashCodePoint(HASH_TRIGRAM, ab >> 7), ab & 0x7f));

function trigramHash(a: number, b: number, c: number): number {
  if ((a | b) < 0x80) return hashCodePoint(TRIGRAM_PREFIX[(a << 7) | b], c);
  return hashCodePoint(hashCodePoint(hashCodePoint(HASH_TRIGRAM, a), b), c);
}

/** 1 + ln(tf) for small counts, computed as emit() would compute it (same doubles). */
const WEIGHT_OF_COUNT = new Float64Array(256).map((_, c) => 1 + Math.log(c));

/**
 * Segment boundaries [start, end) of one `_`-free piece of a word, appended to `out` from
 * index `n`; returns the new count.
 */
function pushSegments(word: Int32Array, start: number, end: number, out: Int32Array, n: number): number {
  let segStart = start;
  let b = classOf(word[start]);
  for (let i = start + 1; i < end; i++) {
    const a = b;
    b = classOf(word[i]);
    let cut = false;
    if (a !== b) cut = !(a === CLASS_UPPER && b === CLASS_LOWER);
    else if (a === CLASS_UPPER && i + 1 < end && classOf(word[i + 1]) === CLASS_LOWER) cut = true;
    if (cut) {
      out[n++] = segStart;
      out[n++] = i;
      segStart = i;
    }
  }
  out[n++] = segStart;
  out[n++] = end;
  return n;
}

/** Counts per 32-bit feature hash in first-seen order: open addressing, reused between texts. */
class HashCounter {
  private keys = new Uint32Array(4096);
  private counts = new Int32Array(4096);
  /** Slots in first-seen order. */
  private order = new Int32Array(2048);
  size = 0;

  clear(): void {
    for (let i = 0; i < this.size; i++) this.counts[this.order[i]] = 0;
    this.size = 0;
  }

  /** `h` is an unsigned 32-bit hash. */
  add(h: number): void {
    const mask = this.keys.length - 1;
    let slot = Math.imul(h, 0x9e3779b1) >>> 0 & mask;
    while (this.counts[slot] !== 0) {
      if (this.keys[slot] === h) {
        this.counts[slot]++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = h;
    this.counts[slot] = 1;
    this.order[this.size++] = slot;
    if (this.size * 2 >= this.keys.length) this.grow();
  }

  /** Writes ids (hash % buckets) and weights (1 + ln tf) in first-seen order. */
  emit(numBuckets: number): Features {
    const ids = new Int32Array(this.size);
    const weights = new Float32Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const slot = this.order[i];
      const count = this.counts[slot];
      ids[i] = this.keys[slot] % numBuckets;
      weights[i] = count < WEIGHT_OF_COUNT.length ? WEIGHT_OF_COUNT[count] : 1 + Math.log(count);
    }
    return { ids, weights };
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    const oldOrder = this.order.subarray(0, this.size);
    this.keys = new Uint32Array(oldKeys.length * 2);
    this.counts = new Int32Array(oldKeys.length * 2);
    const order = new Int32Array(oldKeys.length);
    const mask = this.keys.length - 1;
    oldOrder.forEach((oldSlot, i) => {
      const h = oldKeys[oldSlot];
      let slot = Math.imul(h, 0x9e3779b1) >>> 0 & mask;
      while (this.counts[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = h;
      this.counts[slot] = oldCounts[oldSlot];
      order[i] = slot;
    });
    this.order = order;
  }
}

/**
 * Feature accumulator for one text at a time. Works on reused buffers: featurizing is on the
 * indexing hot path (one instance per configuration shape, reset per text).
 */
class FeatureCounter {
  readonly counts = new HashCounter();
  /** The current word's code points (stored up to maxTokenLength). */
  readonly word: Int32Array;
  /** Segment bounds of the current word, [start, end) pairs. */
  private readonly bounds: Int32Array;
  /** The current part, lowercased. */
  private readonly part: Int32Array;
  private partLength = 0;
  /** hash("b:" + previous part + " "), or -1 before the text's first part. */
  private bigramPrefix = -1;

  constructor(readonly minTrigramLength: number, readonly maxTokenLength: number) {
    this.word = new Int32Array(maxTokenLength + 1);
    this.part = new Int32Array(maxTokenLength + 1);
    // At most one segment per code point.
    this.bounds = new Int32Array(2 * (maxTokenLength + 1));
  }

  reset(): void {
    this.counts.clear();
    this.bigramPrefix = -1;
  }

  /** All features of one word: `word[0..length)` code points. */
  addWord(length: number): void {
    const word = this.word;
    const bounds = this.bounds;
    let n = 0;
    let pieceStart = 0;
    for (let i = 0; i <= length; i++) {
      if (i === length || word[i] === UNDERSCORE) {
        if (i > pieceStart) n = pushSegments(word, pieceStart, i, bounds, n);
        pieceStart = i + 1;
      }
    }
    if (n > 2) this.addWhole(length);
    for (let s = 0; s < n; s += 2) {
      const start = bounds[s];
      const end = bounds[s + 1];
      if (end - start < 2 && word[start] < 0x80) continue;
      for (let i = start; i < end; i++) this.part[i - start] = lowerAscii(word[i]);
      this.partLength = end - start;
      this.addPart();
    }
  }

  private addWhole(length: number): void {
    const word = this.word;
    let start = 0;
    let end = length;
    while (start < end && word[start] === UNDERSCORE) start++;
    while (end > start && word[end - 1] === UNDERSCORE) end--;
    let h = HASH_WORD;
    for (let i = start; i < end; i++) h = hashCodePoint(h, lowerAscii(word[i]));
    this.counts.add(h);
  }

  /** `w:<part>`, its trigrams, the bigram with the previous part, in that order. */
  private addPart(): void {
    const part = this.part;
    const n = this.partLength;
    const counts = this.counts;
    // One pass hashes the part as a word, as the end of a bigram and as the next bigram's start.
    let word = HASH_WORD;
    let next = HASH_BIGRAM;
    let bigram = this.bigramPrefix;
    for (let i = 0; i < n; i++) {
      const c = part[i];
      word = hashCodePoint(word, c);
      next = hashCodePoint(next, c);
      if (bigram !== -1) bigram = hashCodePoint(bigram, c);
    }
    counts.add(word);
    if (n >= this.minTrigramLength) {
      // trigrams of '<' + part + '>'
      counts.add(trigramHash(LEFT_PAD, part[0], part[1]));
      for (let i = 0; i + 3 <= n; i++) counts.add(trigramHash(part[i], part[i + 1], part[i + 2]));
      counts.add(trigramHash(part[n - 2], part[n - 1], RIGHT_PAD));
    }
    if (this.bigramPrefix !== -1) counts.add(bigram);
    this.bigramPrefix = hashCodePoint(next, SPACE);
  }
}

let sharedCounter: FeatureCounter | undefined;

function counterFor(config: FeaturizerConfig): FeatureCounter {
  if (sharedCounter?.minTrigramLength !== config.minTrigramPartLength || sharedCounter.maxTokenLength !== config.maxTokenLength) {
    sharedCounter = new FeatureCounter(config.minTrigramPartLength, config.maxTokenLength);
  }
  return sharedCounter;
}

/** Hashed features of one text: bucket ids and weights, one per distinct feature. */
export function featurize(text: string, config: FeaturizerConfig): Features {
  const maxLength = config.maxTokenLength;
  const maxTokens = config.maxTokens;
  const counter = counterFor(config);
  counter.reset();
  const word = counter.word;
  const end = text.length;
  let length = 0; // code points of the current word (counted past maxLength, stored up to it)
  let words = 0;
  for (let i = 0; i < end && words < maxTokens; i++) {
    let c = text.charCodeAt(i);
    let isWord: boolean;
    if (c < 0x80) isWord = ASCII_WORD[c] === 1;
    else {
      // As String.codePointAt: a valid surrogate pair is one code point, a lone surrogate itself.
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      isWord = isWordCodePoint(c);
    }
    if (isWord) {
      if (length <= maxLength) word[length] = c;
      length++;
    } else if (length > 0) {
      if (length <= maxLength) counter.addWord(length);
      length = 0;
      words++;
    }
  }
  if (length > 0 && words < maxTokens && length <= maxLength) counter.addWord(length);
  return counter.counts.emit(config.numBuckets);
}

/** Features of many texts, zero-padded to the longest (at least 1 so that empty texts work). */
export function featurizeBatch(texts: readonly string[], config: FeaturizerConfig): FeatureBatch {
  return padFeatures(texts.map((t) => featurize(t, config)));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Rows of features zero-padded to the longest (at least 1 so that empty texts work). */
export function padFeatures(rows: readonly Features[]): FeatureBatch {
  let length = 1;
  for (const f of rows) if (f.ids.length > length) length = f.ids.length;
  const ids = new BigInt64Array(rows.length * length);
  const weights = new Float32Array(rows.length * length);
  // Ids are small and non-negative: write the low 32 bits of each int64 (little-endian) directly.
  const low = new Int32Array(ids.buffer);
  rows.forEach((f, row) => {
    const base = row * length;
    if (LITTLE_ENDIAN) for (let j = 0; j < f.ids.length; j++) low[2 * (base + j)] = f.ids[j];
    else for (let j = 0; j < f.ids.length; j++) ids[base + j] = BigInt(f.ids[j]);
    weights.set(f.weights, base);
  });
  return { ids, weights, batch: rows.length, length };
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
  if (config.minTrigramPartLength < 2) throw new Error(`${file}: minTrigramPartLength must be at least 2`);
  return config;
}
