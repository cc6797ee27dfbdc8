import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatResults, lineTargets, parseResults, type ResultsDocument } from '../../src/extension/results/format';

const doc: ResultsDocument = {
  query: 'parse config',
  mode: 'search',
  entries: [
    { root: '/w/one', path: 'src/config.ts', startLine: 12, endLine: 14, kind: 'function', name: 'parseConfig', container: ['Config'], score: 0.8312, snippet: 'function parseConfig(t) {\n  return 1;\n}' },
    { root: '/w/one', path: 'src/config.ts', startLine: 30, endLine: 31, kind: 'block', name: '', container: [], score: 0.2, snippet: 'x = 1\n' },
    { root: '/w/one', path: 'README.md', startLine: 1, endLine: 1, kind: 'section', name: 'Config (file): a: b', container: [], score: 0.1, snippet: '# Config' },
    { root: '/w/two', path: 'a b/c.py', startLine: 5, endLine: 5, kind: 'method', name: 'run', container: ['A', 'B'], score: -1.5e-7, snippet: '    def run(self):  score 3' },
  ],
};

test('format -> parse round trip is lossless', () => {
  const text = formatResults(doc);
  assert.deepEqual(parseResults(text), doc);
  assert.equal(formatResults(parseResults(text)), text);
});

test('the document is readable and folds per file', () => {
  const text = formatResults(doc);
  assert.match(text, /^# Quarry results\n# Query: parse config\n# Mode: search\n\n# Root: \/w\/one\n\nsrc\/config\.ts:\n {2}12-14 function parseConfig \(in Config\) {2}score 0\.8312\n {4}12 {2}function parseConfig/);
  assert.match(text, /\n\na b\/c\.py:\n/);
});

test('empty results parse back', () => {
  const empty: ResultsDocument = { query: 'q\nz', mode: 'similar', entries: [] };
  assert.deepEqual(parseResults(formatResults(empty)), { query: 'q z', mode: 'similar', entries: [] });
});

test('lineTargets point file headers, entries and source lines at their files', () => {
  const text = formatResults(doc);
  const lines = text.split('\n');
  const targets = lineTargets(text);
  const entry = targets.find((t) => t.role === 'entry')!;
  assert.equal(lines[entry.line].slice(entry.start, entry.end), '12-14');
  assert.deepEqual([entry.root, entry.path, entry.startLine, entry.endLine], ['/w/one', 'src/config.ts', 12, 14]);
  const source = targets.filter((t) => t.role === 'source' && t.path === 'src/config.ts');
  assert.deepEqual(source.map((t) => t.startLine), [12, 13, 14, 30, 31]);
  const file = targets.find((t) => t.role === 'file' && t.root === '/w/two')!;
  assert.equal(lines[file.line].slice(file.start, file.end), 'a b/c.py');
});
