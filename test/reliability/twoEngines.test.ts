/**
 * Two engines on one index: while one process holds the index's write lock, `quarry index`
 * refuses at once with a clear message (no stack trace) and leaves the index as it was; two
 * real `quarry index` runs started together both end well (one refuses or waits its turn)
 * and the index equals a clean build.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { IndexStore } from '../../src/core/index/store';
import { indexDirOf, json, listChunks, runCli, runCliAsync, tempBase, writeTree } from './helpers';

const TREE_FILES = 200;
const temp = tempBase('two');
const root = path.join(temp.base, 'tree');
const cleanCache = path.join(temp.base, 'clean');

before(() => {
  writeTree(root, TREE_FILES);
  json(runCli(['index', root, '--cache-dir', cleanCache, '--json']));
});
after(() => temp.dispose());

test('a second writer is refused with a clear message while the first holds the index', async () => {
  const cache = path.join(temp.base, 'held');
  json(runCli(['index', root, '--cache-dir', cache, '--json']));
  const before = await listChunks(cache);
  const holder = await IndexStore.openForWrite(indexDirOf(cache));
  try {
    const second = runCli(['index', root, '--cache-dir', cache, '--json']);
    assert.notEqual(second.status, 0);
    assert.match(second.stderr, new RegExp(`being written by another process \\(pid ${process.pid} `));
    assert.doesNotMatch(second.stderr, /\n\s+at |unexpected/);
    const search = runCli(['search', 'invoice payment', '--root', root, '--cache-dir', cache, '--json']);
    assert.equal(search.status, 0, 'readers take no lock: searching works meanwhile');
  } finally {
    await holder.close();
  }
  assert.deepEqual((await listChunks(cache)).chunks, before.chunks, 'the refused writer changed nothing');
  json(runCli(['index', root, '--cache-dir', cache, '--json'])); // and the lock is free again
});

test('two writers started together: no crash, no mixed index', async () => {
  const cache = path.join(temp.base, 'race');
  const runs = await Promise.all([0, 1].map(() => runCliAsync(['index', root, '--cache-dir', cache, '--json'])));
  for (const run of runs) {
    assert.equal(run.signal, null);
    if (run.status !== 0) assert.match(run.stderr, /being written by another process/);
    assert.doesNotMatch(run.stderr, /\n\s+at |unexpected/);
  }
  assert.ok(runs.some((r) => r.status === 0), 'at least one finished');
  json(runCli(['index', root, '--cache-dir', cache, '--json']));
  assert.deepEqual((await listChunks(cache)).chunks, (await listChunks(cleanCache)).chunks);
});
