/**
 * Markdown sections: one symbol per heading (ATX `#` and setext `===`/`---`), running to
 * the line before the next heading of any level, so sections never overlap; the
 * container lists the parent headings. Headings inside fenced code and YAML front
 * matter are ignored. Text before the first heading becomes a section named ''.
 */
import type { CodeSymbol } from '../types';

/** Heading signatures are cut to this many characters. */
const MAX_HEADING_CHARS = 200;

interface Heading {
  level: number;
  text: string;
  /** The heading as written (without a setext underline). */
  signature: string;
  /** 0-based first and last line of the heading itself. */
  start: number;
  end: number;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function markdownSections(source: string): CodeSymbol[] {
  const lines = source.split(/\r?\n/);
  const headings = findHeadings(lines);
  const symbols: CodeSymbol[] = [];
  const firstHeading = headings.length ? headings[0].start : lines.length;
  const preamble = trimBlank(lines, 0, firstHeading - 1);
  if (preamble) symbols.push(section('', [], '', preamble.start, preamble.end));
  const parents: Heading[] = [];
  headings.forEach((heading, i) => {
    while (parents.length && parents[parents.length - 1].level >= heading.level) parents.pop();
    const next = i + 1 < headings.length ? headings[i + 1].start : lines.length;
    const end = trimBlank(lines, heading.start, next - 1)?.end ?? heading.end;
    const signature = heading.signature.slice(0, MAX_HEADING_CHARS);
    symbols.push(section(heading.text, parents.map((p) => p.text), signature, heading.start, end));
    parents.push(heading);
  });
  return symbols;
}

function findHeadings(lines: string[]): Heading[] {
  const headings: Heading[] = [];
  let fence: string | undefined;
  let paragraphStart = -1;
  for (let i = frontMatterEnd(lines); i < lines.length; i++) {
    const line = lines[i];
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      paragraphStart = -1;
      continue;
    }
    const heading = atxHeading(line, i) ?? setextHeading(lines, line, i, paragraphStart);
    if (heading) {
      headings.push(heading);
      paragraphStart = -1;
    } else if (line.trim() === '' || /^( {4}|\t)/.test(line) && paragraphStart < 0) {
      paragraphStart = -1;
    } else if (paragraphStart < 0) {
      paragraphStart = i;
    }
  }
  return headings;
}

function atxHeading(line: string, row: number): Heading | undefined {
  const match = ATX.exec(line);
  if (!match) return undefined;
  const text = (match[2] ?? '').replace(/(^|[ \t]+)#+$/, '').trim();
  return { level: match[1].length, text, signature: line.trim(), start: row, end: row };
}

function setextHeading(lines: string[], line: string, row: number, paragraphStart: number): Heading | undefined {
  if (paragraphStart < 0 || !SETEXT.test(line)) return undefined;
  const text = lines.slice(paragraphStart, row).map((l) => l.trim()).join(' ');
  return { level: line.trim()[0] === '=' ? 1 : 2, text, signature: text, start: paragraphStart, end: row };
}

/** YAML front matter (`---` on the first line up to the closing `---` or `...`). */
function frontMatterEnd(lines: string[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '---' || lines[i].trim() === '...') return i + 1;
  }
  return 0;
}

function trimBlank(lines: string[], start: number, end: number): { start: number; end: number } | undefined {
  while (start <= end && lines[start].trim() === '') start++;
  while (end >= start && lines[end].trim() === '') end--;
  return start <= end ? { start, end } : undefined;
}

function section(name: string, container: string[], signature: string, start: number, end: number): CodeSymbol {
  return {
    kind: 'section',
    name,
    container,
    signature,
    doc: '',
    startLine: start + 1,
    endLine: end + 1,
    docStartLine: start + 1,
    language: 'markdown',
  };
}
