// Bundles the CLI, the engine server and the extension with esbuild, and copies the
// runtime assets (tree-sitter wasm files, our symbol queries) next to the bundles.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Dev-only fallbacks (running from sources) resolve package files; bundles never reach them.
  logOverride: { 'require-resolve-not-external': 'silent' },
  // Native modules stay outside the bundle and are loaded from node_modules.
  external: ['vscode', 'hnswlib-node', 'onnxruntime-node'],
  plugins: [webTreeSitterCjs()],
};

/** web-tree-sitter's ESM entry uses import.meta.url; its CommonJS build does not. */
function webTreeSitterCjs() {
  return {
    name: 'web-tree-sitter-cjs',
    setup(b) {
      b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
    },
  };
}

const entries = [
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'src/server/main.ts', out: 'server' },
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/core/embed/worker.ts', out: 'embedWorker' },
  { in: 'src/core/prepare/parseWorker.ts', out: 'parseWorker' },
];
for (const e of entries) {
  if (!existsSync(path.join(root, e.in))) continue;
  await build({
    ...common,
    entryPoints: [path.join(root, e.in)],
    outfile: path.join(dist, `${e.out}.js`),
    banner: e.banner ? { js: e.banner } : undefined,
  });
}

// Runtime assets: web-tree-sitter's own wasm, the grammars, and our queries.
const grammars = path.join(dist, 'grammars');
mkdirSync(grammars, { recursive: true });
cpSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm'));
cpSync(path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out'), grammars, {
  recursive: true,
  filter: (f) => !f.endsWith('.wasm') || /tree-sitter-(bash|c|cpp|c_sharp|elixir|go|java|javascript|kotlin|lua|php|python|ruby|rust|scala|swift|tsx|typescript|zig)\.wasm$/.test(f),
});
cpSync(path.join(path.dirname(require.resolve('tree-sitter-haskell/package.json')), 'tree-sitter-haskell.wasm'), path.join(grammars, 'tree-sitter-haskell.wasm'));
cpSync(path.join(root, 'src/core/parse/queries'), path.join(dist, 'queries'), { recursive: true });

// Codicons for the webviews (font and stylesheet only).
const codicons = path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
mkdirSync(path.join(dist, 'codicons'), { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) cpSync(path.join(codicons, f), path.join(dist, 'codicons', f));
