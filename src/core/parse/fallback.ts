/**
 * The structural line-based chunker for text without a grammar (and for files tree-sitter
 * could not handle). Paragraphs end at blank lines and where indented text dedents to
 * column 0 (other than a closing `}` or `end`). A block starts at a paragraph whose first
 * line sits at column 0; indented paragraphs stay with the block above them.
 * Blocks longer than a window are cut at paragraph boundaries where possible, else at
 * the window size. Ranges are exact and cover every non-blank line; none overlap.
 */
import type { CodeSymbol, LanguageId } from '../types';

/** No fallback block is longer than this many lines. */
export const FALLBACK_WINDOW_LINES = 60;

interface Range {
  start: number; // 0-based, inclusive
  end: number;   // 0-based, inclusive
}

export function fallbackBlocks(source: string, language: LanguageId): CodeSymbol[] {
  const lines = source.split(/\r?\n/);
  const blocks: Range[][] = [];
  for (const paragraph of paragraphs(lines)) {
    const startsAtColumnZero = !/^\s/.test(lines[paragraph.start]);
    const current = blocks[blocks.length - 1];
    if (current && !startsAtColumnZero) current.push(paragraph);
    else blocks.push([paragraph]);
  }
  return blocks.flatMap(windows).map((range) => toBlock(range, language));
}

/** Lines at column 0 that close the block above rather than open one. */
const CLOSER = /^([\]})]|(end|fi|done|esac)\b)/;

/** Runs of non-blank lines, also cut where the text dedents to column 0. */
function paragraphs(lines: string[]): Range[] {
  const result: Range[] = [];
  let start = -1;
  for (let i = 0; i <= lines.length; i++) {
    const blank = i === lines.length || lines[i].trim() === '';
    if (start >= 0 && (blank || dedentsToColumnZero(lines, i))) {
      result.push({ start, end: i - 1 });
      start = -1;
    }
    if (!blank && start < 0) start = i;
  }
  return result;
}

function dedentsToColumnZero(lines: string[], i: number): boolean {
  return i > 0 && /^\s/.test(lines[i - 1]) && /^\S/.test(lines[i]) && !CLOSER.test(lines[i]);
}

/** Splits a block of paragraphs into windows of at most FALLBACK_WINDOW_LINES lines. */
function windows(block: Range[]): Range[] {
  const result: Range[] = [];
  let current: Range | undefined;
  for (const paragraph of block) {
    for (const piece of hardSplit(paragraph)) {
      if (current && piece.end - current.start < FALLBACK_WINDOW_LINES) current.end = piece.end;
      else {
        current = { ...piece };
        result.push(current);
      }
    }
  }
  return result;
}

function hardSplit(paragraph: Range): Range[] {
  const pieces: Range[] = [];
  for (let start = paragraph.start; start <= paragraph.end; start += FALLBACK_WINDOW_LINES) {
    pieces.push({ start, end: Math.min(paragraph.end, start + FALLBACK_WINDOW_LINES - 1) });
  }
  return pieces;
}

function toBlock(range: Range, language: LanguageId): CodeSymbol {
  return {
    kind: 'block',
    name: '',
    container: [],
    signature: '',
    doc: '',
    startLine: range.start + 1,
    endLine: range.end + 1,
    docStartLine: range.start + 1,
    language,
  };
}
