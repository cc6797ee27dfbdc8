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
 * Initialises the web-tree-sitter runtime once per thread. The runtime (tree-sitter.wasm:
 * parser, lexer driver, query engine; small functions) is compiled as V8 compiles any wasm,
 * optimising what runs hot; the grammars compiled after it stay on V8's baseline compiler.
 * Optimising a grammar's huge lexer function costs about a second per language on a 2-core
 * machine, which a short-lived process never earns back; optimising the runtime pays at once.
 * Measured here, first pass over a repository against everything on the baseline compiler:
 * fmtlib 1.77 -> 1.21 s, tokio 1.13 -> 0.91 s, express 0.22 s either way (everything
 * optimised: fmtlib 2.45 s). V8 reads the flag when it compiles a module, hence the order;
 * a parse worker started later gets a baseline runtime. QUARRY_WASM_TIERUP=1 leaves the
 * grammars to V8 too.
 */
export function initRuntime(): Promise<void> {
  const runtimeWasm = assetPaths().runtimeWasm;
  runtimeReady ??= Parser.init(
    runtimeWasm ? { locateFile: (file: string) => (file.endsWith('.wasm') ? runtimeWasm : file) } : undefined,
  ).then(() => {
    if (!process.env.QUARRY_WASM_TIERUP) v8.setFlagsFromString('--liftoff-only');
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
