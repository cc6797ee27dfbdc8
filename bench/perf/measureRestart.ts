/**
 * A restarted engine, in a fresh process of its own: the time to load a saved index, the
 * peak RSS of the load, and the RSS while it serves searches afterwards (what an engine
 * holds for the rest of an editor session). The index task leaves the index behind for it.
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
}

export interface RestartResult {
  reopenMs: number;
  reopenPeakRssMb: number;
  servingRssMb: number;
  reopenError?: string;
}

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
  const servingRssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  await engine.close();
  return { reopenMs, reopenPeakRssMb, servingRssMb, reopenError };
}
