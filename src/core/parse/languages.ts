/**
 * Per-language rules that the generic extractor needs beyond the query: which comments
 * count as documentation, which nodes wrap a definition, where a body begins, and
 * which names are constructors.
 */
import type { LanguageId, SymbolKind } from '../types';

/** Comment forms that document the definition below them. */
export type DocStyle =
  | 'jsdoc'      // /** ... */
  | 'block'      // /* ... */ (C, Go)
  | 'slash3'     // /// lines (and //! in Rust)
  | 'slash2'     // // line blocks
  | 'hash'       // # line blocks
  | 'haddock'    // -- | followed by -- lines
  | 'dashes';    // --- or -- line blocks (Lua)

export interface LanguageRules {
  docStyles: DocStyle[];
  /** Parents that hold a single definition (export, decorators, `const x = ...`): the
   * symbol's range and doc lookup start at the wrapper. */
  wrapperTypes: ReadonlySet<string>;
  /** Preceding siblings that belong to the definition below (Rust attributes, decorators). */
  attributeTypes: ReadonlySet<string>;
  /** Node types that begin a definition's body; the signature stops there. */
  bodyTypes: ReadonlySet<string>;
  /** Methods with these names are constructors. */
  constructorNames: ReadonlySet<string>;
  /** The first string statement of a body is the docstring (Python). */
  docstrings?: boolean;
  /** Consecutive equations, clauses or overloads of one function form one symbol
   * (Haskell, Elixir, TypeScript). */
  mergeEquations?: boolean;
  /** The grammar may put a doc comment inside the previous node (Kotlin's import list). */
  docsInPreviousNode?: boolean;
  /** Receiver segments that name no container (`module.exports.f`, `Foo.prototype.f`). */
  ignoredReceivers?: ReadonlySet<string>;
  /** Elixir `@doc` / `@moduledoc` attributes. */
  elixirDocs?: boolean;
}

/** A function directly inside one of these is a method. */
export const METHOD_CONTAINERS: ReadonlySet<SymbolKind> = new Set<SymbolKind>([
  'class', 'interface', 'trait', 'struct', 'enum', 'union', 'impl',
]);

const COMMON_BODIES = [
  'block', 'statement_block', 'class_body', 'declaration_list', 'field_declaration_list',
  'compound_statement', 'enum_body', 'interface_body', 'enum_variant_list', 'template_body',
  'function_body', 'constructor_body', 'enum_class_body', 'protocol_body', 'body_statement',
  'do_block', 'enumerator_list', 'enum_member_declaration_list', 'enum_declaration_list', 'record_declaration_body', 'struct_body',
];

const set = (...items: string[]) => new Set(items);
const bodies = (...extra: string[]) => set(...COMMON_BODIES, ...extra);

const C_FAMILY: DocStyle[] = ['jsdoc', 'block', 'slash3', 'slash2'];
const JS_WRAPPERS = set('export_statement', 'lexical_declaration', 'variable_declaration', 'ambient_declaration');

const RULES: Partial<Record<LanguageId, LanguageRules>> = {
  javascript: js(),
  // Overload signatures and the implementation form one symbol.
  typescript: { ...js(), mergeEquations: true },
  tsx: { ...js(), mergeEquations: true },
  python: {
    docStyles: ['hash'], wrapperTypes: set('decorated_definition'), attributeTypes: set(),
    bodyTypes: bodies(), constructorNames: set('__init__'), docstrings: true,
  },
  go: {
    docStyles: ['slash2', 'block'],
    wrapperTypes: set('type_declaration', 'const_declaration', 'var_declaration'),
    attributeTypes: set(), bodyTypes: bodies(), constructorNames: set(),
  },
  rust: {
    docStyles: ['slash3', 'jsdoc'], wrapperTypes: set(), attributeTypes: set('attribute_item'),
    bodyTypes: bodies(), constructorNames: set(),
  },
  c: cLike(set('type_definition')),
  cpp: { ...cLike(set('declaration', 'type_definition', 'template_declaration')),
    attributeTypes: set('attribute_declaration', 'template_parameter_list') },
  java: cLike(set(), set('constructor_declaration')),
  csharp: { ...cLike(set()), attributeTypes: set('attribute_list') },
  kotlin: { ...cLike(set()), docsInPreviousNode: true },
  scala: cLike(set()),
  swift: cLike(set(), set('init')),
  php: {
    docStyles: ['jsdoc'], wrapperTypes: set(), attributeTypes: set('attribute_list'),
    bodyTypes: bodies(), constructorNames: set('__construct'),
  },
  ruby: {
    docStyles: ['hash'], wrapperTypes: set(), attributeTypes: set(),
    bodyTypes: bodies(), constructorNames: set('initialize'),
  },
  bash: {
    docStyles: ['hash'], wrapperTypes: set(), attributeTypes: set(),
    bodyTypes: bodies(), constructorNames: set(),
  },
  elixir: {
    docStyles: ['hash'], wrapperTypes: set(), attributeTypes: set(),
    bodyTypes: bodies(), constructorNames: set(), elixirDocs: true, mergeEquations: true,
  },
  haskell: {
    docStyles: ['haddock'], wrapperTypes: set(), attributeTypes: set(),
    bodyTypes: set('class_declarations', 'instance_declarations', 'where'),
    constructorNames: set(), mergeEquations: true, docsInPreviousNode: true,
  },
  lua: {
    docStyles: ['dashes'], wrapperTypes: set(), attributeTypes: set(),
    bodyTypes: bodies(), constructorNames: set(),
  },
  zig: {
    docStyles: ['slash3'], wrapperTypes: set(), attributeTypes: set(),
    bodyTypes: bodies(), constructorNames: set(),
  },
};

function js(): LanguageRules {
  return {
    docStyles: ['jsdoc'], wrapperTypes: JS_WRAPPERS, attributeTypes: set('decorator'),
    bodyTypes: bodies(), constructorNames: set('constructor'),
    ignoredReceivers: set('module', 'exports', 'prototype', 'this', 'window', 'globalThis'),
  };
}

function cLike(wrappers: Set<string>, constructorNames: Set<string> = set()): LanguageRules {
  return {
    docStyles: C_FAMILY, wrapperTypes: wrappers, attributeTypes: set('attribute_item'),
    bodyTypes: bodies(), constructorNames,
  };
}

export function languageRules(language: LanguageId): LanguageRules | undefined {
  return RULES[language];
}
