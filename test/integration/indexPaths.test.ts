import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { fixtureSandbox } from './helpers';

const box = fixtureSandbox();
after(() => box.dispose());

/** What a client can see of an index: its stats and the hits for words the edits touch. */
async function observable(engine: Engine) {
  const { files, chunks, languages, skipped } = engine.stats();
  const hits: Record<string, string[]> = {};
  for (const word of ['zebrafinch', 'quokkaTally', 'rate limiter', 'parse token', 'walrusvault']) {
    hits[word] = (await engine.search(word, { k: 5, mode: 'lexical' })).map((r) => `${r.path}:${r.start_line}-${r.end_line}`);
  }
  return { files, chunks, languages, skipped, hits };
}

test('indexPaths brings edits, additions, deletions and newly skipped files in line with a full run', async () => {
  const engine = await Engine.open(box.root, { cacheRoot: box.cache, model: 'none' });
  await engine.index();
  const at = (rel: string) => path.join(box.root, ...rel.split('/'));

  appendFileSync(at('server/app.py'), '\n\ndef zebrafinch_handler(request):\n    """Counts zebrafinch visits."""\n    return 1\n');
  mkdirSync(at('src/new'), { recursive: true });
  writeFileSync(at('src/new/tally.ts'), 'export function quokkaTally(n: number): number {\n  return n + 1;\n}\n');
  rmSync(at('tests/test_rate_limiter.py'));
  rmSync(at('docs'), { recursive: true });
  writeFileSync(at('src/new/.env.production'), 'SECRET=walrusvault\n');
  writeFileSync(at('debug2.log'), 'walrusvault in an ignored file\n');
  writeFileSync(at('vendor/leftpad/more.js'), 'function walrusvault() {}\n');
  const changed = ['server/app.py', 'src/new/tally.ts', 'tests/test_rate_limiter.py', 'docs', 'src/new/.env.production', 'debug2.log', 'vendor/leftpad/more.js'];
  const summary = await engine.indexPaths(changed, { deferSave: true });
  assert.equal(summary.changedFiles, 2);
  assert.ok(summary.removedFiles >= 2, `removed ${summary.removedFiles}`);
  assert.equal(engine.hasUnsavedChanges, true);
  const afterPaths = await observable(engine);
  assert.ok(afterPaths.hits.zebrafinch.some((h) => h.startsWith('server/app.py')));
  assert.ok(afterPaths.hits.quokkaTally.some((h) => h.startsWith('src/new/tally.ts')));
  assert.deepEqual(afterPaths.hits.walrusvault, []);
  assert.equal(afterPaths.skipped.secret, (await freshObservable()).skipped.secret);

  // A fresh full build of the same tree sees exactly the same index.
  assert.deepEqual(afterPaths, await freshObservable());

  // Not saved yet: a restart (as after a crash) loads the old index, and its full run redoes the edits.
  const restarted = await Engine.open(box.root, { cacheRoot: box.cache, model: 'none' });
  assert.notDeepEqual((await observable(restarted)).hits.quokkaTally, afterPaths.hits.quokkaTally);
  await engine.save();
  assert.equal(engine.hasUnsavedChanges, false);
  const reloaded = await Engine.open(box.root, { cacheRoot: box.cache, model: 'none' });
  assert.deepEqual(await observable(reloaded), afterPaths);
  const redo = await reloaded.index();
  assert.equal(redo.changedFiles, 0);
  await Promise.all([engine.close(), restarted.close(), reloaded.close()]);
});

async function freshObservable() {
  const engine = await Engine.open(box.root, { cacheRoot: `${box.cache}-fresh-${Math.random()}`, model: 'none' });
  await engine.index();
  const seen = await observable(engine);
  await engine.close();
  return seen;
}

test('a snippet shows the file as it is once the edit is indexed, though the file was read for an earlier search', async () => {
  const engine = await Engine.open(box.root, { cacheRoot: path.join(box.cache, 'snippets'), model: 'none' });
  await engine.index();
  const file = path.join(box.root, 'src', 'snippet_probe.ts');
  writeFileSync(file, 'export function marmosetCount(n: number): number {\n  return n * 2;\n}\n');
  await engine.indexPaths(['src/snippet_probe.ts']);
  const before = await engine.search('marmosetCount', { k: 1, mode: 'lexical' });
  assert.match(before[0].snippet, /n \* 2/);
  writeFileSync(file, 'export function marmosetCount(n: number): number {\n  return n * 3;\n}\n');
  await engine.indexPaths(['src/snippet_probe.ts']);
  const afterEdit = await engine.search('marmosetCount', { k: 1, mode: 'lexical' });
  assert.match(afterEdit[0].snippet, /n \* 3/);
  await engine.close();
});
