// Prepares the corpora the perf bench measures, as private copies under .cache/perf/corpora
// (the edit probe writes into them, and nobody else's checkout must change under them):
// - semble: each benchmark repository's benchmark_root, copied from the checkouts folder;
// - npm: the sources shipped in a pinned list of npm tarballs (`npm pack` into a cache);
// - scale-N: N real files, the npm corpus's files replicated into numbered copies.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Pinned: the large corpus must be the same on every machine. About 760k lines over 5.4k files. */
export const NPM_PACKAGES = ['three@0.160.0', 'eslint@8.57.0', 'webpack@5.90.3', 'rxjs@7.8.1', 'lodash@4.17.21'];
/** Files replicated into the scaling series: source files only, so each copy is indexed. */
const SCALE_EXTENSIONS = /\.(js|mjs|cjs|ts|md)$/;
/** Skipped when replicating: over the engine's size limit, they would add nothing. */
const SCALE_MAX_FILE_BYTES = 1_000_000;

export function sembleCorpora(checkouts, benchData, cacheDir, only) {
  const repos = JSON.parse(readFileSync(path.join(benchData, 'repos.json'), 'utf8'));
  const out = [];
  for (const repo of repos) {
    if (only && !only.includes(repo.name)) continue;
    const source = path.join(checkouts, repo.name, repo.benchmark_root ?? '');
    if (!existsSync(source)) continue;
    const target = path.join(cacheDir, 'corpora', 'semble', repo.name);
    if (!existsSync(target)) cpSync(source, target, { recursive: true, filter: (f) => path.basename(f) !== '.git' });
    const tasks = JSON.parse(readFileSync(path.join(benchData, 'annotations', `${repo.name}.json`), 'utf8'));
    out.push({ name: repo.name, group: 'semble', root: target, queries: [...new Set(tasks.map((t) => t.query))] });
  }
  return out;
}

/** Fetches the pinned tarballs (once) and unpacks each into corpora/npm/<name>. */
export function npmCorpus(cacheDir) {
  const tarballs = path.join(cacheDir, 'npm');
  const root = path.join(cacheDir, 'corpora', 'npm');
  mkdirSync(tarballs, { recursive: true });
  for (const spec of NPM_PACKAGES) {
    const file = `${spec.replace(/^@/, '').replace('/', '-').replace('@', '-')}.tgz`;
    if (!existsSync(path.join(tarballs, file))) execFileSync('npm', ['pack', spec, '--silent'], { cwd: tarballs, stdio: 'ignore' });
    const dir = path.join(root, file.replace(/\.tgz$/, ''));
    if (existsSync(dir)) continue;
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['xzf', path.join(tarballs, file), '-C', dir, '--strip-components=1']);
  }
  return { name: 'npm', group: 'large', root };
}

/** `count` real files: the npm corpus's source files, copied round-robin into copy-<k>/ folders. */
export function scaleCorpus(cacheDir, npmRoot, count) {
  const root = path.join(cacheDir, 'corpora', `scale-${count}`);
  const marker = `${root}.complete`;
  if (existsSync(marker)) return { name: `scale-${count}`, group: 'scale', root };
  rmSync(root, { recursive: true, force: true });
  rmSync(marker, { force: true });
  // Ordered by a hash of the path, so that every size of the series has the same mix of packages.
  const files = listFiles(npmRoot)
    .filter((f) => SCALE_EXTENSIONS.test(f) && statSync(path.join(npmRoot, f)).size <= SCALE_MAX_FILE_BYTES)
    .map((f) => [createHash('sha1').update(f).digest('hex'), f]).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, f]) => f);
  for (let i = 0; i < count; i++) {
    const rel = files[i % files.length];
    const target = path.join(root, `copy-${Math.floor(i / files.length)}`, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(npmRoot, rel), target);
  }
  writeFileSync(marker, '');
  return { name: `scale-${count}`, group: 'scale', root };
}

/** Relative paths of the files below `root`, sorted (so that every machine copies the same ones). */
function listFiles(root, rel = '') {
  const out = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}
