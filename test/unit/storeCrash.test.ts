/**
 * Crash safety: a child process commits generations in a loop and is killed with SIGKILL at
 * random moments; after every kill the index must load as one complete, checksum-valid
 * generation, and the next writer must take over the dead one's lock.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../src/core/index/store';
import { partContent } from '../fixtures/store/commitLoop';

const REPO_ROOT = path.resolve(__dirname, '../..');
const COMMIT_LOOP = path.join(REPO_ROOT, 'test/fixtures/store/commitLoop.ts');
const KILLS = 20;
/** The kill lands this long (random, up to) after the child's first commit. */
const MAX_KILL_DELAY_MS = 400;

/** Runs the commit loop until it committed once, then kills it after a random delay. */
async function runAndKill(dir: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', COMMIT_LOOP, dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('committed')) resolve();
    });
    void exited.then(() => reject(new Error('commit loop exited before its first commit')));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_KILL_DELAY_MS));
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
}

async function assertCompleteGeneration(dir: string): Promise<number> {
  const store = await IndexStore.openForRead(dir);
  assert.ok(store, 'an index is loadable');
  const manifest = store.manifest()!;
  assert.deepEqual(Object.keys(manifest.parts).sort(), ['big', 'small', 'vectors']);
  for (const name of Object.keys(manifest.parts)) {
    const round = manifest.meta[name] as number;
    assert.deepEqual(await store.readPart(name), partContent(name, round), `part ${name} of generation ${manifest.generation}`);
  }
  return manifest.generation;
}

test(`SIGKILL at ${KILLS} random moments always leaves a complete generation`, async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-crash-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  let lastGeneration = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    await runAndKill(dir);
    const generation = await assertCompleteGeneration(dir);
    assert.ok(generation > lastGeneration, 'every run committed at least once');
    lastGeneration = generation;
  }
  // The next writer cleans up whatever the last kill left half written.
  const writer = await IndexStore.openForWrite(dir);
  await writer.close();
  const referenced = new Set(Object.values((await IndexStore.openForRead(dir))!.manifest()!.parts).map((p) => p.file));
  assert.deepEqual((await fs.readdir(dir)).filter((name) => !referenced.has(name)), ['manifest.json']);
});
