/**
 * Brings one root's index up to date with its files: discover, compare with the catalog,
 * read, parse, chunk, embed and index only what changed, and checkpoint atomically so
 * that a kill at any moment leaves a loadable index that the next run completes.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { classifyContent, decodeText } from './discover/content';
import { discoverFiles, type DiscoverOptions } from './discover/walk';
import type { Embedder } from './embed/embedder';
import { embeddingText } from './index/chunkText';
import type { IndexState } from './index/indexState';
import { chunkFile } from './parse/chunker';
import type { SymbolParser } from './parse/symbols';
import type { Chunk, DiscoveredFile, SkipReason } from './types';

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
  removedFiles: number;
  chunks: number;
  skipped: Partial<Record<SkipReason, number>>;
  parseFallbacks: number;
  ms: number;
  phaseMs: Record<string, number>;
}

export interface IndexJob {
  root: string;
  state: IndexState;
  parser: SymbolParser;
  embedder?: Embedder;
  discover: DiscoverOptions;
  /** Persists the state; called at checkpoints and at the end. */
  checkpoint: () => Promise<void>;
  onProgress?: (p: IndexProgress) => void;
  signal?: AbortSignal;
}

/** Files processed together: their chunks are embedded in one batch. */
const FILE_BATCH = 32;
/** Save progress at least this often during a long first index (tests shorten it to provoke kills mid-save). */
const CHECKPOINT_INTERVAL_MS = Number(process.env.QUARRY_CHECKPOINT_INTERVAL_MS) || 20_000;

export async function runIndexJob(job: IndexJob): Promise<IndexSummary> {
  const started = Date.now();
  const phaseMs: Record<string, number> = { discover: 0, read: 0, parse: 0, embed: 0, index: 0, save: 0 };
  job.onProgress?.({ phase: 'discover', done: 0, total: 0 });
  const discovery = await discoverFiles(job.root, { ...job.discover, signal: job.signal });
  phaseMs.discover = Date.now() - started;
  const summary: IndexSummary = {
    root: job.root, files: discovery.files.length, changedFiles: 0, unchangedFiles: 0, removedFiles: 0,
    chunks: 0, skipped: {}, parseFallbacks: 0, ms: 0, phaseMs,
  };
  job.state.skipped = new Map(discovery.skipped.map((s) => [s.relPath, s.reason]));
  summary.removedFiles = removeVanished(job.state, new Set(discovery.files.map((f) => f.relPath)));

  const changed = discovery.files.filter((f) => !isUnchanged(job.state, f));
  summary.unchangedFiles = discovery.files.length - changed.length;
  let lastCheckpoint = Date.now();
  // The next batch's files are read while this one is parsed: reads wait on the disk, not the CPU.
  let reads = readBatch(changed.slice(0, FILE_BATCH));
  for (let i = 0; i < changed.length; i += FILE_BATCH) {
    job.signal?.throwIfAborted();
    const batch = changed.slice(i, i + FILE_BATCH);
    const contents = await timed(phaseMs, 'read', () => reads);
    reads = readBatch(changed.slice(i + FILE_BATCH, i + 2 * FILE_BATCH));
    await indexBatch(job, batch, contents, summary, phaseMs);
    job.onProgress?.({ phase: 'index', done: Math.min(i + FILE_BATCH, changed.length), total: changed.length });
    if (Date.now() - lastCheckpoint > CHECKPOINT_INTERVAL_MS) {
      await timed(phaseMs, 'save', job.checkpoint);
      lastCheckpoint = Date.now();
    }
  }
  job.onProgress?.({ phase: 'save', done: 0, total: 1 });
  await timed(phaseMs, 'save', job.checkpoint);
  for (const reason of job.state.skipped.values()) summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  summary.chunks = job.state.chunkCount;
  summary.ms = Date.now() - started;
  return summary;
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

interface PreparedFile {
  file: DiscoveredFile;
  contentHash: string;
  chunks: (Chunk & { textHash: string })[];
  note?: string;
}

/** Reads the files of a batch at once; undefined for a file that could not be read. Never rejects. */
function readBatch(batch: DiscoveredFile[]): Promise<(Buffer | undefined)[]> {
  return Promise.all(batch.map((file) => fs.readFile(file.absPath).catch(() => undefined)));
}

async function indexBatch(
  job: IndexJob, batch: DiscoveredFile[], contents: (Buffer | undefined)[], summary: IndexSummary, phaseMs: Record<string, number>,
): Promise<void> {
  const prepared: PreparedFile[] = [];
  for (const [n, file] of batch.entries()) {
    const p = await prepareFile(job, file, contents[n], phaseMs);
    if (p === 'unchanged') summary.unchangedFiles++;
    else if (p) {
      prepared.push(p);
      if (p.note) summary.parseFallbacks++;
    }
  }
  const vectors = job.embedder ? await timed(phaseMs, 'embed', () => embedPrepared(job, prepared)) : undefined;
  const t = Date.now();
  prepared.forEach((p, i) => {
    const { file, contentHash, chunks, note } = p;
    job.state.putFile({ path: file.relPath, language: file.language, size: file.size, mtimeMs: file.mtimeMs, contentHash, note }, chunks, vectors?.[i]);
    summary.changedFiles++;
  });
  phaseMs.index += Date.now() - t;
}

/** Checks and chunks one file (read by readBatch). Undefined: skipped (reason recorded). */
async function prepareFile(
  job: IndexJob, file: DiscoveredFile, bytes: Buffer | undefined, phaseMs: Record<string, number>,
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
  const contentHash = createHash('sha1').update(bytes).digest('hex');
  const previous = state.files.get(file.relPath);
  if (previous && previous.contentHash === contentHash) {
    previous.mtimeMs = file.mtimeMs;
    previous.size = file.size;
    return 'unchanged';
  }
  const text = decodeText(bytes);
  const t = Date.now();
  const outcome = await job.parser.parse(text, file.language);
  const chunks = chunkFile(file.relPath, file.language, text, outcome.symbols).map((c) => ({
    ...c,
    textHash: createHash('sha1').update(embeddingText(c)).digest('hex'),
  }));
  phaseMs.parse += Date.now() - t;
  return { file, contentHash, chunks, note: outcome.error };
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

/** Absolute path of a chunk's file. */
export function absolutePath(root: string, relPath: string): string {
  return path.join(root, ...relPath.split('/'));
}
