import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FALLBACK_WINDOW_LINES, fallbackBlocks } from '../../src/core/parse/fallback';
import { fixture, parser } from './parse-support';

function ranges(text: string): string[] {
  return fallbackBlocks(text, 'text').map((b) => `${b.startLine}-${b.endLine}`);
}

describe('parse: fallback blocks', () => {
  it('splits at blank lines and dedents to column 0, keeping indented text with its block', () => {
    assert.deepEqual(ranges(fixture('sample.txt')), ['1-1', '3-7', '8-9', '11-11']);
  });

  it('keeps a closing brace with the block it closes', () => {
    assert.deepEqual(ranges('int main() {\n    return 0;\n}\nint x;\n\nint y;\n'), ['1-4', '6-6']);
  });

  it('cuts long blocks into windows that cover every non-blank line exactly once', () => {
    const lines = Array.from({ length: 150 }, (_, i) => (i % 25 === 24 ? '' : `line ${i}`));
    const blocks = fallbackBlocks(lines.join('\n'), 'text');
    const covered = new Set<number>();
    for (const b of blocks) {
      assert.equal(b.kind, 'block');
      assert.ok(b.endLine - b.startLine + 1 <= FALLBACK_WINDOW_LINES);
      assert.notEqual(lines[b.startLine - 1], '');
      assert.notEqual(lines[b.endLine - 1], '');
      for (let l = b.startLine; l <= b.endLine; l++) {
        assert.ok(!covered.has(l));
        covered.add(l);
      }
    }
    lines.forEach((line, i) => assert.equal(covered.has(i + 1), line !== ''));
  });

  it('splits a paragraph longer than a window', () => {
    const text = Array.from({ length: 130 }, (_, i) => `x${i}`).join('\n');
    assert.deepEqual(ranges(text), ['1-60', '61-120', '121-130']);
  });

  it('yields nothing for blank input', () => {
    assert.deepEqual(ranges(''), []);
    assert.deepEqual(ranges('\n  \n\t\n'), []);
  });

  it('is what SymbolParser returns for text, without an error', async () => {
    const outcome = await (await parser()).parse(fixture('sample.txt'), 'text');
    assert.equal(outcome.via, 'fallback');
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.symbols.length, 4);
  });
});
