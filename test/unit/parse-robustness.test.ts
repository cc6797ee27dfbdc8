import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GRAMMAR_STEMS } from '../../src/core/parse/grammars';
import { MAX_LINE_CHARS, MAX_PARSE_CHARS, PARSE_BASE_MS, PARSE_TIMEOUT_MS, SymbolParser, parseBudgetMs, type ParseOutcome } from '../../src/core/parse/symbols';
import type { LanguageId } from '../../src/core/types';
import { parser } from './parse-support';

const GRAMMAR_LANGUAGES = Object.keys(GRAMMAR_STEMS) as LanguageId[];

/** Deterministic pseudo-random bytes (a linear congruential generator). */
function garbageBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function assertSane(outcome: ParseOutcome, source: string): void {
  const lineCount = source.split('\n').length;
  for (const symbol of outcome.symbols) {
    assert.ok(symbol.startLine >= 1 && symbol.startLine <= symbol.endLine, JSON.stringify(symbol));
    assert.ok(symbol.endLine <= lineCount);
    assert.ok(symbol.docStartLine <= symbol.startLine);
  }
}

describe('parse: robustness', () => {
  it('loads every grammar and query', async () => {
    const symbolParser = await parser();
    assert.deepEqual(await symbolParser.preload(), new Map());
    for (const language of GRAMMAR_LANGUAGES) {
      const outcome = await symbolParser.parse('', language);
      assert.equal(outcome.error, undefined, `${language}: ${outcome.error}`);
      assert.equal(outcome.via, 'tree-sitter');
    }
    assert.deepEqual(symbolParser.failedLanguages(), new Map());
    assert.equal(symbolParser.loadedLanguages().length, GRAMMAR_LANGUAGES.length);
    assert.match(symbolParser.grammarVersion(), /^tree-sitter:[0-9a-f]{12}\/extractor:\d+$/);
  });

  it('loads grammars correctly when first parses of many languages run concurrently', async () => {
    const fresh = await SymbolParser.create();
    const sources: [LanguageId, string][] = [
      ['python', 'def a():\n    pass\n'], ['rust', 'fn a() {}\n'], ['go', 'package p\nfunc a() {}\n'],
      ['java', 'interface a {}\n'], ['ruby', 'def a\nend\n'], ['lua', 'function a() end\n'],
      ['cpp', 'void a() {}\n'], ['zig', 'fn a() void {}\n'], ['tsx', 'function a() {}\n'],
    ];
    const outcomes = await Promise.all(sources.map(([language, source]) => fresh.parse(source, language)));
    outcomes.forEach((outcome, i) => {
      assert.equal(outcome.error, undefined, `${sources[i][0]}: ${outcome.error}`);
      assert.deepEqual(outcome.symbols.map((s) => s.name), ['a'], sources[i][0]);
    });
  });

  it('survives garbage bytes, replacement characters and NULs in every language', async () => {
    const symbolParser = await parser();
    const garbage = garbageBytes(8_000, 7).toString('utf8') + '\0\0\uFFFD\n'.repeat(50);
    for (const language of [...GRAMMAR_LANGUAGES, 'markdown', 'text'] as LanguageId[]) {
      const outcome = await symbolParser.parse(garbage, language);
      assert.ok(Array.isArray(outcome.symbols), language);
      assertSane(outcome, garbage);
    }
  });

  it('survives 10,000-deep nesting', async () => {
    const symbolParser = await parser();
    const cases: [LanguageId, string][] = [
      ['javascript', `const x = ${'['.repeat(10_000)}${']'.repeat(10_000)};\nfunction after() {}\n`],
      ['python', `x = ${'('.repeat(10_000)}${')'.repeat(10_000)}\ndef after():\n    pass\n`],
      ['c', `int f(void) ${'{'.repeat(10_000)}${'}'.repeat(10_000)}\n`],
      ['rust', `${'mod m {\n'.repeat(2_000)}${'}\n'.repeat(2_000)}`],
      ['ruby', `${'['.repeat(10_000)}\n`],
    ];
    for (const [language, source] of cases) {
      const outcome = await symbolParser.parse(source, language);
      assertSane(outcome, source);
      if (outcome.via === 'tree-sitter' && language === 'javascript') {
        assert.ok(outcome.symbols.some((s) => s.name === 'after'));
      }
    }
  });

  it('sends a 50 MB single line and a source over the size cap to the fallback', async () => {
    const symbolParser = await parser();
    const hugeLine = 'a'.repeat(50 * 1024 * 1024);
    const huge = await symbolParser.parse(hugeLine, 'javascript');
    assert.equal(huge.via, 'fallback');
    assert.match(huge.error ?? '', /too/);
    assert.deepEqual(huge.symbols.map((s) => [s.startLine, s.endLine]), [[1, 1]]);

    const longLine = `function f() {}\nconst s = "${'x'.repeat(MAX_LINE_CHARS + 1)}";\n`;
    assert.equal((await symbolParser.parse(longLine, 'typescript')).error, 'line too long to parse');

    const large = 'def f():\n    return 1\n\n'.repeat(Math.ceil(MAX_PARSE_CHARS / 22) + 1);
    const outcome = await symbolParser.parse(large, 'python');
    assert.equal(outcome.error, 'too large to parse');
    assert.equal(outcome.via, 'fallback');
  });

  it('falls back with "parse timeout" when the budget is spent', async () => {
    const impatient = await SymbolParser.create({ parseTimeoutMs: -1 });
    const source = 'function f(a) {\n  return a + 1;\n}\n'.repeat(2_000);
    const outcome = await impatient.parse(source, 'javascript');
    assert.equal(outcome.via, 'fallback');
    assert.equal(outcome.error, 'parse timeout');
    assert.ok(outcome.symbols.length > 0);
  });

  it('gives a file a parse budget that grows with its size, up to the timeout', () => {
    assert.equal(parseBudgetMs(0), PARSE_BASE_MS);
    assert.ok(parseBudgetMs(100 * 1024) > parseBudgetMs(10 * 1024));
    assert.equal(parseBudgetMs(MAX_PARSE_CHARS), PARSE_TIMEOUT_MS);
    assert.equal(parseBudgetMs(100 * 1024, -1), -1);
  });

  it('handles CRLF line endings and a missing final newline', async () => {
    const symbolParser = await parser();
    const source = 'def a():\r\n    return 1\r\n\r\ndef b():\r\n    return 2';
    const outcome = await symbolParser.parse(source, 'python');
    assert.deepEqual(outcome.symbols.map((s) => [s.name, s.startLine, s.endLine]), [['a', 1, 2], ['b', 4, 5]]);
  });
});
