import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tokenize } from '../../src/core/index/tokenize';

const fixtures = path.join(__dirname, '..', 'fixtures');

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|py|go|rs|rb|java|c|cc|h|js|md|kt|swift|zig|hs|lua|ex|php|scala|sh|cs)$/.test(entry.name)) yield full;
  }
}

test('identifiers are kept whole and split into stemmed parts', () => {
  assert.deepEqual(tokenize('parseHTTPResponse2 user_id'), ['parsehttpresponse2', 'pars', 'http', 'respons', 'user_id', 'user', 'id']);
});

test('memoised word tokens are the same as tokens computed afresh, on real source files', () => {
  let files = 0;
  for (const file of sourceFiles(fixtures)) {
    const text = readFileSync(file, 'utf8');
    // A skipWord that skips nothing takes the uncached path.
    assert.deepEqual(tokenize(text), tokenize(text, [], () => false), file);
    assert.deepEqual(tokenize(text), tokenize(text), file); // second time from the cache
    files++;
  }
  assert.ok(files >= 20, `${files} files`);
});
