// Packages a platform-specific VSIX with @vscode/vsce from the esbuild bundles in dist/.
//
//   node scripts/package.mjs [target] [--no-build] [--out FILE] [--hnswlib-addon FILE]
//
// target: linux-x64 (default: this machine), linux-arm64, win32-x64, win32-arm64,
// darwin-x64, darwin-arm64. The bundles need only two native packages at run time,
// hnswlib-node and onnxruntime-node (esbuild keeps them external). They are staged under
// dist/node_modules/ in a staging folder (Node resolves them from the bundles there), with
// only the target's binaries: onnxruntime-node ships all platforms' binaries, so we copy
// bin/napi-v6/<platform>/<arch>/ alone; hnswlib-node is built from source by node-gyp on
// install, so its addon is this machine's — another target needs an addon built on that
// platform (e.g. in CI) passed with --hnswlib-addon or QUARRY_HNSWLIB_ADDON. vsce then
// packages the staging folder with --no-dependencies, filtered by the repo's .vscodeignore.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TARGETS, binaryTarget, hostTarget, runsOn } from './package-targets.mjs';
import { listZip, mib } from './zip-list.mjs';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    'hnswlib-addon': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log('usage: node scripts/package.mjs [target] [--no-build] [--out FILE] [--hnswlib-addon FILE]');
  console.log(`targets: ${Object.keys(TARGETS).join(', ')} (default: this machine, ${hostTarget()})`);
  process.exit(0);
}
const target = positionals[0] ?? hostTarget();
const fail = (msg) => {
  console.error(`package: ${msg}`);
  process.exit(1);
};
if (!TARGETS[target]) fail(`unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
const { platform, arch } = TARGETS[target];

const run = (cmd, args, cwd = root) => {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
};

// 1. The bundles.
if (!opts['no-build']) run(process.execPath, [path.join(root, 'scripts/build.mjs')]);
for (const f of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(path.join(root, f))) fail(`${f} is missing: run npm run build (src/extension may not exist yet)`);
}

// 2. The hnswlib-node addon for the target, checked by its header.
const hostAddon = path.join(root, 'node_modules/hnswlib-node/build/Release/addon.node');
const addon = opts['hnswlib-addon'] ?? process.env.QUARRY_HNSWLIB_ADDON ?? (target === hostTarget() ? hostAddon : undefined);
if (!addon) {
  fail(
    `hnswlib-node is compiled from source on install, so this machine (${hostTarget()}) has no addon for ${target}. ` +
      `Build one on ${target} (npm ci there; it is node_modules/hnswlib-node/build/Release/addon.node) ` +
      `and pass it with --hnswlib-addon FILE or QUARRY_HNSWLIB_ADDON.`,
  );
}
if (!existsSync(addon)) fail(`hnswlib-node addon not found: ${addon}`);
const built = binaryTarget(addon);
if (!built || !runsOn(built, target)) fail(`${addon} is built for ${built ?? 'an unknown platform'}, not ${target}`);

// 3. Stage.
const stage = path.join(root, '.cache/vsix-stage', target);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
const copy = (from, to = from, filter) => {
  const src = path.join(root, from);
  if (existsSync(src)) cpSync(src, path.join(stage, to), { recursive: true, filter });
  return existsSync(src);
};

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
delete manifest.devDependencies;
delete manifest.scripts; // no vscode:prepublish: the bundles are already built
delete manifest.allowScripts;
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const f of readdirSync(root)) {
  if (/^(package\.nls(\..+)?\.json|README\.md|CHANGELOG\.md|LICENSE(\..+)?|language-configuration\.json|\.vscodeignore)$/.test(f)) copy(f);
}
copy('media');
copy('dist', 'dist', (f) => !f.endsWith('.vsix'));
const hasModel = copy('models/quarry-code');
for (const f of existsSync(path.join(root, 'models')) ? readdirSync(path.join(root, 'models')) : []) {
  if (f.endsWith('.md')) copy(`models/${f}`);
}

const modulePaths = (from) => {
  const dirs = [];
  for (let d = from; ; d = path.dirname(d)) {
    dirs.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return dirs;
  }
};
const stagedNm = (pkg, sub = '') => path.join('dist/node_modules', pkg, sub);
// A package's folder as Node would find it from `from` (package.json may not be exported).
const pkgDir = (pkg, from = root) => {
  for (const dir of modulePaths(from)) {
    if (existsSync(path.join(dir, pkg, 'package.json'))) return path.join(dir, pkg);
  }
  fail(`${pkg} is not installed (npm ci)`);
};
const copyPkg = (pkg, parts, from = root) => {
  const dir = path.relative(root, pkgDir(pkg, from));
  for (const p of ['package.json', ...parts]) copy(path.join(dir, p), stagedNm(pkg, p));
};
copyPkg('hnswlib-node', ['lib/index.js', 'LICENSE.txt']);
mkdirSync(path.join(stage, stagedNm('hnswlib-node', 'build/Release')), { recursive: true });
cpSync(addon, path.join(stage, stagedNm('hnswlib-node', 'build/Release/addon.node')));
copyPkg('bindings', ['bindings.js', 'LICENSE.md'], pkgDir('hnswlib-node'));
copyPkg('file-uri-to-path', ['index.js', 'LICENSE'], pkgDir('bindings', pkgDir('hnswlib-node')));
const ortBin = `bin/napi-v6/${platform}/${arch}`;
if (!existsSync(path.join(pkgDir('onnxruntime-node'), ortBin))) fail(`onnxruntime-node ships no ${ortBin}`);
copyPkg('onnxruntime-node', ['dist', ortBin]);
copyPkg('onnxruntime-common', ['dist/cjs'], pkgDir('onnxruntime-node'));

// 4. vsce.
const out = path.resolve(opts.out ?? path.join(root, 'out', `quarry-${target}.vsix`));
mkdirSync(path.dirname(out), { recursive: true });
rmSync(out, { force: true });
const vsce = path.join(pkgDir('@vscode/vsce'), 'vsce');
const flags = ['package', '--no-dependencies', '--target', target, '--out', out, '--no-rewrite-relative-links'];
if (!readdirSync(stage).some((f) => /^LICENSE/i.test(f))) flags.push('--skip-license');
if (!manifest.repository) flags.push('--allow-missing-repository');
run(process.execPath, [vsce, ...flags], stage);

// 5. Report what it holds.
const entries = listZip(out);
const total = statSync(out).size;
console.log(`\n${path.relative(process.cwd(), out)}: ${mib(total)}, ${entries.length} files${hasModel ? '' : ' (no models/quarry-code yet)'}`);
for (const e of entries.sort((a, b) => b.compressed - a.compressed).slice(0, 12)) {
  console.log(`  ${mib(e.compressed).padStart(10)} (${mib(e.size).padStart(10)} unpacked)  ${e.name}`);
}
