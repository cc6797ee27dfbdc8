/**
 * Turns a file's symbols into chunks, the unit that is indexed and returned:
 * - one chunk per leaf symbol (its doc comment included in the range);
 * - a symbol with members gets a header chunk (its lines before the first member, plus an
 *   outline of member names) and its members become chunks of their own;
 * - large symbols are split into windows, each carrying the same signature;
 * - tiny neighbours in one container merge; code between symbols becomes blocks.
 * Line ranges are exact, 1-based and inclusive, and never overlap.
 */
import type { Chunk, CodeSymbol, LanguageId } from '../types';

/** A symbol longer than this is split into windows. */
export const MAX_CHUNK_LINES = 100;
/** Target size of the windows of a split symbol or a long gap. */
export const WINDOW_LINES = 60;
/** Chunks shorter than this merge with tiny neighbours in the same container... */
export const TINY_CHUNK_LINES = 4;
/** ...as long as the merged chunk stays under this. */
export const MERGED_CHUNK_MAX_LINES = 24;
/** Bump when chunk boundaries or texts change: indexes record it and rebuild on a mismatch. */
export const CHUNKER_VERSION = 1;

const DOC_EXTENSIONS = /\.(md|markdown|mdx|rst|adoc|txt)$/i;

interface SymbolNode {
  symbol: CodeSymbol;
  children: SymbolNode[];
}

interface Draft {
  start: number;
  end: number;
  symbol?: CodeSymbol;
  kind: Chunk['kind'];
  name: string;
  container: string[];
  extraNames: string[];
}

export function chunkFile(relPath: string, language: LanguageId, text: string, symbols: CodeSymbol[]): Chunk[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const drafts: Draft[] = [];
  collect(buildTree(symbols), 1, lines.length, [], lines, drafts);
  const merged = mergeTinyNeighbours(drafts, lines);
  const isDoc = language === 'markdown' || DOC_EXTENSIONS.test(relPath);
  return merged.flatMap((d) => split(d, lines)).map((d) => toChunk(d, relPath, language, lines, isDoc));
}

/** Nests symbols by line containment. */
function buildTree(symbols: CodeSymbol[]): SymbolNode[] {
  const sorted = [...symbols].sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  const roots: SymbolNode[] = [];
  const stack: SymbolNode[] = [];
  for (const symbol of sorted) {
    const node = { symbol, children: [] };
    while (stack.length && stack[stack.length - 1].symbol.endLine < symbol.startLine) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent && symbol.endLine <= parent.symbol.endLine) parent.children.push(node);
    else {
      while (stack.length) stack.pop();
      roots.push(node);
    }
    stack.push(node);
  }
  return roots;
}

/** Emits drafts for the nodes within [from, to], and blocks for the gaps between them. */
function collect(nodes: SymbolNode[], from: number, to: number, container: string[], lines: string[], out: Draft[]): void {
  let cursor = from;
  for (const node of nodes) {
    const s = node.symbol;
    if (s.startLine < cursor) continue; // overlaps what is already emitted
    const start = s.docStartLine >= cursor && s.docStartLine <= s.startLine ? s.docStartLine : s.startLine;
    gapBlocks(cursor, start - 1, container, lines, out);
    const end = Math.min(s.endLine, to);
    if (node.children.length === 0) {
      out.push(draftOf(s, start, end));
    } else {
      emitContainer(node, start, end, lines, out);
    }
    cursor = end + 1;
  }
  gapBlocks(cursor, to, container, lines, out);
}

function emitContainer(node: SymbolNode, start: number, end: number, lines: string[], out: Draft[]): void {
  const s = node.symbol;
  const firstChild = node.children[0].symbol;
  const firstChildStart = Math.min(firstChild.docStartLine, firstChild.startLine);
  const headerEnd = Math.max(start, Math.min(firstChildStart - 1, end));
  const header = draftOf(s, start, headerEnd);
  header.extraNames = node.children.map((c) => c.symbol.name).filter(Boolean);
  out.push(header);
  collect(node.children, headerEnd + 1, end, [...s.container, s.name], lines, out);
}

function draftOf(s: CodeSymbol, start: number, end: number): Draft {
  return { start, end, symbol: s, kind: s.kind, name: s.name, container: s.container, extraNames: [] };
}

/** Code between symbols: split at blank lines into blocks; blank or brace-only lines are dropped. */
function gapBlocks(from: number, to: number, container: string[], lines: string[], out: Draft[]): void {
  let start = -1;
  let last = -1;
  const flush = () => {
    if (start > 0) out.push({ start, end: last, kind: 'block', name: '', container, extraNames: [] });
    start = -1;
  };
  for (let line = from; line <= to; line++) {
    const content = lines[line - 1] ?? '';
    if (isTrivial(content)) {
      if (start > 0 && line - last > 1 && last - start + 1 >= WINDOW_LINES / 2) flush();
      continue;
    }
    if (start < 0) start = line;
    last = line;
    if (last - start + 1 >= WINDOW_LINES) flush();
  }
  flush();
}

function isTrivial(line: string): boolean {
  return /^[\s{}()[\];,]*$/.test(line);
}

function lineCount(d: Draft): number {
  return d.end - d.start + 1;
}

/** Merges runs of tiny chunks that share a container (one-line constants, getters, imports). */
function mergeTinyNeighbours(drafts: Draft[], lines: string[]): Draft[] {
  const out: (Draft & { merged?: boolean })[] = [];
  for (const d of drafts) {
    const prev = out[out.length - 1];
    const canMerge =
      prev !== undefined && isTinyLeaf(d) && (isTinyLeaf(prev) || prev.merged === true) &&
      sameContainer(prev.container, d.container) && onlyBlankBetween(prev.end, d.start, lines) &&
      d.end - prev.start + 1 <= MERGED_CHUNK_MAX_LINES;
    if (!canMerge) {
      out.push({ ...d, extraNames: [...d.extraNames] });
      continue;
    }
    if (prev.kind === 'block' && d.kind !== 'block') {
      prev.kind = d.kind;
      prev.name = d.name;
      prev.symbol = d.symbol;
    } else if (d.name) prev.extraNames.push(d.name);
    prev.end = d.end;
    prev.merged = true;
  }
  return out;
}

/** A short chunk that is not the header of a symbol with members. */
function isTinyLeaf(d: Draft): boolean {
  const isHeader = d.symbol !== undefined && d.end < d.symbol.endLine;
  return !isHeader && lineCount(d) < TINY_CHUNK_LINES;
}

function sameContainer(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function onlyBlankBetween(end: number, start: number, lines: string[]): boolean {
  for (let line = end + 1; line < start; line++) if (lines[line - 1].trim() !== '') return false;
  return true;
}

/** Splits a long draft into windows, preferring to cut at blank lines. */
function split(d: Draft, lines: string[]): (Draft & { part: number })[] {
  if (lineCount(d) <= MAX_CHUNK_LINES) return [{ ...d, part: 0 }];
  const parts: (Draft & { part: number })[] = [];
  let start = d.start;
  while (start <= d.end) {
    let end = Math.min(d.end, start + WINDOW_LINES - 1);
    if (d.end - end < WINDOW_LINES / 3) end = d.end; // no tiny tail window
    else end = nearestBlankBefore(end, start + WINDOW_LINES / 2, lines);
    parts.push({ ...d, start, end, part: parts.length + 1 });
    start = end + 1;
  }
  return parts;
}

function nearestBlankBefore(end: number, floor: number, lines: string[]): number {
  for (let line = end; line > floor; line--) if (lines[line - 1].trim() === '') return line;
  return end;
}

function toChunk(d: Draft & { part: number }, path: string, language: LanguageId, lines: string[], isDoc: boolean): Chunk {
  const s = d.symbol;
  return {
    path,
    language,
    kind: d.kind,
    // The text above a document's first heading is named after the document.
    name: d.kind === 'section' && !d.name ? path.slice(path.lastIndexOf('/') + 1) : d.name,
    container: d.container,
    signature: s?.signature ?? '',
    doc: d.part <= 1 ? s?.doc ?? '' : '',
    startLine: d.start,
    endLine: d.end,
    body: lines.slice(d.start - 1, d.end).join('\n'),
    extraNames: d.extraNames,
    part: d.part,
    isDoc,
  };
}
