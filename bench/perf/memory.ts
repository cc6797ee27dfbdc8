/**
 * Where the engine's memory goes after an index: RSS, V8 heap before and after a forced GC,
 * array buffers, and the share of each index part (measured by dropping it and collecting
 * again). Bundled by `node bench/perf/memory.mjs` (which runs it with --expose-gc); prints
 * one JSON line.
 *
 *   node --expose-gc memory.js <root> <cacheRoot> <model: none|default> [--reopen]
 *
 * --reopen: measure an index loaded from disk (the state a restarted engine has) instead
 * of the one just built.
 */
import v8 from 'node:v8';
import { Engine } from '../../src/core/engine';
import type { IndexState } from '../../src/core/index/indexState';
import { folderBytes } from './stats';

const MB = 2 ** 20;
/** The graph degree vectors.ts builds with. */
const HNSW_M = 16;

interface Reading {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

function read(): Reading {
  const m = process.memoryUsage();
  const r = (x: number) => Math.round((x / MB) * 10) / 10;
  return { rssMb: r(m.rss), heapUsedMb: r(m.heapUsed), heapTotalMb: r(m.heapTotal), externalMb: r(m.external), arrayBuffersMb: r(m.arrayBuffers) };
}

function collect(): Reading {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return read();
}

async function main(): Promise<void> {
  const [root, cacheRoot, model = 'none', ...flags] = process.argv.slice(2);
  if (!root || !cacheRoot) throw new Error('usage: memory.js <root> <cacheRoot> <model> [--reopen]');
  let engine = await Engine.open(root, { cacheRoot, model });
  const startedAt = collect();
  const t = performance.now();
  const summary = await engine.index();
  const indexMs = Math.round(performance.now() - t);
  const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  if (flags.includes('--reopen')) {
    await engine.close();
    engine = await Engine.open(root, { cacheRoot, model });
    await engine.search('main');
  }
  const afterIndex = read();
  const afterGc = collect();
  const state = (engine as unknown as { state: IndexState }).state;
  const chunks = state.chunkCount;
  const vectorCount = state.vectors?.size() ?? 0;
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_used_size / MB)]));
  // Each part's share: drop it, collect, and see what the heap and the buffers gave back.
  const parts: Record<string, { heapMb: number; buffersMb: number; rssMb: number }> = {};
  const drop = async (name: string, fn: () => unknown) => {
    const before = collect();
    await fn();
    // Native finalizers (hnswlib's index) run on a later turn of the event loop.
    collect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = collect();
    const d = (a: number, b: number) => Math.round((a - b) * 10) / 10;
    parts[name] = { heapMb: d(before.heapUsedMb, after.heapUsedMb), buffersMb: d(before.arrayBuffersMb, after.arrayBuffersMb), rssMb: d(before.rssMb, after.rssMb) };
  };
  const mutable = state as unknown as { chunks?: unknown[]; table?: unknown; files: Map<string, unknown>; lexical: unknown; vectors: unknown };
  await drop('chunks', () => (mutable.chunks ? (mutable.chunks.length = 0) : (mutable.table = undefined)));
  await drop('files', () => mutable.files.clear());
  await drop('lexical', () => (mutable.lexical = undefined));
  const hnswCapacity = (state.vectors as unknown as { graph?: { getMaxElements(): number } } | undefined)?.graph?.getMaxElements() ?? 0;
  // hnswlib's native memory is invisible to V8 (and freeing it seldom lowers RSS): estimated
  // from its layout — per slot of capacity a level-0 record (links of 2M, the vector, the
  // label), a mutex, a level and a pointer; per element a label map entry; upper levels ~1/M.
  const graphDim = state.vectors?.graphDim ?? 0;
  const level0 = 4 + 2 * HNSW_M * 4 + graphDim * 4 + 8;
  const hnswEstimateMb = Math.round(((hnswCapacity * (level0 + 40 + 4 + 8) + vectorCount * (48 + (4 + HNSW_M * 4) / HNSW_M)) / MB) * 10) / 10;
  await drop('vectors', () => (mutable.vectors = undefined));
  // The embedding worker (its own V8 heap, onnxruntime's session and arenas).
  await drop('embedder', () => engine.close());
  const end = collect();
  process.stdout.write(JSON.stringify({
    root, model, reopen: flags.includes('--reopen'), files: summary.files, chunks, phaseMs: summary.phaseMs, vectorCount, hnswCapacity, hnswEstimateMb, indexMs, maxRssMb,
    indexBytes: await folderBytes(engine.indexDir), startedAt, afterIndex, afterGc, spaces, parts, end,
    bytesPerChunk: {
      rss: Math.round((afterGc.rssMb * MB) / chunks),
      heap: Math.round((afterGc.heapUsedMb * MB) / chunks),
      ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, Math.round(((v.heapMb + v.buffersMb) * MB) / chunks)])),
    },
  }) + '\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
