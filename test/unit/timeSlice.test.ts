import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { inForeground, TimeSlicer } from '../../src/core/timeSlice';

test('background work parks while a foreground request runs, and resumes when it ends', async () => {
  const slicer = new TimeSlicer(0); // yields at every step
  let steps = 0;
  let stop = false;
  const background = (async () => {
    while (!stop) {
      steps++;
      await slicer.yieldIfDue();
    }
  })();
  await nextTurn();
  await nextTurn();
  assert.ok(steps >= 2, 'background work runs when nothing else does');

  let stepsDuringRequest = -1;
  await inForeground(async () => {
    const before = steps;
    for (let i = 0; i < 20; i++) await nextTurn(); // a request that awaits many times (I/O, the embedder)
    stepsDuringRequest = steps - before;
  });
  assert.ok(stepsDuringRequest <= 1, `background took ${stepsDuringRequest} steps during the request`);

  const afterRequest = steps;
  await nextTurn();
  await nextTurn();
  assert.ok(steps > afterRequest, 'background work resumes after the request');
  stop = true;
  await background;
});
