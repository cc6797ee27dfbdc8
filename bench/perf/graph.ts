/**
 * HNSW parameters on real vectors: for each (M, efConstruction), the time an insert takes
 * and how much of the exact answer the graph's candidates hold. Bundled and run by
 * `node bench/perf/graph.mjs <root> [--queries N] [--configs M:ef,M:ef,...]`, which indexes
 * `root` with the default model first (or reuses the index in its cache folder).
 *
 * Like VectorIndex.search: the graph is built over the quantised Matryoshka prefix, proposes
 * max(100, k) candidates, and those are re-scored with the full stored vectors. Recall is the
 * share of the exact full-vector top 10 found among the re-scored candidates. Queries are
 * chunk names split into words ("parseJsonFile" -> "parse json file"), embedded as a search
 * would, so they sit where real queries do: away from the documents.
 */
import { HierarchicalNSW } from 'hnswlib-node';
import { Engine } from '../../src/core/engine';
import type { IndexState } from '../../src/core/index/indexState';

const TOP = 10;
const CANDIDATES = 100;

interface Config { M: number; efConstruction: number }

async function main(): Promise<void> {
  const [root, cacheRoot, queryCount = '500', configList = '16:64'] = process.argv.slice(2);
  if (!root || !cacheRoot) throw new Error('usage: graph.js <root> <cacheRoot> [queries] [M:ef,...]');
  const engine = await Engine.open(root, { cacheRoot, model: 'default' });
  await engine.index();
  const state = (engine as unknown as { state: IndexState }).state;
  const vectors = state.vectors!;
  const stored: Float32Array[] = [];
  const names: string[] = [];
  for (const chunk of state.liveChunks()) {
    const vector = vectors.getVector(chunk.slot);
    if (!vector) continue;
    stored.push(vector);
    if (chunk.name) names.push(chunk.name);
  }
  const graphDim = vectors.graphDim;
  const queries = await embedQueries(engine, pickNames(names, Number(queryCount)));
  const exact = queries.map((q) => exactTop(q, stored, TOP));
  const results = [];
  for (const config of configList.split(',').map(parseConfig)) {
    const graph = new HierarchicalNSW('cosine', graphDim);
    graph.initIndex(stored.length, config.M, config.efConstruction, 100);
    let t = performance.now();
    for (let i = 0; i < stored.length; i++) graph.addPoint(Array.from(stored[i]!.subarray(0, graphDim)), i);
    const insertUs = ((performance.now() - t) * 1000) / stored.length;
    graph.setEf(CANDIDATES);
    let found = 0;
    t = performance.now();
    for (let q = 0; q < queries.length; q++) {
      const proposed = graph.searchKnn(Array.from(queries[q]!.subarray(0, graphDim)), CANDIDATES).neighbors;
      const top = rescore(queries[q]!, proposed, stored, TOP);
      found += top.filter((i) => exact[q]!.has(i)).length;
    }
    const searchMs = (performance.now() - t) / queries.length;
    results.push({ ...config, insertUs: round(insertUs, 1), recallAt10: round(found / (queries.length * TOP), 4), searchMs: round(searchMs, 3) });
    process.stderr.write(`${JSON.stringify(results.at(-1))}\n`);
  }
  // The ceiling: an exact scan over the prefixes proposing the same number of candidates.
  let prefixFound = 0;
  for (let q = 0; q < queries.length; q++) {
    const proposed = [...exactTop(queries[q]!, stored, CANDIDATES, graphDim)];
    prefixFound += rescore(queries[q]!, proposed, stored, TOP).filter((i) => exact[q]!.has(i)).length;
  }
  process.stdout.write(JSON.stringify({ root, vectors: stored.length, graphDim, queries: queries.length, exactPrefixRecallAt10: round(prefixFound / (queries.length * TOP), 4), results }) + '\n');
  await engine.close();
  process.exit(0);
}

function parseConfig(text: string): Config {
  const [M, ef] = text.split(':').map(Number);
  return { M: M!, efConstruction: ef! };
}

/** Every n-th distinct name, as words. */
function pickNames(names: string[], count: number): string[] {
  const distinct = [...new Set(names.map((n) => n.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-.$]+/g, ' ').toLowerCase().trim()))]
    .filter((n) => n.includes(' '));
  const step = Math.max(1, Math.floor(distinct.length / count));
  return distinct.filter((_, i) => i % step === 0).slice(0, count);
}

async function embedQueries(engine: Engine, texts: string[]): Promise<Float32Array[]> {
  const embedder = (engine as unknown as { embedder: { embedQuery(text: string): Promise<Float32Array> } }).embedder;
  const out: Float32Array[] = [];
  for (const text of texts) out.push(await embedder.embedQuery(text));
  return out;
}

function dot(a: Float32Array, b: Float32Array, length: number): number {
  let s = 0;
  for (let i = 0; i < length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Indices of the `k` stored vectors nearest `query` over the first `length` dims (cosine). */
function exactTop(query: Float32Array, stored: Float32Array[], k: number, length = query.length): Set<number> {
  const norms = length === query.length ? undefined : stored.map((v) => Math.sqrt(dot(v, v, length)) || 1);
  const scored = stored.map((v, i) => ({ i, s: dot(query, v, length) / (norms ? norms[i]! : 1) }));
  scored.sort((a, b) => b.s - a.s);
  return new Set(scored.slice(0, k).map((x) => x.i));
}

function rescore(query: Float32Array, proposed: number[], stored: Float32Array[], k: number): number[] {
  return proposed.map((i) => ({ i, s: dot(query, stored[i]!, query.length) })).sort((a, b) => b.s - a.s).slice(0, k).map((x) => x.i);
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
