/**
 * Book-keeping for embedding requests: a Job is one embedDocuments/embedQuery call, split
 * into batch Tasks; the TaskQueue hands out query tasks before document tasks so a search
 * is answered while a large indexing job is still queued.
 */
import type { TextRole } from './protocol';

export class Job {
  private readonly results: Float32Array[];
  private remaining: number;
  private done = false;

  constructor(size: number, private readonly resolve: (v: Float32Array[]) => void, private readonly reject: (e: Error) => void) {
    this.results = new Array<Float32Array>(size);
    this.remaining = size;
  }

  /** True once resolved, failed or cancelled: its queued tasks are dropped. */
  get settled(): boolean {
    return this.done;
  }

  /** `flat` holds one row of `dim` per index, in order. */
  complete(indices: number[], flat: Float32Array): void {
    if (this.done) return;
    const dim = flat.length / indices.length;
    indices.forEach((index, row) => (this.results[index] = flat.subarray(row * dim, (row + 1) * dim)));
    this.remaining -= indices.length;
    if (this.remaining > 0) return;
    this.done = true;
    this.resolve(this.results);
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.reject(err);
  }
}

export interface Task {
  job: Job;
  /** Positions of `texts` in the job's input. */
  indices: number[];
  texts: string[];
  role: TextRole;
}

export class TaskQueue {
  private readonly urgent: Task[] = [];
  private readonly normal: Task[] = [];
  /** When each queued task was pushed (performance.now()). */
  private readonly queuedAt = new WeakMap<Task, number>();

  push(task: Task): void {
    this.queuedAt.set(task, performance.now());
    (task.role === 'query' ? this.urgent : this.normal).push(task);
  }

  /** How long the longest-waiting wanted task has waited, in ms (0 when none waits). */
  longestWaitMs(): number {
    // Each list is in push order: its first wanted task has waited longest.
    const firsts = [this.urgent, this.normal].map((list) => list.find((t) => !t.job.settled));
    const oldest = Math.min(...firsts.map((t) => (t ? this.queuedAt.get(t)! : Infinity)));
    return Number.isFinite(oldest) ? performance.now() - oldest : 0;
  }

  /** The next task whose job still wants it. */
  next(): Task | undefined {
    for (;;) {
      const task = this.urgent.shift() ?? this.normal.shift();
      if (!task || !task.job.settled) return task;
    }
  }

  /** Tasks waiting whose jobs still want them. */
  get size(): number {
    return this.wanted(this.urgent) + this.wanted(this.normal);
  }

  private wanted(list: Task[]): number {
    let count = 0;
    for (const task of list) if (!task.job.settled) count++;
    return count;
  }

  /** Fails every queued job (dispose, or no worker left). */
  failAll(err: Error): void {
    for (const task of [...this.urgent.splice(0), ...this.normal.splice(0)]) task.job.fail(err);
  }
}
