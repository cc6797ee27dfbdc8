import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync, appendFileSync, utimesSync, promises as fs } from 'node:fs';
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

test('a run that changes nothing writes nothing; a touched file, a new skip and an interrupted run are written', async () => {
  const own = fixtureSandbox();
  after(() => own.dispose());
  const engine = await Engine.open(own.root, { cacheRoot: own.cache, model: 'none' });
  await engine.index();
  const generation = async () => JSON.parse(await fs.readFile(path.join(engine.indexDir, 'manifest.json'), 'utf8')).generation as number;
  const first = await generation();
  const noop = await engine.index();
  assert.equal(noop.changedFiles, 0);
  assert.equal(noop.phaseMs.save, 0);
  assert.equal(await generation(), first, 'nothing written');

  // Same content, new time: saved, so that the next start does not read the file again.
  const file = path.join(own.root, 'server', 'app.py');
  const later = new Date(Date.now() + 60_000);
  utimesSync(file, later, later);
  await engine.index();
  assert.equal(await generation(), first + 1);
  const reopened = await Engine.open(own.root, { cacheRoot: own.cache, model: 'none' });
  assert.equal((await reopened.index()).changedFiles, 0, 'the new time was saved');
  await reopened.close();

  // A newly skipped file changes no chunk, only the skip list: saved.
  writeFileSync(path.join(own.root, 'server', '.env.local'), 'TOKEN=not-a-real-one\n');
  await engine.index();
  assert.equal(await generation(), first + 2);

  // A run stopped half-way leaves unsaved changes behind; a next run with nothing left to do
  // (the files it had not reached are gone) still writes them.
  const names = Array.from({ length: 40 }, (_, i) => `okapiLedger${i}`);
  for (const name of names) writeFileSync(path.join(own.root, 'src', `${name}.ts`), `export function ${name}(): number {\n  return 7;\n}\n`);
  const stop = new AbortController();
  await assert.rejects(engine.index((p) => void (p.phase === 'index' && stop.abort()), stop.signal));
  const atStop = await generation();
  const reached = new Set<string>();
  for (const name of names) {
    if ((await engine.search(name, { k: 1, mode: 'lexical' }))[0]?.name === name) reached.add(name);
    else rmSync(path.join(own.root, 'src', `${name}.ts`));
  }
  assert.ok(reached.size > 0 && reached.size < names.length, `${reached.size} of ${names.length} indexed before the stop`);
  const rest = await engine.index();
  assert.equal(rest.changedFiles + rest.removedFiles, 0);
  assert.equal(await generation(), atStop + 1);
  const restarted = await Engine.open(own.root, { cacheRoot: own.cache, model: 'none' });
  assert.equal((await restarted.index()).changedFiles, 0, 'what the stopped run indexed was saved');
  await restarted.close();
  await engine.close();
});
