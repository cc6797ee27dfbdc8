/**
 * The caller's side of one embedding worker thread: starts it, sends one batch at a time,
 * and turns a crash into rejected promises instead of a hang.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from './locate';
import type { FromWorker, RuntimeInfo, TextRole, WorkerInit } from './protocol';

interface Pending {
  resolve: (vectors: Float32Array) => void;
  reject: (err: Error) => void;
}

export interface StartedWorker {
  handle: WorkerHandle;
  info: RuntimeInfo;
  notes: string[];
}

export class WorkerHandle {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private deathCause: Error | undefined;
  private onDeath: ((cause: Error) => void) | undefined;
  private onFallback: ((from: string, reason: string) => void) | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (msg: FromWorker) => this.receive(msg));
    worker.on('error', (err) => this.die(err));
    worker.on('exit', (code) => this.die(new Error(`embedding worker exited (code ${code})`)));
  }

  /** Resolves once the worker has opened the model and chosen a provider. */
  static start(init: WorkerInit): Promise<StartedWorker> {
    const entry = workerEntry();
    const worker = new Worker(entry.script, { workerData: init, eval: entry.eval });
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        detach();
        void worker.terminate();
        reject(err);
      };
      const onExit = (code: number): void => fail(new Error(`embedding worker exited while starting (code ${code})`));
      const onMessage = (msg: FromWorker): void => {
        if (msg.type !== 'ready') return fail(new Error(msg.type === 'init-failed' ? msg.message : `unexpected ${msg.type} from a starting worker`));
        detach();
        const handle = new WorkerHandle(worker);
        // An idle worker must not keep a CLI process alive.
        worker.unref();
        resolve({ handle, info: msg.info, notes: msg.notes });
      };
      // Only our own listeners: Worker keeps internal ones that removeAllListeners would drop.
      const detach = (): void => {
        worker.off('error', fail).off('exit', onExit).off('message', onMessage);
      };
      worker.on('error', fail).on('exit', onExit).on('message', onMessage);
    });
  }

  get dead(): boolean {
    return this.deathCause !== undefined;
  }

  whenDead(listener: (cause: Error) => void): void {
    this.onDeath = listener;
  }

  /** `listener` hears when the worker's GPU provider failed and it went on on the CPU. */
  whenFallenBack(listener: (from: string, reason: string) => void): void {
    this.onFallback = listener;
  }

  /** Row-major unit vectors for `texts`. */
  run(texts: string[], role: TextRole): Promise<Float32Array> {
    if (this.deathCause) return Promise.reject(this.deathCause);
    const id = this.nextId++;
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'embed', id, texts, role });
    });
  }

  async terminate(): Promise<void> {
    this.onDeath = undefined;
    await this.worker.terminate();
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'fell-back') return this.onFallback?.(msg.from, msg.reason);
    if (msg.type !== 'done' && msg.type !== 'failed') return;
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker.unref();
    if (msg.type === 'done') pending.resolve(msg.vectors);
    else pending.reject(new Error(msg.message));
  }

  private die(cause: Error): void {
    if (this.deathCause) return;
    this.deathCause = cause;
    for (const p of this.pending.values()) p.reject(cause);
    this.pending.clear();
    this.onDeath?.(cause);
  }
}
