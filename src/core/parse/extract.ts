/**
 * Turns the matches of a symbol query into CodeSymbols: names, kinds, containers (by
 * nesting of definitions, or an explicit receiver), line ranges, signatures and docs.
 * The capture convention is described in symbols.ts.
 */
import type { Node, Query, QueryMatch, Tree } from 'web-tree-sitter';
import type { CodeSymbol, LanguageId, SymbolKind } from '../types';
import { docAbove, elixirDoc, isComment, lastRow, pythonDocstring, type FoundDoc } from './docs';
import { METHOD_CONTAINERS, type LanguageRules } from './languages';

/** Signatures are cut to this many characters. */
export const MAX_SIGNATURE_CHARS = 200;
/** Names longer than this are cut (generated code can have absurd identifiers). */
const MAX_NAME_CHARS = 200;
/** How deep below a definition its body may sit (`const f = () => {...}`: two levels). */
const MAX_BODY_DEPTH = 2;
/** Budget for running a query over one tree. */
const QUERY_TIMEOUT_MICROS = 2_000_000;

const SYMBOL_KINDS: ReadonlySet<string> = new Set<SymbolKind>([
  'function', 'method', 'constructor', 'class', 'interface', 'trait', 'type', 'enum',
  'struct', 'union', 'module', 'namespace', 'impl', 'constant', 'variable', 'property',
  'field', 'macro', 'test',
]);

/** Kinds whose value is not a body: their signature is their first line. */
const ONE_LINE_SIGNATURES: ReadonlySet<SymbolKind> = new Set<SymbolKind>(['constant', 'variable', 'field', 'property']);

/** `@definition.skip` marks nodes that later patterns would wrongly take (imports). */
const SKIP = 'skip';

interface Definition {
  node: Node;
  /** The node whose range and leading comments the symbol takes (a wrapper or the node);
   * found once the definition is known to be kept. */
  outer: Node;
  name: string;
  kind: SymbolKind;
  pattern: number;
  /** Containers named in the definition itself: a Go receiver, C++ `Foo::bar`. */
  receiver: string[];
}

/** Thrown when extraction runs past its deadline (pathological trees). */
export class ExtractTimeout extends Error {
  constructor() {
    super('symbol extraction timeout');
  }
}

/** How many definitions are processed between deadline checks. */
const DEADLINE_CHECK_EVERY = 128;

export function extractSymbols(
  tree: Tree, query: Query, source: string, language: LanguageId, rules: LanguageRules, deadline = Infinity,
): CodeSymbol[] {
  const matches = runQuery(query, tree);
  const byNode = collectDefinitions(matches);
  const ordered = [...byNode.values()].sort(
    (a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex,
  );
  const containers = new Map<number, string[]>();
  const symbols: CodeSymbol[] = [];
  const open: Definition[] = []; // enclosing definitions, by range containment
  ordered.forEach((def, i) => {
    if (i % DEADLINE_CHECK_EVERY === 0 && Date.now() > deadline) throw new ExtractTimeout();
    while (open.length && open[open.length - 1].node.endIndex < def.node.endIndex) open.pop();
    const parent = open[open.length - 1];
    if (parent && isSameSymbol(parent, def)) {
      containers.set(def.node.id, containers.get(parent.node.id) ?? []);
      return;
    }
    open.push(def);
    if (rules.ignoredReceivers) def.receiver = def.receiver.filter((r) => !rules.ignoredReceivers!.has(r));
    const chain = parent ? [...(containers.get(parent.node.id) ?? []), parent.name] : [];
    const container = [...chain, ...def.receiver];
    containers.set(def.node.id, container);
    def.outer = outerNode(def.node, rules);
    const isDefinition = (node: Node) => byNode.has(node.id);
    symbols.push(toSymbol(def, adjustKind(def, parent, rules), container, { source, language, rules, isDefinition }));
  });
  return rules.mergeEquations ? mergeEquations(symbols) : symbols;
}

/** Runs the symbol query; a query that halts on its time budget returns nothing. */
function runQuery(query: Query, tree: Tree): QueryMatch[] {
  const started = Date.now();
  const matches = query.matches(tree.rootNode, { timeoutMicros: QUERY_TIMEOUT_MICROS });
  if (matches.length === 0 && Date.now() - started >= QUERY_TIMEOUT_MICROS / 1000) throw new ExtractTimeout();
  return matches;
}

function collectDefinitions(matches: QueryMatch[]): Map<number, Definition> {
  const byNode = new Map<number, Definition>();
  for (const match of matches) {
    const definition = match.captures.find((c) => c.name.startsWith('definition.'));
    const nameNode = match.captures.find((c) => c.name === 'name')?.node;
    if (!definition || !nameNode) continue;
    const kind = definition.name.slice('definition.'.length);
    if (!SYMBOL_KINDS.has(kind) && kind !== SKIP) continue;
    const name = collapse(nameNode.text).slice(0, MAX_NAME_CHARS);
    const node = definition.node;
    const previous = byNode.get(node.id);
    if (!name || (previous && previous.pattern <= match.patternIndex)) continue;
    const receiver = match.captures
      .filter((c) => c.name === 'container')
      .flatMap((c) => c.node.text.split(/::|\.|:/))
      .map((s) => s.replace(/<[^]*>$/, '').trim())
      .filter(Boolean);
    byNode.set(node.id, {
      node, outer: node, name, kind: kind as SymbolKind,
      pattern: match.patternIndex, receiver,
    });
  }
  for (const [id, def] of byNode) if ((def.kind as string) === SKIP) byNode.delete(id);
  return byNode;
}

/** Climbs through wrappers that hold only this definition (export, decorators, const). */
function outerNode(node: Node, rules: LanguageRules): Node {
  let outer = node;
  for (let parent = outer.parent; parent && rules.wrapperTypes.has(parent.type); parent = parent.parent) {
    const significant = parent.namedChildren.filter(
      (c) => c && !isComment(c) && !rules.attributeTypes.has(c.type) && c.type !== 'decorator',
    );
    if (significant.length !== 1) break;
    outer = parent;
  }
  return outer;
}

/** Two patterns describing one thing (`typedef struct x {...} x_t;`): keep the outer. */
function isSameSymbol(parent: Definition, def: Definition): boolean {
  return parent.kind === def.kind
    && parent.node.startPosition.row === def.node.startPosition.row
    && parent.node.endPosition.row === def.node.endPosition.row
    && parent.node.namedChildren.some((child) => child?.id === def.node.id);
}

function adjustKind(def: Definition, parent: Definition | undefined, rules: LanguageRules): SymbolKind {
  let kind = def.kind;
  if (kind === 'function' && parent && METHOD_CONTAINERS.has(parent.kind)) kind = 'method';
  const containerName = def.receiver.length ? def.receiver[def.receiver.length - 1] : parent?.name;
  const namedLikeClass = def.name === containerName && (parent !== undefined || def.receiver.length > 0);
  if (kind === 'method' && (rules.constructorNames.has(def.name) || namedLikeClass)) kind = 'constructor';
  return kind;
}

interface FileContext {
  source: string;
  language: LanguageId;
  rules: LanguageRules;
  /** Nested definitions are members, never the body of the one being described. */
  isDefinition(node: Node): boolean;
}

function toSymbol(def: Definition, kind: SymbolKind, container: string[], file: FileContext): CodeSymbol {
  const { language, rules } = file;
  const startRow = attributeStartRow(def.outer, rules);
  const endRow = lastRow(def.outer);
  const doc = findDoc(def, kind, rules);
  const docRow = doc.startRow !== undefined ? Math.min(doc.startRow, startRow) : startRow;
  return {
    kind,
    name: def.name,
    container,
    signature: signature(def, file),
    doc: doc.text,
    startLine: startRow + 1,
    endLine: endRow + 1,
    docStartLine: docRow + 1,
    language,
  };
}

/** Rust `#[...]` and similar attributes above the definition belong to its range. */
function attributeStartRow(outer: Node, rules: LanguageRules): number {
  let row = outer.startPosition.row;
  if (rules.attributeTypes.size === 0) return row;
  let expected = row;
  for (let node = outer.previousNamedSibling; node; node = node.previousNamedSibling) {
    if (lastRow(node) < expected - 1) break;
    if (rules.attributeTypes.has(node.type)) row = node.startPosition.row;
    else if (!isComment(node)) break;
    expected = node.startPosition.row;
  }
  return row;
}

function findDoc(def: Definition, kind: SymbolKind, rules: LanguageRules): FoundDoc {
  if (rules.docstrings) {
    const text = pythonDocstring(def.node);
    if (text) return { text };
  }
  if (rules.elixirDocs) {
    const doc = elixirDoc(def.node, kind === 'module');
    if (doc.text) return doc;
  }
  return docAbove(def.outer, rules);
}

/** Declaration text from the definition's start up to its body, whitespace collapsed. */
function signature(def: Definition, file: FileContext): string {
  const start = signatureStart(def, file.rules);
  const end = ONE_LINE_SIGNATURES.has(def.kind) ? undefined : signatureEnd(def.node, start, file);
  const limit = Math.min(def.outer.endIndex, start + MAX_SIGNATURE_CHARS * 4);
  let text = file.source.slice(start, end === undefined ? limit : Math.min(end, limit));
  if (end === undefined) {
    const newline = text.indexOf('\n');
    if (newline >= 0) text = text.slice(0, newline);
  }
  return collapse(text).slice(0, MAX_SIGNATURE_CHARS);
}

/** Skips decorators and comments that lead the wrapper or the definition. */
function signatureStart(def: Definition, rules: LanguageRules): number {
  for (const child of def.outer.children) {
    if (!child) continue;
    if (isComment(child) || rules.attributeTypes.has(child.type) || child.type === 'decorator') continue;
    return child.startIndex;
  }
  return def.outer.startIndex;
}

/** Where the body begins, or a comment between the header and the body. */
function signatureEnd(node: Node, start: number, file: FileContext): number | undefined {
  const body = findBody(node, file);
  let end = body && body.startIndex > start ? body.startIndex : undefined;
  for (const child of node.children) {
    if (child && isComment(child) && child.startIndex > start && (end === undefined || child.startIndex < end)) {
      end = child.startIndex;
      break;
    }
  }
  return end;
}

/** The first body node among children and grandchildren (deeper ones belong to members). */
function findBody(node: Node, file: FileContext): Node | undefined {
  const field = node.childForFieldName('body');
  if (field && file.rules.bodyTypes.has(field.type)) return field;
  let level: Node[] = [node];
  for (let depth = 0; depth < MAX_BODY_DEPTH; depth++) {
    const next: Node[] = [];
    for (const parent of level) {
      for (const child of parent.namedChildren) {
        if (!child || file.isDefinition(child)) continue;
        if (file.rules.bodyTypes.has(child.type)) return child;
        next.push(child);
      }
    }
    level = next;
  }
  return undefined;
}

const EQUATION_KINDS: ReadonlySet<SymbolKind> = new Set<SymbolKind>(['function', 'method']);

/** Haskell: a type signature and the equations of one function become one symbol. */
function mergeEquations(symbols: CodeSymbol[]): CodeSymbol[] {
  const merged: CodeSymbol[] = [];
  for (const symbol of symbols) {
    const last = merged[merged.length - 1];
    const same = last && EQUATION_KINDS.has(last.kind) && last.kind === symbol.kind && last.name === symbol.name
      && last.container.join('\0') === symbol.container.join('\0');
    if (same) last.endLine = Math.max(last.endLine, symbol.endLine);
    else merged.push(symbol);
  }
  return merged;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
