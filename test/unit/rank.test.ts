import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredChunk } from '../../src/core/index/chunkTable';
import { analyseQuery } from '../../src/core/search/queryAnalysis';
import {
  addFileContext, applyPriors, type Candidate, FILE_SATURATION, namesIdentifier, saturateFiles,
} from '../../src/core/search/rank';

let nextSlot = 0;
function chunk(path: string, name: string, kind: StoredChunk['kind'] = 'function', extra: Partial<StoredChunk> = {}): StoredChunk {
  return {
    path, language: 'typescript', kind, name, container: [], doc: '', startLine: 1, endLine: 10,
    extraNames: [], part: 0, isDoc: false, slot: nextSlot++, startByte: -1, ...extra,
  };
}
const candidate = (c: StoredChunk, score = 1): Candidate => ({ chunk: c, lexical: 0, coverage: 0, dense: 0, score, factors: {} });

test('a name spells an identifier whole or as its last qualified part, never as a bare suffix', () => {
  assert.ok(namesIdentifier('load', 'load'));
  assert.ok(namesIdentifier('M.load', 'load'));
  assert.ok(namesIdentifier('Foo::bar', 'bar'));
  assert.ok(namesIdentifier('Foo#bar', 'bar'));
  assert.ok(!namesIdentifier('StrVisitor', 'Visitor'));
  assert.ok(!namesIdentifier('download', 'load'));
});

test('case matters only when the query writes capitals', () => {
  assert.ok(namesIdentifier('Serialize', 'Serialize'));
  assert.ok(!namesIdentifier('serialize', 'Serialize'));
  assert.ok(namesIdentifier('Serialize', 'serialize'));
  assert.ok(namesIdentifier('serialize', 'serialize'));
});

test('a capitalised symbol query boosts the definition spelled that way, not same-named methods', () => {
  const trait = candidate(chunk('src/ser/mod.rs', 'Serialize', 'trait'));
  const method = candidate(chunk('src/ser/impls.rs', 'serialize', 'method'));
  const suffix = candidate(chunk('src/de/impls.rs', 'StrSerialize', 'struct'));
  applyPriors([trait, method, suffix], analyseQuery('Serialize'));
  assert.equal(trait.factors.definition, 2);
  assert.equal(method.factors.definition, undefined);
  assert.equal(suffix.factors.definition, undefined);

  const lower = [candidate(chunk('a.rs', 'Serialize', 'trait')), candidate(chunk('b.rs', 'serialize', 'method'))];
  applyPriors(lower, analyseQuery('serialize'));
  assert.deepEqual(lower.map((c) => c.factors.definition), [2, 2]);
});

test('code outside any symbol is not demoted for being a block', () => {
  const block = candidate(chunk('src/task/spawn.rs', '', 'block'));
  applyPriors([block], analyseQuery('spawn a task on the runtime'));
  assert.equal(block.factors.block, undefined);
});

test('a file where many chunks match outranks a lone chunk of the same score', () => {
  const lone = candidate(chunk('src/other.ts', 'lone'), 1);
  const central = [candidate(chunk('src/central.ts', 'a'), 1), ...['b', 'c', 'd'].map((n) => candidate(chunk('src/central.ts', n), 0.5))];
  addFileContext([lone, ...central]);
  assert.equal(lone.score, 1);
  assert.ok(central[0].score > lone.score);
});

test('further chunks of a file are damped so that other files get their turn', () => {
  const first = candidate(chunk('src/a.ts', 'first'), 1);
  const second = candidate(chunk('src/a.ts', 'second'), 0.9);
  const other = candidate(chunk('src/b.ts', 'other'), 0.5);
  const ranked = saturateFiles([second, other, first]);
  assert.deepEqual(ranked.map((c) => c.chunk.name), ['first', 'other', 'second']);
  assert.equal(second.factors['file-saturation'], FILE_SATURATION);
});

test('damping only the best few gives the same top results as damping every candidate', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const make = () => {
    seed = 7;
    return Array.from({ length: 300 }, (_, i) => candidate(chunk(`src/f${Math.floor(random() * 12)}.ts`, `c${i}`), Math.round(random() * 50) / 50));
  };
  for (const k of [1, 5, 10, 40]) {
    const whole = saturateFiles(make()).slice(0, k).map((c) => [c.chunk.name, c.score]);
    const best = saturateFiles(make(), k).map((c) => [c.chunk.name, c.score]);
    assert.deepEqual(best, whole);
  }
});
