#!/usr/bin/env node
// Publishes one perf run: copies its JSON to bench/perf/RESULTS.json and writes
// bench/perf/RESULTS.md (summary, targets, scaling series, every corpus).
//   node bench/perf/results.mjs bench/results/perf-<time>.json
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, rowTable, scalingLines } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** A load average above this per core means more than the bench itself ran (it uses up to a core per thread it starts). */
const BUSY_LOAD_PER_CPU = 1.25;
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** One line per model over the semble repositories. */
export function sembleSummary(rows, models) {
  const lines = [['model', 'repos', 'mean cold ms', 'median cold ms', 'median q p50 ms', 'median q p99 ms', 'median edit ms',
    'median no-op ms', 'median reopen ms', 'median RSS MB', 'median disk/src', 'median rg/query', 'median index/parse-only']];
  for (const m of models) {
    const rs = rows.filter((r) => r.group === 'semble' && r.index.model === m);
    if (rs.length === 0) continue;
    const i = rs.map((r) => r.index);
    lines.push([m, rs.length, f(mean(i.map((x) => x.coldMs))), f(median(i.map((x) => x.coldMs))), f(median(i.map((x) => x.query.p50)), 2),
      f(median(i.map((x) => x.query.p99)), 2), f(median(i.map((x) => x.edit?.totalMs))), f(median(i.map((x) => x.noopMs))), f(median(i.map((x) => x.reopenMs))),
      f(median(i.map((x) => x.peakRssMb))), f(median(i.map((x) => x.indexBytes / x.sourceBytes)), 2),
      f(median(rs.map((r) => (r.rg ? r.rg.p50 / r.index.query.p50 : NaN))), 1), f(median(rs.map((r) => (r.parse ? r.index.coldMs / r.parse.parseMs : NaN))), 2)]);
  }
  return lines;
}

function main() {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node bench/perf/results.mjs bench/results/perf-<time>.json');
  const result = JSON.parse(readFileSync(file, 'utf8'));
  copyFileSync(file, path.join(here, 'RESULTS.json'));
  const models = Object.keys(result.targets);
  const m = result.machine;
  const parts = [
    '# Quarry performance results',
    '',
    `Run ${result.when} on ${m.cpus} × ${m.cpu}, ${m.memGiB} GiB, Node ${m.node}; load average at the end ${m.loadavg.map((x) => x.toFixed(1)).join(' ')}` +
      (m.loadavg[0] > m.cpus * BUSY_LOAD_PER_CPU ? ' (the machine was shared with other work: absolute times are inflated; ratios were measured side by side)' : '') +
      '. Produced by `npm run bench:perf`; raw figures in RESULTS.json.',
    '',
    '## Targets',
    '',
    ...models.flatMap((model) => [`Model \`${model}\`:`, '', markdownTable([['target', 'wanted', 'measured', ''], ...result.targets[model]]), '']),
    '## Semble repositories (summary)',
    '',
    markdownTable(sembleSummary(result.rows, models)),
    '',
    '## Scaling series',
    '',
    ...models.flatMap((model) => [`Model \`${model}\`:`, '', markdownTable(scalingLines(result.rows, model)), '']),
    '## Every corpus',
    '',
    'Phases: discover / read (overlaps parse) / parse (the wait for read+parsed batches) / embed / index (lexical index, chunk metadata) / vectors (vector inserts: exact scan, HNSW graph; "-" in runs before it was split out, when index includes it) / save (checkpoints).',
    '`rg/q`: ripgrep time over our query time for the same queries; `index/parse`: our cold index time over a tree-sitter-only pass over the same files.',
    '',
    markdownTable(rowTable(result.rows)),
    '',
  ];
  writeFileSync(path.join(here, 'RESULTS.md'), parts.join('\n'));
  console.log(parts.slice(0, 40).join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
