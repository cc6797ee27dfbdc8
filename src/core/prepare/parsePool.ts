/**
 * Parses files on worker threads, one per core (up to MAX_WORKERS), so that tree-sitter,
 * chunking and tokenising use every core while the main thread builds the index. A
 * worker that fails or dies costs only its file: the caller prepares it on the main thread.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LanguageId } from '../types';
import type { PreparedChunks } from './prepareChunks';

export interface ParseRequest {
  id: number;
  relPath: string;
  language: LanguageId;
  text: string;
}

/** id -1 announces a started worker. */
export interface ParseReply {
  id: number;
  prepared?: PreparedChunks;
  error?: string;
}

/** More workers than this only copy grammars: the main thread and the embedder need cores too. */
const MAX_WORKERS = 4;
/** Worker deaths after which the pool gives up (callers then prepare files on the main thread). */
const MAX_WORKER_FAILURES = 3;

interface Pending {
  request: ParseRequest;
  resolve: (prepared: PreparedChunks) => void;
  reject: (error: Error) => void;
}

export class ParsePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
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
    for (const p of this.queue.splice(0)) p.reject(new Error('parse pool closed'));
    const workers = [...this.idle, ...this.busy.keys(), ...this.starting];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0 && this.idle.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.ref(); // a pending file keeps the process alive; an idle worker must not
      worker.postMessage(pending.request);
    }
    const missing = this.size - this.busy.size - this.idle.length - this.starting.size;
    for (let i = Math.min(this.queue.length, missing); i > 0; i--) this.spawn();
  }

  /** Starts a worker; it takes work once it has announced itself. */
  private spawn(): void {
    const entry = parseWorkerEntry();
    const worker = new Worker(entry.script, { eval: entry.eval });
    this.starting.add(worker);
    worker.on('message', (reply: ParseReply) => this.receive(worker, reply));
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`parse worker exited (code ${code})`)));
  }

  private receive(worker: Worker, reply: ParseReply): void {
    if (reply.id === -1) this.starting.delete(worker);
    else {
      const pending = this.busy.get(worker);
      this.busy.delete(worker);
      if (pending && reply.prepared) pending.resolve(reply.prepared);
      else pending?.reject(new Error(reply.error ?? 'parse worker gave no result'));
    }
    if (this.closed) return;
    worker.unref();
    this.idle.push(worker);
    this.pump();
  }

  /** A worker died (error, then exit: both arrive): its file is rejected, the pool goes on without it. */
  private fail(worker: Worker, error: Error): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    this.starting.delete(worker);
    const index = this.idle.indexOf(worker);
    if (index >= 0) this.idle.splice(index, 1);
    pending?.reject(error);
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
