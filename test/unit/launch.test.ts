import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE_MALLOC_ENV, engineExecArgv, engineProcessOptions } from '../../src/server/launch';

test('the engine gets half the machine memory as heap, within 2-16 GB', () => {
  const gib = 2 ** 30;
  assert.deepEqual(engineExecArgv(24 * gib), ['--max-old-space-size=12288']);
  assert.deepEqual(engineExecArgv(2 * gib), ['--max-old-space-size=2048']);
  assert.deepEqual(engineExecArgv(128 * gib), ['--max-old-space-size=16384']);
});

test('the engine process options carry the heap limit and the malloc settings over the given environment', () => {
  const { execArgv, env } = engineProcessOptions({ KEEP_ME: '1' });
  assert.deepEqual(execArgv, engineExecArgv());
  assert.equal(env.KEEP_ME, '1');
  assert.equal(env.MALLOC_MMAP_THRESHOLD_, ENGINE_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_);
  assert.equal(env.MALLOC_ARENA_MAX, ENGINE_MALLOC_ENV.MALLOC_ARENA_MAX);
});
