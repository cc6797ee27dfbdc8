/**
 * Each index file in turn — manifest.json and every part file — truncated, emptied or with a
 * byte changed: `quarry stats` notes the damage (and the CLI says so on stderr), searching
 * still works (the CLI rebuilds first), and the next `quarry index` rebuilds an index equal
 * to the undamaged one.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { LOCK_FILE_NAME } from '../../src/core/index/lock';
import { MANIFEST_NAME } from '../../src/core/index/store';
import { indexDirOf, json, listChunks, runCli, type Stats, tempBase, writeTree } from './helpers';

const TREE_FILES = 20;
const DAMAGE_NOTE = /index (is damaged|could not be loaded)/;

/** The case that also checks the plain-text stats output. */
const FIRST_CASE = 'manifest truncated to half';

type Damage = (data: Buffer) => Buffer;

const TRUNCATE: Damage = (d) => d.subarray(0, Math.floor(d.length / 2));
const EMPTY: Damage = () => Buffer.alloc(0);

const PART_DAMAGES: Record<string, Damage> = {
  'truncated to half': TRUNCATE,
  'one byte changed': (d) => {
    const copy = Buffer.from(d);
    copy[Math.floor(copy.length / 2)] ^= 0x5a;
    return copy;
  },
};

const MANIFEST_DAMAGES: Record<string, Damage> = {
  'truncated to half': TRUNCATE,
  emptied: EMPTY,
  'a checksum digit changed': (d) => {
    const text = d.toString('utf8');
    const at = text.indexOf('"sha256": "') + '"sha256": "'.length;
    const digit = text[at] === '0' ? '1' : '0';
    return Buffer.from(text.slice(0, at) + digit + text.slice(at + 1));
  },
  'valid JSON of the wrong shape': () => Buffer.from('{"formatVersion": 1, "parts": []}'),
};

const temp = tempBase('corrupt');
const root = path.join(temp.base, 'tree');
const pristineCache = path.join(temp.base, 'pristine');
const cache = path.join(temp.base, 'damaged');
let pristineChunks: string[] = [];

before(async () => {
  writeTree(root, TREE_FILES);
  json(runCli(['index', root, '--cache-dir', pristineCache, '--json']));
  pristineChunks = (await listChunks(pristineCache)).chunks;
});
after(() => temp.dispose());

function restorePristine(): string {
  rmSync(cache, { recursive: true, force: true });
  cpSync(pristineCache, cache, { recursive: true });
  return indexDirOf(cache);
}

async function assertDetectedAndRebuilt(what: string): Promise<void> {
  const stats = runCli(['stats', '--root', root, '--cache-dir', cache, '--json']);
  assert.equal(stats.status, 0, `${what}: stats runs: ${stats.stderr}`);
  const parsed = JSON.parse(stats.stdout) as Stats;
  assert.match(parsed.note ?? '', DAMAGE_NOTE, `${what}: stats notes the damage`);
  assert.equal(parsed.indexed, false);
  assert.match(stats.stderr, DAMAGE_NOTE, `${what}: the CLI says so`);
  if (what === FIRST_CASE) {
    const text = runCli(['stats', '--root', root, '--cache-dir', cache]);
    assert.match(text.stdout, /^Note\s+index (is damaged|could not be loaded)/m, `${what}: plain stats shows the note`);
  }

  const index = runCli(['index', root, '--cache-dir', cache, '--json']);
  assert.equal(index.status, 0, `${what}: the next index rebuilds: ${index.stderr}`);
  const rebuilt = json<Stats>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
  assert.equal(rebuilt.note, undefined, `${what}: no note after the rebuild`);
  const listing = await listChunks(cache);
  assert.deepEqual(listing.problems, []);
  assert.deepEqual(listing.chunks, pristineChunks, `${what}: the rebuilt index equals the undamaged one`);
}

test('a damaged manifest is detected, reported and rebuilt', async () => {
  for (const [name, damage] of Object.entries(MANIFEST_DAMAGES)) {
    const dir = restorePristine();
    const file = path.join(dir, MANIFEST_NAME);
    writeFileSync(file, damage(readFileSync(file)));
    await assertDetectedAndRebuilt(`manifest ${name}`);
  }
});

test('each damaged or missing part file is detected, reported and rebuilt', async () => {
  const parts = readdirSync(indexDirOf(pristineCache)).filter((f) => /^[A-Za-z0-9_-]+\.\d+$/.test(f));
  assert.deepEqual(parts.map((p) => p.split('.')[0]).sort(), ['catalog', 'lexical', 'vectors']);
  for (const part of parts) {
    for (const [name, damage] of Object.entries(PART_DAMAGES)) {
      const file = path.join(restorePristine(), part);
      writeFileSync(file, damage(readFileSync(file)));
      await assertDetectedAndRebuilt(`${part} ${name}`);
    }
    rmSync(path.join(restorePristine(), part));
    await assertDetectedAndRebuilt(`${part} missing`);
  }
});

test('searching a damaged index still answers (the CLI rebuilds it first)', () => {
  const dir = restorePristine();
  const part = readdirSync(dir).find((f) => f.startsWith('lexical.'))!;
  writeFileSync(path.join(dir, part), 'not an index');
  const search = runCli(['search', 'invoice payment total', '--root', root, '--cache-dir', cache, '--json']);
  assert.equal(search.status, 0, search.stderr);
  assert.ok((JSON.parse(search.stdout) as unknown[]).length > 0);
  assert.match(search.stderr, DAMAGE_NOTE);
});

test('a lock file left unreadable by a writer killed while creating it does not block the next writer for long', () => {
  const dir = restorePristine();
  const lock = path.join(dir, LOCK_FILE_NAME);
  for (const content of ['', '{"pid": 1', 'garbage']) {
    writeFileSync(lock, content);
    // Its writer died a few seconds ago: created the file, never filled it in.
    const fewSecondsAgo = new Date(Date.now() - 10_000);
    utimesSync(lock, fewSecondsAgo, fewSecondsAgo);
    const index = runCli(['index', root, '--cache-dir', cache, '--json']);
    assert.equal(index.status, 0, `lock ${JSON.stringify(content)}: ${index.stderr}`);
  }
});
