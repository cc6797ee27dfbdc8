/**
 * Brings one root's index up to date with its files: discover, compare with the catalog,
 * read, parse, chunk, embed and index only what changed, and checkpoint atomically so
 * that a kill at any moment leaves a loadable index that the next run completes.
 */
import os from 'node:os';
import { classifyContent, decodeText } from './discover/content';
import { readRegularFile } from './discover/probe';
import { discoverFiles, discoverPaths, type Discovery, type DiscoverOptions } from './discover/walk';
import type { Embedder } from './embed/embedder';
import { sha1Hex } from './hashing';
import { embeddingText } from './index/chunkText';
import type { IndexState } from './index/indexState';
import { ParsePool } from './prepare/parsePool';
import { prepareChunks, type PreparedChunks } from './prepare/prepareChunks';
import type { SymbolParser } from './parse/symbols';
import { TimeSlicer } from './timeSlice';
import type { DiscoveredFile, SkipReason } from './types';

export interface IndexProgress {
  phase: 'discover' | 'index' | 'save';
  done: number;
  total: number;
}

export interface IndexSummary {
  root: string;
  files: number;
  changedFiles: number;
  unchangedFiles: number;
  /** Of the unchanged files, those read again because their time or size changed (the new ones are saved). */
  touchedFiles: number;
  removedFiles: number;
  chunks: number;
  skipped: Partial<Record<SkipReason, number>>;
  parseFallbacks: number;
  /** Files parsed on worker threads (the rest on the main thread). */
  parsedOnWorkers: number;
  ms: number;
  phaseMs: Record<string, number>;
}

export interface IndexJob {
  root: string;
  state: IndexState;
  parser: SymbolParser;
  embedder?: Embedder;
  discover: DiscoverOptions;
  /** Parse workers for large changes (default DEFAULT_PARSE_WORKERS; 0: the main thread parses). */
  parseWorkers?: number;
  /** Only these paths (relative to the root) changed: judge them alone instead of walking the tree. */
  paths?: readonly string[];
  /** Persists the state; called at checkpoints and at the end (unless the job changed nothing and `saved` says the state is on disk). */
  checkpoint: () => Promise<void>;
  /** The state is what the index on disk holds: a run that changes nothing need not write it again. */
  saved?: boolean;
  onProgress?: (p: IndexProgress) => void;
  signal?: AbortSignal;
}

/**
 * Parse workers when the caller does not say (QUARRY_PARSE_WORKERS overrides): all cores but
 * one, at least 2 (the main thread mostly waits for them), at most MAX_DEFAULT_WORKERS; none
 * on one core. On Linux they run at a lower priority than the editor (see parseWorker.ts).
 * Measured on this 2-core machine, lexical-only cold index without workers and with 2:
 * 219k chunks 32.6 -> 25.4 s, npm sources 5.1 -> 4.1 s, laravel 2.5 -> 2.2 s (peak RSS
 * +80, +80 and +50 MB); with another process busy on one core, the same time either way.
 */
const MAX_DEFAULT_WORKERS = 4;
export const DEFAULT_PARSE_WORKERS = process.env.QUARRY_PARSE_WORKERS !== undefined
  ? Number(process.env.QUARRY_PARSE_WORKERS) || 0
  : os.availableParallelism() >= 2 ? Math.min(Math.max(os.availableParallelism() - 1, 2), MAX_DEFAULT_WORKERS) : 0;
/**
 * A change smaller than this (in bytes or in files) is parsed on the main thread: starting
 * workers, which load grammars and compile queries and code again, would cost more than
 * they save. Measured here, lexical-only cold index with the pool against without, two
 * runs each: 0.2-0.5 MB of source 1.00-1.31x the time (requests, flask, trpc, monolog,
 * rails), 0.7-0.9 MB 0.87-1.04x (axum, nvm, nlohmann-json, aiohttp, gin, exposed),
 * 1-2.6 MB 0.80-0.89x (ecto, libuv, pydantic, zls, mini.nvim); fmtlib's 15 files of 0.6 MB 0.78x.
 */
export const POOL_MIN_BYTES = Number(process.env.QUARRY_POOL_MIN_BYTES) || 640 * 1024;
const POOL_MIN_FILES = 8;
/** Files processed together: their chunks are embedded in one batch. */
const FILE_BATCH = 32;
/**
 * The first batch is this small and each next one twice as large, up to FILE_BATCH: the
 * embedding worker starts on the first files while the rest are parsed (a job of 32 files or
 * fewer was one batch, embedded only once all of it was parsed). Cold index with the default
 * model, medians of five side by side: flask 271 -> 240 ms, requests 213 -> 205, click 313 ->
 * 301, aiohttp 545 -> 538; lexical-only and the npm sources the same.
 */
const FIRST_FILE_BATCH = 4;
/** Batches queued per parse worker. */
const BATCHES_AHEAD_PER_WORKER = 2;
/** Save progress at least this often during a long first index (tests shorten it to provoke kills mid-save). */
const CHECKPOINT_INTERVAL_MS = Number(process.env.QUARRY_CHECKPOINT_INTERVAL_MS) || 20_000;
/**
 * ...but keep saving to at most 1/(1+this) of the time: a checkpoint rewrites the whole
 * index, so at a fixed interval a very large first index would spend most of its time saving.
 */
const CHECKPOINT_COST_FACTOR = 5;

export async function runIndexJob(job: IndexJob): Promise<IndexSummary> {
  const started = Date.now();
  const phaseMs: Record<string, number> = { discover: 0, read: 0, parse: 0, embed: 0, index: 0, vectors: 0, save: 0 };
  job.onProgress?.({ phase: 'discover', done: 0, total: 0 });
  const skippedBefore = new Map(job.state.skipped);
  const summary: IndexSummary = {
    root: job.root, files: 0, changedFiles: 0, unchangedFiles: 0, touchedFiles: 0, removedFiles: 0,
    chunks: 0, skipped: {}, parseFallbacks: 0, parsedOnWorkers: 0, ms: 0, phaseMs,
  };
  const discovery = (job.paths && await discoverChangedPaths(job, job.paths, summary)) ?? await discoverTree(job, summary);
  phaseMs.discover = Date.now() - started;

  const changed = discovery.files.filter((f) => !isUnchanged(job.state, f));
  summary.unchangedFiles = discovery.files.length - changed.length;
  const changedBytes = changed.reduce((bytes, f) => bytes + f.size, 0);
  job.parser.expectSourceBytes(changedBytes);
  const workers = job.parseWorkers ?? DEFAULT_PARSE_WORKERS;
  const usePool = workers > 0 && changed.length >= POOL_MIN_FILES && changedBytes >= POOL_MIN_BYTES;
  const pool = usePool ? ParsePool.create(workers) : undefined;
  try {
    await indexChanged(job, changed, pool, summary, phaseMs);
  } finally {
    await pool?.close();
  }
  const graphMsBefore = job.state.vectorInsertMs;
  await job.state.catchUpVectorGraph(); // an index loaded while its graph was being built
  phaseMs.vectors += Math.round(job.state.vectorInsertMs - graphMsBefore);
  const changedNothing = summary.changedFiles === 0 && summary.touchedFiles === 0 && summary.removedFiles === 0
    && job.state.vectorInsertMs === graphMsBefore && sameEntries(skippedBefore, job.state.skipped);
  job.onProgress?.({ phase: 'save', done: 0, total: 1 });
  if (!(changedNothing && job.saved)) await timed(phaseMs, 'save', job.checkpoint);
  for (const reason of job.state.skipped.values()) summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  summary.files = job.state.files.size;
  summary.chunks = job.state.chunkCount;
  summary.ms = Date.now() - started;
  return summary;
}

/** The whole tree: files no longer found leave the index, skip reasons are replaced. */
async function discoverTree(job: IndexJob, summary: IndexSummary): Promise<Discovery> {
  const discovery = await discoverFiles(job.root, { ...job.discover, signal: job.signal });
  job.state.skipped = new Map(discovery.skipped.map((s) => [s.relPath, s.reason]));
  summary.removedFiles = removeVanished(job.state, new Set(discovery.files.map((f) => f.relPath)));
  return discovery;
}

/**
 * Only the changed paths: a path now skipped or gone leaves the index (a gone folder takes
 * its files along). Undefined when a path needs the whole tree walked (a folder appeared,
 * an ignore file changed).
 */
async function discoverChangedPaths(job: IndexJob, paths: readonly string[], summary: IndexSummary): Promise<Discovery | undefined> {
  const discovery = await discoverPaths(job.root, paths, { ...job.discover, signal: job.signal });
  if (discovery.needsWalk) return undefined;
  const state = job.state;
  for (const { relPath, reason } of discovery.skipped) {
    if (state.files.has(relPath)) summary.removedFiles++;
    state.removeFile(relPath);
    state.skipped.set(relPath, reason);
  }
  // The folder's own skip entry already stands for these (as in a walk).
  for (const { relPath } of discovery.inSkippedFolder) {
    if (state.files.has(relPath)) summary.removedFiles++;
    state.removeFile(relPath);
  }
  if (discovery.missing.length > 0) {
    const gone = new Set(discovery.missing);
    const isGone = (p: string) => p.split('/').some((_, i, parts) => gone.has(parts.slice(0, i + 1).join('/')));
    const indexed = [...state.files.keys()].filter(isGone);
    for (const p of indexed) state.removeFile(p);
    summary.removedFiles += indexed.length;
    for (const p of [...state.skipped.keys()]) if (isGone(p)) state.skipped.delete(p);
  }
  return discovery;
}

function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

function isUnchanged(state: IndexState, file: DiscoveredFile): boolean {
  const entry = state.files.get(file.relPath);
  return entry !== undefined && entry.size === file.size && entry.mtimeMs === file.mtimeMs;
}

function removeVanished(state: IndexState, present: Set<string>): number {
  const gone = [...state.files.keys()].filter((p) => !present.has(p));
  for (const p of gone) state.removeFile(p);
  return gone.length;
}

interface PreparedFile extends PreparedChunks {
  file: DiscoveredFile;
  contentHash: string;
  /** Parsed by a pool worker (not by the main thread, the fallback when a worker fails). */
  onWorker: boolean;
}

/**
 * Batch by batch: the next batch is read, parsed (on the pool's workers when there is a
 * pool) and embedded while this one is added to the index. phaseMs.parse is the time the
 * index waits for parsed batches, phaseMs.embed for their embeddings; phaseMs.read the
 * reads' own time, which overlaps them.
 */
async function indexChanged(job: IndexJob, changed: DiscoveredFile[], pool: ParsePool | undefined, summary: IndexSummary, phaseMs: Record<string, number>): Promise<void> {
  let lastCheckpoint = Date.now();
  let lastCheckpointMs = 0;
  const batches = fileBatches(changed);
  const batchAt = (batch: DiscoveredFile[]) => {
    const pending = prepareBatch(job, batch, pool, summary, phaseMs).then((prepared) => {
      // A batch is embedded as soon as it is parsed: the embedding workers run while this
      // thread adds the batch before it to the index (at 220k chunks the index had waited
      // for embeddings a third of its time).
      const vectors = job.embedder ? embedPrepared(job, prepared) : undefined;
      vectors?.catch(() => undefined); // awaited in indexPrepared
      return { prepared, vectors };
    });
    pending.catch(() => undefined); // awaited below; this only keeps an abandoned batch's failure quiet
    return pending;
  };
  // With a pool, several batches are in flight so that no worker waits for the slowest file of a batch.
  const ahead = pool ? pool.size * BATCHES_AHEAD_PER_WORKER : 1;
  const inFlight: Promise<{ prepared: PreparedFile[]; vectors?: Promise<Float32Array[][]> }>[] = [];
  let queued = 0;
  const refill = () => {
    for (; inFlight.length < ahead && queued < batches.length; queued++) inFlight.push(batchAt(batches[queued]));
  };
  refill();
  let done = 0;
  for (const batch of batches) {
    job.signal?.throwIfAborted();
    const { prepared, vectors } = await timed(phaseMs, 'parse', () => inFlight.shift()!);
    refill();
    await indexPrepared(job, prepared, vectors, summary, phaseMs);
    done += batch.length;
    job.onProgress?.({ phase: 'index', done, total: changed.length });
    if (Date.now() - lastCheckpoint > Math.max(CHECKPOINT_INTERVAL_MS, CHECKPOINT_COST_FACTOR * lastCheckpointMs)) {
      const t = Date.now();
      await timed(phaseMs, 'save', job.checkpoint);
      lastCheckpoint = Date.now();
      lastCheckpointMs = lastCheckpoint - t;
    }
  }
}

/** The files in batches of FIRST_FILE_BATCH, then twice as many each time up to FILE_BATCH. */
function fileBatches(files: DiscoveredFile[]): DiscoveredFile[][] {
  const batches: DiscoveredFile[][] = [];
  for (let i = 0, size = FIRST_FILE_BATCH; i < files.length; i += size, size = Math.min(size * 2, FILE_BATCH)) {
    batches.push(files.slice(i, i + size));
  }
  return batches;
}

/** Reads a batch's files at once, then prepares them (all at once on a pool, one by one without). */
async function prepareBatch(
  job: IndexJob, batch: DiscoveredFile[], pool: ParsePool | undefined, summary: IndexSummary, phaseMs: Record<string, number>,
): Promise<PreparedFile[]> {
  const contents = await timed(phaseMs, 'read', () => Promise.all(batch.map((file) => readRegularFile(file.absPath).catch(() => undefined))));
  let outcomes: (PreparedFile | 'unchanged' | undefined)[];
  if (pool) outcomes = await Promise.all(batch.map((file, n) => prepareFile(job, file, contents[n], pool)));
  else {
    // Parsing is synchronous: let searches in between files.
    const slicer = new TimeSlicer();
    outcomes = [];
    for (const [n, file] of batch.entries()) {
      outcomes.push(await prepareFile(job, file, contents[n]));
      await slicer.yieldIfDue();
    }
  }
  const prepared: PreparedFile[] = [];
  for (const p of outcomes) {
    if (p === 'unchanged') {
      summary.unchangedFiles++;
      summary.touchedFiles++; // only files whose time or size changed are read
    } else if (p) {
      prepared.push(p);
      if (p.note) summary.parseFallbacks++;
      if (p.onWorker) summary.parsedOnWorkers++;
    }
  }
  return prepared;
}

/** Adds a batch to the index once its embeddings (`embedding`, when there is a model) are done. */
async function indexPrepared(
  job: IndexJob, prepared: PreparedFile[], embedding: Promise<Float32Array[][]> | undefined, summary: IndexSummary, phaseMs: Record<string, number>,
): Promise<void> {
  const vectors = embedding ? await timed(phaseMs, 'embed', () => embedding) : undefined;
  const slicer = new TimeSlicer();
  const vectorMsBefore = job.state.vectorInsertMs;
  let indexMs = 0;
  for (const [i, p] of prepared.entries()) {
    const t = performance.now();
    const { file, contentHash, chunks, terms, note } = p;
    job.state.putFile({ path: file.relPath, language: file.language, size: file.size, mtimeMs: file.mtimeMs, contentHash, note }, chunks, vectors?.[i], terms);
    summary.changedFiles++;
    indexMs += performance.now() - t;
    await slicer.yieldIfDue();
  }
  const t = performance.now();
  await job.state.foldLexicalTail(slicer);
  await job.state.catchUpVectorGraph(slicer);
  indexMs += performance.now() - t;
  // 'index' is the lexical index and chunk metadata; 'vectors' the vector inserts within it (scan, graph).
  const vectorMs = job.state.vectorInsertMs - vectorMsBefore;
  phaseMs.vectors += Math.round(vectorMs);
  phaseMs.index += Math.round(indexMs - vectorMs);
}

/** Checks and chunks one file. Undefined: skipped (reason recorded). */
async function prepareFile(
  job: IndexJob, file: DiscoveredFile, bytes: Buffer | undefined, pool?: ParsePool,
): Promise<PreparedFile | 'unchanged' | undefined> {
  const state = job.state;
  const skip = (reason: SkipReason) => {
    state.removeFile(file.relPath);
    state.skipped.set(file.relPath, reason);
    return undefined;
  };
  if (!bytes) return skip('unreadable');
  const reason = classifyContent(file.relPath, bytes);
  if (reason) return skip(reason);
  const contentHash = sha1Hex(bytes);
  const previous = state.files.get(file.relPath);
  if (previous && previous.contentHash === contentHash) {
    previous.mtimeMs = file.mtimeMs;
    previous.size = file.size;
    return 'unchanged';
  }
  const text = decodeText(bytes);
  const inline = async () => ({ ...await prepareChunks(job.parser, file.relPath, file.language, text), onWorker: false });
  // A worker that failed or died costs only this file's trip: the main thread prepares it.
  const prepared = pool
    ? await pool.prepare(file.relPath, file.language, text).then((p) => ({ ...p, onWorker: true }), inline)
    : await inline();
  return { file, contentHash, ...prepared };
}

/** Embeds the chunks of a batch of files, reusing stored vectors of unchanged chunks. */
async function embedPrepared(job: IndexJob, prepared: PreparedFile[]): Promise<Float32Array[][]> {
  const result: Float32Array[][] = prepared.map(() => []);
  const texts: string[] = [];
  const targets: [number, number][] = [];
  prepared.forEach((p, i) => {
    const reusable = job.state.vectorsByTextHash(p.file.relPath);
    p.chunks.forEach((chunk, j) => {
      const reused = reusable.get(chunk.textHash);
      if (reused) result[i][j] = reused;
      else {
        texts.push(embeddingText(chunk));
        targets.push([i, j]);
      }
    });
  });
  if (texts.length > 0) {
    const vectors = await job.embedder!.embedDocuments(texts, job.signal);
    vectors.forEach((v, n) => (result[targets[n][0]][targets[n][1]] = v));
  }
  return result;
}

async function timed<T>(phaseMs: Record<string, number>, phase: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    phaseMs[phase] = (phaseMs[phase] ?? 0) + Date.now() - t;
  }
}
