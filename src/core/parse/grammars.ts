/**
 * Locates and loads the web-tree-sitter runtime, the wasm grammars and our symbol queries.
 * Two layouts are supported: the esbuild bundle (assets copied next to it by
 * scripts/build.mjs: `tree-sitter.wasm`, `grammars/`, `queries/`) and the unbundled
 * sources run by tsx (assets in node_modules and src/core/parse/queries).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import v8 from 'node:v8';
import type { Language as TsLanguage } from 'web-tree-sitter';
import type { LanguageId } from '../types';
import { renameImports } from './wasmImports';

// The CommonJS entry: the ESM one relies on import.meta.url, which the cjs bundle lacks.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const TreeSitter = require('web-tree-sitter') as typeof import('web-tree-sitter');
export const { Parser, Language, Query } = TreeSitter;

/** Grammar file stem (`tree-sitter-<stem>.wasm`) of each language that has one. */
export const GRAMMAR_STEMS: Partial<Record<LanguageId, string>> = {
  bash: 'bash', c: 'c', cpp: 'cpp', csharp: 'c_sharp', elixir: 'elixir', go: 'go',
  haskell: 'haskell', java: 'java', javascript: 'javascript', kotlin: 'kotlin', lua: 'lua',
  php: 'php', python: 'python', ruby: 'ruby', rust: 'rust', scala: 'scala', swift: 'swift',
  typescript: 'typescript', tsx: 'tsx', zig: 'zig',
};

/** Where the runtime assets live in the current layout. */
interface AssetPaths {
  /** web-tree-sitter's own wasm; undefined when it sits next to its module (unbundled). */
  runtimeWasm?: string;
  grammarFile(stem: string): string;
  queryFile(language: LanguageId): string;
}

function bundledAssets(): AssetPaths | undefined {
  const grammarsDir = path.join(__dirname, 'grammars');
  if (!existsSync(grammarsDir)) return undefined;
  return {
    runtimeWasm: path.join(__dirname, 'tree-sitter.wasm'),
    grammarFile: (stem) => path.join(grammarsDir, `tree-sitter-${stem}.wasm`),
    queryFile: (language) => path.join(__dirname, 'queries', `${queryName(language)}.scm`),
  };
}

/** TSX shares the TypeScript query: its grammar is a superset. */
function queryName(language: LanguageId): string {
  return language === 'tsx' ? 'typescript' : language;
}

function sourceAssets(): AssetPaths {
  const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
  return {
    grammarFile: (stem) =>
      stem === 'haskell'
        ? path.join(packageDir('tree-sitter-haskell'), 'tree-sitter-haskell.wasm')
        : path.join(packageDir('tree-sitter-wasms'), 'out', `tree-sitter-${stem}.wasm`),
    queryFile: (language) => path.join(__dirname, 'queries', `${queryName(language)}.scm`),
  };
}

/** The runtime wasm beside web-tree-sitter's module (a computed name keeps bundlers out). */
function moduleRuntimeWasm(): string {
  const runtimePackage = 'web-tree-sitter';
  return path.join(path.dirname(require.resolve(runtimePackage)), 'tree-sitter.wasm');
}

let assets: AssetPaths | undefined;
function assetPaths(): AssetPaths {
  assets ??= bundledAssets() ?? sourceAssets();
  return assets;
}

let runtimeReady: Promise<void> | undefined;

/**
 * Source bytes a process must expect to parse for an optimised runtime to pay (its parse
 * workers share the runtime it compiled). Tree-sitter's
 * runtime (tree-sitter.wasm: parser, lexer driver, query engine; small functions) can be left
 * to V8, which optimises what runs hot, or kept on V8's baseline compiler, like the grammars
 * always are: optimising a grammar's huge lexer function costs about a second per language
 * on a 2-core machine, which a short-lived process never earns back. Measured here, cold
 * lexical-only index with the runtime optimised against baseline: fmtlib 2.24 -> 1.73 s,
 * tokio (5.8 MB) 2.00 -> 1.77 s, gin (1.3 MB) and express the same, but requests 0.31 ->
 * 0.35 s and model2vec 0.40 -> 0.45 s (dynamic tiering's baseline code is slower until it pays).
 */
const OPTIMISE_RUNTIME_BYTES = 2 * 1024 * 1024;
let expectedParseBytes = 0;

/** Says how much source is about to be parsed, so that the runtime, compiled at the first parse or parse worker, suits the work. */
export function expectParsing(bytes: number): void {
  expectedParseBytes += bytes;
}

let compiledRuntime: WebAssembly.Module | undefined;

/**
 * The runtime's compiled module, compiled once per process (see OPTIMISE_RUNTIME_BYTES) and
 * handed to parse workers, which then share its code, optimised parts included. The flag is
 * process-wide and V8 reads it when it compiles a module, so it is set and restored around
 * one synchronous compile: grammars, compiled later by any thread, stay on the baseline
 * compiler. QUARRY_WASM_TIERUP=1 leaves the runtime and the grammars to V8.
 */
export function runtimeModule(): WebAssembly.Module {
  if (!compiledRuntime) {
    const optimiseAll = Boolean(process.env.QUARRY_WASM_TIERUP);
    const optimise = optimiseAll || expectedParseBytes >= OPTIMISE_RUNTIME_BYTES;
    v8.setFlagsFromString(optimise ? '--no-liftoff-only' : '--liftoff-only');
    try {
      compiledRuntime = new WebAssembly.Module(readFileSync(assetPaths().runtimeWasm ?? moduleRuntimeWasm()));
    } finally {
      v8.setFlagsFromString(optimiseAll ? '--no-liftoff-only' : '--liftoff-only');
    }
  }
  return compiledRuntime;
}

/**
 * Initialises the web-tree-sitter runtime once per thread, from `compiled` (a parse worker
 * gets its parent's) or from runtimeModule(). A thread's later work keeps the runtime it got.
 */
export function initRuntime(compiled?: WebAssembly.Module): Promise<void> {
  runtimeReady ??= Parser.init({
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const module = compiled ?? runtimeModule();
      receive(new WebAssembly.Instance(module, imports), module);
      return {};
    },
  });
  return runtimeReady;
}

/** Grammar loads run one at a time: concurrent `Language.load` calls corrupt the
 * runtime's dynamic linking (symbols resolve against the wrong module). */
let loadQueue: Promise<unknown> = Promise.resolve();

/** Loads one grammar; rejects when the language has none or the file does not load. */
export function loadGrammar(language: LanguageId): Promise<TsLanguage> {
  const stem = GRAMMAR_STEMS[language];
  if (!stem) return Promise.reject(new Error(`no grammar for ${language}`));
  const loaded = loadQueue.then(async () => {
    await initRuntime();
    const bytes = await readFile(assetPaths().grammarFile(stem));
    return Language.load(renameImports(bytes));
  });
  loadQueue = loaded.catch(() => undefined);
  return loaded;
}

/** Our symbol query for a language (src/core/parse/queries/<language>.scm). */
export function readSymbolQuery(language: LanguageId): string {
  return readFileSync(assetPaths().queryFile(language), 'utf8');
}

/**
 * A fingerprint of everything that decides the symbols: the runtime and grammar files
 * (by size: cheap, and any upgrade changes them) and the text of our queries.
 */
export function assetFingerprint(): string {
  const hash = createHash('sha1');
  const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : -1);
  hash.update(`runtime:${sizeOf(assetPaths().runtimeWasm ?? moduleRuntimeWasm())}`);
  for (const [language, stem] of Object.entries(GRAMMAR_STEMS)) {
    hash.update(`${language}:${sizeOf(assetPaths().grammarFile(stem))}`);
    const queryFile = assetPaths().queryFile(language as LanguageId);
    if (existsSync(queryFile)) hash.update(readFileSync(queryFile));
  }
  return hash.digest('hex').slice(0, 12);
}
