#!/usr/bin/env node
// The CPU floor of indexing one corpus (see floor.ts): `node bench/perf/floor.mjs <root>
// [--model none|default] [--out-dir DIR]`. Bundles bench/perf/floor.ts with the engine into
// .cache/floor-dist and runs it in a fresh process with the engine's Node options; prints
// its JSON line. Run it on an idle machine: it measures one thread's time.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHarness } from './bundle.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const root = path.resolve(argv[0] ?? '.');
const outDir = path.resolve(opt('--out-dir', path.join(repoRoot, '.cache', 'floor-dist')));
await bundleHarness(outDir, { floor: 'bench/perf/floor.ts' });
const run = spawnSync(process.execPath, ['--max-old-space-size=12052', '--heap-growing-percent=25', path.join(outDir, 'floor.js'), root, opt('--model', 'none')],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(run.stdout);
process.exitCode = run.status ?? 1;
