/**
 * Symbol extraction: one web-tree-sitter parser and one symbol query per language,
 * Markdown sections for Markdown, and the line-based fallback for everything else or
 * whenever tree-sitter cannot be trusted with a file.
 *
 * Capture convention of queries/<language>.scm:
 *   @definition.<kind>  the whole definition node; <kind> is a SymbolKind
 *                       (function, method, class, struct, constant, ...)
 *   @name               the node whose text is the symbol's name
 *   @container          optional: a container named inside the definition itself
 *                       (a Go receiver type, `Foo` in C++ `Foo::bar`, `M` in Lua `M.f`);
 *                       `::`, `.` and `:` separate several
 * Containers otherwise come from nesting: the names of the enclosing definitions,
 * outermost first. A function directly inside a class-like definition becomes a method,
 * a method named like the language's constructor becomes a constructor. When two
 * patterns capture the same node the earlier pattern wins.
 */
import type { Language as TsLanguage, Parser as TsParser, Query as TsQuery } from 'web-tree-sitter';
import type { CodeSymbol, LanguageId } from '../types';
import { ExtractTimeout, extractSymbols } from './extract';
import { fallbackBlocks } from './fallback';
import { GRAMMAR_STEMS, Parser, Query, assetFingerprint, expectParsing, loadGrammar, readSymbolQuery } from './grammars';
import { languageRules, type LanguageRules } from './languages';
import { markdownSections } from './markdown';

/** Sources larger than this (in UTF-16 units) skip tree-sitter. */
export const MAX_PARSE_CHARS = 2 * 1024 * 1024;
/** A line longer than this means minified or generated text: skip tree-sitter. */
export const MAX_LINE_CHARS = 100_000;
/** Parsing and extracting one file may take at most this long before the fallback takes over... */
export const PARSE_TIMEOUT_MS = 3000;
/**
 * ...and at most this long plus PARSE_MS_PER_KB a KB of source. Over the semble checkouts
 * (12.8k files of 4 KB or more) tree-sitter parsed a median 0.11 ms a KB here, 0.59 at the
 * 99th percentile; the files beyond 2 ms a KB were pathological for their grammar (musl's
 * locale tables, bare lists of numbers in C headers: 10-27 ms a KB; Swift test files up to
 * 54 ms a KB) and spent up to the whole PARSE_TIMEOUT_MS before falling back.
 */
export const PARSE_BASE_MS = 250;
export const PARSE_MS_PER_KB = 2;
/** Bump when the extraction logic changes what symbols a file yields. */
export const EXTRACTOR_VERSION = 1;

export interface SymbolParserOptions {
  /** Longest a file's parse may take (its budget grows with its size up to this); PARSE_TIMEOUT_MS by default. */
  parseTimeoutMs?: number;
}

export interface ParseOutcome {
  symbols: CodeSymbol[];
  via: 'tree-sitter' | 'markdown' | 'fallback';
  error?: string;
}

interface LoadedLanguage {
  grammar: TsLanguage;
  parser: TsParser;
  query: TsQuery;
  rules: LanguageRules;
}

export class SymbolParser {
  private readonly languages = new Map<LanguageId, Promise<LoadedLanguage>>();
  private readonly failed = new Map<LanguageId, string>();
  private readonly version: string;

  private constructor(private readonly parseTimeoutMs: number) {
    this.version = `tree-sitter:${assetFingerprint()}/extractor:${EXTRACTOR_VERSION}`;
  }

  /** The tree-sitter runtime is compiled at the first parse (see expectSourceBytes). */
  static async create(options: SymbolParserOptions = {}): Promise<SymbolParser> {
    return new SymbolParser(options.parseTimeoutMs ?? PARSE_TIMEOUT_MS);
  }

  /** Says how much source is about to be parsed: a large job gets an optimised runtime (see grammars.ts). */
  expectSourceBytes(bytes: number): void {
    expectParsing(bytes);
  }

  /** Symbols of one file. Never throws: on any failure the fallback's blocks come back with `error`. */
  async parse(source: string, language: LanguageId): Promise<ParseOutcome> {
    if (language === 'markdown') return this.markdown(source);
    if (!GRAMMAR_STEMS[language]) return { symbols: fallbackBlocks(source, language), via: 'fallback' };
    const tooLarge = oversize(source);
    if (tooLarge) return this.fallback(source, language, tooLarge);
    let loaded: LoadedLanguage;
    try {
      loaded = await this.load(language);
    } catch (error) {
      return this.fallback(source, language, `grammar unavailable: ${message(error)}`);
    }
    try {
      const outcome = parseWith(loaded, source, language, parseBudgetMs(source.length, this.parseTimeoutMs));
      return outcome ?? this.fallback(source, language, 'parse timeout');
    } catch (error) {
      if (error instanceof ExtractTimeout) return this.fallback(source, language, 'parse timeout');
      // An exception thrown inside wasm leaves that parser mid-parse: never reuse it.
      loaded.parser = newParser(loaded.grammar);
      return this.fallback(source, language, `parse failed: ${message(error)}`);
    }
  }

  /** The grammar and query fingerprint that indexes record in their key. */
  grammarVersion(): string {
    return this.version;
  }

  /** Loads every grammar now (for `quarry stats`); returns the languages that failed. */
  async preload(languages = Object.keys(GRAMMAR_STEMS) as LanguageId[]): Promise<Map<LanguageId, string>> {
    await Promise.all(languages.map((language) => this.load(language).catch(() => undefined)));
    return this.failedLanguages();
  }

  /** Languages whose grammar and query loaded so far (for `quarry stats`). */
  loadedLanguages(): LanguageId[] {
    return [...this.languages.keys()].filter((l) => !this.failed.has(l));
  }

  /** Languages whose grammar or query failed to load, with the reason. */
  failedLanguages(): Map<LanguageId, string> {
    return new Map(this.failed);
  }

  private load(language: LanguageId): Promise<LoadedLanguage> {
    let pending = this.languages.get(language);
    if (!pending) {
      pending = loadLanguage(language).catch((error: unknown) => {
        this.failed.set(language, message(error));
        throw error;
      });
      this.languages.set(language, pending);
    }
    return pending;
  }

  private markdown(source: string): ParseOutcome {
    try {
      return { symbols: markdownSections(source), via: 'markdown' };
    } catch (error) {
      return this.fallback(source, 'markdown', `markdown failed: ${message(error)}`);
    }
  }

  private fallback(source: string, language: LanguageId, error: string): ParseOutcome {
    return { symbols: fallbackBlocks(source, language), via: 'fallback', error };
  }
}

async function loadLanguage(language: LanguageId): Promise<LoadedLanguage> {
  const grammar = await loadGrammar(language);
  const rules = languageRules(language);
  if (!rules) throw new Error(`no rules for ${language}`);
  const query = new Query(grammar, readSymbolQuery(language));
  return { grammar, parser: newParser(grammar), query, rules };
}

function newParser(grammar: TsLanguage): TsParser {
  const parser = new Parser();
  parser.setLanguage(grammar);
  return parser;
}

/** Parses and extracts; undefined when the parse was cancelled for taking too long. */
function parseWith(
  loaded: LoadedLanguage, source: string, language: LanguageId, timeoutMs: number,
): ParseOutcome | undefined {
  const deadline = Date.now() + timeoutMs;
  const tree = loaded.parser.parse(source, null, { progressCallback: () => Date.now() > deadline });
  loaded.parser.reset();
  if (!tree) return undefined;
  try {
    const symbols = extractSymbols(tree, loaded.query, source, language, loaded.rules, deadline);
    return { symbols, via: 'tree-sitter' };
  } finally {
    tree.delete();
  }
}

/** How long parsing and extracting a source of `chars` UTF-16 units may take, at most `capMs`. */
export function parseBudgetMs(chars: number, capMs = PARSE_TIMEOUT_MS): number {
  return Math.min(capMs, PARSE_BASE_MS + (PARSE_MS_PER_KB * chars) / 1024);
}

function oversize(source: string): string | undefined {
  if (source.length > MAX_PARSE_CHARS) return 'too large to parse';
  let lineStart = 0;
  while (lineStart < source.length) {
    const newline = source.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? source.length : newline;
    if (lineEnd - lineStart > MAX_LINE_CHARS) return 'line too long to parse';
    lineStart = lineEnd + 1;
  }
  return undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
