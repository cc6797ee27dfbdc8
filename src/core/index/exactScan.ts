/**
 * Exact nearest neighbours by scanning every vector (hnswlib's brute-force index, native
 * code), for indexes too small to be worth a graph: an add is a copy instead of a graph
 * search, and the answer is exact.
 *
 * hnswlib's brute-force removePoint corrupts its label map when it removes the last
 * element (a later add of that label is lost), so nothing is ever removed from it: a
 * removed label stays as a tombstone that searches filter out, and is overwritten in
 * place when its label comes back (labels are reused slots). Its capacity is fixed, so
 * growing builds a larger one from the live vectors, which also drops the tombstones.
 */
import { BruteforceSearch } from 'hnswlib-node';

const INITIAL_CAPACITY = 1024;
/** Capacity doubles: each growth re-adds every live vector (~4.5 us each here). */
const GROWTH = 2;

/** Where the scan's vectors come from: the owner knows which labels are live and keeps their vectors. */
export interface ScanSource {
  isLive(label: number): boolean;
  /** The vector of a live label, as the scan takes it (valid until the next call: the scan copies it). */
  vectorOf(label: number): number[];
  liveLabels(): Iterable<number>;
  liveCount(): number;
}

export class ExactScan {
  private scan: BruteforceSearch;
  private capacity: number;
  /** Labels the scan holds, live or tombstones. */
  private readonly held = new Set<number>();

  constructor(readonly dim: number, private readonly source: ScanSource, capacity = INITIAL_CAPACITY) {
    this.capacity = Math.max(INITIAL_CAPACITY, capacity);
    this.scan = newScan(dim, this.capacity);
  }

  /** Adds or replaces the vector of `label`, taken from the source (cosine space: hnswlib normalises it). */
  add(label: number): void {
    if (!this.held.has(label) && this.held.size >= this.capacity) this.rebuild(label);
    this.scan.addPoint(this.source.vectorOf(label), label);
    this.held.add(label);
  }

  /** The `k` live labels nearest `query` (that `filter` accepts), in no particular order. */
  search(query: number[], k: number, filter?: (label: number) => boolean): number[] {
    const wanted = Math.min(k, this.held.size); // hnswlib reads past its vectors when k exceeds them
    if (wanted <= 0) return [];
    const tombstones = this.held.size > this.source.liveCount();
    const isLive = (label: number) => this.source.isLive(label);
    const accept = filter && tombstones ? (label: number) => isLive(label) && filter(label) : tombstones ? isLive : filter;
    return this.scan.searchKnn(query, wanted, accept).neighbors;
  }

  /** A larger scan (when the live vectors need it) holding only the live vectors; `adding` is about to be added. */
  private rebuild(adding: number): void {
    const live = this.source.liveCount() + (this.source.isLive(adding) ? 0 : 1);
    if (live > this.capacity / GROWTH) this.capacity = Math.ceil(this.capacity * GROWTH);
    this.scan = newScan(this.dim, this.capacity);
    this.held.clear();
    for (const label of this.source.liveLabels()) {
      if (label === adding) continue;
      this.scan.addPoint(this.source.vectorOf(label), label);
      this.held.add(label);
    }
  }
}

function newScan(dim: number, capacity: number): BruteforceSearch {
  const scan = new BruteforceSearch('cosine', dim);
  scan.initIndex(capacity);
  return scan;
}
