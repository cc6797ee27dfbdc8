/**
 * A restarted engine, in a fresh process of its own: the time to load a saved index, the
 * peak RSS of the load, and the RSS while it serves searches afterwards (what an engine
 * holds for the rest of an editor session): right after the load, and once it has been idle
 * a while (an embedding worker that queries do not need stops then). The index task leaves
 * the index behind for it.
 */
import { Engine } from '../../src/core/engine';
import { peakRssMb, since, warningsToStderr } from './stats';

export interface RestartTask {
  root: string;
  cacheRoot: string;
  model: string;
  queries: string[];
  /** Searches run after the load, before the serving RSS is read. */
  searches: number;
  /** When set: idle this long, then serve a few searches and read the RSS again. */
  idleMs?: number;
}

export interface RestartResult {
  reopenMs: number;
  reopenPeakRssMb: number;
  servingRssMb: number;
  /** After idleMs of idleness and a few searches (when idleMs was given). */
  idleServingRssMb?: number;
  idleMs?: number;
  reopenError?: string;
}

/** Searches served after the idle time, before the RSS is read again. */
const IDLE_THEN_SEARCHES = 10;

const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

export async function measureRestart(task: RestartTask): Promise<RestartResult> {
  const t = performance.now();
  const engine = await Engine.open(task.root, { cacheRoot: task.cacheRoot, model: task.model, log: warningsToStderr });
  const reopenMs = since(t);
  const queries = task.queries.length > 0 ? task.queries : ['main'];
  let reopenError: string | undefined;
  for (let i = 0; i < task.searches && !reopenError; i++) {
    // A model replaced mid-run makes the saved index stale (it is dropped): note it, keep the row.
    reopenError = await engine.search(queries[i % queries.length]!).then(() => undefined, (error: Error) => error.message);
  }
  const reopenPeakRssMb = peakRssMb();
  const servingRssMb = rssMb();
  let idleServingRssMb: number | undefined;
  if (task.idleMs && !reopenError) {
    await new Promise((resolve) => setTimeout(resolve, task.idleMs));
    for (let i = 0; i < IDLE_THEN_SEARCHES; i++) await engine.search(queries[i % queries.length]!);
    idleServingRssMb = rssMb();
  }
  await engine.close();
  return { reopenMs, reopenPeakRssMb, servingRssMb, idleServingRssMb, idleMs: task.idleMs, reopenError };
}
