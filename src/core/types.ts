/**
 * Shared vocabulary of the engine. Everything that crosses a module boundary inside
 * `src/core` (and the JSON the CLI and server emit) is described here.
 */

/** Languages with a tree-sitter grammar, plus Markdown and the plain-text fallback. */
export type LanguageId =
  | 'bash' | 'c' | 'cpp' | 'csharp' | 'elixir' | 'go' | 'haskell' | 'java'
  | 'javascript' | 'kotlin' | 'lua' | 'php' | 'python' | 'ruby' | 'rust'
  | 'scala' | 'swift' | 'typescript' | 'tsx' | 'zig'
  | 'markdown' | 'text';

export type SymbolKind =
  | 'function' | 'method' | 'constructor' | 'class' | 'interface' | 'trait'
  | 'type' | 'enum' | 'struct' | 'union' | 'module' | 'namespace' | 'impl'
  | 'constant' | 'variable' | 'property' | 'field' | 'macro' | 'test'
  | 'section'   // a Markdown heading and its body
  | 'block';    // code that belongs to no symbol (top-level statements, fallback windows)

/** A definition found by the parser. Lines are 1-based and inclusive. */
export interface CodeSymbol {
  kind: SymbolKind;
  name: string;
  /** Enclosing containers, outermost first: ['Outer', 'Inner'] for Outer.Inner.method. */
  container: string[];
  /** The declaration line(s) up to the body, whitespace-collapsed; '' when none. */
  signature: string;
  /** The symbol's doc comment or docstring, comment markers stripped; '' when none. */
  doc: string;
  startLine: number;
  endLine: number;
  /** First line of the leading doc comment when it sits above startLine; else startLine. */
  docStartLine: number;
  language: LanguageId;
}

/** The unit that is indexed, embedded and returned. Lines are 1-based and inclusive. */
export interface Chunk {
  /** Path relative to the index root, forward slashes. */
  path: string;
  language: LanguageId;
  kind: SymbolKind;
  /** Symbol name ('' for blocks). For sections, the heading text. */
  name: string;
  container: string[];
  signature: string;
  doc: string;
  startLine: number;
  endLine: number;
  /** Source text of the line range (what a user sees). */
  body: string;
  /** Other names the chunk defines: merged neighbours, or the members a class header outlines. */
  extraNames: string[];
  /** 1-based part number when a large symbol was split; 0 when whole. */
  part: number;
  /** True for documentation (Markdown, reStructuredText, plain text docs). */
  isDoc: boolean;
}

/** Why a file was not indexed. `quarry stats` counts these. */
export type SkipReason =
  | 'ignored'          // .gitignore / .ignore / .quarryignore
  | 'excluded-dir'     // VCS, dependency or build folder
  | 'lockfile'
  | 'generated'        // minified or generated
  | 'binary'
  | 'too-large'
  | 'secret'
  | 'symlink-loop'
  | 'symlink-outside'
  | 'symlink-inside'   // a link to a file or folder of the root itself: indexed once, at its real path
  | 'unreadable'
  | 'unsupported'      // not a text file we index
  | 'parse-failed'     // parser threw or timed out; the fallback chunker was used instead
  | 'excluded-glob';   // user exclude setting

export interface DiscoveredFile {
  /** Absolute path on disk. */
  absPath: string;
  /** Relative to the root, forward slashes. */
  relPath: string;
  size: number;
  mtimeMs: number;
  language: LanguageId;
}

export interface SkippedFile {
  relPath: string;
  reason: SkipReason;
}

/** One search hit as the CLI's --json and the server report it. */
export interface SearchResult {
  path: string;
  start_line: number;
  end_line: number;
  kind: SymbolKind;
  name: string;
  container: string[];
  language: LanguageId;
  score: number;
  snippet: string;
  /** Per-channel scores and priors that explain the rank. */
  scores: Record<string, number>;
  /** Absolute root this result belongs to (several roots may be searched at once). */
  root: string;
}

export interface SearchFilters {
  /** Only these languages. */
  languages?: LanguageId[];
  /** Only paths matching any of these globs (relative to the root). */
  include?: string[];
  /** Drop paths matching any of these globs. */
  exclude?: string[];
  /** Code only, docs only, or both (default). */
  kind?: 'code' | 'docs';
}
