/**
 * How the engine process is started. Node's default heap limit (about 4 GB) is too small
 * for the index of a very large workspace (about a million chunks): the engine would die
 * out of memory half-way through its first index. Half of the machine's memory, within
 * bounds, lets it finish where the machine can hold it.
 */
import os from 'node:os';

const MIN_HEAP_MB = 2048;
const MAX_HEAP_MB = 16384;

/** Node options for the engine process. */
export function engineExecArgv(totalMemoryBytes = os.totalmem()): string[] {
  const halfMb = Math.floor(totalMemoryBytes / 2 / 2 ** 20);
  return [`--max-old-space-size=${Math.min(MAX_HEAP_MB, Math.max(MIN_HEAP_MB, halfMb))}`];
}
