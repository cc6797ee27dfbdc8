import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownSections } from '../../src/core/parse/markdown';
import { fixture, parser } from './parse-support';

describe('parse: Markdown sections', () => {
  it('splits at ATX and setext headings, skipping fences, front matter and indented code', () => {
    const sections = markdownSections(fixture('sample.md'));
    assert.deepEqual(
      sections.map((s) => `${s.startLine}-${s.endLine} ${[...s.container, s.name].join(' > ')}`),
      [
        '1-5 ',
        '7-9 Quarry',
        '11-18 Quarry > Install',
        '20-22 Quarry > Install > From source',
        '24-31 Quarry > Usage',
        '33-36 Configuration',
        '38-40 Configuration > Deep',
      ],
    );
    for (const s of sections) {
      assert.equal(s.kind, 'section');
      assert.equal(s.language, 'markdown');
      assert.equal(s.docStartLine, s.startLine);
    }
    assert.equal(sections[3].signature, '### From source ###');
    assert.equal(sections[4].signature, 'Usage');
  });

  it('never lets sections overlap and covers every non-blank line', () => {
    const text = fixture('sample.md');
    const sections = markdownSections(text);
    for (let i = 1; i < sections.length; i++) assert.ok(sections[i].startLine > sections[i - 1].endLine);
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      assert.ok(sections.some((s) => s.startLine <= i + 1 && i + 1 <= s.endLine), `line ${i + 1} uncovered`);
    });
  });

  it('handles files without headings, empty files and unclosed fences', () => {
    assert.deepEqual(markdownSections(''), []);
    assert.deepEqual(markdownSections('\n\n'), []);
    const plain = markdownSections('just text\nmore text\n');
    assert.equal(plain.length, 1);
    assert.equal(plain[0].name, '');
    assert.equal(plain[0].endLine, 2);
    const unclosed = markdownSections('# Title\n```\n# inside\n');
    assert.deepEqual(unclosed.map((s) => s.name), ['Title']);
  });

  it('is what SymbolParser returns for markdown', async () => {
    const outcome = await (await parser()).parse(fixture('sample.md'), 'markdown');
    assert.equal(outcome.via, 'markdown');
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.symbols.length, 7);
  });
});
