/**
 * The one object the outside talks to: the CLI, the JSON-RPC server and (through it) the
 * VS Code extension. One Engine serves one root; `Workspace` (below) fans out to several.
 */
import path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';
import { createEmbedder, type Embedder, type EmbedderInfo } from './embed/embedder';
import { modelsDir } from './embed/locate';
import { DEFAULT_MODEL_NAME, resolveModelSource } from './embed/modelSource';
import { loadFeaturizerConfig } from './embed/featurize';
import type { ProviderChoice } from './embed/protocol';
import { CHUNKER_VERSION } from './parse/chunker';
import { SymbolParser } from './parse/symbols';
import { defaultCacheRoot, indexDirFor } from './index/cacheDir';
import { IndexState, type StoredChunk } from './index/indexState';
import { LexicalIndex } from './index/lexical';
import { CorruptIndexError, IndexChangedError, IndexStore, type PartSource } from './index/store';
import { VectorIndex } from './index/vectors';
import { type IndexProgress, type IndexSummary, runIndexJob } from './indexer';
import { collectGarbage } from './heap';
import { tuneJitForIndexing } from './jitTuning';
import { inForeground } from './timeSlice';
import type { Candidate } from './search/rank';
import { type SearchMode, searchIndex, startSearch } from './search/searcher';
import { SnippetReader } from './search/snippets';
import { DefinitionTable, definitionsUsedBy, entryOf, type ExplainEntry, type Explanation, usagesOf } from './search/explain';
import type { SearchFilters, SearchResult } from './types';

export interface EngineOptions {
  /** Folder holding all indexes; default: the OS cache folder (QUARRY_CACHE_DIR overrides). */
  cacheRoot?: string;
  /** 'none': lexical only; 'default': the shipped model; else a model folder. */
  model?: string;
  provider?: string;
  maxFileBytes?: number;
  include?: string[];
  exclude?: string[];
  /** Worker threads that parse a large change (default: QUARRY_PARSE_WORKERS, else 0: the main thread parses). */
  parseWorkers?: number;
  /** How long `index()` waits for another process's write lock. */
  lockWaitMs?: number;
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export interface SearchOptions {
  k?: number;
  mode?: SearchMode;
  filters?: SearchFilters;
  /** Channel scores only, no ranking priors. */
  raw?: boolean;
}

export interface SimilarTarget {
  path?: string;
  startLine?: number;
  endLine?: number;
  text?: string;
}

/** Bump when the layout of the saved parts changes. */
const INDEX_LAYOUT_VERSION = 4;
const DEFAULT_K = 10;
/**
 * Parts stored deflated: the catalog (JSON) and the lexical postings shrink to about a third
 * and a half; the vectors (packed quantised components) would keep 0.9 of their bytes and are
 * left as they are.
 */
const COMPRESSED_PARTS = ['catalog', 'lexical'];
/** Reads retried when a writer replaces the index mid-read. */
const LOAD_ATTEMPTS = 3;
/** A job that changed at least this many files is followed by a full garbage collection (see heap.ts). */
const COLLECT_AFTER_FILES = 1000;
/** Entries per section of an explanation. */
const EXPLAIN_LIST_SIZE = 5;
/** Lines of a chunk returned as its snippet. */
const SNIPPET_MAX_LINES = 40;
/** Files kept between searches for their snippets while the index is unchanged (see snippetReader). */
const RECENT_SNIPPET_FILES = { files: 32, bytes: 4 << 20 };

export class Engine {
  private state: IndexState | undefined;
  private embedder: Embedder | undefined;
  /** Prefix lengths the model was trained to make usable alone (the vector graph uses one). */
  private matryoshkaDims: number[] = [];
  private parser: SymbolParser | undefined;
  private loadNote = '';
  /** Generation of the saved index that `state` matches. */
  private generation = -1;
  /** Name -> definitions, built on first explain and dropped whenever the index changes. */
  private definitions: DefinitionTable | undefined;
  /** The reader of snippets, with the files it read, while the index is unchanged (dropped when another is loaded). */
  private snippets: { reader: SnippetReader; changeCount: number } | undefined;
  /** In-memory changes not yet saved (see indexPaths). */
  private unsaved = false;

  private constructor(readonly root: string, readonly indexDir: string, private readonly options: EngineOptions) {}

  static async open(root: string, options: EngineOptions = {}): Promise<Engine> {
    tuneJitForIndexing();
    const resolved = path.resolve(root);
    const stat = await fs.stat(resolved).catch(() => undefined);
    if (!stat?.isDirectory()) throw new UserError(`not a folder: ${root}`);
    const indexDir = indexDirFor(resolved, options.cacheRoot ?? defaultCacheRoot());
    const model = options.model ?? (await savedModelSpec(indexDir)) ?? (defaultModelAvailable() ? 'default' : 'none');
    const engine = new Engine(resolved, indexDir, { ...options, model });
    // The model loads on its worker thread while the saved index is read on this one; with an
    // index the shipped model built, it starts no worker until documents need one (it has run
    // here before, and its queries need none), so a restart neither waits for one nor holds one.
    const saved = await IndexStore.openForRead(indexDir).catch(() => undefined);
    const reopening = String(saved?.manifest()?.meta.model ?? '').startsWith(`${DEFAULT_MODEL_NAME}-`);
    const embedderReady = model === 'none' ? Promise.resolve(undefined) : createEmbedder({
      model,
      provider: options.provider as ProviderChoice | undefined,
      firstWorker: reopening ? 'on-demand' : 'probe',
      log: (level, message) => options.log?.(level, message),
    });
    await engine.load(embedderReady.catch(() => undefined));
    engine.embedder = await embedderReady; // a model that cannot load fails open(), as it always did
    if (engine.embedder) engine.matryoshkaDims = await matryoshkaDimsOf(model);
    return engine;
  }

  /** The loaded model's id, dimension and execution provider; undefined when lexical only. */
  get model(): EmbedderInfo | undefined {
    return this.embedder?.info;
  }

  get hasIndex(): boolean {
    return this.state !== undefined && this.state.files.size + this.state.skipped.size > 0;
  }

  /** Loads the saved index, if any. A corrupt or outdated one is dropped (the next index() rebuilds). */
  private async load(embedderReady: Promise<Embedder | undefined> = Promise.resolve(this.embedder)): Promise<void> {
    this.snippets = undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        this.state = await this.readSaved(embedderReady);
        if (this.state) collectGarbage();
        return;
      } catch (error) {
        // A writer replaced the generation while we read it: read the new one.
        if (error instanceof IndexChangedError && attempt < LOAD_ATTEMPTS) continue;
        // A damaged index is never fatal: report it and rebuild on the next index().
        const what = error instanceof CorruptIndexError ? 'is damaged' : 'could not be loaded';
        this.loadNote = `index ${what} (${(error as Error).message}); it will be rebuilt`;
        this.log('warn', this.loadNote);
        this.state = undefined;
        return;
      }
    }
  }

  private async readSaved(embedderReady: Promise<Embedder | undefined>): Promise<IndexState | undefined> {
    const store = await IndexStore.openForRead(this.indexDir);
    if (!store) return undefined;
    const manifest = store.manifest()!;
    const parser = await this.getParser();
    const outdated = (keys: string[], embedder: Embedder | undefined) => {
      const expected: Record<string, unknown> = this.expectedMeta(parser, embedder);
      const mismatch = keys.find((key) => manifest.meta[key] !== expected[key]);
      if (mismatch) {
        this.loadNote = `index was built with another ${mismatch}; it will be rebuilt`;
        this.log('info', this.loadNote);
      }
      return mismatch !== undefined;
    };
    if (outdated(['layout', 'chunker', 'grammars'], undefined)) return undefined;
    // The catalog inflates on the thread pool while the lexical index is rebuilt here.
    const catalogRead = settledLater(store.readPart('catalog'));
    const lexical = LexicalIndex.deserialize(await store.readPart('lexical'));
    const embedder = await embedderReady;
    if (!embedder && this.options.model !== 'none') return undefined; // the model did not load: open() reports why
    if (outdated(['model'], embedder)) return undefined;
    // The catalog's text is dropped before the vectors are read: together they were the load's peak.
    const state = IndexState.fromParts(await catalogRead, lexical);
    if (embedder && manifest.parts.vectors) state.vectors = await VectorIndex.deserialize(await store.readPart('vectors'), embedder.info.dim);
    this.generation = manifest.generation;
    return state;
  }

  private expectedMeta(parser: SymbolParser, embedder = this.embedder) {
    return {
      layout: INDEX_LAYOUT_VERSION,
      chunker: CHUNKER_VERSION,
      grammars: parser.grammarVersion(),
      model: embedder?.info.modelId ?? 'none',
    };
  }

  private async getParser(): Promise<SymbolParser> {
    this.parser ??= await SymbolParser.create();
    return this.parser;
  }

  /** Brings the index up to date; only changed files are redone. */
  async index(onProgress?: (p: IndexProgress) => void, signal?: AbortSignal): Promise<IndexSummary> {
    return this.update({ onProgress, signal });
  }

  /**
   * Updates only the given paths (relative to the root, forward slashes) without walking the
   * tree; a folder or an ignore file among them makes it a full run. With `deferSave` the
   * change stays in memory (searches see it at once) until `save()`: a crash before then
   * loses nothing, because the saved catalog still holds the files' old sizes and times and
   * the next full run redoes them.
   */
  async indexPaths(paths: readonly string[], options: { onProgress?: (p: IndexProgress) => void; signal?: AbortSignal; deferSave?: boolean } = {}): Promise<IndexSummary> {
    return this.update({ ...options, paths });
  }

  /** Whether `indexPaths(..., { deferSave: true })` left changes that `save()` has not written yet. */
  get hasUnsavedChanges(): boolean {
    return this.unsaved;
  }

  /** Writes changes left by deferred saves. */
  async save(): Promise<void> {
    const state = this.state;
    if (!this.unsaved || !state) return;
    const store = await IndexStore.openForWrite(this.indexDir, { waitMs: this.options.lockWaitMs ?? 0 });
    try {
      // Another writer saved meanwhile: its index wins, and our next full run redoes our files.
      if (store.manifest()?.generation === this.generation) await this.commit(store, state, this.expectedMeta(await this.getParser()));
      this.unsaved = false;
    } finally {
      await store.close();
    }
  }

  private async update(options: { paths?: readonly string[]; onProgress?: (p: IndexProgress) => void; signal?: AbortSignal; deferSave?: boolean }): Promise<IndexSummary> {
    const parser = await this.getParser();
    const store = await IndexStore.openForWrite(this.indexDir, { waitMs: this.options.lockWaitMs ?? 0 });
    try {
      let paths = options.paths;
      // Reload under the lock only if another process wrote since we loaded; a reloaded or
      // new index is brought up to date by walking the whole tree.
      if (!this.state || store.manifest()?.generation !== this.generation) {
        await this.load();
        paths = undefined;
      }
      const loaded = this.state;
      const state = loaded ?? new IndexState(this.embedder ? new VectorIndex(this.embedder.info.dim, { matryoshkaDims: this.matryoshkaDims }) : undefined);
      this.state = state;
      this.definitions = undefined;
      this.snippets = undefined;
      const meta = this.expectedMeta(parser);
      const deferred = paths !== undefined && options.deferSave === true;
      const job = runIndexJob({
        root: this.root,
        state,
        parser,
        embedder: this.embedder,
        discover: { maxFileBytes: this.options.maxFileBytes, include: this.options.include, exclude: this.options.exclude },
        paths,
        parseWorkers: this.options.parseWorkers,
        checkpoint: deferred ? async () => void (this.unsaved = true) : () => this.commit(store, state, meta),
        saved: loaded !== undefined && !this.unsaved && store.manifest()?.generation === this.generation,
        onProgress: options.onProgress,
        signal: options.signal,
      });
      // A job that failed or was cancelled may have changed the state without saving it: a
      // later run that finds nothing to do must still write it (save() does too).
      const summary = await job.catch((error: unknown) => {
        this.unsaved = true;
        throw error;
      });
      if (summary.changedFiles + summary.removedFiles >= COLLECT_AFTER_FILES) collectGarbage();
      return summary;
    } finally {
      await store.close();
    }
  }

  private async commit(store: IndexStore, state: IndexState, meta: ReturnType<Engine['expectedMeta']>): Promise<void> {
    // Each part is serialized when the store comes to write it: one part's pieces in memory at a time.
    const parts: Record<string, PartSource> = {
      lexical: () => state.serializeLexical(),
      catalog: () => state.serializeCatalog(),
    };
    const vectors = state.vectors;
    if (vectors) parts.vectors = () => vectors.pieces();
    const saved = await store.commit(parts, { ...meta, root: this.root, modelSpec: this.options.model }, { compress: COMPRESSED_PARTS });
    this.generation = saved.generation;
    this.unsaved = false;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    return inForeground(() => this.searchNow(query, options));
  }

  private async searchNow(query: string, options: SearchOptions): Promise<SearchResult[]> {
    const state = this.requireState();
    const mode = options.mode ?? (this.embedder ? 'hybrid' : 'lexical');
    if (mode !== 'lexical' && !this.embedder) throw new UserError(`search mode '${mode}' needs a model (--model)`);
    // The query is encoded on the embedder's worker while the lexical channel runs here (the
    // shipped model's table lookup runs here at once: a few dozen rows, ~40 us).
    const queryVector = mode !== 'lexical' ? settledLater(this.embedder!.embedQuery(query)) : undefined;
    const search = startSearch(state, { query, k: options.k ?? DEFAULT_K, mode, filters: options.filters, raw: options.raw });
    return this.toResults(search.finish(await queryVector));
  }

  /** Code like the chunk at path:lines (its stored vector, no re-embedding) or like a text. */
  async similar(target: SimilarTarget, options: SearchOptions = {}): Promise<SearchResult[]> {
    return inForeground(() => this.similarNow(target, options));
  }

  private async similarNow(target: SimilarTarget, options: SearchOptions): Promise<SearchResult[]> {
    const state = this.requireState();
    const k = options.k ?? DEFAULT_K;
    if (target.text !== undefined) {
      const queryVector = this.embedder ? settledLater(this.embedder.embedQuery(target.text)) : undefined;
      const search = startSearch(state, { query: target.text, k, mode: queryVector ? 'hybrid' : 'lexical', filters: options.filters });
      return this.toResults(search.finish(await queryVector));
    }
    const own = this.chunksAt(target.path ?? '', target.startLine ?? 1, target.endLine ?? target.startLine ?? 1);
    if (own.length === 0) throw new UserError(`no indexed code at ${target.path}:${target.startLine ?? 1}`);
    const excludeSlots = new Set(own.map((c) => c.slot));
    const queryVector = state.vectors ? averageVector(own.map((c) => state.vectors!.getVector(c.slot))) : undefined;
    const reader = this.snippetReader(state);
    const query = own.map((c) => reader.chunkLines(c, SNIPPET_MAX_LINES)).join('\n');
    const mode: SearchMode = queryVector ? 'hybrid' : 'lexical';
    const found = searchIndex(state, { query, k, mode, filters: options.filters, queryVector, excludeSlots });
    return this.toResults(found);
  }

  /**
   * What explains the code at path:lines — its own doc, definitions it uses, docs that
   * discuss it, similar code and usages. `selection` text, when given, replaces the chunk body.
   */
  async explain(relPath: string, startLine: number, endLine: number, selection?: string): Promise<Explanation> {
    return inForeground(() => this.explainNow(relPath, startLine, endLine, selection));
  }

  private async explainNow(relPath: string, startLine: number, endLine: number, selection?: string): Promise<Explanation> {
    const state = this.requireState();
    const overlapping = this.chunksAt(relPath, startLine, endLine);
    const subject = overlapping.sort((a, b) => a.endLine - a.startLine - (b.endLine - b.startLine))[0];
    const body = selection ?? (subject ? this.snippetReader(state).chunkLines(subject) : '');
    this.definitions ??= new DefinitionTable(state);
    const topic = subject ? [subject.name, ...subject.container].filter(Boolean).join(' ') : '';
    const docs = topic ? await this.search(topic, { k: EXPLAIN_LIST_SIZE, mode: 'lexical', filters: { kind: 'docs' } }) : [];
    const similar = subject ? await this.similar({ path: relPath, startLine: subject.startLine, endLine: subject.endLine }, { k: EXPLAIN_LIST_SIZE }) : [];
    return {
      subject: subject ? entryOf(subject) : undefined,
      definitions: definitionsUsedBy(this.definitions, state, body, subject),
      docs: docs.map(resultEntry),
      similar: similar.map(resultEntry),
      usages: subject ? usagesOf(state, subject) : [],
    };
  }

  /** Chunks overlapping a line range of a file. */
  chunksAt(relPath: string, startLine: number, endLine: number): StoredChunk[] {
    const entry = this.requireState().files.get(relPath.split(path.sep).join('/'));
    if (!entry) return [];
    return entry.slots
      .map((s) => this.state!.chunk(s)!)
      .filter((c) => c && c.startLine <= endLine && c.endLine >= startLine);
  }

  stats() {
    const state = this.state;
    const skipped: Record<string, number> = {};
    for (const reason of state?.skipped.values() ?? []) skipped[reason] = (skipped[reason] ?? 0) + 1;
    const languages: Record<string, number> = {};
    for (const f of state?.files.values() ?? []) languages[f.language] = (languages[f.language] ?? 0) + 1;
    const fallbacks = [...(state?.files.values() ?? [])].filter((f) => f.note).map((f) => `${f.path}: ${f.note}`);
    return {
      root: this.root,
      indexDir: this.indexDir,
      indexed: state !== undefined,
      files: state?.files.size ?? 0,
      chunks: state?.chunkCount ?? 0,
      vectors: state?.vectors?.size() ?? 0,
      languages,
      skipped,
      parseFallbacks: fallbacks,
      model: this.model ?? null,
      note: this.loadNote || undefined,
    };
  }

  async close(): Promise<void> {
    await this.embedder?.dispose();
  }

  private requireState(): IndexState {
    if (!this.state) throw new UserError(`no index for ${this.root} yet: run \`quarry index ${this.root}\``);
    return this.state;
  }

  private toResults(candidates: Candidate[]): SearchResult[] {
    const reader = this.snippetReader(this.requireState());
    return candidates.map((c) => this.toResult(c, reader));
  }

  /**
   * One reader while the index is unchanged: successive searches (a query typed letter by
   * letter) show mostly the same files. A changed index may mean changed files: a new reader.
   */
  private snippetReader(state: IndexState): SnippetReader {
    const current = this.snippets;
    if (current?.changeCount === state.changeCount) return current.reader;
    const reader = new SnippetReader(this.root, RECENT_SNIPPET_FILES);
    this.snippets = { reader, changeCount: state.changeCount };
    return reader;
  }

  private toResult(c: Candidate, reader: SnippetReader): SearchResult {
    const chunk = c.chunk;
    return {
      path: chunk.path,
      start_line: chunk.startLine,
      end_line: chunk.endLine,
      kind: chunk.kind,
      name: chunk.name,
      container: chunk.container,
      language: chunk.language,
      score: round(c.score),
      snippet: reader.chunkLines(chunk, SNIPPET_MAX_LINES),
      scores: roundedScores(c),
      root: this.root,
    };
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

/** A result's channel scores and ranking factors, rounded for display. */
function roundedScores(c: Candidate): Record<string, number> {
  const scores: Record<string, number> = { lexical_raw: round(c.lexical), dense_raw: round(c.dense) };
  for (const name in c.factors) scores[name] = round(c.factors[name]);
  return scores;
}

/** The model an existing index was built with, so that searches use the same one. */
async function savedModelSpec(indexDir: string): Promise<string | undefined> {
  try {
    const spec = (await IndexStore.openForRead(indexDir))?.manifest()?.meta.modelSpec;
    return typeof spec === 'string' ? spec : undefined;
  } catch {
    return undefined; // a damaged index is reported by load()
  }
}

/** The Matryoshka prefixes of the shipped model (its featurizer.json says); none known for others. */
async function matryoshkaDimsOf(model: string): Promise<number[]> {
  const source = await resolveModelSource(model);
  if (source.kind !== 'featurized') return [];
  const dims = loadFeaturizerConfig(source.featurizerPath).matryoshkaDimensions;
  return Array.isArray(dims) ? dims : [];
}

function defaultModelAvailable(): boolean {
  return existsSync(path.join(modelsDir(), DEFAULT_MODEL_NAME, 'model.onnx'));
}

/** An error whose message is for the user as it is (no stack trace). */
export class UserError extends Error {}

function resultEntry(r: SearchResult): ExplainEntry {
  return { path: r.path, start_line: r.start_line, end_line: r.end_line, kind: r.kind, name: r.name, container: r.container, doc: '' };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function averageVector(vectors: (Float32Array | undefined)[]): Float32Array | undefined {
  const present = vectors.filter((v): v is Float32Array => v !== undefined);
  if (present.length === 0) return undefined;
  const sum = new Float32Array(present[0].length);
  for (const v of present) for (let i = 0; i < sum.length; i++) sum[i] += v[i];
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => x / norm);
}

/** `promise`, marked as handled: it is awaited after synchronous work that may throw first. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
