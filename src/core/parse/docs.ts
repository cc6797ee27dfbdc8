/**
 * Doc comments and docstrings: finds the documentation that belongs to a definition
 * and strips the comment markers.
 */
import type { Node } from 'web-tree-sitter';
import type { DocStyle, LanguageRules } from './languages';

/** Doc comments longer than this are cut: the index needs the gist, not a manual. */
export const MAX_DOC_CHARS = 2000;
/** How many comment nodes above a definition are examined at most. */
const MAX_DOC_COMMENTS = 200;

export interface FoundDoc {
  text: string;
  /** 0-based row of the first doc line above the definition, if any. */
  startRow?: number;
}

export function isComment(node: Node): boolean {
  return node.type.includes('comment') || node.type === 'haddock';
}

/** Strips one comment's markers, or returns undefined when its form is not a doc form. */
export function stripComment(text: string, styles: readonly DocStyle[]): string | undefined {
  const t = text.trim();
  if (t.startsWith('/*')) {
    const isJsdoc = t.startsWith('/**') && !t.startsWith('/**/');
    if (!(isJsdoc ? styles.includes('jsdoc') || styles.includes('block') : styles.includes('block'))) return undefined;
    return t.replace(/^\/\*+!?/, '').replace(/\*+\/$/, '').split('\n')
      .map((l) => l.replace(/^\s*\*(?!\/) ?/, '').trimEnd()).join('\n').trim();
  }
  if (t.startsWith('{-')) {
    // Haskell block doc: {- | ... -}
    if (!styles.includes('haddock') || !/^\{-\s*\|/.test(t)) return undefined;
    return dedent(t.replace(/^\{-\s*\|\s?/, '').replace(/-\}$/, ''));
  }
  if (/^--\[=*\[/.test(t)) {
    // Lua block comment: --[[ ... ]]
    if (!styles.includes('dashes')) return undefined;
    return dedent(t.replace(/^--\[=*\[/, '').replace(/\]=*\]$/, ''));
  }
  return stripLineComment(t, styles);
}

/** C# XML doc tags that only wrap the text. */
const XML_DOC_WRAPPERS = /<\/?(summary|remarks|para)>/g;

const LINE_FORMS: [DocStyle, RegExp][] = [
  ['slash3', /^\/\/[/!] ?/],
  ['slash2', /^\/\/+!? ?/],
  ['hash', /^#+ ?/],
  ['haddock', /^-- ?[|^] ?|^-- ?/],
  ['dashes', /^-{2,} ?/],
];

function stripLineComment(t: string, styles: readonly DocStyle[]): string | undefined {
  const lines = t.split('\n').map((l) => l.trim());
  for (const [style, marker] of LINE_FORMS) {
    if (!styles.includes(style) || !marker.test(lines[0])) continue;
    if (style === 'haddock' && !/^-- ?[|^]/.test(lines[0])) return undefined;
    if (style === 'hash' && lines[0].startsWith('#!')) return undefined; // a shebang
    const text = lines.map((l) => l.replace(marker, '').trimEnd()).join('\n');
    return style === 'slash3' ? text.replace(XML_DOC_WRAPPERS, '') : text;
  }
  return undefined;
}

/**
 * The doc comment directly above `outer` (no blank line between), skipping attribute
 * siblings such as Rust `#[derive]`. Returns the doc and the row where it starts.
 */
export function docAbove(outer: Node, rules: LanguageRules): FoundDoc {
  const parts: string[] = [];
  let expectedRow = outer.startPosition.row;
  let startRow: number | undefined;
  let node = firstDocCandidate(outer, rules);
  for (let i = 0; node && i < MAX_DOC_COMMENTS; i++, node = node.previousNamedSibling) {
    if (lastRow(node) < expectedRow - 1) break;
    if (rules.attributeTypes.has(node.type)) {
      expectedRow = node.startPosition.row;
      continue;
    }
    if (!isComment(node) || sharesRowWithCode(node)) break;
    const stripped = stripComment(node.text, rules.docStyles);
    if (stripped === undefined) break;
    parts.unshift(stripped);
    startRow = node.startPosition.row;
    expectedRow = startRow;
  }
  const text = cap(parts.join('\n').trim());
  return text ? { text, startRow } : { text: '' };
}

/**
 * The node just above a definition. Some grammars put that comment inside the
 * previous node (Kotlin's import list), or before the list the definition opens.
 */
function firstDocCandidate(outer: Node, rules: LanguageRules): Node | null {
  let node = outer.previousNamedSibling;
  if (!rules.docsInPreviousNode) return node;
  const parent = outer.parent;
  if (!node && parent && parent.firstNamedChild?.id === outer.id) node = parent.previousNamedSibling;
  if (node && !isComment(node)) node = trailingComment(node) ?? node;
  return node;
}

/** A comment that ends a node (a few levels down). */
function trailingComment(node: Node): Node | undefined {
  let last = node.lastNamedChild;
  for (let depth = 0; last && depth < 3; depth++, last = last.lastNamedChild) {
    if (isComment(last)) return last;
  }
  return undefined;
}

/** A trailing comment (`x = 1 // note`) documents the code on its left, not the next line. */
function sharesRowWithCode(comment: Node): boolean {
  const before = comment.previousSibling;
  return before !== null && !isComment(before) && lastRow(before) === comment.startPosition.row;
}

/** The last row a node really occupies (some grammars end line comments at the next row's column 0). */
export function lastRow(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** Python: the first statement of the body, when it is a string literal. */
export function pythonDocstring(definition: Node): string {
  const body = definition.childForFieldName('body');
  const first = body?.firstNamedChild;
  if (!first || first.type !== 'expression_statement') return '';
  const literal = first.firstNamedChild;
  if (!literal || literal.type !== 'string') return '';
  return cap(dedent(stripQuotes(literal.text)));
}

/** Elixir: `@doc` before a def (with the row it starts on), or `@moduledoc` first in a module. */
export function elixirDoc(definition: Node, isModule: boolean): FoundDoc {
  if (isModule) {
    const block = definition.namedChildren.find((c) => c?.type === 'do_block');
    const first = block?.firstNamedChild;
    return { text: (first && elixirAttributeDoc(first, 'moduledoc')) ?? '' };
  }
  let node = definition.previousNamedSibling;
  for (let i = 0; node && i < MAX_DOC_COMMENTS; i++, node = node.previousNamedSibling) {
    if (isComment(node)) continue;
    const doc = elixirAttributeDoc(node, 'doc');
    if (doc !== undefined) return doc ? { text: doc, startRow: node.startPosition.row } : { text: '' };
    if (!isElixirAttribute(node)) break;
  }
  return { text: '' };
}

function isElixirAttribute(node: Node): boolean {
  return node.type === 'unary_operator' && node.text.startsWith('@');
}

function elixirAttributeDoc(node: Node, attribute: string): string | undefined {
  if (!isElixirAttribute(node)) return undefined;
  const call = node.firstNamedChild;
  if (call?.type !== 'call' || call.childForFieldName('target')?.text !== attribute) return undefined;
  const value = call.namedChildren.find((c) => c?.type === 'arguments')?.firstNamedChild;
  if (!value || value.type !== 'string') return '';
  return cap(dedent(stripQuotes(value.text)));
}

function stripQuotes(literal: string): string {
  return literal
    .replace(/^[rRuUbBfF]*("""|'''|"|')/, '')
    .replace(/("""|'''|"|')$/, '');
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.slice(1).filter((l) => l.trim()).map((l) => l.match(/^\s*/)![0].length);
  const common = indents.length ? indents.reduce((a, b) => Math.min(a, b)) : 0;
  return lines.map((l, i) => (i === 0 ? l : l.slice(common))).join('\n').trim();
}

function cap(text: string): string {
  return text.length > MAX_DOC_CHARS ? text.slice(0, MAX_DOC_CHARS) : text;
}
