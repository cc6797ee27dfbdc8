import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkFile, MAX_CHUNK_LINES } from '../../src/core/parse/chunker';
import type { CodeSymbol, SymbolKind } from '../../src/core/types';

function sym(kind: SymbolKind, name: string, startLine: number, endLine: number, container: string[] = [], docStartLine = startLine): CodeSymbol {
  return { kind, name, container, signature: `${kind} ${name}`, doc: '', startLine, endLine, docStartLine, language: 'typescript' };
}

const lines = (n: number, fill = (i: number) => `  statement${i};`) => Array.from({ length: n }, (_, i) => fill(i + 1));

test('a class with members gets a header chunk, member chunks and no overlaps', () => {
  const text = [
    "import { x } from 'y';",          // 1
    '',                                // 2
    '/** A widget. */',                // 3
    'class Widget {',                  // 4
    '  size = 3;',                     // 5
    '  /** Draws it. */',              // 6
    '  draw() {',                      // 7
    ...lines(8),                       // 8-15
    '  }',                             // 16
    '  resize() {',                    // 17
    ...lines(6),                       // 18-23
    '  }',                             // 24
    '}',                               // 25
    'main();',                         // 26
  ].join('\n');
  const chunks = chunkFile('src/w.ts', 'typescript', text, [
    sym('class', 'Widget', 4, 25, [], 3),
    sym('method', 'draw', 7, 16, ['Widget'], 6),
    sym('method', 'resize', 17, 24, ['Widget']),
  ]);
  const summary = chunks.map((c) => [c.kind, c.name, c.startLine, c.endLine]);
  assert.deepEqual(summary, [
    ['block', '', 1, 1],
    ['class', 'Widget', 3, 5],
    ['method', 'draw', 6, 16],
    ['method', 'resize', 17, 24],
    ['block', '', 26, 26],
  ]);
  assert.deepEqual(chunks[1].extraNames, ['draw', 'resize']);
  assert.deepEqual(chunks[2].container, ['Widget']);
  assert.equal(chunks[2].body.split('\n')[0], '  /** Draws it. */');
});

test('a long function is split into windows that cover it exactly, each keeping the signature', () => {
  const n = MAX_CHUNK_LINES * 2 + 17;
  const text = ['function big() {', ...lines(n - 2), '}'].join('\n');
  const chunks = chunkFile('big.js', 'javascript', text, [sym('function', 'big', 1, n)]);
  assert.ok(chunks.length >= 3);
  assert.equal(chunks[0].startLine, 1);
  assert.equal(chunks[chunks.length - 1].endLine, n);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i].startLine, chunks[i - 1].endLine + 1);
  assert.ok(chunks.every((c) => c.signature === 'function big' && c.name === 'big'));
  assert.deepEqual(chunks.map((c) => c.part), chunks.map((_, i) => i + 1));
});

test('tiny neighbours in one container merge into one chunk', () => {
  const text = ['const A = 1;', 'const B = 2;', 'const C = 3;', '', 'function f() {', ...lines(5), '}'].join('\n');
  const chunks = chunkFile('c.ts', 'typescript', text, [
    sym('constant', 'A', 1, 1), sym('constant', 'B', 2, 2), sym('constant', 'C', 3, 3), sym('function', 'f', 5, 11),
  ]);
  assert.deepEqual(chunks.map((c) => [c.name, c.startLine, c.endLine, c.extraNames]), [
    ['A', 1, 3, ['B', 'C']],
    ['f', 5, 11, []],
  ]);
});

test('markdown sections are documentation chunks', () => {
  const text = '# Title\nintro\n## Usage\nrun it\n';
  const chunks = chunkFile('README.md', 'markdown', text, [
    { ...sym('section', 'Title', 1, 2), language: 'markdown' },
    { ...sym('section', 'Usage', 3, 4, ['Title']), language: 'markdown' },
  ]);
  assert.ok(chunks.every((c) => c.isDoc));
  assert.deepEqual(chunks.map((c) => [c.name, c.startLine, c.endLine]), [['Title', 1, 2], ['Usage', 3, 4]]);
});
