import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { IndexLockedError, IndexStore } from '../../src/core/index/store';
import { LOCK_FILE_NAME } from '../../src/core/index/lock';

const REPO_ROOT = path.resolve(__dirname, '../..');
const HOLD_LOCK = path.join(REPO_ROOT, 'test/fixtures/store/holdLock.ts');
/** Older than the lock's stale period. */
const LONG_AGO = new Date(Date.now() - 3_600_000);

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-lock-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts a helper script and resolves once it printed `line`. */
async function startHelper(script: string, dir: string, line: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(line)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`helper exited (${code}) before printing "${line}"`)));
  });
  return child;
}

async function writeForeignLock(dir: string, owner: object, mtime?: Date): Promise<void> {
  const file = path.join(dir, LOCK_FILE_NAME);
  await fs.writeFile(file, JSON.stringify(owner));
  if (mtime) await fs.utimes(file, mtime, mtime);
}

test('a second writer is refused while the first holds the lock, and admitted after it closes', async (t) => {
  const dir = await tempDir(t);
  const first = await IndexStore.openForWrite(dir);
  await assert.rejects(IndexStore.openForWrite(dir), (error: unknown) => {
    assert.ok(error instanceof IndexLockedError);
    assert.match(error.message, new RegExp(`being written by another process \\(pid ${process.pid} `));
    return true;
  });
  await first.close();
  const second = await IndexStore.openForWrite(dir);
  await second.close();
});

test('a writer given waitMs gets the lock once the holder closes', async (t) => {
  const dir = await tempDir(t);
  const first = await IndexStore.openForWrite(dir);
  const waiting = IndexStore.openForWrite(dir, { waitMs: 60_000 });
  await first.commit({ a: Buffer.from('from first') }, {});
  await first.close();
  const second = await waiting;
  assert.equal((await second.readPart('a')).toString(), 'from first');
  await second.close();
});

test('readers take no lock', async (t) => {
  const dir = await tempDir(t);
  const writer = await IndexStore.openForWrite(dir);
  t.after(() => writer.close());
  await writer.commit({ a: Buffer.from('x') }, {});
  const reader = (await IndexStore.openForRead(dir))!;
  assert.equal((await reader.readPart('a')).toString(), 'x');
});

test('the lock of a killed process is taken over at once', async (t) => {
  const dir = await tempDir(t);
  const holder = await startHelper(HOLD_LOCK, dir, 'locked');
  await assert.rejects(IndexStore.openForWrite(dir), new RegExp(`pid ${holder.pid} `));
  const exited = once(holder, 'exit');
  holder.kill('SIGKILL');
  await exited;
  const store = await IndexStore.openForWrite(dir);
  await store.commit({ a: Buffer.from('after takeover') }, {});
  await store.close();
  assert.deepEqual(await fs.readdir(dir).then((names) => names.includes(LOCK_FILE_NAME)), false);
});

test('a lock from another machine is respected while fresh and taken over when stale', async (t) => {
  const dir = await tempDir(t);
  const foreign = { pid: 1, host: 'some-other-machine', token: 'abc' };
  await writeForeignLock(dir, foreign);
  await assert.rejects(IndexStore.openForWrite(dir), /pid 1 on some-other-machine/);
  await writeForeignLock(dir, foreign, LONG_AGO);
  const store = await IndexStore.openForWrite(dir);
  await store.close();
});

test('an unreadable lock file counts as held until it is stale', async (t) => {
  const dir = await tempDir(t);
  await fs.writeFile(path.join(dir, LOCK_FILE_NAME), '');
  await assert.rejects(IndexStore.openForWrite(dir), IndexLockedError);
  await fs.utimes(path.join(dir, LOCK_FILE_NAME), LONG_AGO, LONG_AGO);
  const store = await IndexStore.openForWrite(dir);
  await store.close();
});

test('a writer whose lock was taken over cannot commit', async (t) => {
  const dir = await tempDir(t);
  const store = await IndexStore.openForWrite(dir);
  t.after(() => store.close());
  await writeForeignLock(dir, { pid: 1, host: 'some-other-machine', token: 'usurper' });
  await assert.rejects(store.commit({ a: Buffer.from('x') }, {}), /taken over by another process/);
  assert.equal(await IndexStore.openForRead(dir), undefined);
});
