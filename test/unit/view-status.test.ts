import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusNotification } from '../../src/server/protocol';
import { statusText, summarize } from '../../src/extension/indexing/summary';

function root(over: Partial<StatusNotification>): StatusNotification {
  return { root: '/r', status: 'ready', done: 0, total: 0, files: 10, chunks: 50, ...over };
}

test('status bar texts follow the contract', () => {
  assert.equal(statusText(summarize([root({})], 'running')), '$(check) Quarry: ready');
  assert.equal(statusText(summarize([root({ status: 'indexing', done: 3, total: 9 }), root({ status: 'indexing', done: 1, total: 1 })], 'running')), '$(sync~spin) Quarry: indexing 4/10');
  assert.equal(statusText(summarize([root({ status: 'indexing' })], 'running')), '$(sync~spin) Quarry: indexing');
  assert.equal(statusText(summarize([root({ status: 'paused' }), root({})], 'running')), '$(debug-pause) Quarry: paused');
  assert.equal(statusText(summarize([root({ status: 'paused' }), root({ status: 'error', message: 'boom' })], 'running')), '$(error) Quarry: error');
  assert.equal(statusText(summarize([], 'failed')), '$(error) Quarry: error');
  assert.equal(statusText(summarize([], 'starting')), '$(sync~spin) Quarry: indexing');
  assert.equal(statusText(summarize([root({ status: 'idle' })], 'running')), '$(check) Quarry: ready');
});

test('summary adds files and chunks over roots and keeps the error message', () => {
  const s = summarize([root({}), root({ status: 'error', message: 'disk full' })], 'running');
  assert.deepEqual([s.files, s.chunks, s.message], [20, 100, 'disk full']);
});
