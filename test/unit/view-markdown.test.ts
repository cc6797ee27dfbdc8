import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeMarkdown, fence, resultMarkdown } from '../../src/extension/assist/markdown';

test('escapeMarkdown neutralises markup in indexed names', () => {
  assert.equal(escapeMarkdown('[x](javascript:y) *a* <b>'), '\\[x\\]\\(javascript:y\\) \\*a\\* \\<b\\>');
});

test('fence is longer than any backtick run in the code', () => {
  assert.equal(fence('a ``` b', 'ts'), '````ts\na ``` b\n````');
  assert.equal(fence('plain'), '```\nplain\n```');
});

test('resultMarkdown names the place and fences the snippet', () => {
  const md = resultMarkdown({
    path: 'src/a_b.ts', start_line: 3, end_line: 4, kind: 'function', name: 'run', container: ['A'], language: 'typescript',
    score: 1, snippet: 'function run() {}', scores: {}, root: '/r',
  }, 0);
  assert.equal(md, '1. **A\\.run** (function) — src/a\\_b\\.ts:3\\-4\n\n```typescript\nfunction run() {}\n```\n');
});
