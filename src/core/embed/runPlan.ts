/**
 * How an encoder cuts a batch into session runs. A run pads every text to its longest, and
 * what a run costs (time, memory) grows with its count and padded length, so texts are
 * sorted by input length (little padding) and each run takes as many as `fits` allows.
 */
import type { EncodedBatch } from './encoder';

/**
 * Runs of indices into `lengths`, in ascending order of length; a text that fits nowhere
 * runs alone.
 */
export function sortedRuns(lengths: readonly number[], fits: (count: number, paddedLength: number) => boolean): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const runs: number[][] = [];
  let run: number[] = [];
  for (const i of order) {
    // Sorted ascending: the text joining a run is its longest, so it sets the padded length.
    if (run.length > 0 && !fits(run.length + 1, lengths[i])) {
      runs.push(run);
      run = [];
    }
    run.push(i);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Embeds `count` texts run by run (runs of their indices) and puts the vectors back in input order. */
export async function embedInRuns(count: number, runs: number[][], embedRun: (indices: number[]) => Promise<EncodedBatch>): Promise<EncodedBatch> {
  let vectors: Float32Array | undefined;
  let dim = 0;
  for (const run of runs) {
    const part = await embedRun(run);
    dim = part.dim;
    vectors ??= new Float32Array(count * dim);
    run.forEach((target, row) => vectors!.set(part.vectors.subarray(row * dim, (row + 1) * dim), target * dim));
  }
  return { vectors: vectors ?? new Float32Array(0), dim };
}
