/**
 * BM25F over code-aware tokens. Each chunk ("slot") has four fields — name, path, doc,
 * body — with their own weight and length normalisation. A posting is a slot id and the
 * four term frequencies packed in one 32-bit word.
 *
 * Postings live in two layers, neither with an object per term: a packed base (every
 * term's postings back to back in two exact-size typed arrays, sorted by slot) and a tail
 * of the postings added since, one linked list per term threaded through growable arrays.
 * `compact()` (each checkpoint, or when a fifth of the chunks are removed) merges the tail
 * into a new base and drops removed chunks' postings. Per-term objects (two typed
 * arrays each, grown by doubling) used to cost more than the postings themselves.
 *
 * On disk, postings are delta-coded varints (slot gap and field mask in one varint, then
 * the non-zero counts as bytes): about 3 bytes a posting instead of 8.
 *
 * Removal is a tombstone; `compact()` drops dead postings and frees slots for reuse.
 */

import { runSliced, runToEnd, TimeSlicer } from '../timeSlice';
import { BufferReader, ByteWriter } from './varintBytes';
import { bestSlots } from './topHits';

export const FIELDS = ['name', 'path', 'doc', 'body'] as const;
export type Field = (typeof FIELDS)[number];
export type FieldTokens = Record<Field, string[]>;

/**
 * A chunk's tokens counted: its distinct terms, each with its four field counts packed in
 * one word (see packTf), and each field's length in tokens. Far fewer strings than the
 * tokens themselves, so cheap to send from a parse worker.
 */
export interface ChunkTerms {
  terms: string[];
  tfs: number[];
  lengths: number[];
}

/** How much one occurrence in each field counts, relative to the body. */
export const FIELD_WEIGHTS: Record<Field, number> = { name: 5, path: 4, doc: 1.5, body: 1 };
/** Length normalisation per field: names and paths are short and should barely be normalised. */
export const FIELD_LENGTH_NORM: Record<Field, number> = { name: 0.3, path: 0.3, doc: 0.6, body: 0.75 };
const FIELD_COUNT = FIELDS.length;
const WEIGHT_BY_INDEX = FIELDS.map((f) => FIELD_WEIGHTS[f]);
const LENGTH_NORM_BY_INDEX = FIELDS.map((f) => FIELD_LENGTH_NORM[f]);
/** BM25 saturation: how fast repeated occurrences stop adding score. */
export const K1 = 1.2;

const TF_CAP = 255;
/** Field lengths are kept as 16-bit counts (a longer field counts as this long). */
const LENGTH_CAP = 0xffff;
/** Per-query filter answers, cached per slot in a search's scratch space. */
const VERDICT_UNKNOWN = 0;
const VERDICT_ACCEPTED = 1;
const VERDICT_REJECTED = 2;
const FORMAT_MAGIC = 0x51524c32; // "QRL2"
const INITIAL_CAPACITY = 1024;
/** Postings handled between two pauses of a cooperative compaction or serialisation (a few ms). */
const WORK_STEP = 200_000;

function packTf(counts: number[], at: number): number {
  return (
    ((Math.min(counts[at], TF_CAP) << 24) | (Math.min(counts[at + 1], TF_CAP) << 16) |
      (Math.min(counts[at + 2], TF_CAP) << 8) | Math.min(counts[at + 3], TF_CAP)) >>> 0
  );
}

export function countTerms(fields: FieldTokens): ChunkTerms {
  const termIndex = new Map<string, number>();
  const terms: string[] = [];
  const counts: number[] = [];
  const lengths = FIELDS.map((field, f) => {
    const tokens = fields[field];
    for (const token of tokens) {
      let t = termIndex.get(token);
      if (t === undefined) {
        termIndex.set(token, (t = terms.length));
        terms.push(token);
        counts.push(0, 0, 0, 0);
      }
      counts[t * FIELD_COUNT + f]++;
    }
    return Math.min(tokens.length, LENGTH_CAP);
  });
  return { terms, tfs: terms.map((_, t) => packTf(counts, t * FIELD_COUNT)), lengths };
}

interface Scratch {
  /**
   * Per slot, its score at [2 * slot] and its matched idf mass at [2 * slot + 1]: side by side,
   * a posting's two updates hit one cache line (two arrays cost a second miss per posting).
   */
  sums: Float64Array;
  verdict: Uint8Array;
  /** Slots seen by the current search, so that only they are reset. */
  touched: Int32Array;
  /** The accepted ones among them. */
  accepted: Int32Array;
}

export interface LexicalHit {
  slot: number;
  score: number;
  /** Share (0..1) of the query's idf-weighted terms that this chunk contains. */
  coverage: number;
}

function grown<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, capacity: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export class LexicalIndex {
  private readonly termIds = new Map<string, number>();
  private terms: string[] = [];
  /** Base layer: term t's postings are at [baseStart[t], baseStart[t + 1]); terms newer than the base have none. */
  private baseStart = new Uint32Array(1);
  private baseSlots = new Int32Array(0);
  private baseTfs = new Uint32Array(0);
  /** Tail layer: postings added since the base was built; tailHead[t] is term t's newest, tailNext links to older ones. */
  private tailSlots = new Int32Array(INITIAL_CAPACITY);
  private tailTfs = new Uint32Array(INITIAL_CAPACITY);
  private tailNext = new Int32Array(INITIAL_CAPACITY);
  private tailTerms = new Int32Array(INITIAL_CAPACITY);
  private tailLength = 0;
  private tailHead = new Int32Array(INITIAL_CAPACITY).fill(-1);
  /** Postings per term in both layers, removed chunks' included (they linger until compaction). */
  private postingCounts = new Uint32Array(INITIAL_CAPACITY);
  /** Field lengths, the four of a slot side by side (slot * 4 + field): a posting's lookup touches one cache line. */
  private fieldLengths = new Uint16Array(INITIAL_CAPACITY * FIELD_COUNT);
  private alive = new Uint8Array(INITIAL_CAPACITY);
  private slotCount = 0;
  private liveCount = 0;
  /** Removed chunks whose postings are still in the layers (until compaction). */
  private deadCount = 0;
  private readonly fieldTotals = FIELDS.map(() => 0);
  private scratch: Scratch | undefined;

  get size(): number {
    return this.liveCount;
  }

  /** Indexes the counted tokens of one chunk under `slot` (a slot must be free: new or freed by compact). */
  add(slot: number, counted: ChunkTerms): void {
    this.ensureSlot(slot);
    counted.lengths.forEach((length, f) => {
      this.fieldLengths[slot * FIELD_COUNT + f] = length;
      this.fieldTotals[f] += length;
    });
    const { terms, tfs } = counted;
    for (let t = 0; t < terms.length; t++) this.pushTail(this.termIdFor(terms[t]), slot, tfs[t]);
    this.alive[slot] = 1;
    this.liveCount++;
  }

  remove(slot: number): void {
    if (slot >= this.slotCount || !this.alive[slot]) return;
    this.alive[slot] = 0;
    FIELDS.forEach((_, f) => (this.fieldTotals[f] -= this.fieldLengths[slot * FIELD_COUNT + f]));
    this.liveCount--;
    this.deadCount++;
  }

  isAlive(slot: number): boolean {
    return slot < this.slotCount && this.alive[slot] === 1;
  }

  /** Fraction of postings that belong to removed chunks. */
  /** Postings added since the base was last rebuilt. */
  get tailSize(): number {
    return this.tailLength;
  }

  deadFraction(): number {
    return this.deadCount / Math.max(1, this.liveCount + this.deadCount);
  }

  /** Merges the tail into a new exact-size base without removed chunks' postings. Returns the slots that are free again. */
  compact(): number[] {
    return runToEnd(this.compactSteps());
  }

  /**
   * `compact()` with turns of the event loop between steps: at a million chunks it is seconds
   * of work. Searches meanwhile see the index as it was (the new base is swapped in at the
   * end); nothing may add or remove chunks until it resolves.
   */
  compactCooperatively(slicer = new TimeSlicer()): Promise<number[]> {
    return runSliced(this.compactSteps(), slicer);
  }

  /** The compaction as a generator that pauses after every WORK_STEP postings. */
  private *compactSteps(): Generator<void, number[]> {
    const termCount = this.terms.length;
    const baseTerms = this.baseStart.length - 1;
    const { alive, baseStart, baseSlots, baseTfs, tailSlots, tailTfs, tailTerms } = this;
    // Live postings per term (counting sort: counts, offsets, then one pass over each layer).
    if (this.tailLength === 0 && this.deadCount === 0) return this.freeSlots();
    // Without removed chunks every base posting stays: whole ranges are copied.
    const allAlive = this.deadCount === 0;
    const tailLength = this.tailLength;
    let work = 0;
    const start = new Uint32Array(termCount + 1);
    for (let t = 0; t < baseTerms; t++) {
      if (allAlive) start[t + 1] = baseStart[t + 1] - baseStart[t];
      else for (let i = baseStart[t]; i < baseStart[t + 1]; i++) if (alive[baseSlots[i]]) start[t + 1]++;
      if ((work += baseStart[t + 1] - baseStart[t]) >= WORK_STEP) {
        work = 0;
        yield;
      }
    }
    for (let i = 0; i < tailLength; i++) {
      if (alive[tailSlots[i]]) start[tailTerms[i] + 1]++;
      if (++work >= WORK_STEP) {
        work = 0;
        yield;
      }
    }
    const counts = start.slice(1);
    for (let t = 0; t < termCount; t++) start[t + 1] += start[t];
    const total = start[termCount];
    const slots = new Int32Array(total);
    const tfs = new Uint32Array(total);
    const cursor = start.slice(0, termCount);
    for (let t = 0; t < baseTerms; t++) {
      for (let i = baseStart[t]; i < baseStart[t + 1]; i++) {
        if (!allAlive && !alive[baseSlots[i]]) continue;
        slots[cursor[t]] = baseSlots[i];
        tfs[cursor[t]++] = baseTfs[i];
      }
      if ((work += baseStart[t + 1] - baseStart[t]) >= WORK_STEP) {
        work = 0;
        yield;
      }
    }
    for (let i = 0; i < tailLength; i++) {
      if (++work >= WORK_STEP) {
        work = 0;
        yield;
      }
      if (!alive[tailSlots[i]]) continue;
      const t = tailTerms[i];
      slots[cursor[t]] = tailSlots[i];
      tfs[cursor[t]++] = tailTfs[i];
    }
    for (let t = 0; t < termCount; t++) {
      sortBySlot(slots, tfs, start[t], start[t + 1]);
      if ((work += start[t + 1] - start[t]) >= WORK_STEP) {
        work = 0;
        yield;
      }
    }
    // Swapped in at once: a search between steps saw the old layers whole.
    if (this.tailLength !== tailLength) throw new Error('lexical index changed during compaction');
    this.postingCounts.set(counts);
    this.baseStart = start;
    this.baseSlots = slots;
    this.baseTfs = tfs;
    this.tailLength = 0;
    this.tailHead.fill(-1);
    // The tail shrinks back too: what it held is in the base now.
    if (this.tailSlots.length > INITIAL_CAPACITY) {
      this.tailSlots = new Int32Array(INITIAL_CAPACITY);
      this.tailTfs = new Uint32Array(INITIAL_CAPACITY);
      this.tailNext = new Int32Array(INITIAL_CAPACITY);
      this.tailTerms = new Int32Array(INITIAL_CAPACITY);
    }
    this.deadCount = 0;
    return this.freeSlots();
  }

  private freeSlots(): number[] {
    const free: number[] = [];
    for (let s = 0; s < this.slotCount; s++) if (!this.alive[s]) free.push(s);
    return free;
  }

  private pushTail(term: number, slot: number, packedTf: number): void {
    const n = this.tailLength;
    if (n === this.tailSlots.length) {
      this.tailSlots = grown(this.tailSlots, n * 2);
      this.tailTfs = grown(this.tailTfs, n * 2);
      this.tailNext = grown(this.tailNext, n * 2);
      this.tailTerms = grown(this.tailTerms, n * 2);
    }
    this.tailSlots[n] = slot;
    this.tailTfs[n] = packedTf;
    this.tailNext[n] = this.tailHead[term];
    this.tailTerms[n] = term;
    this.tailHead[term] = n;
    this.postingCounts[term]++;
    this.tailLength = n + 1;
  }

  /**
   * Scores every live chunk that contains a query term. `queryTerms` weighs each term (a
   * whole identifier above its parts). Returns the best `limit` hits, each with the share
   * of the query's idf mass it matched (`coverage`), which explanations show. (Used as a
   * ranking factor it hurt: partial matches of long natural-language queries are normal.)
   */
  search(queryTerms: Map<string, number>, limit: number, accept?: (slot: number) => boolean): LexicalHit[] {
    const scratch = this.scratchFor();
    const { sums, verdict, touched } = scratch;
    const { alive, fieldLengths, baseStart, baseSlots, baseTfs, tailHead, tailSlots, tailTfs, tailNext } = this;
    // Per field, the BM25 length norm is normBase + normSlope * length.
    const normBase = LENGTH_NORM_BY_INDEX.map((b) => 1 - b);
    const normSlope = LENGTH_NORM_BY_INDEX.map((b, f) => b / Math.max(1, this.fieldTotals[f] / Math.max(1, this.liveCount)));
    // A posting is memory-bound: the per-slot arrays it looks at are read only where they can matter.
    const mayBeDead = this.deadCount > 0;
    const filtered = accept !== undefined;
    let totalMass = 0;
    let count = 0;
    for (const [term, queryWeight] of queryTerms) {
      const id = this.termIds.get(term);
      const df = id === undefined ? 0 : Math.min(this.postingCounts[id], this.liveCount); // dead postings linger until compaction
      const idf = Math.log(1 + (this.liveCount - df + 0.5) / (df + 0.5));
      totalMass += queryWeight * idf;
      if (id === undefined) continue;
      const weight = queryWeight * idf;
      // The base's postings of the term, then the tail's.
      let i = id + 1 < baseStart.length ? baseStart[id] : 0;
      const baseEnd = id + 1 < baseStart.length ? baseStart[id + 1] : 0;
      let tailAt = tailHead[id];
      for (;;) {
        let slot: number;
        let packedTf: number;
        if (i < baseEnd) {
          slot = baseSlots[i];
          packedTf = baseTfs[i++];
        } else if (tailAt >= 0) {
          slot = tailSlots[tailAt];
          packedTf = tailTfs[tailAt];
          tailAt = tailNext[tailAt];
        } else break;
        if (mayBeDead && !alive[slot]) continue;
        if (filtered) {
          // The filter is asked once per slot and query (its answer is cached in `verdict`).
          if (verdict[slot] === VERDICT_UNKNOWN) {
            verdict[slot] = accept(slot) ? VERDICT_ACCEPTED : VERDICT_REJECTED;
            touched[count++] = slot;
          }
          if (verdict[slot] === VERDICT_REJECTED) continue;
        } else if (sums[2 * slot] === 0) touched[count++] = slot; // every posting adds a positive score
        // BM25F: the fields' weighted, length-normalised counts make one pseudo term frequency.
        let tf = 0;
        const lengthsAt = slot * FIELD_COUNT;
        for (let f = 0; f < FIELD_COUNT; f++) {
          const n = (packedTf >>> (24 - 8 * f)) & 0xff;
          if (n !== 0) tf += (WEIGHT_BY_INDEX[f] * n) / (normBase[f] + normSlope[f] * fieldLengths[lengthsAt + f]);
        }
        sums[2 * slot] += (weight * tf * (K1 + 1)) / (K1 + tf);
        sums[2 * slot + 1] += weight;
      }
    }
    let accepted = touched;
    let acceptedCount = count;
    if (filtered) {
      accepted = scratch.accepted;
      acceptedCount = 0;
      for (let i = 0; i < count; i++) if (verdict[touched[i]] === VERDICT_ACCEPTED) accepted[acceptedCount++] = touched[i];
    }
    const hits = bestSlots(sums, accepted, acceptedCount, limit, 2).map((slot) => ({ slot, score: sums[2 * slot], coverage: totalMass > 0 ? sums[2 * slot + 1] / totalMass : 0 }));
    for (let i = 0; i < count; i++) {
      const slot = touched[i];
      sums[2 * slot] = 0;
      sums[2 * slot + 1] = 0;
      if (filtered) verdict[slot] = VERDICT_UNKNOWN;
    }
    return hits;
  }

  /** Per-slot accumulators for search, kept between searches (all zero between them). */
  private scratchFor(): Scratch {
    if (!this.scratch || this.scratch.verdict.length < this.slotCount) {
      const n = Math.max(this.slotCount, this.alive.length);
      this.scratch = { sums: new Float64Array(2 * n), verdict: new Uint8Array(n), touched: new Int32Array(n), accepted: new Int32Array(n) };
    }
    return this.scratch;
  }

  private termIdFor(token: string): number {
    let id = this.termIds.get(token);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(token, id);
      this.terms.push(token);
      if (id === this.tailHead.length) {
        this.tailHead = grown(this.tailHead, id * 2, -1);
        this.postingCounts = grown(this.postingCounts, id * 2);
      }
    }
    return id;
  }

  private ensureSlot(slot: number): void {
    if (slot < this.slotCount) {
      if (this.alive[slot]) throw new Error(`lexical slot ${slot} is in use`);
      return;
    }
    this.slotCount = slot + 1;
    if (slot < this.alive.length) return;
    const capacity = Math.max(slot + 1, this.alive.length * 2);
    this.alive = grown(this.alive, capacity);
    this.fieldLengths = grown(this.fieldLengths, capacity * FIELD_COUNT);
  }

  /**
   * The index as pieces of one binary part, in order (the store writes them without
   * concatenating). Compacts first unless just compacted (callers that reuse slots call
   * `compact()` themselves, for the free slots it returns).
   */
  serialize(): Buffer[] {
    return runToEnd(this.serializeSteps());
  }

  /** `serialize()` with turns of the event loop between steps (see compactCooperatively). */
  serializeCooperatively(slicer = new TimeSlicer()): Promise<Buffer[]> {
    return runSliced(this.serializeSteps(), slicer);
  }

  private *serializeSteps(): Generator<void, Buffer[]> {
    if (this.tailLength > 0 || this.deadCount > 0) yield* this.compactSteps();
    let work = 0;
    const termBytes = Buffer.from(this.terms.join('\n'), 'utf8');
    const postings = new ByteWriter();
    for (let t = 0; t < this.terms.length; t++) {
      const from = t + 1 < this.baseStart.length ? this.baseStart[t] : 0;
      const to = t + 1 < this.baseStart.length ? this.baseStart[t + 1] : 0;
      postings.varint(to - from);
      let previous = 0;
      for (let i = from; i < to; i++) {
        const slot = this.baseSlots[i];
        const packed = this.baseTfs[i];
        let mask = 0;
        for (let f = 0; f < 4; f++) if ((packed >>> (24 - 8 * f)) & 0xff) mask |= 1 << f;
        postings.varint((slot - previous) * 16 + mask);
        for (let f = 0; f < 4; f++) if (mask & (1 << f)) postings.byte((packed >>> (24 - 8 * f)) & 0xff);
        previous = slot;
      }
      if ((work += to - from) >= WORK_STEP) {
        work = 0;
        yield;
      }
    }
    const lengths = new ByteWriter();
    for (let f = 0; f < FIELD_COUNT; f++) for (let s = 0; s < this.slotCount; s++) lengths.varint(this.fieldLengths[s * FIELD_COUNT + f]);
    const postingPieces = postings.pieces();
    const lengthPieces = lengths.pieces();
    const header = Uint32Array.of(FORMAT_MAGIC, this.terms.length, this.slotCount, this.baseSlots.length, termBytes.length, postings.length, lengths.length);
    return [Buffer.from(header.buffer), termBytes, ...postingPieces, ...lengthPieces, Buffer.from(this.alive.buffer, 0, this.slotCount)];
  }

  static deserialize(buf: Buffer): LexicalIndex {
    if (buf.length < 28 || buf.readUInt32LE(0) !== FORMAT_MAGIC) throw new Error('lexical index: unknown format');
    const [termCount, slotCount, total, termByteLength, postingByteLength, lengthByteLength] = [1, 2, 3, 4, 5, 6].map((i) => buf.readUInt32LE(i * 4));
    const reader = new BufferReader(buf, 28, 'lexical index');
    const index = new LexicalIndex();
    const termText = reader.bytes(termByteLength).toString('utf8');
    index.terms = termCount === 0 ? [] : termText.split('\n');
    if (index.terms.length !== termCount) throw new Error('lexical index: term table is damaged');
    index.terms.forEach((term, id) => index.termIds.set(term, id));
    const capacity = Math.max(INITIAL_CAPACITY, termCount);
    index.tailHead = new Int32Array(capacity).fill(-1);
    index.postingCounts = new Uint32Array(capacity);
    const postingsEnd = reader.at + postingByteLength;
    const start = new Uint32Array(termCount + 1);
    const slots = new Int32Array(total);
    const tfs = new Uint32Array(total);
    let at = 0;
    for (let t = 0; t < termCount; t++) {
      start[t] = at;
      const n = reader.varint();
      if (at + n > total) throw new Error('lexical index: postings are damaged');
      index.postingCounts[t] = n;
      let slot = 0;
      for (let i = 0; i < n; i++) {
        const code = reader.varint();
        const mask = code % 16;
        slot += (code - mask) / 16;
        let packed = 0;
        for (let f = 0; f < 4; f++) if (mask & (1 << f)) packed |= reader.byte() << (24 - 8 * f);
        slots[at] = slot;
        tfs[at] = packed >>> 0;
        at++;
      }
    }
    start[termCount] = at;
    if (at !== total || reader.at !== postingsEnd) throw new Error('lexical index: postings are damaged');
    index.baseStart = start;
    index.baseSlots = slots;
    index.baseTfs = tfs;
    index.ensureSlot(Math.max(0, slotCount - 1));
    index.slotCount = slotCount;
    const lengthsEnd = reader.at + lengthByteLength;
    for (let f = 0; f < FIELD_COUNT; f++) for (let s = 0; s < slotCount; s++) index.fieldLengths[s * FIELD_COUNT + f] = reader.varint();
    if (reader.at !== lengthsEnd) throw new Error('lexical index: field lengths are damaged');
    index.alive.set(reader.bytes(slotCount));
    for (let s = 0; s < slotCount; s++) {
      if (!index.alive[s]) continue;
      index.liveCount++;
      FIELDS.forEach((_, f) => (index.fieldTotals[f] += index.fieldLengths[s * FIELD_COUNT + f]));
    }
    // The saved base was compacted: the free slots have no postings left.
    index.deadCount = 0;
    return index;
  }
}

/** Sorts postings[from..to) by slot (they are already, unless slots were reused). */
function sortBySlot(slots: Int32Array, tfs: Uint32Array, from: number, to: number): void {
  let sorted = true;
  for (let i = from + 1; i < to && sorted; i++) sorted = slots[i - 1] < slots[i];
  if (sorted) return;
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => slots[a] - slots[b]);
  const s = order.map((i) => slots[i]);
  const t = order.map((i) => tfs[i]);
  slots.set(s, from);
  tfs.set(t, from);
}
