#!/usr/bin/env node
// Memory breakdown of one index: `node bench/perf/memory.mjs <root> [--model none|default]
// [--reopen] [--out-dir DIR]`. Bundles bench/perf/memory.ts (with the engine, like the perf
// harness) into .cache/mem-dist and runs it in a fresh process with --expose-gc, on a fresh
// cache folder; prints its JSON line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHarness } from './bundle.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const root = path.resolve(argv[0] ?? '.');
const model = opt('--model', 'none');
const outDir = path.resolve(opt('--out-dir', path.join(repoRoot, '.cache', 'mem-dist')));
const nodeArgs = (opt('--node-args', '') || '').split(' ').filter(Boolean);
if (!argv.includes('--no-bundle')) await bundleHarness(outDir, { memory: 'bench/perf/memory.ts' });
const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'quarry-mem-'));
try {
  const run = spawnSync(process.execPath, ['--expose-gc', ...nodeArgs, path.join(outDir, 'memory.js'), root, cacheRoot, model, ...(argv.includes('--reopen') ? ['--reopen'] : [])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 });
  process.stdout.write(run.stdout);
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(cacheRoot, { recursive: true, force: true });
}
