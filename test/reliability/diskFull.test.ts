/**
 * A full disk: the cache folder is a small tmpfs that holds one index of a small tree but not
 * the next generation of a grown tree. `quarry index` must fail with a clear "disk full"
 * message and a non-zero exit, leave no stray files, and leave the previous index intact and
 * searchable; once space is back (the tree shrinks again) indexing works again.
 * Skipped where mounting is not permitted (not root, no CAP_SYS_ADMIN, not Linux).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { filesUnder, indexDirOf, json, listChunks, runCli, type Stats, tempBase, writeTree } from './helpers';

const SMALL_TREE = 30;
const GROWN_TREE = 600;
const PAGE = 4096;

const temp = tempBase('diskfull');
let mounted: string | undefined;

after(() => {
  if (mounted) execFileSync('umount', [mounted], { stdio: 'ignore' });
  temp.dispose();
});

function mountTmpfs(dir: string, bytes: number): boolean {
  mkdirSync(dir, { recursive: true });
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    mounted = dir;
    return true;
  } catch {
    return false;
  }
}

/** Bytes an index folder takes on a tmpfs: whole pages per file. */
function footprint(cache: string): number {
  return filesUnder(cache).reduce((sum, f) => sum + Math.ceil(statSync(f).size / PAGE + 1) * PAGE, 0);
}

test('disk full while indexing: clear error, non-zero exit, previous index intact and searchable', async (t) => {
  const small = path.join(temp.base, 'small');
  const grown = path.join(temp.base, 'grown');
  writeTree(small, SMALL_TREE);
  writeTree(grown, GROWN_TREE);
  // Measure both indexes on the ordinary disk, then size the tmpfs between "one small index"
  // and "a small one plus a grown one" (a commit keeps the old generation until the new one is complete).
  json(runCli(['index', small, '--cache-dir', path.join(temp.base, 'm-small'), '--json']));
  json(runCli(['index', grown, '--cache-dir', path.join(temp.base, 'm-grown'), '--json']));
  const smallBytes = footprint(path.join(temp.base, 'm-small'));
  const grownBytes = footprint(path.join(temp.base, 'm-grown'));
  assert.ok(grownBytes > 4 * smallBytes, 'the grown index is much larger');

  const cache = path.join(temp.base, 'tmpfs');
  if (!mountTmpfs(cache, smallBytes * 2 + Math.floor(grownBytes / 2))) return t.skip('cannot mount a tmpfs here (needs root on Linux)');

  // The tree to index is `root`; it starts small and then grows.
  const root = path.join(temp.base, 'tree');
  writeTree(root, SMALL_TREE);
  json(runCli(['index', root, '--cache-dir', cache, '--json']));
  const before = await listChunks(cache);
  const beforeFiles = readdirSync(indexDirOf(cache)).sort();

  writeTree(root, GROWN_TREE);
  const full = runCli(['index', root, '--cache-dir', cache, '--json']);
  assert.notEqual(full.status, 0, 'a non-zero exit');
  assert.match(full.stderr, /disk full/i, 'a clear message');
  assert.doesNotMatch(full.stderr, /\n\s+at |unexpected error/, 'no stack trace, not an "unexpected" error');
  assert.match(full.stderr, /previous index is unchanged/);
  t.diagnostic(`CLI said: ${full.stderr.trim()}`);

  assert.deepEqual(readdirSync(indexDirOf(cache)).sort(), beforeFiles, 'no stray files left behind');
  const stats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
  assert.equal(stats.note, undefined, 'the previous index loads');
  assert.equal(stats.chunks, before.chunks.length);
  assert.deepEqual((await listChunks(cache)).chunks, before.chunks, 'the previous index is intact');
  const results = json<{ path: string }[]>(runCli(['search', 'invoice payment total', '--root', root, '--cache-dir', cache, '--json']));
  assert.ok(results.length > 0, 'and searchable');
  assert.ok(results.every((r) => before.files.includes(r.path)), 'from the previous index');

  // Space comes back (the tree shrinks): indexing works again.
  for (const dir of readdirSync(root)) rmSync(path.join(root, dir), { recursive: true });
  writeTree(root, SMALL_TREE);
  json(runCli(['index', root, '--cache-dir', cache, '--json']));
  assert.deepEqual((await listChunks(cache)).chunks, before.chunks);
});
