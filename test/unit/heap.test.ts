import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectGarbage } from '../../src/core/heap';

test('collectGarbage frees unreachable buffers at once, without --expose-gc', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  const before = process.memoryUsage().arrayBuffers;
  let buffers: Buffer[] | undefined = Array.from({ length: 64 }, () => Buffer.alloc(1 << 20, 1));
  assert.ok(process.memoryUsage().arrayBuffers - before >= 60 * 2 ** 20);
  buffers = undefined;
  collectGarbage();
  assert.equal(buffers, undefined);
  assert.ok(process.memoryUsage().arrayBuffers - before < 8 * 2 ** 20, 'the dropped buffers are freed');
  collectGarbage(); // again: gc is kept, not exposed twice
});
