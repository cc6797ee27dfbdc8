/**
 * Files that change, vanish, turn into folders or pipes, or become unreadable while they
 * are being indexed (a background process churns the tree during three index runs): no
 * crash and no hang; once the churn stops, the next run converges to exactly what a clean
 * build of the final tree holds. A root test process runs Quarry as `nobody` so that
 * permission changes bite.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { json, listChunks, runCli, runCliAsync, type Stats, tempBase, testSeed, writeTree } from './helpers';

const TREE_FILES = 300;
const CHURNED_RUNS = 3;
const NOBODY = { uid: 65534, gid: 65534 };
const CHURNER = path.join(__dirname, 'fixtures', 'churner.mjs');
/** A churned run must finish well within this (a read blocked on a pipe would not). */
const RUN_TIMEOUT_MS = 120_000;
/** The churner gets this long to stop and report before it is killed. */
const STOP_GRACE_MS = 5_000;

const seed = testSeed(7_131);
const temp = tempBase('churn');
const root = path.join(temp.base, 'tree');
const user = process.getuid?.() === 0 ? NOBODY : undefined;

before(() => {
  writeTree(root, TREE_FILES);
  if (user) openUp(temp.base);
});
after(() => temp.dispose());

/** Lets `nobody` read the tree and write caches under the temp folder. */
function openUp(dir: string): void {
  chmodSync(dir, 0o777);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) openUp(p);
    else chmodSync(p, 0o666);
  }
}

function startChurner(): { stop: () => Promise<number> } {
  const child = spawn(process.execPath, [CHURNER, root, String(TREE_FILES), String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), STOP_GRACE_MS))]);
      if (!stopped) child.kill('SIGKILL');
      await exited;
      return Number(out.trim().split('\n').pop());
    },
  };
}

test(`files changing, vanishing and becoming unreadable during indexing: no crash, the next run converges (seed ${seed})`, async (t) => {
  const cache = path.join(temp.base, 'churned');
  const churner = startChurner();
  const runs = [];
  for (let i = 0; i < CHURNED_RUNS; i++) {
    runs.push(await runCliAsync(['index', root, '--cache-dir', cache, '--json'], { user, timeoutMs: RUN_TIMEOUT_MS }));
  }
  const operations = await churner.stop();
  for (const [i, run] of runs.entries()) {
    assert.equal(run.signal, null, `churned run ${i + 1} did not hang`);
    assert.equal(run.status, 0, `churned run ${i + 1} succeeded: ${run.stderr}`);
  }
  if (user) chmodSync(root, 0o777);

  json(runCli(['index', root, '--cache-dir', cache, '--json'], { user }));
  const cleanCache = path.join(temp.base, 'clean');
  json(runCli(['index', root, '--cache-dir', cleanCache, '--json'], { user }));
  const [got, want] = [await listChunks(cache), await listChunks(cleanCache)];
  assert.deepEqual(got.problems, []);
  assert.deepEqual(got.files, want.files, 'same files as a clean build');
  assert.deepEqual(got.chunks, want.chunks, 'same chunks as a clean build');

  const stats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json'], { user }));
  const cleanStats = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cleanCache, '--json'], { user }));
  assert.deepEqual(stats.skipped, cleanStats.skipped, 'the same skip reasons as a clean build');
  if (user) assert.ok((stats.skipped.unreadable ?? 0) > 0, 'unreadable files are recorded as such');
  t.diagnostic(`${operations} churn operations during ${CHURNED_RUNS} runs; final skips ${JSON.stringify(stats.skipped)}; ran as ${user ? 'nobody' : 'this user'}`);
});

test('pipes in the tree (even one named .gitignore) never block indexing', (t) => {
  if (process.platform === 'win32') return t.skip('no named pipes in the file system');
  const pipes = path.join(temp.base, 'pipes');
  writeTree(pipes, 3);
  for (const name of ['.gitignore', '.quarryignore', 'module0/.ignore', 'module1/data.ts', 'Makefile']) {
    execFileSync('mkfifo', [path.join(pipes, name)]);
  }
  const run = runCli(['index', pipes, '--cache-dir', path.join(temp.base, 'pipes-cache'), '--json'], { timeoutMs: RUN_TIMEOUT_MS });
  assert.equal(run.signal, null, 'indexing did not hang on a pipe');
  const summary = json<{ files: number; skipped: Record<string, number> }>(run);
  assert.equal(summary.files, 3);
  assert.equal(summary.skipped.unsupported, 5, 'every pipe is skipped as unsupported');
});
