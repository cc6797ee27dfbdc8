import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { lineStartBytes } from '../../src/core/prepare/lineOffsets';
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

test('lineStartBytes gives the UTF-8 offset of each line start, as the snippet reader counts lines', () => {
  const text = 'π = 3.14\r\n// naïve — ok\n😀 emoji\n\nlast';
  const buffer = bytes(text);
  const offsets = lineStartBytes(text, [5, 1, 3, 2, 4, 6, 0]);
  assert.deepEqual(offsets.slice(5), [-1, -1]);
  for (const [i, line] of [5, 1, 3, 2, 4].entries()) assert.equal(lineRange(buffer.subarray(offsets[i]), 1, 1), lineRange(buffer, line, line));
  assert.equal(lineStartBytes('a\n', [2])[0], 2); // the empty line after a final newline starts at the end
});

test('SnippetReader.chunkLines reads a chunk from its byte offset, and counts lines when the offset no longer fits', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-snippets-'));
  try {
    // Long lines: the chunk goes on past the first window read from its offset.
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i + 1} ${'é'.repeat(40)}`);
    const text = lines.join('\r\n');
    await fs.writeFile(path.join(root, 'a.txt'), text);
    const [at100] = lineStartBytes(text, [100]);
    const chunk = { path: 'a.txt', startLine: 100, endLine: 399, startByte: at100 };
    const whole = lines.slice(99, 399).join('\n');
    assert.equal(new SnippetReader(root).chunkLines(chunk), whole);
    assert.equal(new SnippetReader(root).chunkLines(chunk, 2), lines.slice(99, 101).join('\n'));
    assert.equal(new SnippetReader(root).chunkLines({ ...chunk, startByte: -1 }), whole);
    assert.equal(new SnippetReader(root).chunkLines({ ...chunk, startLine: 1, endLine: 1, startByte: 0 }), lines[0]);
    assert.equal(new SnippetReader(root).chunkLines({ ...chunk, startLine: 400, endLine: 400, startByte: lineStartBytes(text, [400])[0] }), lines[399]);
    // Lines inserted above the chunk since it was indexed: its offset is mid-line now, so lines are counted.
    await fs.writeFile(path.join(root, 'a.txt'), `new first line\n${text}`);
    assert.equal(new SnippetReader(root).chunkLines({ ...chunk, endLine: 100 }), lines[98]);
    assert.equal(new SnippetReader(root).chunkLines({ ...chunk, path: 'missing.txt' }), '');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
