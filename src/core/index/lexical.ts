/**
 * BM25F over code-aware tokens. Each chunk ("slot") has four fields — name, path, doc,
 * body — with their own weight and length normalisation. A posting is a slot id and the
 * four term frequencies.
 *
 * Postings live in two layers, neither with an object per term: a byte-coded base (every
 * term's postings back to back, sorted by slot, in the form they are saved in: a slot gap
 * and field mask in one varint, then the non-zero counts as bytes, about 3 bytes a
 * posting; held in pages, see PostingPages) and a tail of the postings added since, one
 * linked list per term threaded through growable arrays. `compact()` (each checkpoint, or
 * when the tail or the removed chunks grow large) merges the tail into a new base and drops
 * removed chunks' postings. A base as two typed arrays (8 bytes a posting) was most of the
 * engine's memory at 200k chunks, and twice that while a compaction built the next one.
 *
 * Removal is a tombstone; `compact()` drops dead postings and frees slots for reuse.
 */

import { runSliced, runToEnd, TimeSlicer } from '../timeSlice';
import { BufferReader, ByteWriter } from './varintBytes';
import { bestSlots } from './topHits';
import { forEachWord, wordTokens } from './tokenize';

export const FIELDS = ['name', 'path', 'doc', 'body'] as const;
export type Field = (typeof FIELDS)[number];
const FIELD_INDEX = Object.fromEntries(FIELDS.map((field, f) => [field, f])) as Record<Field, number>;

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

/**
 * Counts a chunk's terms, field by field. Words are counted first and each distinct word's
 * tokens added once: words repeat within a chunk, so this takes far fewer lookups than
 * counting token by token.
 */
export class TermCounter {
  private readonly wordIds = new Map<string, number>();
  private readonly words: string[] = [];
  /** Per word, its count in each field (word * FIELD_COUNT + field). */
  private readonly wordCounts: number[] = [];

  /** Counts the words of `text` in `field`. */
  addText(field: Field, text: string): this {
    const f = FIELD_INDEX[field];
    forEachWord(text, (word) => {
      let w = this.wordIds.get(word);
      if (w === undefined) {
        this.wordIds.set(word, (w = this.words.length));
        this.words.push(word);
        this.wordCounts.push(0, 0, 0, 0);
      }
      this.wordCounts[w * FIELD_COUNT + f]++;
    });
    return this;
  }

  /** The counted terms, in the order they first occur. */
  terms(): ChunkTerms {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const counts: number[] = [];
    const lengths = [0, 0, 0, 0];
    this.words.forEach((word, w) => {
      const tokens = wordTokens(word);
      const at = w * FIELD_COUNT;
      for (const token of tokens) {
        let t = termIds.get(token);
        if (t === undefined) {
          termIds.set(token, (t = terms.length));
          terms.push(token);
          counts.push(0, 0, 0, 0);
        }
        for (let f = 0; f < FIELD_COUNT; f++) counts[t * FIELD_COUNT + f] += this.wordCounts[at + f];
      }
      for (let f = 0; f < FIELD_COUNT; f++) lengths[f] += this.wordCounts[at + f] * tokens.length;
    });
    return { terms, tfs: terms.map((_, t) => packTf(counts, t * FIELD_COUNT)), lengths: lengths.map((n) => Math.min(n, LENGTH_CAP)) };
  }
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
  /** Base layer (see PostingPages); terms newer than the base have no entry there. */
  private base = new PostingPages(0);
  /** While a compaction runs: the next base, whose terms below `doneTerms` searches read instead. */
  private nextBase: PageWriter | undefined;
  /** Tail layer: postings added since the base was built; tailHead[t] is term t's newest, tailNext links to older ones. */
  private tailSlots = new Int32Array(INITIAL_CAPACITY);
  private tailTfs = new Uint32Array(INITIAL_CAPACITY);
  private tailNext = new Int32Array(INITIAL_CAPACITY);
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

  /**
   * The compaction as a generator that pauses after every WORK_STEP postings. The next base
   * is written page by page: a finished page serves searches at once (its terms' tail lists
   * are in it), and an old page goes as soon as the new pages hold all its terms.
   */
  private *compactSteps(): Generator<void, number[]> {
    if (this.tailLength === 0 && this.deadCount === 0) return this.freeSlots();
    const termCount = this.terms.length;
    const tailLength = this.tailLength;
    const { alive, base, tailHead, tailSlots, tailTfs, tailNext } = this;
    const allAlive = this.deadCount === 0;
    const cursor = new PostingCursor();
    const added = new PostingList();
    const merged = new PostingList();
    const next = new PageWriter(termCount, (first, end) => {
      tailHead.fill(-1, first, end); // those terms' tail postings are in the finished page
      base.releasePagesBefore(end);
    });
    this.nextBase = next;
    const counts = new Uint32Array(termCount);
    let work = 0;
    for (let t = 0; t < termCount; t++) {
      const out = next.beginTerm(t);
      const baseCount = cursor.seek(base, t);
      const baseLastSlot = t < base.termCount ? base.lastSlot[t] : -1;
      added.clear();
      for (let i = tailHead[t]; i >= 0; i = tailNext[i]) if (alive[tailSlots[i]]) added.push(tailSlots[i], tailTfs[i]);
      added.reverse(); // the tail's lists run newest first
      if (allAlive && added.ascendingAfter(baseLastSlot)) {
        // The usual case while indexing: only new slots, after the base's, whose bytes stay as they are.
        counts[t] = baseCount + added.length;
        out.varint(counts[t]);
        out.bytes(cursor.remaining());
        added.encode(out, Math.max(baseLastSlot, 0));
        next.endTerm(t, counts[t], added.length > 0 ? added.lastSlot : baseLastSlot);
      } else {
        merged.clear();
        while (cursor.next()) if (alive[cursor.slot]) merged.push(cursor.slot, cursor.packedTf);
        merged.append(added);
        merged.sortBySlot();
        counts[t] = merged.length;
        out.varint(counts[t]);
        merged.encode(out, 0);
        next.endTerm(t, counts[t], merged.length > 0 ? merged.lastSlot : -1);
      }
      if ((work += baseCount + added.length + 1) >= WORK_STEP) {
        work = 0;
        yield;
      }
    }
    // The tail arrays and counts are replaced at once, after the last page.
    if (this.tailLength !== tailLength) throw new Error('lexical index changed during compaction');
    this.base = next.finish();
    this.nextBase = undefined;
    this.postingCounts.set(counts);
    this.tailLength = 0;
    this.tailHead.fill(-1);
    // The tail shrinks back too: what it held is in the base now.
    if (this.tailSlots.length > INITIAL_CAPACITY) {
      this.tailSlots = new Int32Array(INITIAL_CAPACITY);
      this.tailTfs = new Uint32Array(INITIAL_CAPACITY);
      this.tailNext = new Int32Array(INITIAL_CAPACITY);
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
    }
    this.tailSlots[n] = slot;
    this.tailTfs[n] = packedTf;
    this.tailNext[n] = this.tailHead[term];
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
    const { alive, fieldLengths, base, nextBase, tailHead, tailSlots, tailTfs, tailNext } = this;
    const cursor = new PostingCursor();
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
      // The base's postings of the term (the next base's once a compaction has written them), then the tail's.
      cursor.seek(nextBase && id < nextBase.doneTerms ? nextBase.base : base, id);
      let tailAt = tailHead[id];
      for (;;) {
        let slot: number;
        let packedTf: number;
        if (cursor.next()) {
          slot = cursor.slot;
          packedTf = cursor.packedTf;
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
    // Compacted, the base holds every term's entry in the saved form.
    const termBytes = Buffer.from(this.terms.join('\n'), 'utf8');
    const postings = this.base.pages.map((page) => Buffer.from(page!.buffer, page!.byteOffset, page!.length));
    const lengths = new ByteWriter();
    for (let f = 0; f < FIELD_COUNT; f++) for (let s = 0; s < this.slotCount; s++) lengths.varint(this.fieldLengths[s * FIELD_COUNT + f]);
    const lengthPieces = lengths.pieces();
    const header = Uint32Array.of(FORMAT_MAGIC, this.terms.length, this.slotCount, this.base.postingCount, termBytes.length, this.base.byteLength, lengths.length);
    return [Buffer.from(header.buffer), termBytes, ...postings, ...lengthPieces, Buffer.from(this.alive.buffer, 0, this.slotCount)];
  }

  static deserialize(buf: Buffer): LexicalIndex {
    if (buf.length < 28 || buf.readUInt32LE(0) !== FORMAT_MAGIC) throw new Error('lexical index: unknown format');
    const [termCount, slotCount, totalPostings, termByteLength, postingByteLength, lengthByteLength] = [1, 2, 3, 4, 5, 6].map((i) => buf.readUInt32LE(i * 4));
    const reader = new BufferReader(buf, 28, 'lexical index');
    const index = new LexicalIndex();
    const termText = reader.bytes(termByteLength).toString('utf8');
    index.terms = termCount === 0 ? [] : termText.split('\n');
    if (index.terms.length !== termCount) throw new Error('lexical index: term table is damaged');
    index.terms.forEach((term, id) => index.termIds.set(term, id));
    const capacity = Math.max(INITIAL_CAPACITY, termCount);
    index.tailHead = new Int32Array(capacity).fill(-1);
    index.postingCounts = new Uint32Array(capacity);
    // The postings stay as saved, cut into pages (copies: `buf` is not kept); one pass finds each term's entry and checks them.
    const postings = reader.bytes(postingByteLength);
    const pages = new PageWriter(termCount);
    let total = 0;
    const entries = new BufferReader(postings, 0, 'lexical index postings');
    let pageStart = 0;
    for (let t = 0; t < termCount; t++) {
      if (entries.at - pageStart >= PAGE_BYTES) {
        pages.addSavedPage(postings.subarray(pageStart, entries.at), t);
        pageStart = entries.at;
      }
      const startAt = entries.at - pageStart;
      const n = entries.varint();
      index.postingCounts[t] = n;
      total += n;
      let slot = 0;
      for (let i = 0; i < n; i++) {
        const code = entries.varint();
        const mask = code % 16;
        slot += (code - mask) / 16;
        if (mask === 0 || slot >= slotCount) throw new Error('lexical index: postings are damaged');
        entries.skip(POPCOUNT4[mask]);
      }
      pages.placeSavedTerm(t, startAt, n, n > 0 ? slot : -1);
    }
    if (total !== totalPostings || entries.at !== postingByteLength) throw new Error('lexical index: postings are damaged');
    pages.addSavedPage(postings.subarray(pageStart), termCount);
    index.base = pages.finish();
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

/** Set bits of each 4-bit field mask: how many count bytes follow a posting's varint. */
const POPCOUNT4 = Array.from({ length: 16 }, (_, m) => (m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1));

/**
 * A base holds its terms' entries in pages of about this many bytes: a compaction holds one
 * or two of the old base's pages beside the new base's, not a second whole base (at 219k
 * chunks a base is about 45 MB, and copying it whole made the peak of a cold index's memory).
 */
const PAGE_BYTES = 1 << 20;
const EMPTY_PAGE = new Uint8Array(0);

/**
 * The base layer's bytes: every term's entry (its posting count, then its postings, see
 * PostingCursor) in term order, cut at term boundaries into pages. Saved, the pages are
 * written one after the other: the same bytes as one run of entries.
 */
class PostingPages {
  /** A page is dropped (undefined) only while a compaction replaces the base. */
  readonly pages: (Uint8Array | undefined)[] = [];
  /** Per term, its page and where its entry starts there; it ends where the next term's starts in the same page, else at the page's end. */
  readonly pageOf: Uint32Array;
  readonly startAt: Uint32Array;
  /** Per term, its highest slot (-1 for none): new postings after it extend its entry as it is. */
  readonly lastSlot: Int32Array;
  postingCount = 0;
  byteLength = 0;
  /** Pages before this one are dropped. */
  private keptFrom = 0;

  constructor(readonly termCount: number) {
    this.pageOf = new Uint32Array(termCount);
    this.startAt = new Uint32Array(termCount);
    this.lastSlot = new Int32Array(termCount);
  }

  /** Drops the pages that hold only terms below `term` (a compaction has written them anew). */
  releasePagesBefore(term: number): void {
    const keep = term < this.termCount ? this.pageOf[term] : this.pages.length;
    for (; this.keptFrom < keep; this.keptFrom++) this.pages[this.keptFrom] = undefined;
  }
}

/** Writes a base's pages term by term; a page is finished once it holds PAGE_BYTES. */
class PageWriter {
  readonly base: PostingPages;
  /** Terms below this one are in finished pages. */
  doneTerms = 0;
  private out = new ByteWriter();

  /** `finished(first, end)`: terms first..end-1 are in a page that was just finished. */
  constructor(termCount: number, private readonly finished?: (first: number, end: number) => void) {
    this.base = new PostingPages(termCount);
  }

  /** Starts term t's entry: write it to the writer returned, then call endTerm. */
  beginTerm(t: number): ByteWriter {
    this.base.pageOf[t] = this.base.pages.length;
    this.base.startAt[t] = this.out.length;
    return this.out;
  }

  endTerm(t: number, postings: number, lastSlot: number): void {
    this.base.lastSlot[t] = lastSlot;
    this.base.postingCount += postings;
    if (this.out.length >= PAGE_BYTES) this.finishPage(t + 1);
  }

  /** For a saved base: term t's entry starts at `startAt` in the page being read. */
  placeSavedTerm(t: number, startAt: number, postings: number, lastSlot: number): void {
    this.base.pageOf[t] = this.base.pages.length;
    this.base.startAt[t] = startAt;
    this.base.lastSlot[t] = lastSlot;
    this.base.postingCount += postings;
  }

  /** For a saved base: a page of saved entries (copied), holding terms up to `end` - 1. */
  addSavedPage(bytes: Uint8Array, end: number): void {
    this.addPage(Buffer.concat([bytes]), end); // a copy: `bytes` is a view of the saved part
  }

  finish(): PostingPages {
    if (this.out.length > 0 || this.base.pages.length === 0) this.finishPage(this.base.termCount);
    return this.base;
  }

  /**
   * The page is copied out at its exact size (Buffer.concat always copies: the pieces are
   * views of the writer's), and the writer's piece written over for the next one (fresh
   * memory costs page faults).
   */
  private finishPage(end: number): void {
    this.addPage(Buffer.concat(this.out.pieces()), end);
    this.out.clear();
  }

  private addPage(bytes: Uint8Array, end: number): void {
    const first = this.doneTerms;
    this.base.pages.push(bytes);
    this.base.byteLength += bytes.length;
    this.doneTerms = end;
    this.finished?.(first, end);
  }
}

/**
 * Reads one term's postings from a byte-coded base: a varint count, then per posting a
 * varint (slot gap * 16 + field mask) and one byte per field in the mask, name field first.
 */
class PostingCursor {
  slot = 0;
  /** The posting's four field counts packed in one word, name field highest (see packTf). */
  packedTf = 0;
  private bytes: Uint8Array = EMPTY_PAGE;
  private at = 0;
  private end = 0;

  /** Moves to term t's postings in `base` (none for a term newer than it); returns their count. */
  seek(base: PostingPages, t: number): number {
    this.slot = 0;
    if (t >= base.termCount) {
      this.at = this.end = 0;
      return 0;
    }
    const page = base.pageOf[t];
    this.bytes = base.pages[page]!;
    this.at = base.startAt[t];
    this.end = t + 1 < base.termCount && base.pageOf[t + 1] === page ? base.startAt[t + 1] : this.bytes.length;
    return this.varint();
  }

  /** The bytes of the postings not read yet. */
  remaining(): Uint8Array {
    return this.bytes.subarray(this.at, this.end);
  }

  next(): boolean {
    if (this.at >= this.end) return false;
    const code = this.varint();
    const mask = code % 16;
    this.slot += (code - mask) / 16;
    const bytes = this.bytes;
    let packed = 0;
    if (mask & 1) packed |= bytes[this.at++] << 24;
    if (mask & 2) packed |= bytes[this.at++] << 16;
    if (mask & 4) packed |= bytes[this.at++] << 8;
    if (mask & 8) packed |= bytes[this.at++];
    this.packedTf = packed >>> 0;
    return true;
  }

  private varint(): number {
    const bytes = this.bytes;
    let b = bytes[this.at++];
    let n = b & 0x7f;
    for (let scale = 0x80; b >= 0x80; scale *= 0x80) {
      b = bytes[this.at++];
      n += (b & 0x7f) * scale;
    }
    return n;
  }
}

/** One term's postings while a compaction merges them: growable, sortable, encodable. */
class PostingList {
  length = 0;
  private slots = new Int32Array(INITIAL_CAPACITY);
  private tfs = new Uint32Array(INITIAL_CAPACITY);

  get lastSlot(): number {
    return this.slots[this.length - 1];
  }

  clear(): void {
    this.length = 0;
  }

  push(slot: number, packedTf: number): void {
    if (this.length === this.slots.length) {
      this.slots = grown(this.slots, this.length * 2);
      this.tfs = grown(this.tfs, this.length * 2);
    }
    this.slots[this.length] = slot;
    this.tfs[this.length++] = packedTf;
  }

  append(other: PostingList): void {
    for (let i = 0; i < other.length; i++) this.push(other.slots[i], other.tfs[i]);
  }

  reverse(): void {
    this.slots.subarray(0, this.length).reverse();
    this.tfs.subarray(0, this.length).reverse();
  }

  /** True when the slots ascend and all come after `slot`. */
  ascendingAfter(slot: number): boolean {
    let previous = slot;
    for (let i = 0; i < this.length; i++) {
      if (this.slots[i] <= previous) return false;
      previous = this.slots[i];
    }
    return true;
  }

  /** Sorts by slot (they are already, unless slots were reused). */
  sortBySlot(): void {
    const { slots, tfs, length } = this;
    if (this.ascendingAfter(-1)) return;
    const order = Array.from({ length }, (_, i) => i).sort((a, b) => slots[a] - slots[b]);
    const s = order.map((i) => slots[i]);
    const t = order.map((i) => tfs[i]);
    slots.set(s);
    tfs.set(t);
  }

  /** Writes the postings (see PostingCursor), slot gaps counted from `previous`. */
  encode(out: ByteWriter, previous: number): void {
    for (let i = 0; i < this.length; i++) {
      const slot = this.slots[i];
      const packed = this.tfs[i];
      let mask = 0;
      for (let f = 0; f < FIELD_COUNT; f++) if ((packed >>> (24 - 8 * f)) & 0xff) mask |= 1 << f;
      out.varint((slot - previous) * 16 + mask);
      for (let f = 0; f < FIELD_COUNT; f++) if (mask & (1 << f)) out.byte((packed >>> (24 - 8 * f)) & 0xff);
      previous = slot;
    }
  }
}
