// The side-by-side reference for query latency: ripgrep over the same tree for the query's
// words (case-insensitive fixed strings, any of them), one process per query as a user runs it.
import { spawnSync } from 'node:child_process';

/** Words ripgrep would be given for a query: identifier-like runs of 3+ characters. */
function queryWords(query) {
  return [...new Set(query.match(/[\p{L}\p{N}_$]{3,}/gu) ?? [])];
}

/** Median and p90 wall time (ms) of `rg` for `count` of the queries; null when rg is missing. */
export function timeRipgrep(root, queries, count) {
  const times = [];
  for (let i = 0; i < Math.min(count, queries.length); i++) {
    const words = queryWords(queries[i]);
    if (words.length === 0) continue;
    const args = ['--count-matches', '--ignore-case', '--fixed-strings', ...words.flatMap((w) => ['-e', w]), '.'];
    const t = performance.now();
    const run = spawnSync('rg', args, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
    if (run.error) return null;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 100) / 100;
  return { count: times.length, p50: at(0.5), p90: at(0.9) };
}
