import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engineExecArgv } from '../../src/server/launch';

test('the engine gets half the machine memory as heap, within 2-16 GB', () => {
  const gib = 2 ** 30;
  assert.deepEqual(engineExecArgv(24 * gib), ['--max-old-space-size=12288']);
  assert.deepEqual(engineExecArgv(2 * gib), ['--max-old-space-size=2048']);
  assert.deepEqual(engineExecArgv(128 * gib), ['--max-old-space-size=16384']);
});
