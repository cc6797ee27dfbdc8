/**
 * The dense half of the index, keyed by chunk slot. Two layers:
 *
 * - every vector, whole, quantised to int8 with one scale per vector (dim bytes + 4), which
 *   scores candidates exactly enough (cosine error ~1e-3) and answers getVector;
 * - an HNSW graph (hnswlib-node, cosine space) over a short prefix of each vector when the
 *   model is Matryoshka-trained (its first 64 dims are a usable embedding on their own),
 *   over the whole vector otherwise. The graph only proposes candidates: a search takes
 *   more of them than asked and re-scores them with the full int8 vectors.
 *
 * Measured on the 31k-chunk npm corpus with the default model (256-d): a 64-d graph built
 * 4x faster than the 256-d one, and proposing 200 candidates re-scored in full kept 0.989 of
 * the exact top 10 (256-d graph alone: 0.997); memory per vector fell from ~1.2-2.4 KB
 * (float32 in hnswlib, doubling capacity) to ~0.7 KB.
 *
 * Labels are the index state's slots, which are reused after removal, so a deleted label
 * is brought back in place rather than leaving a tombstone behind for ever.
 */
import { HierarchicalNSW } from 'hnswlib-node';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface VectorIndexOptions {
  /** Graph degree: higher is better recall and more memory. */
  M?: number;
  /** Candidate list size while building: higher is better graphs and slower adds. */
  efConstruction?: number;
  /** Candidate list size while searching (raised to the candidates taken when larger). */
  efSearch?: number;
  /**
   * The prefix lengths the model was trained to make usable on their own (Matryoshka);
   * the graph is built over the shortest one of at least MIN_GRAPH_DIM. Absent: whole vectors.
   */
  matryoshkaDims?: readonly number[];
}

export interface VectorHit {
  label: number;
  /** Cosine similarity, -1..1 (of the int8 vector: within ~1e-3 of the float one). */
  score: number;
}

const DEFAULT_M = 16;
/**
 * 100 rather than the usual 200: on 20k clustered 256-d vectors here it built 2-2.7x faster
 * with the same recall@10 (0.998-1.0 at efSearch 32-64); adds block the engine's event loop.
 */
const DEFAULT_EF_CONSTRUCTION = 100;
const DEFAULT_EF_SEARCH = 64;
/** Shortest prefix the graph is built on (at 32 dims the model's neighbours are too noisy). */
const MIN_GRAPH_DIM = 64;
/** Candidates the graph proposes per wanted hit when it works on a prefix (re-scored in full). */
const PREFIX_OVERFETCH = 1.5;
/** Fewest candidates taken from a prefix graph, however few hits are wanted. */
const MIN_PREFIX_CANDIDATES = 100;
const INITIAL_CAPACITY = 1024;
/** Capacity grows by this factor: fewer wasted slots than doubling, still few (copying) resizes. */
const GROWTH = 1.5;
/** Fixed seed, so that the same adds in the same order build the same graph. */
const RANDOM_SEED = 100;
const INT8_MAX = 127;

/**
 * Serialized layout (little-endian): magic, format version, dim, graph dim, live count; the
 * live labels (u32), their cosine scales (f32), their int8 vectors (padded to 4 bytes); then
 * hnswlib's own file.
 */
const MAGIC = 0x51564543; // 'QVEC'
const FORMAT_VERSION = 2;
const HEADER_WORDS = 5;

/** The graph's dimension for a model of `dim` dims trained with these Matryoshka prefixes. */
export function graphDimFor(dim: number, matryoshkaDims: readonly number[] = []): number {
  const usable = matryoshkaDims.filter((d) => Number.isInteger(d) && d >= MIN_GRAPH_DIM && d < dim);
  return usable.length > 0 ? Math.min(...usable) : dim;
}

export class VectorIndex {
  private readonly hnsw: HierarchicalNSW;
  private readonly efSearch: number;
  readonly graphDim: number;
  /** int8 vectors by label, `dim` bytes each. */
  private codes: Int8Array;
  /** Per label: 1 / |code vector|, so that dot(query, codes) * scale is the cosine. */
  private scales: Float32Array;
  /** 1 for labels currently searchable; hnswlib also remembers deleted ones, this does not. */
  private present: Uint8Array;
  private liveCount = 0;

  constructor(readonly dim: number, opts: VectorIndexOptions = {}, loaded?: { hnsw: HierarchicalNSW; graphDim: number }) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`vector dimension must be a positive integer, got ${dim}`);
    this.efSearch = opts.efSearch ?? DEFAULT_EF_SEARCH;
    if (loaded) {
      this.hnsw = loaded.hnsw;
      this.graphDim = loaded.graphDim;
    } else {
      this.graphDim = graphDimFor(dim, opts.matryoshkaDims);
      this.hnsw = new HierarchicalNSW('cosine', this.graphDim);
      this.hnsw.initIndex(INITIAL_CAPACITY, opts.M ?? DEFAULT_M, opts.efConstruction ?? DEFAULT_EF_CONSTRUCTION, RANDOM_SEED);
    }
    this.hnsw.setEf(this.efSearch);
    const capacity = loaded ? 0 : INITIAL_CAPACITY;
    this.codes = new Int8Array(capacity * dim);
    this.scales = new Float32Array(capacity);
    this.present = new Uint8Array(capacity);
  }

  /** Adds or replaces the vector of `label`; a deleted label comes back with the new vector. */
  add(label: number, vector: Float32Array): void {
    this.checkVector(vector);
    if (!Number.isInteger(label) || label < 0) throw new Error(`vector label must be a non-negative integer, got ${label}`);
    if (this.hnsw.getCurrentCount() >= this.hnsw.getMaxElements()) {
      this.hnsw.resizeIndex(Math.max(INITIAL_CAPACITY, Math.ceil(this.hnsw.getMaxElements() * GROWTH)));
    }
    // hnswlib's addPoint on an existing label updates it in place and clears its deleted mark.
    this.hnsw.addPoint(Array.from(vector.subarray(0, this.graphDim)), label);
    this.ensureLabel(label);
    this.scales[label] = quantize(vector, this.codes, label * this.dim);
    if (!this.present[label]) this.liveCount++;
    this.present[label] = 1;
  }

  remove(label: number): void {
    if (!this.has(label)) return;
    this.present[label] = 0;
    this.liveCount--;
    this.hnsw.markDelete(label);
  }

  has(label: number): boolean {
    return label < this.present.length && this.present[label] === 1;
  }

  search(query: Float32Array, k: number, filter?: (label: number) => boolean): VectorHit[] {
    this.checkVector(query);
    const wanted = Math.min(k, this.liveCount);
    if (wanted <= 0) return [];
    const prefix = this.graphDim < this.dim;
    const candidates = Math.min(this.liveCount, prefix ? Math.max(MIN_PREFIX_CANDIDATES, Math.ceil(wanted * PREFIX_OVERFETCH)) : wanted);
    // The candidate list must be at least as long as what is taken or hnswlib returns fewer.
    this.hnsw.setEf(Math.max(this.efSearch, candidates));
    const found = this.hnsw.searchKnn(Array.from(query.subarray(0, this.graphDim)), candidates, filter);
    const hits = found.neighbors.map((label) => ({ label, score: this.cosine(query, label) }));
    return hits.sort((a, b) => b.score - a.score).slice(0, wanted);
  }

  /** Cosine of a query (unit length) with the stored vector of a live label. */
  cosine(query: Float32Array, label: number): number {
    const codes = this.codes;
    const at = label * this.dim;
    let sum = 0;
    for (let i = 0; i < this.dim; i++) sum += query[i] * codes[at + i];
    return sum * this.scales[label];
  }

  /** The stored vector (unit length, int8 precision), so "more like this" needs no re-embedding. */
  getVector(label: number): Float32Array | undefined {
    if (!this.has(label)) return undefined;
    const out = new Float32Array(this.dim);
    const at = label * this.dim;
    const scale = this.scales[label];
    for (let i = 0; i < this.dim; i++) out[i] = this.codes[at + i] * scale;
    return out;
  }

  size(): number {
    return this.liveCount;
  }

  /** The index as the pieces of one part: header, labels, scales, int8 vectors, then hnswlib's own file. */
  async serialize(): Promise<Buffer[]> {
    return withTempFile(async (file) => {
      await this.hnsw.writeIndex(file); // written on a libuv thread: searches go on meanwhile
      const graph = await fs.readFile(file);
      const labels = new Uint32Array(this.liveCount);
      let n = 0;
      for (let label = 0; label < this.present.length; label++) if (this.present[label]) labels[n++] = label;
      const header = Uint32Array.of(MAGIC, FORMAT_VERSION, this.dim, this.graphDim, this.liveCount);
      const scales = Float32Array.from(labels, (label) => this.scales[label]);
      const codes = new Int8Array(padded4(this.liveCount * this.dim));
      labels.forEach((label, i) => codes.set(this.codes.subarray(label * this.dim, (label + 1) * this.dim), i * this.dim));
      return [header, labels, scales, codes].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)).concat(graph);
    });
  }

  static async deserialize(buf: Buffer, dim: number, opts: VectorIndexOptions = {}): Promise<VectorIndex> {
    const words = (i: number): number => buf.readUInt32LE(i * 4);
    if (buf.length < HEADER_WORDS * 4 || words(0) !== MAGIC) throw new Error('not a Quarry vector index');
    if (words(1) !== FORMAT_VERSION) throw new Error(`vector index format ${words(1)} is not supported (expected ${FORMAT_VERSION})`);
    if (words(2) !== dim) throw new Error(`vector index has dimension ${words(2)}, the model has ${dim}`);
    const graphDim = words(3);
    const liveCount = words(4);
    const labelsAt = HEADER_WORDS * 4;
    const scalesAt = labelsAt + liveCount * 4;
    const codesAt = scalesAt + liveCount * 4;
    const graphAt = codesAt + padded4(liveCount * dim);
    if (graphDim <= 0 || graphDim > dim || buf.length < graphAt) throw new Error('vector index is truncated');
    const hnsw = await withTempFile(async (file) => {
      await fs.writeFile(file, buf.subarray(graphAt));
      const loaded = new HierarchicalNSW('cosine', graphDim);
      await loaded.readIndex(file);
      return loaded;
    });
    const index = new VectorIndex(dim, opts, { hnsw, graphDim });
    for (let i = 0; i < liveCount; i++) {
      const label = buf.readUInt32LE(labelsAt + i * 4);
      index.ensureLabel(label);
      index.scales[label] = buf.readFloatLE(scalesAt + i * 4);
      index.codes.set(new Int8Array(buf.buffer, buf.byteOffset + codesAt + i * dim, dim), label * dim);
      index.present[label] = 1;
    }
    index.liveCount = liveCount;
    return index;
  }

  private ensureLabel(label: number): void {
    if (label < this.present.length) return;
    const capacity = Math.max(label + 1, INITIAL_CAPACITY, Math.ceil(this.present.length * GROWTH));
    const codes = new Int8Array(capacity * this.dim);
    codes.set(this.codes);
    this.codes = codes;
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
    const present = new Uint8Array(capacity);
    present.set(this.present);
    this.present = present;
  }

  private checkVector(vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`vector has dimension ${vector.length}, the index has ${this.dim}`);
  }
}

/** Writes `vector` as int8 at `codes[at..]` (largest component -> 127); returns 1 / |codes|. */
function quantize(vector: Float32Array, codes: Int8Array, at: number): number {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i]));
  const step = max > 0 ? INT8_MAX / max : 0;
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const c = Math.round(vector[i] * step);
    codes[at + i] = c;
    norm += c * c;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 0;
}

function padded4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

async function withTempFile<T>(use: (file: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-hnsw-'));
  try {
    return await use(path.join(dir, 'index.bin'));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
