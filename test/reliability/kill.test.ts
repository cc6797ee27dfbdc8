/**
 * kill -9 at random moments of indexing, 20 times. After every kill the index loads with no
 * damage note and a self-consistent catalog; after each round of kills a completing run
 * gives exactly the chunks of a clean build of the same tree: same files, same count, same
 * set of (path, start, end). Before every killed run the tree changes (edits, deletions,
 * new files), so that each run has work to be interrupted in and restarts also have
 * removals and replacements to finish.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cliPath, json, listChunks, runCli, seededRandom, sourceFile, sourcePath, type Stats, tempBase, testSeed, writeTree } from './helpers';

const ROUNDS = 4;
const KILLS_PER_ROUND = 5;
const TREE_FILES = 400;
/** Checkpoints this often (ms) in the killed runs, so that kills also land in the middle of saves. */
const CHECKPOINT_MS = '30';
/** Kills land between this and a share of a full build's duration after the start. */
const MIN_KILL_MS = 100;
const KILL_WINDOW_SHARE = 0.8;
/** Share of files edited, deleted and added before every killed run, so that each has work to do. */
const EDIT_SHARE = 0.5;
const DELETE_SHARE = 0.05;
const ADD_SHARE = 0.05;

const seed = testSeed(20_240_601);
const random = seededRandom(seed);
const temp = tempBase('kill');
const root = path.join(temp.base, 'tree');
const cache = path.join(temp.base, 'crashy');
let present = new Set<number>();
let nextIndex = 0;

before(() => {
  writeTree(root, TREE_FILES);
  present = new Set(Array.from({ length: TREE_FILES }, (_, i) => i));
  nextIndex = TREE_FILES;
});
after(() => temp.dispose());

/** Starts `quarry index`, kills it with SIGKILL after `afterMs`; says whether the kill landed before it finished. */
function killDuringIndex(afterMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'index', root, '--cache-dir', cache, '--json'], {
      stdio: 'ignore',
      env: { ...process.env, QUARRY_CHECKPOINT_INTERVAL_MS: CHECKPOINT_MS },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

function changeTree(): void {
  for (const i of present) {
    const roll = random();
    if (roll < DELETE_SHARE) {
      rmSync(sourcePath(root, i));
      present.delete(i);
    } else if (roll < DELETE_SHARE + EDIT_SHARE) {
      writeFileSync(sourcePath(root, i), sourceFile(i, 3 + Math.floor(random() * 6), 1 + Math.floor(random() * 100)));
    }
  }
  const added = Math.round(TREE_FILES * ADD_SHARE);
  for (let n = 0; n < added; n++, nextIndex++) {
    mkdirSync(path.dirname(sourcePath(root, nextIndex)), { recursive: true });
    writeFileSync(sourcePath(root, nextIndex), sourceFile(nextIndex, 6));
    present.add(nextIndex);
  }
}

/** A fresh index of the tree as it is now, and how long building it took. */
function cleanBuild(name: string): { cache: string; ms: number } {
  const cleanCache = path.join(temp.base, `clean-${name}`);
  const started = Date.now();
  json(runCli(['index', root, '--cache-dir', cleanCache, '--json']));
  return { cache: cleanCache, ms: Date.now() - started };
}

test(`kill -9 at ${ROUNDS * KILLS_PER_ROUND} random moments of indexing: every restart loads and completes to a clean build's chunks (seed ${seed})`, async (t) => {
  let landed = 0;
  const window = Math.max(cleanBuild('initial').ms * KILL_WINDOW_SHARE, MIN_KILL_MS * 2);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < KILLS_PER_ROUND; k++) {
      if (round + k > 0) changeTree();
      if (await killDuringIndex(MIN_KILL_MS + random() * (window - MIN_KILL_MS))) landed++;
      const stats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
      assert.equal(stats.note, undefined, `after kill ${round * KILLS_PER_ROUND + k + 1} the index loads: ${stats.note}`);
      if (stats.indexed) {
        const listing = await listChunks(cache);
        assert.deepEqual(listing.problems, [], 'the committed catalog is self-consistent');
        assert.equal(stats.chunks, listing.chunks.length, 'the lexical index holds exactly the catalog chunks');
        assert.equal(stats.vectors, stats.chunks, 'one vector per chunk');
      }
    }
    json(runCli(['index', root, '--cache-dir', cache, '--json']));
    const clean = cleanBuild(String(round));
    const [got, want] = [await listChunks(cache), await listChunks(clean.cache)];
    assert.deepEqual(got.problems, []);
    assert.deepEqual(got.files, want.files, `round ${round}: same files as a clean build`);
    assert.equal(got.chunks.length, want.chunks.length, `round ${round}: same chunk count`);
    assert.deepEqual(got.chunks, want.chunks, `round ${round}: same (path, start, end) set`);
    const stats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
    assert.equal(stats.chunks, want.chunks.length);
    assert.equal(stats.vectors, want.chunks.length);
  }
  t.diagnostic(`${ROUNDS * KILLS_PER_ROUND} kills, ${landed} landed before the run finished, seed ${seed}`);
  assert.ok(landed >= (ROUNDS * KILLS_PER_ROUND) / 2, 'most kills interrupted a run');
});
