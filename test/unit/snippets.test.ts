import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { lineRange, SnippetReader } from '../../src/core/search/snippets';

const bytes = (s: string) => Buffer.from(s, 'utf8');

test('lineRange takes 1-based inclusive lines, whatever the line ends', () => {
  const text = bytes('one\r\ntwo\nthree\r\nfour');
  assert.equal(lineRange(text, 1, 1), 'one');
  assert.equal(lineRange(text, 2, 3), 'two\nthree');
  assert.equal(lineRange(text, 3, 9), 'three\nfour');
  assert.equal(lineRange(text, 5, 6), '');
});

test('lineRange decodes multi-byte characters and keeps a trailing empty line', () => {
  const text = bytes('π = 3.14\n// naïve — ok\n');
  assert.equal(lineRange(text, 2, 2), '// naïve — ok');
  assert.equal(lineRange(text, 1, 3), 'π = 3.14\n// naïve — ok\n');
});

test('SnippetReader reads real files once per request and caps lines', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-snippets-'));
  try {
    await fs.mkdir(path.join(root, 'src'));
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
    await fs.writeFile(path.join(root, 'src', 'a.ts'), lines.join('\n'));
    const reader = new SnippetReader(root);
    assert.equal(reader.lines('src/a.ts', 10, 12), 'line 10\nline 11\nline 12');
    assert.equal(reader.lines('src/a.ts', 1, 100, 2), 'line 1\nline 2');
    assert.equal(reader.lines('src/missing.ts', 1, 3), '');
    // Read once: a later change on disk is not seen by the same request.
    await fs.writeFile(path.join(root, 'src', 'a.ts'), 'changed');
    assert.equal(reader.lines('src/a.ts', 1, 1), 'line 1');
    assert.equal(new SnippetReader(root).lines('src/a.ts', 1, 1), 'changed');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
