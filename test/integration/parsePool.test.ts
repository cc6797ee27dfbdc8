import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { POOL_MIN_BYTES } from '../../src/core/indexer';
import { repoRoot } from './helpers';

/** Enough real files (the parse fixtures of every language, copied) for the indexer to start its pool. */
const COPIES = 32;
const base = mkdtempSync(path.join(os.tmpdir(), 'quarry-pool-'));
after(() => rmSync(base, { recursive: true, force: true }));
for (let i = 0; i < COPIES; i++) {
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'parse'), path.join(base, 'repo', `copy-${i}`), { recursive: true });
}

function fixtureBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

async function indexWith(parseWorkers: number) {
  const engine = await Engine.open(path.join(base, 'repo'), { cacheRoot: path.join(base, `cache-${parseWorkers}`), model: 'none', parseWorkers });
  try {
    const summary = await engine.index();
    const hits: Record<string, string[]> = {};
    for (const query of ['parse config', 'HttpClient', 'error handling', 'render template', 'struct Point']) {
      hits[query] = (await engine.search(query, { k: 10 })).map((r) => `${r.path}:${r.start_line}-${r.end_line} ${r.kind} ${r.name}`);
    }
    const { files, chunks, languages } = engine.stats();
    return { summary, observed: { changedFiles: summary.changedFiles, parseFallbacks: summary.parseFallbacks, files, chunks, languages, hits } };
  } finally {
    await engine.close();
  }
}

test('parsing on worker threads indexes exactly what the main thread does', async () => {
  const inline = await indexWith(0);
  const bytes = fixtureBytes(path.join(base, 'repo'));
  assert.ok(bytes >= POOL_MIN_BYTES, `only ${bytes} bytes: the pool would not start`);
  assert.equal(inline.summary.parsedOnWorkers, 0);
  const pooled = await indexWith(2);
  assert.equal(pooled.summary.parsedOnWorkers, pooled.summary.changedFiles);
  assert.deepEqual(pooled.observed, inline.observed);
});
