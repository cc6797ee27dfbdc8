import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SearchResult } from '../../src/core/types';
import { escapeHtml, highlight, matchRanges, queryWords } from '../../src/extension/views/escape';
import { groupByFile, matchedNames, renderExplanation, renderResults, whyText } from '../../src/extension/views/render';

function result(over: Partial<SearchResult>): SearchResult {
  return {
    path: 'src/a.ts', start_line: 1, end_line: 3, kind: 'function', name: 'parseConfig', container: [],
    language: 'typescript', score: 0.5, snippet: 'function parseConfig() {}', scores: { lexical_raw: 2, dense_raw: 0.7 },
    root: '/r', ...over,
  };
}

test('escapeHtml escapes every markup character', () => {
  assert.equal(escapeHtml(`<img src=x onerror="a('b')">&`), '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
});

test('queryWords keeps identifiers and their parts, longest first', () => {
  assert.deepEqual(queryWords('parseConfig x'), ['parseconfig', 'config', 'parse']);
  assert.deepEqual(queryWords('read_file'), ['read_file', 'read', 'file']);
});

test('matchRanges merges overlapping matches', () => {
  assert.deepEqual(matchRanges('parseConfig', ['parseconfig', 'config']), [[0, 11]]);
  assert.deepEqual(matchRanges('a foo b foo', ['foo']), [[2, 5], [8, 11]]);
});

test('highlight escapes code and marks query words, never inside entities', () => {
  assert.equal(highlight('if (a < b) parse(a)', 'parse'), 'if (a &lt; b) <mark>parse</mark>(a)');
  assert.equal(highlight('<lt>', 'lt'), '&lt;<mark>lt</mark>&gt;');
  assert.equal(highlight('<script>alert(1)</script>', 'amp'), '&lt;script&gt;alert(1)&lt;/script&gt;');
});

test('groupByFile groups per root and path in rank order', () => {
  const groups = groupByFile([
    result({ path: 'b.ts', start_line: 1 }), result({ path: 'a.ts' }), result({ path: 'b.ts', start_line: 9 }),
    result({ path: 'b.ts', root: '/other' }),
  ]);
  assert.deepEqual(groups.map((g) => [g.root, g.path, g.results.length]), [['/r', 'b.ts', 2], ['/r', 'a.ts', 1], ['/other', 'b.ts', 1]]);
});

test('whyText lists channel scores and matched names', () => {
  const text = whyText(result({ container: ['Loader'] }), 'config loader');
  assert.match(text, /score 0\.5/);
  assert.match(text, /lexical 2/);
  assert.match(text, /semantic 0\.7/);
  assert.match(text, /matched names: parseConfig, Loader/);
  assert.deepEqual(matchedNames(result({}), 'nothing'), []);
});

test('renderResults follows the DOM contract and escapes indexed text', () => {
  const html = renderResults([result({ path: 'x/"><b>.ts', name: '<evil>', snippet: '<script>parse</script>' })], 'parse');
  assert.match(html, /<div class="quarry-file" data-root="\/r" data-path="x\/&quot;&gt;&lt;b&gt;\.ts">/);
  assert.match(html, /class="quarry-result"[^>]* data-path="x\/&quot;&gt;&lt;b&gt;\.ts" data-start-line="1" data-end-line="3"/);
  assert.match(html, /<span class="quarry-name">&lt;evil&gt;<\/span>/);
  assert.match(html, /<span class="quarry-kind">function<\/span><span class="quarry-line">1<\/span>/);
  assert.match(html, /<pre class="quarry-snippet"><code>&lt;script&gt;<mark>parse<\/mark>&lt;\/script&gt;<\/code><\/pre>/);
  assert.match(html, /<div class="quarry-why">score 0\.5/);
  assert.doesNotMatch(html, /<script|<evil|<b>/);
});

test('renderExplanation renders five sections with clickable entries', () => {
  const entry = { path: 'a.py', start_line: 4, end_line: 9, kind: 'function', name: 'load', container: [], doc: 'Loads <things>' };
  const html = renderExplanation('/r', { subject: entry, definitions: [], docs: [entry], similar: [], usages: [] }, {
    titles: { subject: 'Subject', definitions: 'Definitions', docs: 'Docs', similar: 'Similar', usages: 'Usages' },
    empty: 'Nothing',
  });
  for (const s of ['subject', 'definitions', 'docs', 'similar', 'usages']) assert.match(html, new RegExp(`class="quarry-section" data-section="${s}"`));
  assert.equal(html.match(/class="quarry-entry"/g)?.length, 2);
  assert.match(html, /data-root="\/r" data-path="a\.py" data-start-line="4"/);
  assert.match(html, /Loads &lt;things&gt;/);
});

test('webviewShell sets a strict nonce CSP and escapes its URIs', async () => {
  const { createNonce, webviewShell } = await import('../../src/extension/views/html');
  const nonce = createNonce();
  assert.notEqual(nonce, createNonce());
  assert.ok(nonce.length >= 24);
  const html = webviewShell({ cspSource: 'vscode-resource:', nonce, title: '<t>', styles: ['a.css?x="1"'], script: 's.js', body: '<div id="b"></div>' });
  assert.match(html, new RegExp(`content="default-src 'none'; style-src vscode-resource:; font-src vscode-resource:; img-src vscode-resource:; script-src 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'"`));
  assert.match(html, new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}" src="s.js"></script>`));
  assert.match(html, /href="a\.css\?x=&quot;1&quot;"/);
  assert.match(html, /<title>&lt;t&gt;<\/title>/);
  assert.doesNotMatch(html, /https?:/);
});

test('docSummary keeps the first paragraph as flowing text', async () => {
  const { docSummary } = await import('../../src/extension/views/render');
  assert.equal(docSummary('Dispatches the request and\n   on top of that handles errors.\n\n.. versionadded:: 0.7'), 'Dispatches the request and on top of that handles errors.');
  assert.equal(docSummary(''), '');
  assert.ok(docSummary('x'.repeat(1000)).length <= 240);
});
