/**
 * The adds and removals that made test/fixtures/vectors/format-3.bin, format-4.bin and
 * format-5.bin (with the builds that wrote those formats), so that a test can make the same index with today's build.
 */
import { seededRandom } from '../reliability/helpers';

export const FIXTURE_DIM = 32;

interface VectorSink {
  add(label: number, vector: Float32Array): void;
  remove(label: number): void;
}

export function fixtureVectors(n: number, seed: number): Float32Array[] {
  const next = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: FIXTURE_DIM }, () => next() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

/** 300 vectors, the first ten removed, one of them added back with another vector. */
export function fixtureOperations(index: VectorSink): void {
  fixtureVectors(300, 21).forEach((v, label) => index.add(label, v));
  for (let label = 0; label < 10; label++) index.remove(label);
  index.add(3, fixtureVectors(1, 22)[0]);
}
