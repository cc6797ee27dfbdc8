/**
 * BM25F over code-aware tokens. Each chunk ("slot") has four fields — name, path, doc,
 * body — with their own weight and length normalisation. Postings live in typed arrays
 * (slot id + the four term frequencies packed in one 32-bit word) so that 200k chunks
 * stay small in memory and serialise without a JSON detour.
 *
 * Removal is a tombstone; `compact()` drops dead postings and frees slots for reuse.
 */

import { bestSlots } from './topHits';

export const FIELDS = ['name', 'path', 'doc', 'body'] as const;
export type Field = (typeof FIELDS)[number];
export type FieldTokens = Record<Field, string[]>;

/** How much one occurrence in each field counts, relative to the body. */
export const FIELD_WEIGHTS: Record<Field, number> = { name: 5, path: 4, doc: 1.5, body: 1 };
/** Length normalisation per field: names and paths are short and should barely be normalised. */
export const FIELD_LENGTH_NORM: Record<Field, number> = { name: 0.3, path: 0.3, doc: 0.6, body: 0.75 };
const WEIGHT_BY_INDEX = FIELDS.map((f) => FIELD_WEIGHTS[f]);
const LENGTH_NORM_BY_INDEX = FIELDS.map((f) => FIELD_LENGTH_NORM[f]);
/** BM25 saturation: how fast repeated occurrences stop adding score. */
export const K1 = 1.2;

const TF_CAP = 255;
/** Per-query filter answers, cached per slot in a search's scratch space. */
const VERDICT_UNKNOWN = 0;
const VERDICT_ACCEPTED = 1;
const VERDICT_REJECTED = 2;
const FORMAT_MAGIC = 0x51524c31; // "QRL1"

class Postings {
  slots: Int32Array = new Int32Array(4);
  tfs: Uint32Array = new Uint32Array(4);
  length = 0;

  push(slot: number, packedTf: number): void {
    if (this.length === this.slots.length) {
      const grow = (a: Int32Array | Uint32Array) => {
        const b = new (a.constructor as Int32ArrayConstructor)(a.length * 2);
        b.set(a);
        return b;
      };
      this.slots = grow(this.slots) as Int32Array;
      this.tfs = grow(this.tfs) as unknown as Uint32Array;
    }
    this.slots[this.length] = slot;
    this.tfs[this.length] = packedTf;
    this.length++;
  }
}

function packTf(counts: number[]): number {
  return (
    ((Math.min(counts[0], TF_CAP) << 24) | (Math.min(counts[1], TF_CAP) << 16) |
      (Math.min(counts[2], TF_CAP) << 8) | Math.min(counts[3], TF_CAP)) >>> 0
  );
}

interface Scratch {
  scores: Float64Array;
  matched: Float64Array;
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

export class LexicalIndex {
  private readonly termIds = new Map<string, number>();
  private terms: string[] = [];
  private postings: Postings[] = [];
  private fieldLengths: Float32Array[] = FIELDS.map(() => new Float32Array(1024));
  private alive = new Uint8Array(1024);
  private slotCount = 0;
  private liveCount = 0;
  private deadCount = 0;
  private readonly fieldTotals = FIELDS.map(() => 0);
  private scratch: Scratch | undefined;

  get size(): number {
    return this.liveCount;
  }

  /** Indexes the tokens of one chunk under `slot` (a slot must be free: new or freed by compact). */
  add(slot: number, fields: FieldTokens): void {
    this.ensureSlot(slot);
    const counts = new Map<string, number[]>();
    FIELDS.forEach((field, f) => {
      const tokens = fields[field];
      this.fieldLengths[f][slot] = tokens.length;
      this.fieldTotals[f] += tokens.length;
      for (const token of tokens) {
        let c = counts.get(token);
        if (!c) counts.set(token, (c = [0, 0, 0, 0]));
        c[f]++;
      }
    });
    for (const [token, c] of counts) this.postingsFor(token).push(slot, packTf(c));
    this.alive[slot] = 1;
    this.liveCount++;
  }

  remove(slot: number): void {
    if (slot >= this.slotCount || !this.alive[slot]) return;
    this.alive[slot] = 0;
    FIELDS.forEach((_, f) => (this.fieldTotals[f] -= this.fieldLengths[f][slot]));
    this.liveCount--;
    this.deadCount++;
  }

  isAlive(slot: number): boolean {
    return slot < this.slotCount && this.alive[slot] === 1;
  }

  /** Fraction of postings that belong to removed chunks. */
  deadFraction(): number {
    return this.deadCount / Math.max(1, this.liveCount + this.deadCount);
  }

  /** Drops postings of removed chunks. Returns the slots that are free again. */
  compact(): number[] {
    for (const p of this.postings) {
      let w = 0;
      for (let r = 0; r < p.length; r++) {
        if (!this.alive[p.slots[r]]) continue;
        p.slots[w] = p.slots[r];
        p.tfs[w] = p.tfs[r];
        w++;
      }
      p.length = w;
    }
    this.deadCount = 0;
    const free: number[] = [];
    for (let s = 0; s < this.slotCount; s++) if (!this.alive[s]) free.push(s);
    return free;
  }

  /**
   * Scores every live chunk that contains a query term. `queryTerms` weighs each term (a
   * whole identifier above its parts). Returns the best `limit` hits, each with the share
   * of the query's idf mass it matched (`coverage`), which explanations show. (Used as a
   * ranking factor it hurt: partial matches of long natural-language queries are normal.)
   */
  search(queryTerms: Map<string, number>, limit: number, accept?: (slot: number) => boolean): LexicalHit[] {
    const scratch = this.scratchFor();
    const { scores, matched, verdict, touched } = scratch;
    const averages = this.fieldTotals.map((t) => Math.max(1, t / Math.max(1, this.liveCount)));
    let totalMass = 0;
    let count = 0;
    for (const [term, queryWeight] of queryTerms) {
      const id = this.termIds.get(term);
      const df = id === undefined ? 0 : Math.min(this.postings[id].length, this.liveCount); // dead postings linger until compaction
      const idf = Math.log(1 + (this.liveCount - df + 0.5) / (df + 0.5));
      totalMass += queryWeight * idf;
      if (id === undefined) continue;
      const p = this.postings[id];
      const weight = queryWeight * idf;
      for (let i = 0; i < p.length; i++) {
        const slot = p.slots[i];
        if (!this.alive[slot]) continue;
        // The filter is asked once per slot and query (its answer is cached in `verdict`).
        if (verdict[slot] === VERDICT_UNKNOWN) {
          verdict[slot] = !accept || accept(slot) ? VERDICT_ACCEPTED : VERDICT_REJECTED;
          touched[count++] = slot;
        }
        if (verdict[slot] === VERDICT_REJECTED) continue;
        const tf = this.pseudoTermFrequency(slot, p.tfs[i], averages);
        scores[slot] += (weight * tf * (K1 + 1)) / (K1 + tf);
        matched[slot] += weight;
      }
    }
    let acceptedCount = 0;
    for (let i = 0; i < count; i++) if (verdict[touched[i]] === VERDICT_ACCEPTED) scratch.accepted[acceptedCount++] = touched[i];
    const hits = bestSlots(scores, scratch.accepted, acceptedCount, limit).map((slot) => ({ slot, score: scores[slot], coverage: totalMass > 0 ? matched[slot] / totalMass : 0 }));
    for (let i = 0; i < count; i++) {
      const slot = touched[i];
      scores[slot] = 0;
      matched[slot] = 0;
      verdict[slot] = VERDICT_UNKNOWN;
    }
    return hits;
  }

  /** Per-slot accumulators for search, kept between searches (all zero between them). */
  private scratchFor(): Scratch {
    if (!this.scratch || this.scratch.scores.length < this.slotCount) {
      const n = Math.max(this.slotCount, this.alive.length);
      this.scratch = { scores: new Float64Array(n), matched: new Float64Array(n), verdict: new Uint8Array(n), touched: new Int32Array(n), accepted: new Int32Array(n) };
    }
    return this.scratch;
  }

  private pseudoTermFrequency(slot: number, packed: number, averages: number[]): number {
    let tf = 0;
    for (let f = 0; f < 4; f++) {
      const count = (packed >>> (24 - 8 * f)) & 0xff;
      if (count === 0) continue;
      const b = LENGTH_NORM_BY_INDEX[f];
      const norm = 1 - b + (b * this.fieldLengths[f][slot]) / averages[f];
      tf += (WEIGHT_BY_INDEX[f] * count) / norm;
    }
    return tf;
  }

  private postingsFor(token: string): Postings {
    let id = this.termIds.get(token);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(token, id);
      this.terms.push(token);
      this.postings.push(new Postings());
    }
    return this.postings[id];
  }

  private ensureSlot(slot: number): void {
    if (slot < this.slotCount) {
      if (this.alive[slot]) throw new Error(`lexical slot ${slot} is in use`);
      return;
    }
    this.slotCount = slot + 1;
    if (slot < this.alive.length) return;
    const capacity = Math.max(slot + 1, this.alive.length * 2);
    const grownAlive = new Uint8Array(capacity);
    grownAlive.set(this.alive);
    this.alive = grownAlive;
    this.fieldLengths = this.fieldLengths.map((a) => {
      const b = new Float32Array(capacity);
      b.set(a);
      return b;
    });
  }

  /** Serialises postings as they are; call `compact()` first to leave removed chunks out. */
  /** The index as pieces of one binary part, in order (the store writes them without concatenating). */
  serialize(): Buffer[] {
    const termBytes = Buffer.from(this.terms.join('\n'), 'utf8');
    const total = this.postings.reduce((n, p) => n + p.length, 0);
    const header = new Uint32Array([FORMAT_MAGIC, this.terms.length, this.slotCount, total, termBytes.length]);
    const lengths = Uint32Array.from(this.postings, (p) => p.length);
    const slots = new Int32Array(total);
    const tfs = new Uint32Array(total);
    let at = 0;
    for (const p of this.postings) {
      slots.set(p.slots.subarray(0, p.length), at);
      tfs.set(p.tfs.subarray(0, p.length), at);
      at += p.length;
    }
    const parts: Buffer[] = [Buffer.from(header.buffer), pad4(termBytes), Buffer.from(lengths.buffer),
      Buffer.from(slots.buffer), Buffer.from(tfs.buffer)];
    for (const f of this.fieldLengths) parts.push(Buffer.from(f.buffer, 0, this.slotCount * 4));
    parts.push(pad4(Buffer.from(this.alive.buffer, 0, this.slotCount)));
    return parts;
  }

  static deserialize(buf: Buffer): LexicalIndex {
    const reader = new BufferReader(buf);
    const [magic, termCount, slotCount, total, termByteLength] = reader.u32(5);
    if (magic !== FORMAT_MAGIC) throw new Error('lexical index: unknown format');
    const index = new LexicalIndex();
    const termText = reader.bytes(termByteLength, true).toString('utf8');
    index.terms = termCount === 0 ? [] : termText.split('\n');
    if (index.terms.length !== termCount) throw new Error('lexical index: term table is damaged');
    const lengths = reader.u32(termCount);
    const slots = reader.i32(total);
    const tfs = reader.u32(total);
    let at = 0;
    index.terms.forEach((term, id) => {
      index.termIds.set(term, id);
      const p = new Postings();
      const n = lengths[id];
      p.slots = slots.slice(at, at + n);
      p.tfs = tfs.slice(at, at + n);
      p.length = n;
      if (n === 0) { p.slots = new Int32Array(4); p.tfs = new Uint32Array(4); }
      at += n;
      index.postings.push(p);
    });
    index.ensureSlot(Math.max(0, slotCount - 1));
    index.slotCount = slotCount;
    FIELDS.forEach((_, f) => index.fieldLengths[f].set(reader.f32(slotCount)));
    index.alive.set(reader.bytes(slotCount, true));
    for (let s = 0; s < slotCount; s++) {
      if (!index.alive[s]) continue;
      index.liveCount++;
      FIELDS.forEach((_, f) => (index.fieldTotals[f] += index.fieldLengths[f][s]));
    }
    index.deadCount = slotCount - index.liveCount;
    return index;
  }
}

function pad4(b: Buffer): Buffer {
  const extra = (4 - (b.length % 4)) % 4;
  return extra === 0 ? b : Buffer.concat([b, Buffer.alloc(extra)]);
}

/** Sequential typed reads from a serialised buffer (copies, so alignment never matters). */
class BufferReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  bytes(n: number, padded = false): Buffer {
    if (this.at + n > this.buf.length) throw new Error('lexical index: truncated');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += padded ? n + ((4 - (n % 4)) % 4) : n;
    return out;
  }
  u32(n: number): Uint32Array {
    const b = this.bytes(n * 4);
    return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  }
  i32(n: number): Int32Array {
    const b = this.bytes(n * 4);
    return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  }
  f32(n: number): Float32Array {
    const b = this.bytes(n * 4);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  }
}
