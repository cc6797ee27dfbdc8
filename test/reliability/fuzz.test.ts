/**
 * Bad input is normal input: seeded random and mutated files in every supported language go
 * through discovery, content checks, parsing and chunking in-process, then through the real
 * `quarry index` (and a search and a find-similar over what it made). No crash, no hang (the
 * parser has a per-file deadline; the CLI runs under a generous overall timeout), every
 * input accounted for as indexed or skipped with a reason.
 * QUARRY_FUZZ_ROUNDS=N runs N inputs per (language, mutator) instead of 1; QUARRY_TEST_SEED picks the seed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { classifyContent, decodeText } from '../../src/core/discover/content';
import { discoverFiles } from '../../src/core/discover/walk';
import { chunkFile } from '../../src/core/parse/chunker';
import { SymbolParser } from '../../src/core/parse/symbols';
import { type FuzzInput, fuzzInputs, hugeLineInput, LANGUAGES, MUTATOR_NAMES } from './fuzzInputs';
import { json, runCli, seededRandom, type Stats, tempBase, testSeed } from './helpers';

const ROUNDS = Math.max(1, Number(process.env.QUARRY_FUZZ_ROUNDS) || 1);
/** Generous: a whole fuzz tree through the CLI. A hang would hit it; a normal run takes a small share. */
const CLI_TIMEOUT_MS = 300_000 * ROUNDS;
/** Large enough that the 50 MB line reaches the content checks instead of the size limit. */
const MAX_FILE_BYTES = String(64 * 1024 * 1024);

const seed = testSeed(424_242);
const temp = tempBase('fuzz');
after(() => temp.dispose());

const inputs: FuzzInput[] = [...fuzzInputs(seededRandom(seed), ROUNDS), hugeLineInput()];

test(`fuzz: ${inputs.length} hostile inputs through content checks, parsing and chunking (seed ${seed})`, async (t) => {
  const parser = await SymbolParser.create();
  // Grammar loading is not per-file work: load them all first, so that per-file times are parse times.
  assert.deepEqual([...(await parser.preload()).keys()], [], 'every grammar loads');
  const reasons: Record<string, number> = {};
  let slowest = { ms: 0, name: '' };
  let parsed = 0;
  for (const input of inputs) {
    const started = Date.now();
    const language = Object.entries(LANGUAGES).find(([, sample]) => path.extname(sample) === path.extname(input.name))![0];
    const reason = classifyContent(input.name, input.bytes);
    if (reason) reasons[reason] = (reasons[reason] ?? 0) + 1;
    // The parser and chunker must survive anything, also what the indexer would skip before them.
    const text = decodeText(input.bytes);
    const outcome = await parser.parse(text, language as never);
    const chunks = chunkFile(input.name, language as never, text, outcome.symbols);
    const lines = text.split('\n').length;
    for (const c of chunks) {
      assert.ok(c.startLine >= 1 && c.startLine <= c.endLine && c.endLine <= lines, `${input.name} (${input.kind}): chunk lines ${c.startLine}-${c.endLine} within 1-${lines}`);
    }
    if (outcome.error) {
      const why = `fallback: ${outcome.error.split(':')[0]}`;
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
    if (!reason) parsed++;
    const ms = Date.now() - started;
    if (ms > slowest.ms) slowest = { ms, name: `${input.name} (${input.kind})` };
  }
  t.diagnostic(`${inputs.length} inputs (${Object.keys(LANGUAGES).length} languages x ${MUTATOR_NAMES.length} mutators x ${ROUNDS} + the 50 MB line): ${parsed} would be indexed, all parsed and chunked; ${JSON.stringify(reasons)}; slowest ${slowest.ms} ms: ${slowest.name}`);
});

test(`fuzz: the same inputs through discovery and the real \`quarry index\`, search and similar (seed ${seed})`, async (t) => {
  const root = path.join(temp.base, 'tree');
  mkdirSync(root, { recursive: true });
  for (const input of inputs) writeFileSync(path.join(root, input.name), input.bytes);

  const discovery = await discoverFiles(root, { maxFileBytes: Number(MAX_FILE_BYTES) });
  assert.equal(discovery.files.length + discovery.skipped.length, inputs.length, 'discovery accounts for every input');

  const cache = path.join(temp.base, 'cache');
  const started = Date.now();
  const index = runCli(['index', root, '--cache-dir', cache, '--max-file-bytes', MAX_FILE_BYTES, '--json'], { timeoutMs: CLI_TIMEOUT_MS });
  assert.equal(index.signal, null, 'quarry index did not hang');
  assert.equal(index.status, 0, `quarry index did not crash: ${index.stderr.slice(-2000)}`);
  const summary = JSON.parse(index.stdout) as { files: number; chunks: number; skipped: Record<string, number>; parseFallbacks: number };
  const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
  const stats = json<Stats & { parseFallbacks: string[] }>(runCli(['stats', '--root', root, '--cache-dir', cache, '--json']));
  assert.equal(stats.files + skipped, inputs.length, 'every input is indexed or skipped with a reason');
  assert.deepEqual(stats.skipped, summary.skipped, 'skip reasons are recorded in the index');
  assert.equal(stats.note, undefined);

  for (const args of [['search', 'function class total'], ['search', '\uFFFD ( { [ \u202E'], ['similar', '--stdin']]) {
    const r = runCli([...args, '--root', root, '--cache-dir', cache, '--json'], { input: '(((((\n\uFFFD' });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  t.diagnostic(`quarry index: ${stats.files} files indexed, ${stats.chunks} chunks, skipped ${JSON.stringify(summary.skipped)}, ${stats.parseFallbacks.length} parser fallbacks, ${Date.now() - started} ms`);
});
