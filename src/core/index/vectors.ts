/**
 * The dense half of the index, keyed by chunk slot. Two layers:
 *
 * - every vector, whole, quantised to CODE_BITS (7) a component with one scale per vector
 *   (held a byte a component, saved packed), which scores candidates exactly enough (cosine
 *   error ~3e-3 at most) and answers getVector. Fewer bits than a byte because the vectors
 *   were most of a small index on disk: 7 bits save an eighth of them; 6 bits (a quarter) kept
 *   semble NDCG@10 too (hybrid 0.8686 against 0.8683 with int8) but doubled the cosine error;
 * - a proposer over a short prefix of each vector when the model is Matryoshka-trained
 *   (its first 64 dims are a usable embedding on their own), over the whole vector
 *   otherwise. A search takes more candidates than asked from it and re-scores them with
 *   the full quantised vectors. The proposer is an exact scan while the index is small (see
 *   EXACT_SCAN_FLOATS), an HNSW graph (hnswlib-node, cosine space) beyond: the graph is
 *   built from the scan's vectors once the index outgrows it (catchUpGraph), the scan
 *   answering meanwhile.
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
import { ExactScan } from './exactScan';
import { compactGraph, expandGraph, expandStrippedGraph } from './hnswFile';
import { BufferReader } from './varintBytes';
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
  /** Most vectors searched by an exact scan before a graph is built (default: EXACT_SCAN_FLOATS / graph dims). */
  exactLimit?: number;
}

export interface VectorHit {
  label: number;
  /** Cosine similarity, -1..1 (of the stored 7-bit vector: within ~3e-3 of the float one). */
  score: number;
}

const DEFAULT_M = 16;
/**
 * Well below the usual 200: adds block the engine's event loop. On 60k real 64-d prefixes
 * (default model, npm sources) 64 built 35% faster than 100 (32 vs 49 us a vector) with
 * recall of the exact top 150 among 225 candidates 0.982 vs 0.989; 200 -> 100 had built
 * 2-2.7x faster with the same recall@10 on 20k clustered 256-d vectors.
 */
const DEFAULT_EF_CONSTRUCTION = 64;
const DEFAULT_EF_SEARCH = 64;
/** Shortest prefix the graph is built on (at 32 dims the model's neighbours are too noisy). */
const MIN_GRAPH_DIM = 64;
/**
 * Candidates the graph proposes per wanted hit when it works on a prefix (re-scored in full).
 * At 110k chunks (default model, 1.0 against 1.5) hybrid search's top 10 kept 0.931 against
 * 0.933 of what an exact dense channel gives, and semble NDCG@10 was unchanged (0.8680), for a
 * third less graph search and re-scoring.
 */
const PREFIX_OVERFETCH = 1.0;
/** Fewest candidates taken from a prefix graph, however few hits are wanted. */
const MIN_PREFIX_CANDIDATES = 100;
/**
 * An index of up to this many prefix floats (50,000 vectors of 64 dims) is searched by an
 * exact scan and has no graph. Measured here on 64-d vectors: a scan for 100 candidates
 * took 0.13 ms at 20k, 0.28 at 50k and 0.61 at 100k, the graph about 0.13 at 31k; an add
 * costs the scan 4.5 us against the graph's 29 (M 16, efConstruction 64). With a graph from
 * 20k vectors, its inserts were a fifth of a cold index with the default model (npm sources,
 * 31k chunks: 1.45 of 6.4 s), and on those sources the exact scan's candidates held more of
 * the full vectors' top 10 than the graph's (0.908 against 0.878; bench/perf/graph.mjs).
 */
const EXACT_SCAN_FLOATS = 50_000 * 64;
/** Graph inserts between turns of the event loop while the graph catches up. */
const CATCH_UP_STEP = 64;
const INITIAL_CAPACITY = 1024;
/**
 * Capacity grows by this factor: an empty hnswlib slot costs ~450 bytes (its level-0 record,
 * a mutex), and a resize is cheap (about 10 ms at 300k slots of 64 dims here).
 */
const GROWTH = 1.25;
/** Fixed seed, so that the same adds in the same order build the same graph. */
const RANDOM_SEED = 100;
/** Bits a stored component: integers in -CODE_MAX..CODE_MAX, the largest component of a vector getting CODE_MAX. */
const CODE_BITS = 7;
const CODE_MAX = 2 ** (CODE_BITS - 1) - 1;
/** Saved, a component is code + CODE_OFFSET (0..2^CODE_BITS - 1), packed bit after bit. */
const CODE_OFFSET = 2 ** (CODE_BITS - 1);
const CODE_MASK = 2 ** CODE_BITS - 1;
/**
 * Codes are held in blocks of this many vectors (0.5 MB of the default model's), added as the
 * index grows and never copied: one growing array held its old and new copies at once, which
 * made the peak of a cold index's memory (+110 MB at 190k chunks of the default model).
 */
const BLOCK_SHIFT = 11;
const BLOCK_VECTORS = 2 ** BLOCK_SHIFT;
/** Vectors packed into one piece of a save (about 0.9 MB of the default model's). */
const CODE_PIECE_VECTORS = 4096;

/**
 * Serialized layout (little-endian): magic, format version, dim, graph dim, stored count,
 * whether a graph follows (0/1); then for every stored element, its label (u32), state
 * (u8, padded to 4 bytes), cosine scale (f32) and packed vector (see packCodes; all
 * padded to 4 bytes); then, with a graph, the graph coded compactly without its vectors,
 * which are rebuilt from the stored ones on load (see hnswFile.ts). With a graph, the
 * elements are the graph's (live or deleted: deleted ones still route searches) in its
 * element order; without, the live vectors. Older versions (read, no longer written; their
 * vectors are brought to CODE_BITS on load): 5 had int8 vectors; 4 also always had a graph and
 * no sixth word; 3 also had labels in ascending order and hnswlib's records whole but for
 * their vectors.
 */
const MAGIC = 0x51564543; // 'QVEC'
const FORMAT_VERSION = 6;
const INT8_VERSION = 5;
const GRAPH_ONLY_VERSION = 4;
const STRIPPED_GRAPH_VERSION = 3;
const HEADER_WORDS = 6;
const OLD_HEADER_WORDS = 5;
/** Label states. */
const NEVER = 0;
const LIVE = 1;
const DELETED = 2;

/** The graph's dimension for a model of `dim` dims trained with these Matryoshka prefixes. */
export function graphDimFor(dim: number, matryoshkaDims: readonly number[] = []): number {
  const usable = matryoshkaDims.filter((d) => Number.isInteger(d) && d >= MIN_GRAPH_DIM && d < dim);
  return usable.length > 0 ? Math.min(...usable) : dim;
}

export class VectorIndex {
  /** The graph, once the index has outgrown the exact scan. */
  private graph: HierarchicalNSW | undefined;
  /** The exact scan: while the index is small, and while the graph catches up. */
  private scan: ExactScan | undefined;
  /** Live labels the graph does not hold yet. */
  private backlog: number[] = [];
  private readonly efSearch: number;
  private readonly graphOptions: { M: number; efConstruction: number };
  private readonly exactLimit: number;
  readonly graphDim: number;
  /** Quantised vectors by label (see CODE_BITS), `dim` bytes each, BLOCK_VECTORS labels a block (see codesOf). */
  private readonly codeBlocks: Int8Array[] = [];
  /** Per label: 1 / |code vector|, so that dot(query, codes) * scale is the cosine. */
  private scales: Float32Array;
  /** Per label: NEVER added (or removed before the graph held it), LIVE (searchable) or DELETED (still a node of the graph). */
  private states: Uint8Array;
  /** Per label: 1 when the graph holds it. */
  private inGraph: Uint8Array;
  private liveCount = 0;
  /** See prefixOf. */
  private readonly prefixScratch: number[];

  /** `graphDim`: the prefix length of a loaded index (deserialize). */
  constructor(readonly dim: number, opts: VectorIndexOptions = {}, graphDim?: number) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`vector dimension must be a positive integer, got ${dim}`);
    this.efSearch = opts.efSearch ?? DEFAULT_EF_SEARCH;
    this.graphOptions = { M: opts.M ?? DEFAULT_M, efConstruction: opts.efConstruction ?? DEFAULT_EF_CONSTRUCTION };
    this.graphDim = graphDim ?? graphDimFor(dim, opts.matryoshkaDims);
    this.exactLimit = opts.exactLimit ?? Math.floor(EXACT_SCAN_FLOATS / this.graphDim);
    this.prefixScratch = new Array<number>(this.graphDim).fill(0);
    const capacity = graphDim === undefined ? INITIAL_CAPACITY : 0;
    this.scales = new Float32Array(capacity);
    this.states = new Uint8Array(capacity);
    this.inGraph = new Uint8Array(capacity);
    this.addCodeBlocks(capacity);
    if (graphDim === undefined) this.scan = this.newScan();
  }

  /** Adds or replaces the vector of `label`; a deleted label comes back with the new vector. */
  add(label: number, vector: Float32Array): void {
    this.checkVector(vector);
    if (!Number.isInteger(label) || label < 0) throw new Error(`vector label must be a non-negative integer, got ${label}`);
    this.ensureLabel(label);
    this.scales[label] = quantize(vector, this.codesOf(label), this.codesAt(label));
    if (this.states[label] !== LIVE) this.liveCount++;
    this.states[label] = LIVE;
    // The quantised prefix, as a loaded index has it: the same adds make the same index.
    this.scan?.add(label);
    if (this.graph) this.addToGraph(label, this.prefixOf(label));
    else if (this.liveCount > this.exactLimit) this.startGraph();
  }

  remove(label: number): void {
    if (!this.has(label)) return;
    this.liveCount--;
    if (this.inGraph[label]) {
      this.states[label] = DELETED;
      this.graph!.markDelete(label);
    } else {
      this.states[label] = NEVER; // the scan keeps it as a tombstone
    }
  }

  /** Whether the graph is still being built (searches scan meanwhile). */
  get graphPending(): boolean {
    return this.backlog.length > 0;
  }

  /**
   * Adds the labels the graph does not hold yet, CATCH_UP_STEP at a time with `between`
   * (a turn of the event loop when due) after each step; then the scan is dropped.
   */
  async catchUpGraph(between: () => Promise<void> = async () => undefined): Promise<void> {
    while (this.backlog.length > 0) {
      for (let n = 0; n < CATCH_UP_STEP && this.backlog.length > 0; n++) {
        const label = this.backlog.pop()!;
        if (this.has(label) && !this.inGraph[label]) this.addToGraph(label, this.prefixOf(label));
      }
      if (this.backlog.length === 0) this.scan = undefined;
      else await between();
    }
  }

  /** Starts the graph: every live label goes into the backlog, for catchUpGraph. */
  private startGraph(): void {
    const graph = new HierarchicalNSW('cosine', this.graphDim);
    graph.initIndex(Math.max(INITIAL_CAPACITY, Math.ceil(this.liveCount * GROWTH)), this.graphOptions.M, this.graphOptions.efConstruction, RANDOM_SEED);
    graph.setEf(this.efSearch);
    this.graph = graph;
    this.backlog = [...this.liveLabels()].reverse(); // popped from the end: in label order
  }

  private addToGraph(label: number, prefix: number[]): void {
    const graph = this.graph!;
    if (graph.getCurrentCount() >= graph.getMaxElements()) {
      graph.resizeIndex(Math.max(INITIAL_CAPACITY, Math.ceil(graph.getMaxElements() * GROWTH)));
    }
    // hnswlib's addPoint on an existing label updates it in place and clears its deleted mark.
    graph.addPoint(prefix, label);
    this.inGraph[label] = 1;
  }

  private newScan(capacity?: number): ExactScan {
    return new ExactScan(this.graphDim, {
      isLive: (label) => this.has(label),
      vectorOf: (label) => this.prefixOf(label),
      liveLabels: () => this.liveLabels(),
      liveCount: () => this.liveCount,
    }, capacity);
  }

  private *liveLabels(): Generator<number> {
    for (let label = 0; label < this.states.length; label++) if (this.states[label] === LIVE) yield label;
  }

  /**
   * The quantised prefix of a label as numbers (hnswlib normalises what it is given). The
   * array is reused by the next call: hnswlib copies what it is given, and Array.from on a
   * typed array's subarray cost a fifth of an add.
   */
  private prefixOf(label: number): number[] {
    const at = this.codesAt(label);
    const codes = this.codesOf(label);
    const prefix = this.prefixScratch;
    for (let i = 0; i < prefix.length; i++) prefix[i] = codes[at + i];
    return prefix;
  }

  has(label: number): boolean {
    return label < this.states.length && this.states[label] === LIVE;
  }

  search(query: Float32Array, k: number, filter?: (label: number) => boolean): VectorHit[] {
    this.checkVector(query);
    const wanted = Math.min(k, this.liveCount);
    if (wanted <= 0) return [];
    const onPrefix = this.graphDim < this.dim;
    const candidates = Math.min(this.liveCount, onPrefix ? Math.max(MIN_PREFIX_CANDIDATES, Math.ceil(wanted * PREFIX_OVERFETCH)) : wanted);
    const prefix = Array.from(query.subarray(0, this.graphDim));
    let labels: number[];
    if (this.scan) labels = this.scan.search(prefix, candidates, filter);
    else {
      // The candidate list must be at least as long as what is taken or hnswlib returns fewer.
      this.graph!.setEf(Math.max(this.efSearch, candidates));
      labels = this.graph!.searchKnn(prefix, candidates, filter).neighbors;
    }
    const hits = labels.map((label) => ({ label, score: this.cosine(query, label) }));
    return hits.sort((a, b) => (a.score > b.score ? -1 : a.score < b.score ? 1 : 0)).slice(0, wanted);
  }

  /** Cosine of a query (unit length) with the stored vector of a live label. */
  cosine(query: Float32Array, label: number): number {
    const codes = this.codesOf(label);
    const dim = this.dim;
    const at = this.codesAt(label);
    // Four running sums: the loop is a third faster than with one (it need not wait on each add).
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += query[i] * codes[at + i];
      s1 += query[i + 1] * codes[at + i + 1];
      s2 += query[i + 2] * codes[at + i + 2];
      s3 += query[i + 3] * codes[at + i + 3];
    }
    for (; i < dim; i++) s0 += query[i] * codes[at + i];
    return (s0 + s1 + s2 + s3) * this.scales[label];
  }

  /** The stored vector (unit length, CODE_BITS precision), so "more like this" needs no re-embedding. */
  getVector(label: number): Float32Array | undefined {
    if (!this.has(label)) return undefined;
    const out = new Float32Array(this.dim);
    const codes = this.codesOf(label);
    const at = this.codesAt(label);
    const scale = this.scales[label];
    for (let i = 0; i < this.dim; i++) out[i] = codes[at + i] * scale;
    return out;
  }

  size(): number {
    return this.liveCount;
  }

  /** The index as the pieces of one part (see FORMAT_VERSION), all in memory (see pieces). */
  async serialize(): Promise<Buffer[]> {
    const all: Buffer[] = [];
    for await (const piece of this.pieces()) all.push(piece);
    return all;
  }

  /**
   * The index as the pieces of one part (see FORMAT_VERSION), made as they are written: the
   * packed vectors CODE_PIECE_VECTORS at a time, so that a save holds a few MB of them rather
   * than a copy of them all (49 MB at 219k chunks of the default model). The index must not
   * change until the last piece is taken (saves run between index jobs' steps).
   */
  async *pieces(): AsyncGenerator<Buffer> {
    const graph = this.graph;
    if (!graph || this.graphPending) {
      yield* this.elementPieces(Uint32Array.from(this.liveLabels()), false);
      return;
    }
    const compact = await withTempFile(async (file) => {
      await graph.writeIndex(file); // written on a libuv thread: searches go on meanwhile
      return compactGraph(file, this.graphDim);
    });
    const labels = Uint32Array.from(compact.labels);
    const held = this.states.reduce((count, state) => count + (state === NEVER ? 0 : 1), 0);
    if (held !== labels.length) throw new Error('vector index: graph and vectors disagree');
    yield* this.elementPieces(labels, true);
    yield* compact.pieces;
  }

  /** The header and the element records of `labels`, in that order. */
  private *elementPieces(labels: Uint32Array, hasGraph: boolean): Generator<Buffer> {
    const n = labels.length;
    const header = Uint32Array.of(MAGIC, FORMAT_VERSION, this.dim, this.graphDim, n, hasGraph ? 1 : 0);
    const states = new Uint8Array(padded4(n));
    const scales = new Float32Array(n);
    labels.forEach((label, i) => {
      if (label >= this.states.length || this.states[label] === NEVER) throw new Error('vector index: graph and vectors disagree');
      states[i] = this.states[label];
      scales[i] = this.scales[label];
    });
    yield* [header, labels, states, scales].map(asBuffer);
    const packedBytes = packedCodeBytes(this.dim);
    const padding = padded4(n * packedBytes) - n * packedBytes;
    for (let first = 0; first < n; first += CODE_PIECE_VECTORS) {
      const count = Math.min(CODE_PIECE_VECTORS, n - first);
      const codes = new Uint8Array(count * packedBytes + (first + count === n ? padding : 0));
      for (let i = 0; i < count; i++) {
        const label = labels[first + i];
        packCodes(this.codesOf(label), this.codesAt(label), this.dim, codes, i * packedBytes);
      }
      yield asBuffer(codes);
    }
  }

  /**
   * Loads a serialized index. Not async itself: the saved bytes are let go once the vectors
   * are decoded (the graph's part is copied out), before the graph is rebuilt; held until the
   * end, they were the peak of a load (60 MB at 220k chunks of the default model).
   */
  static deserialize(buf: Buffer, dim: number, opts: VectorIndexOptions = {}): Promise<VectorIndex> {
    try {
      const { index, labels, graph } = VectorIndex.decode(buf, dim, opts);
      return graph ? index.loadGraph(graph.bytes, graph.version, labels) : Promise.resolve(index);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The vectors of a serialized index, and its graph's part (a copy) when it has one. */
  private static decode(buf: Buffer, dim: number, opts: VectorIndexOptions): { index: VectorIndex; labels: Uint32Array; graph?: { bytes: Buffer; version: number } } {
    const words = (i: number): number => buf.readUInt32LE(i * 4);
    if (buf.length < OLD_HEADER_WORDS * 4 || words(0) !== MAGIC) throw new Error('not a Quarry vector index');
    const version = words(1);
    if (version !== FORMAT_VERSION && version !== INT8_VERSION && version !== GRAPH_ONLY_VERSION && version !== STRIPPED_GRAPH_VERSION) {
      throw new Error(`vector index format ${version} is not supported (expected ${FORMAT_VERSION})`);
    }
    if (words(2) !== dim) throw new Error(`vector index has dimension ${words(2)}, the model has ${dim}`);
    const graphDim = words(3);
    const n = words(4);
    const headerWords = version >= INT8_VERSION ? HEADER_WORDS : OLD_HEADER_WORDS;
    const packed = version === FORMAT_VERSION;
    const codeBytes = packed ? packedCodeBytes(dim) : dim;
    const labelsAt = headerWords * 4;
    const statesAt = labelsAt + n * 4;
    const scalesAt = statesAt + padded4(n);
    const codesAt = scalesAt + n * 4;
    const graphAt = codesAt + padded4(n * codeBytes);
    if (graphDim <= 0 || graphDim > dim || buf.length < graphAt) throw new Error('vector index is truncated');
    const hasGraph = version < INT8_VERSION || words(5) === 1;
    const index = new VectorIndex(dim, opts, graphDim);
    // Sized once for the largest label: growing label by label copies the codes over and over.
    const labels = new Uint32Array(n);
    for (let i = 0; i < n; i++) labels[i] = buf.readUInt32LE(labelsAt + i * 4);
    index.ensureLabel(labels.reduce((max, label) => Math.max(max, label), -1));
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      const state = buf[statesAt + i];
      if (state !== LIVE && (state !== DELETED || !hasGraph)) throw new Error('vector index: bad label state');
      index.ensureLabel(label);
      index.states[label] = state;
      const codes = index.codesOf(label);
      const at = index.codesAt(label);
      if (packed) {
        index.scales[label] = buf.readFloatLE(scalesAt + i * 4);
        unpackCodes(buf, codesAt + i * codeBytes, dim, codes, at);
      } else {
        codes.set(new Int8Array(buf.buffer, buf.byteOffset + codesAt + i * dim, dim), at);
        index.scales[label] = requantize(codes, at, dim);
      }
      if (state === LIVE) index.liveCount++;
    }
    if (!hasGraph) {
      index.scan = index.newScan(Math.ceil(n * GROWTH));
      for (const label of labels) index.scan.add(label);
      if (index.liveCount > index.exactLimit) index.startGraph();
      return { index, labels };
    }
    return { index, labels, graph: { bytes: Buffer.from(buf.subarray(graphAt)), version } };
  }

  /** Rebuilds the saved graph (format `version`) of the elements `labels` from its compact bytes and the decoded vectors. */
  private async loadGraph(bytes: Buffer, version: number, labels: Uint32Array): Promise<VectorIndex> {
    const graph = new HierarchicalNSW('cosine', this.graphDim);
    const writeVector = (label: number, out: Buffer, at: number) => this.writeGraphVector(label, out, at);
    await withTempFile(async (file) => {
      if (version === STRIPPED_GRAPH_VERSION) await expandStrippedGraph(bytes, this.graphDim, writeVector, file);
      else await expandGraph(new BufferReader(bytes, 0, 'vector index'), this.graphDim, labels, writeVector, file);
      await graph.readIndex(file);
    });
    graph.setEf(this.efSearch);
    this.graph = graph;
    for (const label of labels) this.inGraph[label] = 1;
    return this;
  }

  /** Writes the graph's vector of `label` (its unit-length quantised prefix, float32) into `out` at `at`. */
  private writeGraphVector(label: number, out: Buffer, at: number): void {
    if (label >= this.states.length || this.states[label] === NEVER) throw new Error('vector index: graph and vectors disagree');
    const codes = this.codesOf(label);
    const from = this.codesAt(label);
    let norm = 0;
    for (let d = 0; d < this.graphDim; d++) norm += codes[from + d] * codes[from + d];
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const dataAt = out.byteOffset + at;
    if (dataAt % 4 === 0 && os.endianness() === 'LE') {
      const data = new Float32Array(out.buffer, dataAt, this.graphDim);
      for (let d = 0; d < this.graphDim; d++) data[d] = codes[from + d] * scale;
    } else {
      for (let d = 0; d < this.graphDim; d++) out.writeFloatLE(codes[from + d] * scale, at + d * 4);
    }
  }

  /** The block of codes that holds `label`'s (ensureLabel made it). */
  private codesOf(label: number): Int8Array {
    return this.codeBlocks[label >>> BLOCK_SHIFT];
  }

  /** Where `label`'s codes start in its block. */
  private codesAt(label: number): number {
    return (label & (BLOCK_VECTORS - 1)) * this.dim;
  }

  /** Blocks of codes for labels up to `capacity`. */
  private addCodeBlocks(capacity: number): void {
    while (this.codeBlocks.length * BLOCK_VECTORS < capacity) this.codeBlocks.push(new Int8Array(BLOCK_VECTORS * this.dim));
  }

  private ensureLabel(label: number): void {
    if (label < this.states.length) return;
    const capacity = Math.max(label + 1, INITIAL_CAPACITY, Math.ceil(this.states.length * GROWTH));
    this.addCodeBlocks(capacity);
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
    const states = new Uint8Array(capacity);
    states.set(this.states);
    this.states = states;
    const inGraph = new Uint8Array(capacity);
    inGraph.set(this.inGraph);
    this.inGraph = inGraph;
  }

  private checkVector(vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`vector has dimension ${vector.length}, the index has ${this.dim}`);
  }
}

/** Writes `vector` as codes at `codes[at..]` (largest component -> CODE_MAX); returns 1 / |codes|. */
function quantize(vector: ArrayLike<number>, codes: Int8Array, at: number): number {
  let max = 0;
  for (let i = 0; i < vector.length; i++) max = Math.max(max, Math.abs(vector[i]));
  const step = max > 0 ? CODE_MAX / max : 0;
  let norm = 0;
  for (let i = 0; i < vector.length; i++) {
    const c = Math.round(vector[i] * step);
    codes[at + i] = c;
    norm += c * c;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 0;
}

/** Brings the int8 codes of an older index (-127..127) at `codes[at..]` to CODE_BITS in place; returns 1 / |codes|. */
function requantize(codes: Int8Array, at: number, dim: number): number {
  return quantize(codes.slice(at, at + dim), codes, at);
}

function packedCodeBytes(dim: number): number {
  return Math.ceil((dim * CODE_BITS) / 8);
}

/** Packs `dim` codes from `codes[at..]` into `out[outAt..]`, CODE_BITS each, low bits first. */
function packCodes(codes: Int8Array, at: number, dim: number, out: Uint8Array, outAt: number): void {
  let pending = 0;
  let bits = 0;
  for (let i = 0; i < dim; i++) {
    pending |= (codes[at + i] + CODE_OFFSET) << bits;
    bits += CODE_BITS;
    for (; bits >= 8; bits -= 8, pending >>>= 8) out[outAt++] = pending & 0xff;
  }
  if (bits > 0) out[outAt] = pending;
}

function unpackCodes(bytes: Uint8Array, at: number, dim: number, codes: Int8Array, codesAt: number): void {
  let i = 0;
  if (CODE_BITS === 7) {
    // Eight codes fill seven bytes: unpacked from two words (bits 0-27 and 28-55), they load a
    // 220k-vector index's codes 3x faster than bit by bit (37 against 115 ms here).
    for (; i + 8 <= dim; i += 8, at += 7) {
      const middle = bytes[at + 3];
      const low = bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (middle << 24);
      const high = (middle >>> 4) | (bytes[at + 4] << 4) | (bytes[at + 5] << 12) | (bytes[at + 6] << 20);
      const out = codesAt + i;
      codes[out] = (low & CODE_MASK) - CODE_OFFSET;
      codes[out + 1] = ((low >>> 7) & CODE_MASK) - CODE_OFFSET;
      codes[out + 2] = ((low >>> 14) & CODE_MASK) - CODE_OFFSET;
      codes[out + 3] = ((low >>> 21) & CODE_MASK) - CODE_OFFSET;
      codes[out + 4] = (high & CODE_MASK) - CODE_OFFSET;
      codes[out + 5] = ((high >>> 7) & CODE_MASK) - CODE_OFFSET;
      codes[out + 6] = ((high >>> 14) & CODE_MASK) - CODE_OFFSET;
      codes[out + 7] = ((high >>> 21) & CODE_MASK) - CODE_OFFSET;
    }
  }
  // The rest (or every code, at another width) bit after bit.
  let pending = 0;
  let bits = 0;
  for (; i < dim; i++) {
    for (; bits < CODE_BITS; bits += 8) pending |= bytes[at++] << bits;
    codes[codesAt + i] = (pending & CODE_MASK) - CODE_OFFSET;
    pending >>>= CODE_BITS;
    bits -= CODE_BITS;
  }
}

function asBuffer(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
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
