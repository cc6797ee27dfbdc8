import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSafeRelativePath, isViewMessage, parseFilters } from '../../src/extension/views/messages';

const filters = { languages: '', include: '', exclude: '', kind: 'all' };

test('isViewMessage accepts the contract', () => {
  assert.ok(isViewMessage({ type: 'ready' }));
  assert.ok(isViewMessage({ type: 'openInEditor' }));
  assert.ok(isViewMessage({ type: 'search', query: 'x', filters }));
  assert.ok(isViewMessage({ type: 'open', preview: false, location: { root: '/r', path: 'a/b.ts', startLine: 1, endLine: 2 } }));
});

test('isViewMessage rejects anything else', () => {
  for (const bad of [
    null, 'ready', [], { type: 'eval' }, { type: 'search', query: 1, filters },
    { type: 'search', query: 'x', filters: { ...filters, kind: 'all; rm' } },
    { type: 'search', query: 'x'.repeat(5000), filters },
    { type: 'open', preview: false, location: { root: '/r', path: '../etc/passwd', startLine: 1, endLine: 1 } },
    { type: 'open', preview: false, location: { root: '/r', path: 'a.ts', startLine: 0, endLine: 1 } },
    { type: 'open', preview: false, location: { root: '/r', path: 'a.ts', startLine: 3, endLine: 1 } },
    { type: 'open', preview: 'no', location: { root: '/r', path: 'a.ts', startLine: 1, endLine: 1 } },
    { type: 'open', preview: false, location: { root: '', path: 'a.ts', startLine: 1, endLine: 1 } },
  ]) assert.equal(isViewMessage(bad), false, JSON.stringify(bad)?.slice(0, 80));
});

test('isSafeRelativePath keeps paths inside the root', () => {
  assert.ok(isSafeRelativePath('src/a..b.ts'));
  for (const bad of ['', '/etc/passwd', 'a/../../x', 'C:/x', 'a\\b', 'a\0b']) assert.equal(isSafeRelativePath(bad), false, bad);
});

test('parseFilters turns the filter boxes into engine filters', () => {
  assert.deepEqual(parseFilters(filters as never), {});
  assert.deepEqual(parseFilters({ languages: 'TS, py ,klingon,python', include: 'src/**, lib/**', exclude: '**/test/**', kind: 'code' }), {
    languages: ['typescript', 'python'], include: ['src/**', 'lib/**'], exclude: ['**/test/**'], kind: 'code',
  });
});
