/**
 * How the engine process is started. Node's default heap limit (about 4 GB) is too small
 * for the index of a very large workspace (about a million chunks): the engine would die
 * out of memory half-way through its first index. Half of the machine's memory, within
 * bounds, lets it finish where the machine can hold it.
 */
import os from 'node:os';

const MIN_HEAP_MB = 2048;
const MAX_HEAP_MB = 16384;

/**
 * glibc malloc settings for the engine process (other C libraries ignore them). By default
 * glibc raises its mmap threshold whenever a large block is freed (up to 32 MB), after which
 * the index's many mid-sized buffers (typed arrays, checkpoint pieces, hnswlib's nodes) come
 * from the heap arenas, whose freed pages it never returns. A fixed 128 KB threshold makes
 * every such buffer its own mapping, unmapped when freed; two arenas instead of 8 per core
 * for the engine's worker threads. Measured with the default model, RSS after a forced GC:
 * 1,151 -> 595 MB at 201k chunks (both settings), 445 -> 374 MB at 73k (the threshold alone).
 */
export const ENGINE_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_ARENA_MAX: '2' };

/**
 * V8 grows the heap by this percentage past what survived the last full GC (its default is
 * far larger). Indexing makes garbage fast (file texts, trees' strings, tokens), so the
 * default let the heap swell between collections; too small a step makes full collections
 * frequent enough to show in search latency. Measured here with the malloc settings above:
 * peak RSS indexing 219k chunks lexical-only 560 MB (V8's default), 451 (50), 418 (25),
 * 415 (10); search p99 at 110k chunks with the default model 5.2, 4.8, 8.0 and 14.6 ms.
 */
const HEAP_GROWING_PERCENT = 25;

/** Node options for the engine process. */
export function engineExecArgv(totalMemoryBytes = os.totalmem()): string[] {
  const halfMb = Math.floor(totalMemoryBytes / 2 / 2 ** 20);
  return [`--max-old-space-size=${Math.min(MAX_HEAP_MB, Math.max(MIN_HEAP_MB, halfMb))}`, `--heap-growing-percent=${HEAP_GROWING_PERCENT}`];
}

/** Options to fork the engine process with: the extension's, and the benchmarks' that measure it (heap limit, heap growth, malloc). */
export function engineProcessOptions(baseEnv: NodeJS.ProcessEnv = process.env): { execArgv: string[]; env: NodeJS.ProcessEnv } {
  return { execArgv: engineExecArgv(), env: { ...baseEnv, ...ENGINE_MALLOC_ENV } };
}
