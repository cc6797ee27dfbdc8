/**
 * One corpus, one model, one process: cold full index, no-op re-index, edit-one-file to
 * searchable, warm query latency, peak RSS and sizes (the restart is measureRestart's, in a
 * fresh process).
 */
import { Engine } from '../../src/core/engine';
import { discoverFiles } from '../../src/core/discover/walk';
import { editProbe, type EditResult } from './editProbe';
import { folderBytes, peakRssMb, quantile, since, warningsToStderr } from './stats';

export interface IndexTask {
  root: string;
  cacheRoot: string;
  /** 'default' or 'none'. */
  model: string;
  queries: string[];
  /** Timed searches (the query list is cycled). */
  queryCount: number;
  /** Searches run before timing starts (JIT, caches). */
  warmupQueries: number;
  /** Skip the edit probe (it writes into the corpus: only on private copies). */
  editable: boolean;
}

export interface IndexResult {
  model: string;
  files: number;
  chunks: number;
  sourceBytes: number;
  indexBytes: number;
  openMs: number;
  coldMs: number;
  phaseMs: Record<string, number>;
  peakRssAfterIndexMb: number;
  noopMs: number;
  edit?: EditResult;
  query: { count: number; p50: number; p90: number; p99: number; mean: number };
  peakRssMb: number;
}

export async function measureIndex(task: IndexTask): Promise<IndexResult> {
  let t = performance.now();
  const engine = await Engine.open(task.root, { cacheRoot: task.cacheRoot, model: task.model, log: warningsToStderr });
  const openMs = since(t);
  const summary = await engine.index();
  const peakRssAfterIndexMb = peakRssMb();
  t = performance.now();
  await engine.index();
  const noopMs = since(t);
  const edit = task.editable ? await editProbe(engine) : undefined;
  const query = await timeQueries(engine, task);
  const stats = engine.stats();
  const peak = peakRssMb();
  await engine.close();
  return {
    model: task.model, files: stats.files, chunks: stats.chunks,
    sourceBytes: await indexedSourceBytes(engine), indexBytes: await folderBytes(engine.indexDir),
    openMs, coldMs: summary.ms, phaseMs: summary.phaseMs, peakRssAfterIndexMb, noopMs, edit, query,
    peakRssMb: peak,
  };
}

async function timeQueries(engine: Engine, task: IndexTask): Promise<IndexResult['query']> {
  const queries = task.queries.length > 0 ? task.queries : ['main'];
  for (let i = 0; i < task.warmupQueries; i++) await engine.search(queries[i % queries.length]!);
  const times: number[] = [];
  for (let i = 0; i < task.queryCount; i++) {
    const t = performance.now();
    await engine.search(queries[i % queries.length]!);
    times.push(performance.now() - t);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const mean = times.reduce((a, b) => a + b, 0) / Math.max(1, times.length);
  return { count: times.length, p50: round(quantile(times, 0.5)), p90: round(quantile(times, 0.9)), p99: round(quantile(times, 0.99)), mean: round(mean) };
}

/** Bytes of the files that made it into the index (discovered and not skipped for their content). */
async function indexedSourceBytes(engine: Engine): Promise<number> {
  const { files } = await discoverFiles(engine.root);
  let total = 0;
  for (const f of files) if (engine.chunksAt(f.relPath, 1, Number.MAX_SAFE_INTEGER).length > 0) total += f.size;
  return total;
}
