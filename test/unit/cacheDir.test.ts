import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { defaultCacheRoot, indexDirFor } from '../../src/core/index/cacheDir';

test('QUARRY_CACHE_DIR wins over everything', () => {
  const env = { QUARRY_CACHE_DIR: '/data/quarry-cache', XDG_CACHE_HOME: '/xdg', HOME: '/home/ann' };
  assert.equal(defaultCacheRoot(env, 'linux'), '/data/quarry-cache');
  assert.equal(defaultCacheRoot({ QUARRY_CACHE_DIR: 'D:\\cache' }, 'win32'), 'D:\\cache');
});

test('XDG_CACHE_HOME is used when absolute, ignored when relative', () => {
  assert.equal(defaultCacheRoot({ XDG_CACHE_HOME: '/xdg', HOME: '/home/ann' }, 'linux'), '/xdg/quarry');
  assert.equal(defaultCacheRoot({ XDG_CACHE_HOME: 'relative', HOME: '/home/ann' }, 'linux'), '/home/ann/.cache/quarry');
});

test('platform defaults', () => {
  assert.equal(defaultCacheRoot({ HOME: '/home/ann' }, 'linux'), '/home/ann/.cache/quarry');
  assert.equal(defaultCacheRoot({ HOME: '/Users/ann' }, 'darwin'), '/Users/ann/Library/Caches/quarry');
  assert.equal(defaultCacheRoot({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32'), 'C:\\Users\\ann\\AppData\\Local\\quarry\\Cache');
  assert.equal(defaultCacheRoot({ USERPROFILE: 'C:\\Users\\ann' }, 'win32'), 'C:\\Users\\ann\\AppData\\Local\\quarry\\Cache');
});

test('empty variables count as unset', () => {
  assert.equal(defaultCacheRoot({ QUARRY_CACHE_DIR: '', XDG_CACHE_HOME: ' ', HOME: '/home/ann' }, 'linux'), '/home/ann/.cache/quarry');
});

test('index folders: named after the root, distinct per real path, same through a symlink', async (t) => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-cachedir-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  const first = path.join(base, 'a', 'my project');
  const second = path.join(base, 'b', 'my project');
  await fs.mkdir(first, { recursive: true });
  await fs.mkdir(second, { recursive: true });
  await fs.symlink(first, path.join(base, 'link'));
  const cacheRoot = path.join(base, 'cache');

  const firstDir = indexDirFor(first, cacheRoot);
  assert.match(path.basename(firstDir), /^my_project-[0-9a-f]{12}$/);
  assert.equal(path.dirname(firstDir), path.join(cacheRoot, 'indexes'));
  assert.notEqual(indexDirFor(second, cacheRoot), firstDir);
  assert.equal(indexDirFor(path.join(base, 'link'), cacheRoot), firstDir);
  assert.equal(indexDirFor(first + path.sep, cacheRoot), firstDir);
});

test('a root that does not exist yet, or the file system root, still gets a folder', () => {
  assert.match(path.basename(indexDirFor('/no/such/place', '/cache')), /^place-[0-9a-f]{12}$/);
  assert.match(path.basename(indexDirFor('/', '/cache')), /^root-[0-9a-f]{12}$/);
});
