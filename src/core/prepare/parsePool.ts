/**
 * Parses files on worker threads, one per core (up to MAX_WORKERS), so that tree-sitter,
 * chunking and tokenising use every core while the main thread builds the index. A
 * worker that fails or dies costs only its file: the caller prepares it on the main thread.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runtimeModule } from '../parse/grammars';
import type { LanguageId } from '../types';
import type { PreparedChunks } from './prepareChunks';

export interface ParseRequest {
  id: number;
  relPath: string;
  language: LanguageId;
  text: string;
}

export interface ParseWorkerData {
  /** The tree-sitter runtime as the parent compiled it. */
  runtime: WebAssembly.Module;
}

/** id -1 announces a started worker. */
export interface ParseReply {
  id: number;
  prepared?: PreparedChunks;
  error?: string;
}

/** More workers than this only copy grammars: the main thread and the embedder need cores too. */
const MAX_WORKERS = 4;
/**
 * Files sent to a worker before it answers the first: it goes straight on to the next one
 * instead of waiting for a reply's round trip (at one file at a time, measured on the npm
 * sources, workers waited for work 30% of the time). Few enough that the files still spread
 * over the workers.
 */
const FILES_AHEAD_PER_WORKER = 4;
/**
 * A worker's new-object space. Its garbage is short-lived (file texts, trees' strings,
 * tokens); V8's default young generation held about 25 MB more per worker for no speed
 * (npm sources, 2 workers: peak RSS 343 -> 288 MB, 4.22 -> 4.14 s).
 */
const WORKER_YOUNG_GENERATION_MB = 8;
/** Worker deaths after which the pool gives up (callers then prepare files on the main thread). */
const MAX_WORKER_FAILURES = 3;

interface Pending {
  request: ParseRequest;
  resolve: (prepared: PreparedChunks) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  /** Started workers with the files they hold, by request id. */
  private readonly ready = new Map<Worker, Map<number, Pending>>();
  private readonly queue: Pending[] = [];
  private readonly starting = new Set<Worker>();
  private nextId = 0;
  private failures = 0;
  private closed = false;

  private constructor(readonly size: number) {}

  /** A pool of `size` workers (default: one per core, at most MAX_WORKERS), started lazily. */
  static create(size = Math.min(os.availableParallelism(), MAX_WORKERS)): ParsePool {
    return new ParsePool(Math.max(1, size));
  }

  prepare(relPath: string, language: LanguageId, text: string): Promise<PreparedChunks> {
    if (this.closed) return Promise.reject(new Error('parse pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, relPath, language, text }, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error('parse pool closed');
    for (const p of this.queue.splice(0)) p.reject(closed);
    for (const held of this.ready.values()) for (const p of held.values()) p.reject(closed);
    const workers = [...this.ready.keys(), ...this.starting];
    this.ready.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Hands queued files to the least loaded workers, and starts workers while files wait. */
  private pump(): void {
    while (this.queue.length > 0) {
      const least = this.leastLoaded();
      if (!least || least[1].size >= FILES_AHEAD_PER_WORKER) break;
      const [worker, held] = least;
      const pending = this.queue.shift()!;
      held.set(pending.request.id, pending);
      worker.ref(); // a pending file keeps the process alive
      worker.postMessage(pending.request);
    }
    const missing = this.size - this.ready.size - this.starting.size;
    for (let i = Math.min(this.queue.length, missing); i > 0; i--) this.spawn();
  }

  private leastLoaded(): [Worker, Map<number, Pending>] | undefined {
    let least: [Worker, Map<number, Pending>] | undefined;
    for (const entry of this.ready) if (!least || entry[1].size < least[1].size) least = entry;
    return least;
  }

  /** Starts a worker; it takes work once it has announced itself. */
  private spawn(): void {
    const entry = parseWorkerEntry();
    const workerData: ParseWorkerData = { runtime: runtimeModule() };
    const worker = new Worker(entry.script, { eval: entry.eval, workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    this.starting.add(worker);
    worker.on('message', (reply: ParseReply) => this.receive(worker, reply));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`parse worker exited (code ${code})`)));
  }

  private receive(worker: Worker, reply: ParseReply): void {
    if (this.closed) return;
    if (reply.id === -1) {
      this.starting.delete(worker);
      this.ready.set(worker, new Map());
    } else {
      const held = this.ready.get(worker);
      const pending = held?.get(reply.id);
      held?.delete(reply.id);
      if (pending && reply.prepared) pending.resolve(reply.prepared);
      else pending?.reject(new Error(reply.error ?? 'parse worker gave no result'));
    }
    this.pump();
    if (this.ready.get(worker)?.size === 0) worker.unref(); // an idle worker must not keep the process alive
  }

  /** A worker died (error, then exit: both arrive, the first counts): its files are rejected, the pool goes on without it. */
  private fail(worker: Worker, error: Error): void {
    const held = this.ready.get(worker);
    if (!held && !this.starting.has(worker)) return;
    this.ready.delete(worker);
    this.starting.delete(worker);
    for (const pending of held?.values() ?? []) pending.reject(error);
    if (this.closed) return;
    if (++this.failures >= MAX_WORKER_FAILURES) void this.close();
    else this.pump();
  }
}

/**
 * The worker's script. Bundled, scripts/build.mjs writes dist/parseWorker.js next to the
 * bundle; from source (tsx) a bootstrap registers tsx's require hook, then loads the .ts.
 */
function parseWorkerEntry(): { script: string; eval: boolean } {
  if (!__filename.endsWith('.ts')) return { script: path.join(__dirname, 'parseWorker.js'), eval: false };
  const tsx = require.resolve('tsx/cjs');
  const worker = path.join(__dirname, 'parseWorker.ts');
  return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(worker)});`, eval: true };
}
