import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ENGINE_MALLOC_ENV, engineExecArgv, engineProcessOptions } from '../../src/server/launch';

test('the engine gets half the machine memory as heap, within 2-16 GB, and a slowly growing heap', () => {
  const gib = 2 ** 30;
  const heapLimit = (total: number) => engineExecArgv(total).filter((a) => a.startsWith('--max-old-space-size='));
  assert.deepEqual(heapLimit(24 * gib), ['--max-old-space-size=12288']);
  assert.deepEqual(heapLimit(2 * gib), ['--max-old-space-size=2048']);
  assert.deepEqual(heapLimit(128 * gib), ['--max-old-space-size=16384']);
  assert.ok(engineExecArgv(24 * gib).some((a) => /^--heap-growing-percent=\d+$/.test(a)));
});

test('the engine flags are accepted by this Node', () => {
  const run = spawnSync(process.execPath, [...engineExecArgv(), '-e', 'process.exit(0)'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
});

test('the engine process options carry the heap limit and the malloc settings over the given environment', () => {
  const { execArgv, env } = engineProcessOptions({ KEEP_ME: '1' });
  assert.deepEqual(execArgv, engineExecArgv());
  assert.equal(env.KEEP_ME, '1');
  assert.equal(env.MALLOC_MMAP_THRESHOLD_, ENGINE_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_);
  assert.equal(env.MALLOC_ARENA_MAX, ENGINE_MALLOC_ENV.MALLOC_ARENA_MAX);
});
