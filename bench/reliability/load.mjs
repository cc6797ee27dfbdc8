#!/usr/bin/env node
// Load benchmark: the real engine process (dist/server.js, JSON-RPC over stdio, started the
// way the extension starts it) indexes a large corpus while a client keeps sending searches;
// then a soak phase keeps changing files (re-indexing) and searching. Reports search
// latency (p50/p95/p99/max) during indexing and during the soak, and the engine's RSS over time.
//
//   npm run build && node bench/reliability/load.mjs [--files 20000] [--soak-s 90] [--out FILE.json]
//       [--limit-min 9.5] [--server dist/server.js] [--model default]
//
// The corpus replicates real source files from node_modules into a temp tree (copies beyond
// the unique files get their own folders and a distinguishing first line).
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { tsImport } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXTENSIONS = new Set(['.js', '.ts', '.mjs', '.cjs', '.md', '.py', '.c', '.h', '.cc', '.go', '.rs', '.java', '.sh']);
const MAX_SOURCE_BYTES = 200_000;
const FILES_PER_FOLDER = 500;
const RSS_SAMPLE_MS = 1000;
/** A progress line on stderr this often. */
const PROGRESS_EVERY_S = 60;
/** Pause between two searches of the query stream (one search in flight at a time). */
const QUERY_GAP_MS = 20;
/** During the soak: this share of files is rewritten every SOAK_CHANGE_MS, and the engine told. */
const SOAK_CHANGE_SHARE = 0.01;
const SOAK_CHANGE_MS = 10_000;
const QUERIES = [
  'parse command line arguments', 'read a file asynchronously', 'event emitter listener', 'http request headers',
  'escape html entities', 'semver compare versions', 'walk a directory recursively', 'stream pipe error handling',
  'base64 encode', 'deep merge objects', 'debounce function', 'color terminal output', 'json schema validation',
  'promise retry with backoff', 'glob pattern match', 'utf-8 decoding', 'createHash sha256', 'Buffer concat',
  'tokenize source code', 'abort signal timeout',
];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function* sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (e.isFile() && EXTENSIONS.has(path.extname(e.name)) && !e.name.endsWith('.min.js')) {
      const size = statSync(p).size;
      if (size > 0 && size < MAX_SOURCE_BYTES) yield p;
    }
  }
}

function buildCorpus(root, wanted) {
  const unique = [];
  for (const f of sourceFiles(path.join(REPO, 'node_modules'))) {
    unique.push(f);
    if (unique.length >= wanted) break;
  }
  let written = 0;
  for (let copy = 0; written < wanted; copy++) {
    for (const [i, src] of unique.entries()) {
      if (written >= wanted) break;
      // Flat folders: the packages' own dist/ and build/ folders would be excluded as build output.
      const dest = path.join(root, `copy${copy}`, `d${Math.floor(i / FILES_PER_FOLDER)}`, `${i}_${path.basename(src)}`);
      mkdirSync(path.dirname(dest), { recursive: true });
      if (copy === 0) copyFileSync(src, dest);
      else writeFileSync(dest, `// copy ${copy}\n${readFileSync(src, 'utf8')}`);
      written++;
    }
  }
  return { unique: unique.length, written };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarize(latencies) {
  const s = [...latencies].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return { count: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? NaN) };
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const files = Number(arg('files', '20000'));
  const soakMs = Number(arg('soak-s', '90')) * 1000;
  const out = arg('out');
  /** Longest the whole run may take before it gives up (default: under a 10-minute command budget). */
  const runLimitMs = Number(arg('limit-min', '9.5')) * 60_000;
  const server = path.resolve(arg('server', path.join(REPO, 'dist', 'server.js')));
  const model = arg('model', 'default');
  const base = mkdtempSync(path.join(os.tmpdir(), 'quarry-load-'));
  const root = path.join(base, 'corpus');
  const t0 = Date.now();
  try {
    const corpus = buildCorpus(root, files);
    console.error(`corpus: ${corpus.written} files (${corpus.unique} unique) in ${Date.now() - t0} ms`);

    // Started as the extension starts it: heap limit and malloc settings from src/server/launch.ts.
    const { engineProcessOptions } = await tsImport('../../src/server/launch.ts', import.meta.url);
    const child = fork(server, [], { ...engineProcessOptions(), silent: true });
    child.stderr.resume();
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    let status = { status: 'idle', done: 0, total: 0, files: 0, chunks: 0 };
    let readyCount = 0;
    connection.onNotification('quarry/status', (s) => {
      status = s;
      if (s.status === 'ready') readyCount++;
      if (s.status === 'error') console.error(`indexing error: ${s.message}`);
    });
    connection.listen();

    const started = Date.now();
    const rss = [];
    const sampler = setInterval(() => {
      const sample = { s: Math.round((Date.now() - started) / 1000), phase: readyCount ? 'soak' : 'index', rssMb: rssMb(child.pid), chunks: status.chunks };
      rss.push(sample);
      if (sample.s % PROGRESS_EVERY_S === 0) console.error(`${sample.s} s: ${sample.phase}, ${status.done}/${status.total} files, ${status.chunks} chunks, RSS ${sample.rssMb} MB`);
    }, RSS_SAMPLE_MS);
    await connection.sendRequest('quarry/initialize', {
      roots: [root], settings: { cacheRoot: path.join(base, 'cache'), model, provider: 'auto', maxFileBytes: 1_000_000, include: [], exclude: [] },
    });
    await connection.sendRequest('quarry/index', {});

    const latencies = { index: [], soak: [] };
    let answered = 0;
    let nonEmpty = 0;
    const ask = async (phase) => {
      const q = QUERIES[answered % QUERIES.length];
      const t = performance.now();
      const results = await connection.sendRequest('quarry/search', { query: q, k: 10 });
      latencies[phase].push(performance.now() - t);
      answered++;
      if (results.length) nonEmpty++;
    };
    while (readyCount === 0 && Date.now() - started < runLimitMs) {
      await ask('index');
      await sleep(QUERY_GAP_MS);
    }
    const indexMs = Date.now() - started;
    console.error(`indexed ${status.files} files, ${status.chunks} chunks in ${indexMs} ms; ${latencies.index.length} searches meanwhile`);

    const all = [...sourceFiles(root)];
    const soakStart = Date.now();
    let nextChange = soakStart;
    let changes = 0;
    while (Date.now() - soakStart < soakMs && Date.now() - started < runLimitMs) {
      if (Date.now() >= nextChange) {
        const paths = [];
        for (let i = 0; i < all.length * SOAK_CHANGE_SHARE; i++) {
          const f = all[Math.floor(Math.random() * all.length)];
          writeFileSync(f, `// changed ${changes} ${i}\n${readFileSync(f, 'utf8')}`);
          paths.push(path.relative(root, f).split(path.sep).join('/'));
        }
        changes++;
        // As the extension's watcher does: the changed paths, relative to the root.
        await connection.sendRequest('quarry/filesChanged', { root, paths });
        nextChange += SOAK_CHANGE_MS;
      }
      await ask('soak');
      await sleep(QUERY_GAP_MS);
    }
    clearInterval(sampler);
    connection.dispose();
    child.kill();

    const rssValues = rss.map((r) => r.rssMb).filter((x) => x !== undefined);
    const indexRss = rss.filter((r) => r.phase === 'index').map((r) => r.rssMb);
    const soakRss = rss.filter((r) => r.phase === 'soak').map((r) => r.rssMb);
    const result = {
      date: new Date().toISOString(),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      corpus: { ...corpus, indexedFiles: status.files, chunks: status.chunks },
      indexMs,
      searches: { answered, nonEmpty, duringIndex: summarize(latencies.index), duringSoak: summarize(latencies.soak) },
      soak: { seconds: Math.round((Date.now() - soakStart) / 1000), changeRounds: changes, filesPerRound: Math.round(all.length * SOAK_CHANGE_SHARE) },
      rssMb: {
        peak: Math.max(...rssValues),
        endOfIndex: indexRss.at(-1),
        soakMin: Math.min(...soakRss), soakMax: Math.max(...soakRss), soakEnd: soakRss.at(-1),
        // every 15th sample, to keep the timeline short
        timeline: rss.filter((_, i) => i % 15 === 0 || i === rss.length - 1),
      },
    };
    const text = JSON.stringify(result, null, 2);
    if (out) writeFileSync(out, text + '\n');
    console.log(text);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
