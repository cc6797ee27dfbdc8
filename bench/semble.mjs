#!/usr/bin/env node
// Runs the public semble code-search benchmark (MinishLab, MIT data) against our CLI.
//
//   npm run bench:semble -- CHECKOUTS_DIR [--only a,b] [--out DIR] [--mode lexical|dense|hybrid[,...]]
//                           [--k 10] [--timeout-min 30] [--exact-only]
//
// CHECKOUTS_DIR is what `checkout.py MIRRORS_ROOT CHECKOUTS_DIR` wrote (one folder per repo
// plus checkout-manifest.json). The benchmark data and the scorer live in the shared folder
// (`../shared` next to the repository root, or $QUARRY_SHARED), under benchmarks/semble/.
//
// Per repo: index <checkout>/<benchmark_root> into a fresh cache dir (timed), write the
// deduplicated queries as JSONL, run `search --queries`, convert its output into score.py's
// format and append it to <OUT>/results.jsonl. Then score.py is run and its output printed,
// followed by a table of index times. A failing repo is reported and the run goes on (its
// tasks then score 0, as the protocol says for unanswered tasks).
//
// Several modes (`--mode lexical,dense,hybrid`) index once and search once per mode; the
// results then go to results-<mode>.jsonl / scores-<mode>.json.
//
// Env: QUARRY_SHARED (shared folder), QUARRY_CLI (CLI to run), PYTHON (default python3).
// Node stdlib only.

import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
// QUARRY_CLI: bench another build of the CLI (default: this checkout's dist/cli.js).
const cliPath = process.env.QUARRY_CLI ? path.resolve(process.env.QUARRY_CLI) : path.join(repoRoot, 'dist', 'cli.js');
const sharedDir = process.env.QUARRY_SHARED
  ? path.resolve(process.env.QUARRY_SHARED)
  : path.resolve(repoRoot, '..', 'shared');
const benchData = path.join(sharedDir, 'benchmarks', 'semble');
const python = process.env.PYTHON || 'python3';
// npm runs scripts from the package root; resolve user paths against where npm was called.
const userCwd = process.env.INIT_CWD || process.cwd();

const MODES = new Set(['lexical', 'dense', 'hybrid']);

function usage(msg) {
  if (msg) console.error(`error: ${msg}`);
  console.error(
    'usage: node bench/semble.mjs CHECKOUTS_DIR [--only a,b] [--out DIR] [--mode lexical|dense|hybrid[,...]]\n' +
      '                             [--k 10] [--timeout-min 30] [--exact-only]',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { only: null, out: null, modes: [null], k: 10, timeoutMin: 30, exactOnly: false, checkouts: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const flag = a.split('=')[0];
    if (flag === '--only') opts.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--out') opts.out = path.resolve(userCwd, val());
    else if (flag === '--mode') {
      opts.modes = val().split(',').map((s) => s.trim()).filter(Boolean);
      for (const m of opts.modes) if (!MODES.has(m)) usage(`unknown mode ${m}`);
      if (opts.modes.length === 0) opts.modes = [null];
    } else if (flag === '--k') opts.k = Number(val());
    else if (flag === '--timeout-min') opts.timeoutMin = Number(val());
    else if (flag === '--exact-only') opts.exactOnly = true;
    else if (flag === '-h' || flag === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (!opts.checkouts) opts.checkouts = path.resolve(userCwd, a);
    else usage(`unexpected argument ${a}`);
  }
  if (!opts.checkouts) usage('CHECKOUTS_DIR is required');
  if (!Number.isInteger(opts.k) || opts.k < 1) usage('--k must be a positive integer');
  if (!(opts.timeoutMin > 0)) usage('--timeout-min must be positive');
  return opts;
}

/** Runs a command; stdout to `stdoutFile` (or the log), stderr to `logFile`. Resolves {code, ms, error}. */
function run(cmd, args, { logFile, stdoutFile, timeoutMs }) {
  return new Promise((resolve) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const out = stdoutFile ? createWriteStream(stdoutFile) : log;
    log.write(`$ ${[cmd, ...args].join(' ')}\n`);
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(log, { end: false });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let spawnError = null;
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const finish = () => resolve({ code, signal, ms, timedOut, error: spawnError });
      const endLog = () => log.end(`\n[exit ${code}${signal ? ` signal ${signal}` : ''}${timedOut ? ' TIMEOUT' : ''}; ${ms.toFixed(0)} ms]\n`, finish);
      if (out !== log) out.end(endLog);
      else endLog();
    });
  });
}

function describeFailure(r, what) {
  if (r.error) return `${what}: ${r.error.message}`;
  if (r.timedOut) return `${what}: timed out after ${(r.ms / 1000).toFixed(0)} s`;
  return `${what}: exit ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
}

function tail(file, n = 3) {
  try {
    return readFileSync(file, 'utf8').split('\n').map((l) => l.trimEnd()).filter((l) => l && !l.startsWith('$ ') && !l.startsWith('[exit ')).slice(-n);
  } catch {
    return [];
  }
}

/** Path as the scorer wants it: relative to the benchmark dir, forward slashes. */
function relPath(p, benchDir) {
  let s = String(p ?? '');
  if (path.isAbsolute(s)) s = path.relative(benchDir, s);
  s = s.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s.replace(/^\/+/, '');
}

function toInt(v, fallback) {
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

function timestamp() {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
}

/** A path for messages: relative to where the user ran us when that is shorter. */
function show(p) {
  const r = path.relative(userCwd, p);
  return r && !r.startsWith('..') ? r : p;
}

function fmtMs(ms) {
  return ms == null ? '-' : ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const reposJson = path.join(benchData, 'repos.json');
  if (!existsSync(reposJson)) usage(`no benchmark data at ${benchData} (set QUARRY_SHARED)`);
  if (!existsSync(opts.checkouts) || !statSync(opts.checkouts).isDirectory()) usage(`no such dir ${opts.checkouts}`);
  if (!existsSync(cliPath)) usage(`${cliPath} is missing: run npm run build`);

  let specs = JSON.parse(readFileSync(reposJson, 'utf8'));
  if (opts.only) {
    const known = new Set(specs.map((s) => s.name));
    const bad = opts.only.filter((n) => !known.has(n));
    if (bad.length) usage(`unknown repo(s): ${bad.join(', ')}`);
    specs = specs.filter((s) => opts.only.includes(s.name));
  }
  const manifestPath = path.join(opts.checkouts, 'checkout-manifest.json');
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : {};

  const multi = opts.modes.length > 1;
  const modeTag = opts.modes.filter(Boolean).join('+');
  const outDir = opts.out ?? path.join(repoRoot, 'bench', 'results', `semble-${timestamp()}${modeTag ? `-${modeTag}` : ''}`);
  const cacheDir = path.join(outDir, 'cache');
  rmSync(cacheDir, { recursive: true, force: true }); // a fresh cache for every run
  for (const d of [outDir, cacheDir, path.join(outDir, 'queries'), path.join(outDir, 'logs'), path.join(outDir, 'raw')]) {
    mkdirSync(d, { recursive: true });
  }
  const resultsFile = (mode) => path.join(outDir, multi ? `results-${mode}.jsonl` : 'results.jsonl');
  const scoresFile = (mode) => path.join(outDir, multi ? `scores-${mode}.json` : 'scores.json');
  for (const m of opts.modes) writeFileSync(resultsFile(m), '');

  const timeoutMs = opts.timeoutMin * 60_000;
  console.log(`semble bench: ${specs.length} repo(s), checkouts ${opts.checkouts}`);
  console.log(`out: ${outDir}${opts.modes[0] ? ` | mode(s): ${opts.modes.join(', ')}` : ''}`);

  const rows = [];
  for (const spec of specs) {
    const name = spec.name;
    const root = spec.benchmark_root || '';
    const benchDir = path.join(opts.checkouts, name, root);
    const status = manifest[name]?.status ?? (existsSync(path.join(opts.checkouts, name)) ? 'unrecorded' : 'missing');
    const row = { repo: name, language: spec.language, checkout: status, benchmark_root: root || null, errors: [], search: {} };
    rows.push(row);
    if (!existsSync(benchDir) || !statSync(benchDir).isDirectory()) {
      row.checkout = 'missing';
      row.errors.push(`no benchmark dir ${path.relative(opts.checkouts, benchDir) || '.'}`);
      console.log(`- ${name}: skipped (no checkout)`);
      continue;
    }
    if (opts.exactOnly && status === 'approximate') {
      row.skipped = 'approximate checkout';
      console.log(`- ${name}: skipped (approximate checkout, --exact-only)`);
      continue;
    }

    // Queries: one line per distinct annotation text (guzzle and sinatra repeat one each).
    const tasks = JSON.parse(readFileSync(path.join(benchData, 'annotations', `${name}.json`), 'utf8'));
    const byId = new Map();
    const seen = new Set();
    for (const t of tasks) {
      if (seen.has(t.query)) continue;
      seen.add(t.query);
      byId.set(`${name}#${byId.size}`, t.query);
    }
    const queriesFile = path.join(outDir, 'queries', `${name}.jsonl`);
    writeFileSync(queriesFile, [...byId].map(([id, query]) => JSON.stringify({ id, query })).join('\n') + '\n');
    row.tasks = tasks.length;
    row.queries = byId.size;

    // Index.
    const indexLog = path.join(outDir, 'logs', `${name}.index.log`);
    process.stdout.write(`- ${name}: indexing ${path.relative(opts.checkouts, benchDir)} ... `);
    const ix = await run(process.execPath, [cliPath, 'index', benchDir, '--cache-dir', cacheDir], { logFile: indexLog, timeoutMs });
    row.index_ms = ix.ms;
    row.index_summary = tail(indexLog, 3);
    if (ix.error || ix.timedOut || ix.code !== 0) {
      row.errors.push(describeFailure(ix, 'index'));
      console.log(`FAILED (${row.errors.at(-1)}; see ${show(indexLog)})`);
      continue;
    }
    process.stdout.write(`${fmtMs(ix.ms)}`);

    // Search, once per mode.
    for (const mode of opts.modes) {
      const tag = mode ?? 'default';
      const rawFile = path.join(outDir, 'raw', `${name}${mode ? `.${mode}` : ''}.search.jsonl`);
      const searchLog = path.join(outDir, 'logs', `${name}${mode ? `.${mode}` : ''}.search.log`);
      const args = [cliPath, 'search', '--root', benchDir, '--cache-dir', cacheDir, '--queries', queriesFile, '-k', String(opts.k)];
      if (mode) args.push('--mode', mode);
      const sr = await run(process.execPath, args, { logFile: searchLog, stdoutFile: rawFile, timeoutMs });
      const info = { ms: sr.ms, answered: 0, bad_lines: 0 };
      row.search[tag] = info;
      if (sr.error || sr.timedOut || sr.code !== 0) row.errors.push(describeFailure(sr, `search${mode ? ` (${mode})` : ''}`));

      // Convert whatever came back (even after a failure) into score.py's format.
      const answered = new Set();
      const lines = [];
      const raw = existsSync(rawFile) ? readFileSync(rawFile, 'utf8') : '';
      for (const line of raw.split('\n')) {
        if (!line.trim()) continue;
        let obj;
        try {
          obj = JSON.parse(line);
        } catch {
          info.bad_lines++;
          continue;
        }
        // Map back through the id: score.py matches on the exact annotation text.
        const query = byId.get(obj.id) ?? (seen.has(obj.query) ? obj.query : null);
        if (query == null || answered.has(query)) {
          info.bad_lines++;
          continue;
        }
        answered.add(query);
        const results = (Array.isArray(obj.results) ? obj.results : []).slice(0, opts.k).map((r) => {
          const start = toInt(r.start_line, 1);
          return { path: relPath(r.path, benchDir), start_line: start, end_line: toInt(r.end_line, start) };
        });
        lines.push(JSON.stringify({ repo: name, query, results }));
      }
      info.answered = answered.size;
      if (lines.length) appendFileSync(resultsFile(mode), lines.join('\n') + '\n');
      if (info.bad_lines) row.errors.push(`search${mode ? ` (${mode})` : ''}: ${info.bad_lines} unusable output line(s)`);
      if (answered.size < byId.size && !(sr.code !== 0 || sr.timedOut || sr.error)) {
        row.errors.push(`search${mode ? ` (${mode})` : ''}: answered ${answered.size}/${byId.size} queries`);
      }
      process.stdout.write(` | search${mode ? ` ${mode}` : ''} ${fmtMs(sr.ms)} ${answered.size}/${byId.size}`);
    }
    console.log(row.errors.length ? `  [${row.errors.join('; ')}]` : '');
  }

  // Score. With --only, score just those repos (otherwise every checked-out repo counts, at 0).
  const scoreArgs = (mode) => {
    const a = [path.join(benchData, 'score.py'), opts.checkouts, resultsFile(mode), '--json-out', scoresFile(mode)];
    if (opts.only) for (const s of specs) a.push('--repo', s.name);
    if (opts.exactOnly) a.push('--exact-only');
    return a;
  };
  let scorerFailed = false;
  const overall = {};
  for (const mode of opts.modes) {
    console.log(`\n===== score.py${mode ? ` (mode ${mode})` : ''} =====`);
    const scoreLog = path.join(outDir, `score${multi ? `-${mode}` : ''}.txt`);
    const sr = await run(python, scoreArgs(mode), { logFile: path.join(outDir, 'logs', `score${mode ? `.${mode}` : ''}.log`), stdoutFile: scoreLog, timeoutMs });
    const text = existsSync(scoreLog) ? readFileSync(scoreLog, 'utf8') : '';
    process.stdout.write(text);
    if (sr.code !== 0 || sr.error || sr.timedOut) {
      scorerFailed = true;
      console.error(describeFailure(sr, 'score.py'));
      for (const l of tail(path.join(outDir, 'logs', `score${mode ? `.${mode}` : ''}.log`), 10)) console.error(`  ${l}`);
    } else {
      const m = /overall ndcg@10=([\d.]+) repos=(\d+) queries=(\d+)/.exec(text);
      if (m) overall[mode ?? 'default'] = { ndcg10: Number(m[1]), repos: Number(m[2]), queries: Number(m[3]) };
    }
  }

  // Index-time table.
  const tagList = opts.modes.map((m) => m ?? 'default');
  console.log('\n===== index / search wall time =====');
  const header = `${'repo'.padEnd(20)} ${'checkout'.padEnd(11)} ${'index'.padStart(9)} ` + tagList.map((t) => `${('search ' + (t === 'default' ? '' : t)).trim().padStart(15)}`).join(' ') + '  notes';
  console.log(header);
  for (const r of rows) {
    const cells = tagList.map((t) => (r.search[t] ? `${fmtMs(r.search[t].ms)} ${r.search[t].answered}/${r.queries}` : '-').padStart(15));
    console.log(`${r.repo.padEnd(20)} ${r.checkout.padEnd(11)} ${fmtMs(r.index_ms).padStart(9)} ${cells.join(' ')}  ${r.skipped ?? r.errors.join('; ')}`);
  }
  const indexed = rows.filter((r) => r.index_ms != null && !r.errors.some((e) => e.startsWith('index')));
  const meanIndex = indexed.length ? indexed.reduce((s, r) => s + r.index_ms, 0) / indexed.length : null;
  console.log(`mean index time over ${indexed.length} repo(s): ${fmtMs(meanIndex)}` + (indexed.length ? ` (total ${fmtMs(indexed.reduce((s, r) => s + r.index_ms, 0))})` : ''));
  const failed = rows.filter((r) => r.errors.length && r.checkout !== 'missing');
  const missing = rows.filter((r) => r.checkout === 'missing');
  const approx = rows.filter((r) => r.checkout === 'approximate');
  if (missing.length) console.log(`no checkout (${missing.length}): ${missing.map((r) => r.repo).join(', ')}`);
  if (approx.length) console.log(`approximate checkouts (${approx.length}): ${approx.map((r) => r.repo).join(', ')}`);
  if (failed.length) console.log(`repos with errors (${failed.length}): ${failed.map((r) => r.repo).join(', ')} (see ${show(path.join(outDir, 'logs'))})`);
  for (const [t, o] of Object.entries(overall)) console.log(`overall${t === 'default' ? '' : ` [${t}]`}: ndcg@10=${o.ndcg10} repos=${o.repos} queries=${o.queries}`);

  writeFileSync(
    path.join(outDir, 'summary.json'),
    JSON.stringify({ checkouts: opts.checkouts, modes: opts.modes, k: opts.k, overall, mean_index_ms: meanIndex, repos: rows }, null, 1) + '\n',
  );
  console.log(`\nwritten: ${outDir}`);
  const anyAnswered = rows.some((r) => Object.values(r.search).some((s) => s.answered > 0));
  process.exit(scorerFailed || (!anyAnswered && rows.length > 0) ? 1 : 0);
}

main().catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
