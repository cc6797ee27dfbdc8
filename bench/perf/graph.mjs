#!/usr/bin/env node
// HNSW parameters on real vectors: `node bench/perf/graph.mjs <root> [--queries N]
// [--configs M:ef,M:ef,...] [--cache-dir DIR]`. Bundles bench/perf/graph.ts (with the engine,
// like the perf harness) into .cache/graph-dist and runs it; the index of <root> (default
// model) is kept in the cache folder, .cache/graph-index by default, for the next run.
// Prints one JSON line; each configuration's line also goes to stderr as it is done.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHarness } from './bundle.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const root = path.resolve(argv[0] ?? '.');
const outDir = path.join(repoRoot, '.cache', 'graph-dist');
const cacheRoot = path.resolve(opt('--cache-dir', path.join(repoRoot, '.cache', 'graph-index')));
await bundleHarness(outDir, { graph: 'bench/perf/graph.ts' });
const run = spawnSync(process.execPath, [path.join(outDir, 'graph.js'), root, cacheRoot, opt('--queries', '500'), opt('--configs', '16:64')],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
process.stdout.write(run.stdout);
process.exitCode = run.status ?? 1;
