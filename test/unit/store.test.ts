import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  CorruptIndexError, IndexChangedError, IndexStore, IndexWriteError, KEEP, MANIFEST_NAME, STORE_FORMAT_VERSION,
} from '../../src/core/index/store';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-store-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function commitOnce(dir: string, parts: Record<string, Buffer | typeof KEEP>, meta = {}): Promise<void> {
  const store = await IndexStore.openForWrite(dir);
  try {
    await store.commit(parts, meta);
  } finally {
    await store.close();
  }
}

const partFiles = async (dir: string) => (await fs.readdir(dir)).filter((name) => /\.\d+$/.test(name)).sort();

async function assertCorrupt(dir: string, part: string | undefined, problem: RegExp): Promise<void> {
  await assert.rejects(async () => {
    const store = await IndexStore.openForRead(dir);
    await store!.readPart('a');
  }, (error: unknown) => {
    assert.ok(error instanceof CorruptIndexError, String(error));
    assert.equal(error.part, part);
    assert.match(error.message, problem);
    return true;
  });
}

test('no index yet: openForRead gives undefined, also for a missing folder', async (t) => {
  const dir = await tempDir(t);
  assert.equal(await IndexStore.openForRead(dir), undefined);
  assert.equal(await IndexStore.openForRead(path.join(dir, 'absent')), undefined);
});

test('committed parts read back unchanged, with meta and generation 1', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('alpha'), empty: Buffer.alloc(0) }, { model: 'm1' });
  const store = (await IndexStore.openForRead(dir))!;
  const manifest = store.manifest()!;
  assert.equal(manifest.formatVersion, STORE_FORMAT_VERSION);
  assert.equal(manifest.generation, 1);
  assert.deepEqual(manifest.meta, { model: 'm1' });
  assert.equal((await store.readPart('a')).toString(), 'alpha');
  assert.equal((await store.readPart('empty')).length, 0);
  assert.ok(store.hasPart('a') && !store.hasPart('b'));
});

test('each commit is a new generation; files of older generations are removed', async (t) => {
  const dir = await tempDir(t);
  const store = await IndexStore.openForWrite(dir);
  t.after(() => store.close());
  await store.commit({ a: Buffer.from('1'), b: Buffer.from('1') }, {});
  await store.commit({ a: Buffer.from('2'), b: Buffer.from('2') }, {});
  const third = await store.commit({ a: Buffer.from('3') }, {});
  assert.equal(third.generation, 3);
  assert.deepEqual(await partFiles(dir), ['a.3']);
  assert.equal((await (await IndexStore.openForRead(dir))!.readPart('a')).toString(), '3');
});

test('KEEP reuses the current file of a part unchanged', async (t) => {
  const dir = await tempDir(t);
  const store = await IndexStore.openForWrite(dir);
  t.after(() => store.close());
  await store.commit({ a: Buffer.from('a1'), b: Buffer.from('b1') }, {});
  const { mtimeMs } = await fs.stat(path.join(dir, 'b.1'));
  const second = await store.commit({ a: Buffer.from('a2'), b: KEEP }, {});
  assert.equal(second.parts.b.file, 'b.1');
  assert.deepEqual(await partFiles(dir), ['a.2', 'b.1']);
  assert.equal((await fs.stat(path.join(dir, 'b.1'))).mtimeMs, mtimeMs);
  const reader = (await IndexStore.openForRead(dir))!;
  assert.equal((await reader.readPart('b')).toString(), 'b1');
  await assert.rejects(store.commit({ c: KEEP }, {}), /cannot keep index part "c"/);
  assert.equal(store.manifest()!.generation, 2);
});

test('compressed parts are stored deflated and read back as given, pieces and all; KEEP keeps them so', async (t) => {
  const dir = await tempDir(t);
  const store = await IndexStore.openForWrite(dir);
  t.after(() => store.close());
  const text = Buffer.from('{"name":"parseConfig","kind":"function"},'.repeat(2000));
  const pieces = [Buffer.from('head:'), text, Buffer.alloc(0), Buffer.from(':tail')];
  const first = await store.commit({ a: pieces, raw: text }, {}, { compress: ['a'] });
  assert.equal(first.parts.a.encoding, 'deflate-raw');
  assert.equal(first.parts.raw.encoding, undefined);
  assert.ok((await fs.stat(path.join(dir, 'a.1'))).size < text.length / 10, 'repetitive text shrinks');
  assert.equal((await fs.stat(path.join(dir, 'raw.1'))).size, text.length);
  await store.commit({ a: KEEP, raw: text }, {}, { compress: [] });
  const reader = (await IndexStore.openForRead(dir))!;
  assert.equal(reader.manifest()!.parts.a.encoding, 'deflate-raw');
  assert.deepEqual(await reader.readPart('a'), Buffer.concat(pieces));
  assert.deepEqual(await reader.readPart('raw'), text);
});

test('corruption: a compressed part that does not inflate, an unknown encoding', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('x') });
  const manifestFile = path.join(dir, MANIFEST_NAME);
  const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
  manifest.parts.a.encoding = 'deflate-raw'; // 'x' is not a deflate stream
  await fs.writeFile(manifestFile, JSON.stringify(manifest));
  await assertCorrupt(dir, 'a', /does not inflate/);
  manifest.parts.a.encoding = 'zstd';
  await fs.writeFile(manifestFile, JSON.stringify(manifest));
  await assertCorrupt(dir, undefined, /entry for part "a" is malformed/);
});

test('part names that could escape the naming scheme are refused', async (t) => {
  const dir = await tempDir(t);
  const store = await IndexStore.openForWrite(dir);
  t.after(() => store.close());
  await assert.rejects(store.commit({ '../x': Buffer.from('x') }, {}), /invalid index part name/);
  await assert.rejects(store.commit({ 'a.1': Buffer.from('x') }, {}), /invalid index part name/);
});

test('a reader cannot commit', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('a') });
  const reader = (await IndexStore.openForRead(dir))!;
  await assert.rejects(reader.commit({ a: Buffer.from('b') }, {}), /opened for reading/);
});

test('a reader whose generation was replaced and deleted is told to open again', async (t) => {
  const dir = await tempDir(t);
  const writer = await IndexStore.openForWrite(dir);
  t.after(() => writer.close());
  await writer.commit({ a: Buffer.from('1') }, {});
  const reader = (await IndexStore.openForRead(dir))!;
  await writer.commit({ a: Buffer.from('2') }, {});
  await assert.rejects(reader.readPart('a'), IndexChangedError);
  assert.equal((await (await IndexStore.openForRead(dir))!.readPart('a')).toString(), '2');
});

test('corruption: a truncated part', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('some content') });
  await fs.truncate(path.join(dir, 'a.1'), 4);
  await assertCorrupt(dir, 'a', /has 4 bytes, the manifest says 12/);
});

test('corruption: one flipped byte', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('some content') });
  const file = path.join(dir, 'a.1');
  const bytes = await fs.readFile(file);
  bytes[5] ^= 0x01;
  await fs.writeFile(file, bytes);
  await assertCorrupt(dir, 'a', /fails its sha256 checksum/);
});

test('corruption: a deleted part file', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('some content') });
  await fs.rm(path.join(dir, 'a.1'));
  await assertCorrupt(dir, 'a', /a\.1 is missing/);
});

test('corruption: a garbage manifest', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('x') });
  await fs.writeFile(path.join(dir, MANIFEST_NAME), '{"formatVersion": 1, "gener');
  await assertCorrupt(dir, undefined, /not valid JSON/);
  await fs.writeFile(path.join(dir, MANIFEST_NAME), JSON.stringify({ formatVersion: 1, generation: 1 }));
  await assertCorrupt(dir, undefined, /lacks createdAt, meta or parts/);
});

test('corruption: another format version', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('x') });
  const manifestFile = path.join(dir, MANIFEST_NAME);
  const manifest = JSON.parse(await fs.readFile(manifestFile, 'utf8'));
  await fs.writeFile(manifestFile, JSON.stringify({ ...manifest, formatVersion: STORE_FORMAT_VERSION + 1 }));
  await assertCorrupt(dir, undefined, /format version 2; this Quarry reads version 1/);
});

test('a writer discards a corrupt manifest, starts past its generations and rebuilds', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('x') });
  await fs.writeFile(path.join(dir, MANIFEST_NAME), 'garbage');
  const store = await IndexStore.openForWrite(dir);
  t.after(() => store.close());
  assert.ok(store.discardedManifest instanceof CorruptIndexError);
  assert.equal(store.manifest(), undefined);
  assert.equal((await store.commit({ a: Buffer.from('y') }, {})).generation, 2);
  assert.equal((await (await IndexStore.openForRead(dir))!.readPart('a')).toString(), 'y');
});

test('leftovers of a crashed commit are removed by the next writer; other files are left alone', async (t) => {
  const dir = await tempDir(t);
  await commitOnce(dir, { a: Buffer.from('x') });
  await fs.writeFile(path.join(dir, 'a.2'), 'half written');
  await fs.writeFile(path.join(dir, 'manifest.json.tmp'), '{');
  await fs.writeFile(path.join(dir, 'notes.txt'), 'not ours');
  const store = await IndexStore.openForWrite(dir);
  await store.close();
  assert.deepEqual((await fs.readdir(dir)).sort(), ['a.1', 'manifest.json', 'notes.txt']);
});

/** A 1 MiB tmpfs; undefined where mounting is not permitted (not root, no CAP_SYS_ADMIN, not Linux). */
async function smallTmpfs(t: { after: (fn: () => Promise<void>) => void }): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-store-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    await fs.rmdir(dir);
    return undefined;
  }
  t.after(async () => {
    execFileSync('umount', [dir], { stdio: 'ignore' });
    await fs.rmdir(dir);
  });
  return dir;
}

test('disk full: the commit fails clearly, the previous generation stays, partial files go', async (t) => {
  const dir = await smallTmpfs(t);
  if (!dir) return t.skip('cannot mount a tmpfs here (needs root on Linux)');
  const store = await IndexStore.openForWrite(dir);
  try {
    await store.commit({ a: Buffer.alloc(100_000, 1), b: Buffer.alloc(100_000, 2) }, { n: 1 });
    const tooBig = store.commit({ a: Buffer.alloc(300_000, 3), b: Buffer.alloc(2_000_000, 4) }, { n: 2 });
    await assert.rejects(tooBig, (error: unknown) => {
      assert.ok(error instanceof IndexWriteError);
      assert.equal(error.code, 'ENOSPC');
      assert.match(error.message, /^disk full while writing index part "b"/);
      return true;
    });
    assert.equal(store.manifest()!.generation, 1);
    assert.deepEqual(await partFiles(dir), ['a.1', 'b.1']);
    const reader = (await IndexStore.openForRead(dir))!;
    assert.deepEqual(reader.manifest()!.meta, { n: 1 });
    assert.deepEqual(await reader.readPart('b'), Buffer.alloc(100_000, 2));
    const next = await store.commit({ a: Buffer.alloc(10, 5), b: KEEP }, { n: 3 });
    assert.equal(next.generation, 2);
  } finally {
    await store.close();
  }
});
