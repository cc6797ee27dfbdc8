/**
 * The embedder: one object that turns texts into unit-length vectors, off the caller's
 * event loop. Batches go to worker threads (each with its own onnxruntime session); query
 * batches jump ahead of queued document batches; an AbortSignal rejects a request at once
 * and drops its queued batches (a batch already running finishes and is thrown away).
 * One worker is kept; more are started when batches wait too long (the workers fall behind)
 * and stopped once idle, since each holds its own copy of the model. A worker that has
 * embedded much is swapped for a fresh one once the pool is idle, to give back its memory.
 * With the shipped model on the CPU, queries are embedded on this thread by a table lookup
 * (tableEncoder.ts) and no worker is kept: the last one stops once idle too, and one starts
 * again when documents come.
 */
import os from 'node:os';
import { loadFeaturizerConfig } from './featurize';
import { Job, TaskQueue, type Task } from './jobs';
import { modelIdOf, resolveModelSource } from './modelSource';
import type { EmbedderInfo, ModelSource, ProviderChoice, TextRole, WorkerInit } from './protocol';
import { TableEncoder } from './tableEncoder';
import { WorkerHandle } from './workerHandle';

export type { EmbedderInfo } from './protocol';

export interface Embedder {
  readonly info: EmbedderInfo;
  /** Unit-length vectors in input order (the zero vector for a text with nothing to embed). */
  embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Jumps ahead of queued document batches. */
  embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array>;
  /** Batches queued and not yet started, for progress reporting. */
  pendingBatches(): number;
  /** Worker threads running now (one when idle, up to the spec's `workers` under load). */
  workerCount(): number;
  dispose(): Promise<void>;
}

export interface EmbedderSpec {
  /** 'default' (the shipped model) or the path of a model folder. */
  model: 'default' | string;
  provider?: ProviderChoice;
  /** Intra-op threads per worker; default: the machine's cores shared among workers. */
  threads?: number;
  /** Worker threads, each with its own session; default depends on the model (defaultParallelism). */
  workers?: number;
  /** Document texts per batch. */
  batchSize?: number;
  /** An extra worker idle this long is stopped (default IDLE_WORKER_MS). */
  idleWorkerMs?: number;
  /** The last worker idle this long is stopped when queries do not need it (default LAST_WORKER_IDLE_MS). */
  lastWorkerIdleMs?: number;
  /**
   * 'probe' (default): a first worker loads the model before the embedder is returned, so a
   * model that cannot run here fails at once. 'on-demand': with the shipped model on the CPU,
   * no worker starts until documents need one (for an engine reopening an index: the model
   * has run here before, and queries need no worker); otherwise as 'probe'.
   */
  firstWorker?: 'probe' | 'on-demand';
  /** An extra worker starts once a batch has waited this long (default GROW_AFTER_MS). */
  growAfterMs?: number;
  /** A worker that has embedded this many texts is replaced once the pool has been idle for recycleIdleMs (defaults RECYCLE_AFTER_TEXTS, RECYCLE_IDLE_MS). */
  recycleAfterTexts?: number;
  recycleIdleMs?: number;
  log?: (level: 'info' | 'warn', message: string) => void;
}

const DEFAULT_BATCH_SIZE = 64;
/**
 * onnxruntime-node's run() blocks its thread, so parallelism comes from workers or from
 * intra-op threads. The featurized default model spends half its time in JS featurizing:
 * workers of one thread each ran it 2x faster than one worker of two threads here. But
 * documents are embedded while the parse workers fill the other cores, so the featurized
 * model gets up to half the cores in workers: on this 2-core machine a second worker cost
 * 90 MB at 219k chunks for no speed (cold index, default model, two runs each: one worker
 * 38.6 and 39.4 s, 677 and 687 MB peak; two 40.0 and 39.5 s, 773 and 764 MB; npm sources
 * 6.2 against 6.0 s, median of three). A transformer is all matrix work and each worker
 * holds a copy of it: one worker, all cores.
 */
const MAX_FEATURIZED_WORKERS = 4;
/** Extra workers stop after this long without work: each holds a copy of the model (~35-50 MB RSS for the default one here). */
const IDLE_WORKER_MS = 30_000;
/**
 * ...and the last one this long, when queries are embedded on the caller's thread (see
 * tableEncoder.ts): an index job is over by then, a small one (an edited file) needs no
 * worker (SMALL_JOB_CHARS), and a large one can afford to start one (~120 ms of CPU).
 * Serving 220k chunks with the default model, the engine holds 30-45 MB less without it.
 */
const LAST_WORKER_IDLE_MS = 5_000;
/**
 * A worker keeps for good the memory its largest batches needed (onnxruntime's arena, its V8
 * heap): after a cold index of 220k chunks the default model's worker held 74 MB where a
 * fresh one holds 32. So a worker that has embedded this many texts is replaced by a fresh
 * one once the pool has been idle for RECYCLE_IDLE_MS (a start costs ~120 ms of CPU; the
 * old worker answers until the new one is ready).
 */
const RECYCLE_AFTER_TEXTS = 20_000;
const RECYCLE_IDLE_MS = 5_000;

function defaultParallelism(kind: ModelSource['kind'], spec: EmbedderSpec): { workers: number; threads: number } {
  const cores = os.availableParallelism();
  const workers = Math.max(1, spec.workers ?? (kind === 'featurized' ? Math.min(Math.floor(cores / 2), MAX_FEATURIZED_WORKERS) : 1));
  return { workers, threads: Math.max(1, spec.threads ?? Math.floor(cores / workers)) };
}

/**
 * An extra worker starts only once a batch has waited this long. Starting one costs ~120 ms
 * of CPU (its own copy of the model, a cold JIT), more than a short queue takes to drain;
 * and on a first index one worker embeds faster than the main thread parses (2,342 chunks:
 * 90 ms warm), so the parser, not the embedder, sets the pace. Measured on a 2-core
 * machine, the first batches of one repository: one worker 123-134 ms of wall time, two
 * 169-189 ms (the second worker's start competing for the cores).
 */
const GROW_AFTER_MS = 250;

/**
 * Batches a worker has in hand at once: the next one is already there when one finishes,
 * so the worker does not wait for this thread (busy parsing during an index) to hand it
 * one. A query waits behind at most this many less one (a few ms each).
 */
const TASKS_PER_WORKER = 3;

/**
 * With no worker running, documents of up to this many characters in all (one edited file,
 * usually) are embedded on this thread by the table encoder rather than by a worker started
 * for them (~120 ms of CPU): it costs ~0.3 us a character here (a 20k-character file 5 ms,
 * the 99th percentile of the npm sources' files, 71k characters, 21 ms).
 */
const SMALL_JOB_CHARS = 64_000;

/** Restarts of crashed workers before the embedder gives up. */
const MAX_RESTARTS = 3;

export async function createEmbedder(spec: EmbedderSpec): Promise<Embedder> {
  const log = spec.log ?? ((level, message) => process.stderr.write(`[quarry ${level}] ${message}\n`));
  const source = await resolveModelSource(spec.model);
  const { workers, threads } = defaultParallelism(source.kind, spec);
  const init: WorkerInit = { source, provider: spec.provider ?? 'auto', threads };
  const start = (spec.firstWorker === 'on-demand' ? await startWithoutWorker(source, init, log) : undefined) ?? await startProbed(source, init, log);
  const { info } = start;
  log('info', `embedding with ${info.modelId} (dim ${info.dim}) on ${info.provider}, up to ${workers} worker(s) x ${init.threads} thread(s)`);
  return new PooledEmbedder(info, start.pinned, start.first, {
    maxWorkers: workers, batchSize: spec.batchSize ?? DEFAULT_BATCH_SIZE, idleWorkerMs: spec.idleWorkerMs ?? IDLE_WORKER_MS,
    lastWorkerIdleMs: spec.lastWorkerIdleMs ?? LAST_WORKER_IDLE_MS,
    growAfterMs: spec.growAfterMs ?? GROW_AFTER_MS, recycleAfterTexts: spec.recycleAfterTexts ?? RECYCLE_AFTER_TEXTS,
    recycleIdleMs: spec.recycleIdleMs ?? RECYCLE_IDLE_MS, log, queryEncoder: start.queryEncoder,
  });
}

interface PoolStart {
  info: EmbedderInfo;
  /** What later workers are started with (the provider chosen). */
  pinned: WorkerInit;
  /** The worker that loaded the model, if one did. */
  first?: WorkerHandle;
  queryEncoder?: TableEncoder;
}

/** A first worker loads the model and chooses the provider; the rest are told to use it. */
async function startProbed(source: ModelSource, init: WorkerInit, log: PoolSettings['log']): Promise<PoolStart> {
  // Hashing the model for its id overlaps with the worker loading it.
  const [firstStart, hashed] = await Promise.allSettled([WorkerHandle.start(init), modelIdOf(source)]);
  if (firstStart.status === 'rejected' || hashed.status === 'rejected') {
    if (firstStart.status === 'fulfilled') await firstStart.value.handle.terminate();
    throw firstStart.status === 'rejected' ? firstStart.reason : (hashed as PromiseRejectedResult).reason;
  }
  const first = firstStart.value;
  const info: EmbedderInfo = { modelId: hashed.value, ...first.info };
  for (const note of first.notes) log('info', note);
  const pinned: WorkerInit = { ...init, provider: info.provider as ProviderChoice, cpuFallback: init.provider === 'auto' };
  return { info, pinned, first: first.handle, queryEncoder: openQueryEncoder(source, info.provider, log) };
}

/**
 * No worker yet: the shipped model on the CPU (where `auto` keeps it), whose queries the
 * table encoder embeds; what the worker would report comes from the featurizer config.
 * Undefined when that does not apply, or the model does not hold the table.
 */
async function startWithoutWorker(source: ModelSource, init: WorkerInit, log: PoolSettings['log']): Promise<PoolStart | undefined> {
  if (init.provider !== 'auto' && init.provider !== 'cpu') return undefined;
  const queryEncoder = openQueryEncoder(source, 'cpu', log);
  if (!queryEncoder) return undefined;
  const { dimension, maxTokens } = queryEncoder.config;
  const info: EmbedderInfo = { modelId: await modelIdOf(source), dim: dimension, provider: 'cpu', maxLength: maxTokens };
  return { info, pinned: { ...init, provider: 'cpu' }, queryEncoder };
}

/**
 * The table encoder for queries, when the model is the shipped kind running on the CPU (on a
 * GPU, the worker's session is what the user asked for); undefined when the model does not
 * hold the table it reads.
 */
function openQueryEncoder(source: ModelSource, provider: string, log: PoolSettings['log']): TableEncoder | undefined {
  if (source.kind !== 'featurized' || provider !== 'cpu') return undefined;
  try {
    return TableEncoder.open(source.modelPath, loadFeaturizerConfig(source.featurizerPath));
  } catch (error) {
    log('info', `queries are embedded by the worker: ${(error as Error).message}`);
    return undefined;
  }
}

interface PoolSettings {
  maxWorkers: number;
  batchSize: number;
  idleWorkerMs: number;
  lastWorkerIdleMs: number;
  growAfterMs: number;
  recycleAfterTexts: number;
  recycleIdleMs: number;
  log: NonNullable<EmbedderSpec['log']>;
  /** Embeds queries on this thread; with it, no worker is kept once idle. */
  queryEncoder?: TableEncoder;
}

class PooledEmbedder implements Embedder {
  private readonly queue = new TaskQueue();
  /** Live workers, with the number of tasks each has in hand. */
  private readonly workers = new Map<WorkerHandle, number>();
  /** Tasks handed to a worker and not yet answered. */
  private readonly running = new Set<Task>();
  private restarts = 0;
  private broken: Error | undefined;
  /** Extra workers being started. */
  private starting = 0;
  /** Set when an extra worker failed to start: the pool goes on with what it has. */
  private cannotGrow = false;
  private readonly idleTimers = new Map<WorkerHandle, NodeJS.Timeout>();
  /** Set while the pool waits to see whether queued batches wait long enough to grow it. */
  private growCheck: NodeJS.Timeout | undefined;
  /** Texts each live worker has embedded (see RECYCLE_AFTER_TEXTS). */
  private readonly textsEmbedded = new Map<WorkerHandle, number>();
  /** Workers being replaced: they get no new tasks and stop once idle. */
  private readonly retiring = new Set<WorkerHandle>();
  /** Set while the pool has been idle, until it recycles its well-used workers. */
  private recycleCheck: NodeJS.Timeout | undefined;
  private recycling = false;

  constructor(
    readonly info: EmbedderInfo,
    private init: WorkerInit,
    first: WorkerHandle | undefined,
    private readonly settings: PoolSettings,
  ) {
    if (!first) return;
    this.adopt(first);
    this.stopIfIdle(first);
  }

  embedDocuments(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    const encoder = this.settings.queryEncoder;
    if (encoder && this.workers.size + this.starting === 0 && totalLength(texts) <= SMALL_JOB_CHARS) {
      return this.onThisThread(signal, () => texts.map((text) => encoder.embed(text)));
    }
    // Similar lengths in one batch waste less padding; results go back to input order.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    return this.submit(texts.length, signal, (job) => {
      const tasks: Task[] = [];
      for (let start = 0; start < order.length; start += this.settings.batchSize) {
        const indices = order.slice(start, start + this.settings.batchSize);
        tasks.push({ job, indices, texts: indices.map((i) => texts[i]), role: 'document' });
      }
      return tasks;
    });
  }

  async embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array> {
    const encoder = this.settings.queryEncoder;
    if (encoder) return this.onThisThread(signal, () => encoder.embed(text));
    const [vector] = await this.submit(1, signal, (job) => [{ job, indices: [0], texts: [text], role: 'query' as TextRole }]);
    return vector;
  }

  pendingBatches(): number {
    return this.queue.size;
  }

  workerCount(): number {
    return this.workers.size;
  }

  async dispose(): Promise<void> {
    this.broken = new Error('the embedder was disposed');
    this.queue.failAll(this.broken);
    for (const task of this.running) task.job.fail(this.broken);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    clearTimeout(this.growCheck);
    clearTimeout(this.recycleCheck);
    await Promise.all([...this.workers.keys()].map((w) => w.terminate()));
    this.workers.clear();
    this.settings.queryEncoder?.close();
  }

  private async onThisThread<T>(signal: AbortSignal | undefined, embed: () => T): Promise<T> {
    if (this.broken) throw this.broken;
    if (signal?.aborted) throw abortError(signal);
    return embed();
  }

  private submit(size: number, signal: AbortSignal | undefined, split: (job: Job) => Task[]): Promise<Float32Array[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => job.fail(abortError(signal!));
      const job = new Job(size, (v) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      }, (e) => {
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const task of split(job)) this.queue.push(task);
      this.pump();
    });
  }

  /** Gives queued tasks to workers with room for them; starts another worker when tasks wait too long for one. */
  private pump(): void {
    for (let worker = this.leastLoaded(); worker; worker = this.leastLoaded()) {
      const task = this.queue.next();
      if (!task) break;
      this.dispatch(worker, task);
    }
    if (this.queue.size > 0 && !this.broken && this.workers.size + this.starting === 0) this.startOnDemand();
    else if (this.queue.size > 0 && !this.broken && !this.cannotGrow && this.workers.size + this.starting < this.settings.maxWorkers) this.growIfBehind();
    clearTimeout(this.recycleCheck);
    if (this.queue.size === 0 && this.running.size === 0 && !this.broken) {
      this.recycleCheck = setTimeout(() => this.recycleWorn(), this.settings.recycleIdleMs);
      this.recycleCheck.unref();
    }
  }

  /** The live worker with the fewest tasks in hand, if it has room for another. */
  private leastLoaded(): WorkerHandle | undefined {
    let best: WorkerHandle | undefined;
    for (const [worker, load] of this.workers) {
      if (load < TASKS_PER_WORKER && !worker.dead && !this.retiring.has(worker) && (!best || load < this.workers.get(best)!)) best = worker;
    }
    return best;
  }

  private dispatch(worker: WorkerHandle, task: Task): void {
    clearTimeout(this.idleTimers.get(worker));
    this.idleTimers.delete(worker);
    this.workers.set(worker, this.workers.get(worker)! + 1);
    this.running.add(task);
    worker.run(task.texts, task.role).then(
      (flat) => task.job.complete(task.indices, flat),
      (err: Error) => task.job.fail(err),
    ).finally(() => {
      this.running.delete(task);
      const load = this.workers.get(worker);
      if (load !== undefined && !worker.dead) {
        this.textsEmbedded.set(worker, (this.textsEmbedded.get(worker) ?? 0) + task.texts.length);
        this.workers.set(worker, load - 1);
        if (load === 1 && this.retiring.has(worker)) this.stop(worker);
        else if (load === 1) this.stopIfIdle(worker);
      }
      this.pump();
    });
  }

  /** Grows the pool if a queued batch has waited GROW_AFTER_MS; else looks again when one would have. */
  private growIfBehind(): void {
    const waited = this.queue.longestWaitMs();
    if (waited >= this.settings.growAfterMs) return this.grow();
    if (this.growCheck) return;
    this.growCheck = setTimeout(() => {
      this.growCheck = undefined;
      this.pump();
    }, this.settings.growAfterMs - waited);
    this.growCheck.unref();
  }

  private grow(): void {
    this.startWorker((err) => {
      this.cannotGrow = true;
      this.settings.log('warn', `an extra embedding worker did not start (${err.message}); going on with ${this.workers.size}`);
    });
  }

  /**
   * Work came with no worker left (they stop when idle if queries need none): one starts now.
   * If it cannot, the waiting documents fail; queries go on, and the next documents try again.
   */
  private startOnDemand(): void {
    this.startWorker((err) => this.queue.failAll(new Error(`the embedding worker did not start: ${err.message}`)));
  }

  private startWorker(onFailure: (err: Error) => void): void {
    this.starting++;
    WorkerHandle.start(this.init).then(({ handle }) => {
      this.starting--;
      if (this.broken) return void handle.terminate();
      this.adopt(handle);
      this.stopIfIdle(handle);
      this.pump();
    }, (err: Error) => {
      this.starting--;
      onFailure(err);
    });
  }

  /** An idle worker beyond the first is stopped if it stays idle; the first too when queries need no worker. */
  private stopIfIdle(worker: WorkerHandle): void {
    const keep = this.settings.queryEncoder ? 0 : 1;
    if (this.workers.size <= keep) return;
    clearTimeout(this.idleTimers.get(worker));
    const timer = setTimeout(() => {
      this.idleTimers.delete(worker);
      if (this.workers.get(worker) !== 0 || this.workers.size <= keep) return;
      this.stop(worker);
    }, this.workers.size > 1 ? this.settings.idleWorkerMs : this.settings.lastWorkerIdleMs);
    timer.unref();
    this.idleTimers.set(worker, timer);
  }

  /** Replaces, one at a time, the workers that have embedded RECYCLE_AFTER_TEXTS texts, while the pool stays idle. */
  private recycleWorn(): void {
    // Without a kept worker, the idle one simply stops (stopIfIdle).
    if (this.settings.queryEncoder || this.recycling || this.broken || this.queue.size > 0 || this.running.size > 0) return;
    const worn = [...this.workers.keys()].find((w) => !this.retiring.has(w) && (this.textsEmbedded.get(w) ?? 0) >= this.settings.recycleAfterTexts);
    if (!worn) return;
    this.recycling = true;
    WorkerHandle.start(this.init).then(({ handle }) => {
      this.recycling = false;
      // Disposed, or the old worker crashed meanwhile (replace() started another): not needed.
      if (this.broken || !this.workers.has(worn)) return void handle.terminate();
      this.settings.log('info', `embedding worker replaced after ${this.textsEmbedded.get(worn) ?? 0} texts, to give back the memory its batches grew`);
      this.adopt(handle);
      this.retiring.add(worn);
      if (this.workers.get(worn) === 0) this.stop(worn);
      this.pump();
    }, (err: Error) => {
      this.recycling = false;
      this.textsEmbedded.set(worn, -Infinity); // keep the worker; do not try again
      this.settings.log('warn', `a fresh embedding worker did not start (${err.message}); keeping the old one`);
    });
  }

  private stop(worker: WorkerHandle): void {
    clearTimeout(this.idleTimers.get(worker));
    this.idleTimers.delete(worker);
    this.workers.delete(worker);
    this.retiring.delete(worker);
    this.textsEmbedded.delete(worker);
    void worker.terminate();
  }

  private adopt(worker: WorkerHandle): void {
    this.workers.set(worker, 0);
    worker.whenDead((cause) => this.replace(worker, cause));
    worker.whenFallenBack((from, reason) => this.fellBack(from, reason));
  }

  /** A worker's GPU failed and it went on on the CPU: so does the pool (workers started later, what info says). */
  private fellBack(from: string, reason: string): void {
    if (this.info.provider === 'cpu') return;
    this.info.provider = 'cpu';
    this.init = { ...this.init, provider: 'cpu' };
    this.settings.log('warn', `embedding on ${from} failed (${reason}); going on on the CPU`);
  }

  /** A crashed worker fails its own batch; a replacement takes over the queue. */
  private replace(worker: WorkerHandle, cause: Error): void {
    this.workers.delete(worker);
    this.textsEmbedded.delete(worker);
    if (this.retiring.delete(worker) || this.broken) return;
    if (this.restarts >= MAX_RESTARTS) {
      this.broken = new Error(`embedding workers keep crashing: ${cause.message}`);
      if (this.workers.size === 0) this.queue.failAll(this.broken);
      return;
    }
    this.restarts++;
    this.settings.log('warn', `embedding worker crashed (${cause.message}); restarting`);
    // Counted as starting, so that pump() does not start another for the queue meanwhile.
    this.startWorker((err) => {
      this.broken = err;
      if (this.workers.size === 0) this.queue.failAll(err);
    });
  }
}

function totalLength(texts: readonly string[]): number {
  let length = 0;
  for (const text of texts) length += text.length;
  return length;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The embedding request was aborted', 'AbortError');
}
