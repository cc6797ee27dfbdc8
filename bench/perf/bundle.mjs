// Bundles the in-process bench harness (and the embedding worker it starts) into a private
// folder, .cache/perf-dist/, with the runtime assets beside it — the same layout as dist/
// (scripts/build.mjs), so the engine runs exactly as the CLI does, while `npm run build`
// by others can replace dist/ mid-run without touching the bench.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Grammars the engine loads (tree-sitter-wasms ships more). */
const GRAMMARS = /tree-sitter-(bash|c|cpp|c_sharp|elixir|go|java|javascript|kotlin|lua|php|python|ruby|rust|scala|swift|tsx|typescript|zig)\.wasm$/;

/** `extra`: more entries to bundle beside the harness ({ outName: sourcePath }), e.g. the CLI. */
export async function bundleHarness(outDir = path.join(repoRoot, '.cache', 'perf-dist'), extra = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
    logOverride: { 'require-resolve-not-external': 'silent' },
    external: ['vscode', 'hnswlib-node', 'onnxruntime-node'],
    plugins: [webTreeSitterCjs()],
  };
  const entries = { harness: 'bench/perf/harness.ts', embedWorker: 'src/core/embed/worker.ts', parseWorker: 'src/core/prepare/parseWorker.ts', ...extra };
  for (const [out, entry] of Object.entries(entries)) {
    await build({ ...common, entryPoints: [path.join(repoRoot, entry)], outfile: path.join(outDir, `${out}.js`) });
  }
  const grammars = path.join(outDir, 'grammars');
  mkdirSync(grammars, { recursive: true });
  cpSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(outDir, 'tree-sitter.wasm'));
  cpSync(path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out'), grammars, {
    recursive: true, filter: (f) => !f.endsWith('.wasm') || GRAMMARS.test(f),
  });
  const haskell = path.join(path.dirname(require.resolve('tree-sitter-haskell/package.json')), 'tree-sitter-haskell.wasm');
  cpSync(haskell, path.join(grammars, 'tree-sitter-haskell.wasm'));
  cpSync(path.join(repoRoot, 'src/core/parse/queries'), path.join(outDir, 'queries'), { recursive: true });
  return path.join(outDir, 'harness.js');
}

/** web-tree-sitter's ESM entry uses import.meta.url; its CommonJS build does not. */
function webTreeSitterCjs() {
  return {
    name: 'web-tree-sitter-cjs',
    setup(b) {
      b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await bundleHarness());
