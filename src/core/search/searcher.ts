/**
 * One search over one root's index: candidates from the lexical and dense channels, the
 * missing channel score filled in where cheap, fusion, priors and per-file saturation.
 */
import type { IndexState } from '../index/indexState';
import type { SearchFilters } from '../types';
import { compileFilters } from './filters';
import { analyseQuery } from './queryAnalysis';
import { addFileContext, applyPriors, type Candidate, fuse, saturateFiles } from './rank';

export type SearchMode = 'lexical' | 'dense' | 'hybrid';

export interface SearchRequest {
  query: string;
  k: number;
  mode: SearchMode;
  filters?: SearchFilters;
  /** The embedded query, when the index has vectors and the mode uses them. */
  queryVector?: Float32Array;
  /** Slots never to return (find-similar excludes its own chunk). */
  excludeSlots?: Set<number>;
  /** Rank by the fused channel scores alone, without priors (to see what the channels do). */
  raw?: boolean;
}

/**
 * Candidates a channel gives fusion. Lexical scoring is exhaustive, so its count costs only
 * ranking time. On semble, 150 instead of 200 lost NDCG@10 in lexical-only (0.8563 -> 0.8537)
 * and dense-only (0.8231 -> 0.8193) search.
 */
const CANDIDATES = 200;
/**
 * ...but the dense channel adds fewer to the lexical ones in hybrid search, where its graph
 * search is most of the cost: hybrid NDCG@10 is 0.8680 with 150 (0.8684 with 200, 0.8655
 * with 100), and the graph search is a third faster.
 */
const DENSE_CANDIDATES_IN_HYBRID = 150;
/**
 * ...and the lexical channel too, for ranking's sake: hybrid NDCG@10 0.8685 with 150 (0.8680
 * with 200), a sixth fewer candidates to rank.
 */
const LEXICAL_CANDIDATES_IN_HYBRID = 150;

export function searchIndex(state: IndexState, request: SearchRequest): Candidate[] {
  return startSearch(state, request).finish(request.queryVector);
}

export interface StartedSearch {
  /** Adds the dense channel (when given the query's vector) and ranks. */
  finish(queryVector?: Float32Array): Candidate[];
}

/**
 * A search in two halves: the lexical channel now, the rest once the query's vector is
 * known, so that the lexical scan runs while the embedder encodes the query on its worker.
 * If the index changed in between, the lexical channel is run again on what is there now.
 */
export function startSearch(state: IndexState, request: Omit<SearchRequest, 'queryVector'>): StartedSearch {
  const query = analyseQuery(request.query);
  const filter = compileFilters(request.filters);
  // Both channels hold live chunks only: a callback per slot is needed only to filter or exclude.
  const accept = filter || request.excludeSlots ? (slot: number) => {
    return state.hasChunk(slot) && !request.excludeSlots?.has(slot) && (!filter || filter(state.chunk(slot)!));
  } : undefined;
  const bySlot = new Map<number, Candidate>();
  const candidate = (slot: number) => {
    let c = bySlot.get(slot);
    if (!c) bySlot.set(slot, (c = { chunk: state.chunk(slot)!, lexical: 0, coverage: 0, dense: 0, score: 0, factors: {} }));
    return c;
  };
  const lexicalChannel = () => {
    bySlot.clear();
    if (request.mode === 'dense') return;
    for (const hit of state.lexical.search(query.terms, request.mode === 'hybrid' ? LEXICAL_CANDIDATES_IN_HYBRID : CANDIDATES, accept)) {
      const c = candidate(hit.slot);
      c.lexical = hit.score;
      c.coverage = hit.coverage;
    }
  };
  const startedAt = state.changeCount;
  lexicalChannel();
  return {
    finish(queryVector) {
      if (state.changeCount !== startedAt) lexicalChannel();
      const useDense = request.mode !== 'lexical' && queryVector !== undefined && state.vectors !== undefined;
      if (useDense) {
        for (const hit of state.vectors!.search(queryVector, request.mode === 'dense' ? CANDIDATES : DENSE_CANDIDATES_IN_HYBRID, accept)) candidate(hit.label).dense = hit.score;
      }
      const candidates = [...bySlot.values()];
      if (useDense) fillDenseScores(candidates, state, queryVector);
      fuse(candidates, query, useDense, request.mode === 'dense');
      if (request.raw) return candidates.sort((a, b) => b.score - a.score).slice(0, request.k);
      applyPriors(candidates, query);
      addFileContext(candidates);
      return saturateFiles(candidates, request.k);
    },
  };
}

/** Lexical candidates the dense channel did not return still get their exact cosine. */
function fillDenseScores(candidates: Candidate[], state: IndexState, queryVector: Float32Array): void {
  const vectors = state.vectors!;
  for (const c of candidates) {
    if (c.dense === 0 && vectors.has(c.chunk.slot)) c.dense = vectors.cosine(queryVector, c.chunk.slot);
  }
}
