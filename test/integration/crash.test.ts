import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { spawn } from 'node:child_process';
import type { IndexSummary } from '../../src/core/indexer';
import { cliPath, json, runCli } from './helpers';

let base: string;
let root: string;

/** A tree of a few hundred real-looking source files, big enough that indexing takes a while. */
function writeTree(dir: string, files: number): void {
  const words = ['order', 'invoice', 'customer', 'payment', 'refund', 'ledger', 'account', 'report', 'audit', 'export'];
  for (let i = 0; i < files; i++) {
    const a = words[i % words.length];
    const b = words[(i * 7 + 3) % words.length];
    const folder = path.join(dir, `module${i % 12}`);
    mkdirSync(folder, { recursive: true });
    const fns = Array.from({ length: 6 }, (_, j) =>
      `/** Computes the ${a} ${b} total number ${j} for file ${i}. */\nexport function ${a}${b[0].toUpperCase()}${b.slice(1)}${j}_${i}(items: number[]): number {\n  let total = ${j};\n  for (const x of items) total += x * ${i % 7};\n  return total;\n}\n`);
    writeFileSync(path.join(folder, `${a}_${b}_${i}.ts`), fns.join('\n'));
  }
}

before(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'quarry-crash-'));
  root = path.join(base, 'tree');
  writeTree(root, 400);
});
after(() => rmSync(base, { recursive: true, force: true }));

function killDuringIndex(cache: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'index', root, '--cache-dir', cache, '--json'], {
      stdio: 'ignore',
      env: { ...process.env, QUARRY_CHECKPOINT_INTERVAL_MS: '30' },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('kill -9 at random moments of indexing: every restart loads and completes to the same index', async () => {
  const clean = json<IndexSummary>(runCli(['index', root, '--cache-dir', path.join(base, 'clean'), '--json']));
  const cache = path.join(base, 'crashy');
  const kills = 8;
  for (let i = 0; i < kills; i++) {
    await killDuringIndex(cache, 150 + Math.floor(Math.random() * 900));
    // Whatever moment the kill hit, the index loads.
    const stats = runCli(['stats', '--root', root, '--cache-dir', cache, '--json']);
    assert.equal(stats.status, 0, stats.stderr);
    assert.doesNotMatch(stats.stdout, /damaged|could not be loaded/);
  }
  const finished = json<IndexSummary>(runCli(['index', root, '--cache-dir', cache, '--json']));
  assert.equal(finished.files, clean.files);
  assert.equal(finished.chunks, clean.chunks, 'no lost or duplicated chunk');
  const q = ['search', 'invoice payment total', '--root', root, '--json', '-k', '20'];
  const a = json<{ path: string; start_line: number }[]>(runCli([...q, '--cache-dir', path.join(base, 'clean')]));
  const b = json<{ path: string; start_line: number }[]>(runCli([...q, '--cache-dir', cache]));
  assert.deepEqual(b.map((r) => `${r.path}:${r.start_line}`), a.map((r) => `${r.path}:${r.start_line}`));
});

test('a second writer on the same index is refused with a clear message', async () => {
  const cache = path.join(base, 'locked');
  const first = spawn(process.execPath, [cliPath, 'index', root, '--cache-dir', cache], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 400));
  const second = runCli(['index', root, '--cache-dir', cache]);
  first.kill('SIGKILL');
  if (second.status === 0) return; // the first finished before the second started: nothing to check
  assert.match(second.stderr, /lock|in use|another/i);
  assert.doesNotMatch(second.stderr, /\n\s+at /);
});
