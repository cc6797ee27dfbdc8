import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectGarbage } from '../../src/core/heap';

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

test('collectGarbage frees unreachable buffers at once, without --expose-gc', async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  const before = process.memoryUsage().arrayBuffers;
  let buffers: Buffer[] | undefined = Array.from({ length: 64 }, () => Buffer.alloc(1 << 20, 1));
  const watched = new WeakRef(buffers[0]);
  assert.ok(process.memoryUsage().arrayBuffers - before >= 60 * 2 ** 20);
  buffers = undefined;
  // A WeakRef keeps its target alive until the end of the job that made it or deref'ed it.
  await turn();
  assert.notEqual(watched.deref(), undefined, 'nothing collected it on its own');
  await turn();
  collectGarbage();
  assert.equal(watched.deref(), undefined, 'collected by the call');
  // The dead buffers' memory is swept concurrently: give it a few turns of the event loop.
  for (let i = 0; i < 50 && process.memoryUsage().arrayBuffers - before >= 8 * 2 ** 20; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 2 ** 20, 'the dropped buffers are freed');
  collectGarbage(); // again: gc is kept, not exposed twice
});
