#!/usr/bin/env node
// Speed and scale, measured side by side: `npm run bench:perf -- [options]`.
//
//   --corpora semble,large,scale   which corpora (default: all three)
//   --models default,none          engine models to measure (default: both)
//   --scale 1000,10000,15000,30000,100000
//                                  sizes of the scaling series (files; 15k and 30k files give the
//                                  100k and 200k chunks at which query latency and RSS are targeted)
//   --only a,b                     semble repositories to measure (default: all checked out)
//   --queries 1000                 timed searches per corpus (after 50 warm-up searches)
//   --rg-queries 100               queries timed with ripgrep per corpus
//   --checkouts DIR                semble checkouts (default: ../semble beside the repository)
//   --big-models none              models for corpora of more than BIG_CORPUS_FILES files (default: none;
//                                  the default model at 100k files takes longer than a bench run should)
//
// Each corpus x model is indexed in a fresh process, then loaded again in another (a restart),
// so that peak RSS and start-up are their own (bench/perf/harness.ts, bundled into
// .cache/perf-dist). Results: a table on stdout
// and bench/results/perf-<time>.json. Env: QUARRY_SHARED (shared folder with benchmarks/semble).
import { spawnSync } from 'node:child_process';
import { tsImport } from 'tsx/esm/api';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHarness } from './bundle.mjs';
import { npmCorpus, scaleCorpus, sembleCorpora } from './corpora.mjs';
import { markdownTable, plainTable, rowTable, scalingLines, targetChecks } from './report.mjs';
import { timeRipgrep } from './ripgrep.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = path.join(repoRoot, '.cache', 'perf');
const userCwd = process.env.INIT_CWD || process.cwd();
const WARMUP_QUERIES = 50;
/** Searches a restarted engine serves before its RSS is read. */
const RESTART_SEARCHES = 50;
/**
 * Restarted engines of this many chunks or more are also measured after idling this long:
 * longer than the embedder keeps a worker that queries do not need (LAST_WORKER_IDLE_MS).
 */
const IDLE_AT_CHUNKS = 100_000;
const IDLE_MS = 7_000;
const BIG_CORPUS_FILES = 50_000;
/** The engine process's Node options (src/server/launch.ts: heap limit and growth) and environment (its malloc settings), so that RSS is measured as it would be there. */
const { engineProcessOptions } = await tsImport('../../src/server/launch.ts', import.meta.url);
const { execArgv: HARNESS_NODE_ARGS, env: HARNESS_ENV } = engineProcessOptions();
/** A corpus x model measurement may take this long before it is abandoned. */
const TASK_TIMEOUT_MS = 40 * 60_000;

function parseArgs(argv) {
  const opts = {
    corpora: ['semble', 'large', 'scale'], models: ['default', 'none'], scale: [1000, 10_000, 15_000, 30_000, 100_000], only: null,
    queries: 1000, rgQueries: 100, checkouts: path.resolve(repoRoot, '..', 'semble'), bigModels: ['none'],
  };
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const val = () => inline ?? argv[++i];
    if (flag === '--corpora') opts.corpora = list(val());
    else if (flag === '--models') opts.models = list(val());
    else if (flag === '--scale') opts.scale = list(val()).map(Number);
    else if (flag === '--only') opts.only = list(val());
    else if (flag === '--queries') opts.queries = Number(val());
    else if (flag === '--rg-queries') opts.rgQueries = Number(val());
    else if (flag === '--checkouts') opts.checkouts = path.resolve(userCwd, val());
    else if (flag === '--big-models') opts.bigModels = list(val());
    else throw new Error(`unknown option ${argv[i]}`);
  }
  return opts;
}

function prepareCorpora(opts, benchData) {
  const semble = sembleCorpora(opts.checkouts, benchData, cacheDir, opts.only);
  const allQueries = [...new Set(semble.flatMap((c) => c.queries))];
  const out = opts.corpora.includes('semble') ? semble : [];
  if (opts.corpora.includes('large') || opts.corpora.includes('scale')) {
    const npm = { ...npmCorpus(cacheDir), queries: allQueries };
    if (opts.corpora.includes('large')) out.push(npm);
    if (opts.corpora.includes('scale')) for (const n of opts.scale) out.push({ ...scaleCorpus(cacheDir, npm.root, n), files: n, queries: allQueries });
  }
  return out;
}

/** Runs one harness task in a fresh process; returns its JSON or { error }. */
function runTask(harness, task) {
  const file = path.join(cacheDir, 'task.json');
  writeFileSync(file, JSON.stringify(task));
  const run = spawnSync(process.execPath, [...HARNESS_NODE_ARGS, harness, file], { encoding: 'utf8', timeout: TASK_TIMEOUT_MS, maxBuffer: 64 * 2 ** 20, env: HARNESS_ENV });
  const line = run.stdout?.trim().split('\n').pop();
  try {
    return JSON.parse(line);
  } catch {
    return { error: (run.stderr || run.error?.message || `exit ${run.status}`).slice(-2000) };
  }
}

function measureCorpus(harness, corpus, opts) {
  const rows = [];
  const parse = runTask(harness, { kind: 'parse', root: corpus.root });
  const rg = timeRipgrep(corpus.root, corpus.queries, opts.rgQueries);
  const big = corpus.group === 'scale' && corpus.files > BIG_CORPUS_FILES;
  for (const model of opts.models.filter((m) => !big || opts.bigModels.includes(m))) {
    const cacheRoot = path.join(cacheDir, 'indexes', `${corpus.name}-${model}`);
    rmSync(cacheRoot, { recursive: true, force: true });
    const indexed = runTask(harness, {
      kind: 'index', root: corpus.root, cacheRoot, model, queries: corpus.queries,
      queryCount: opts.queries, warmupQueries: WARMUP_QUERIES, editable: true,
    });
    const restart = indexed.error ? {} : runTask(harness, {
      kind: 'restart', root: corpus.root, cacheRoot, model, queries: corpus.queries, searches: RESTART_SEARCHES,
      idleMs: indexed.chunks >= IDLE_AT_CHUNKS ? IDLE_MS : undefined,
    });
    const index = restart.error ? { ...indexed, reopenError: restart.error } : { ...indexed, ...restart };
    rmSync(cacheRoot, { recursive: true, force: true });
    if (index.error) console.error(`${corpus.name} [${model}]: ${index.error}`);
    else rows.push({ corpus: corpus.name, group: corpus.group, index, parse: parse.error ? undefined : parse, rg });
    if (!index.error) console.error(`${corpus.name} [${model}]: ${index.chunks} chunks, cold ${index.coldMs} ms, q p50 ${index.query.p50} ms`);
  }
  return rows;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const shared = process.env.QUARRY_SHARED ? path.resolve(process.env.QUARRY_SHARED) : path.resolve(repoRoot, '..', 'shared');
  const harness = await bundleHarness();
  const corpora = prepareCorpora(opts, path.join(shared, 'benchmarks', 'semble'));
  const rows = corpora.flatMap((c) => measureCorpus(harness, c, opts));
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg: os.loadavg() };
  const result = { when: new Date().toISOString(), machine, options: { ...opts, checkouts: undefined }, rows, targets: Object.fromEntries(opts.models.map((m) => [m, targetChecks(rows, m)])) };
  const outDir = path.join(repoRoot, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `perf-${result.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(outFile, JSON.stringify(result, null, 1));
  console.log(plainTable(rowTable(rows)));
  for (const m of opts.models) {
    console.log(`\ntargets [model ${m}]\n${plainTable([['target', 'wanted', 'measured', ''], ...result.targets[m]])}`);
    console.log(`\nscaling [model ${m}]\n${plainTable(scalingLines(rows, m))}`);
  }
  console.log(`\n${outFile}`);
  writeFileSync(outFile.replace(/\.json$/, '.md'), markdownTable(rowTable(rows)) + '\n');
}

await main();
