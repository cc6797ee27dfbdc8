/**
 * The engine process's state: one Engine per workspace root, each with a background
 * indexing loop that can be paused, resumed and re-triggered by file changes.
 */
import { promises as fs } from 'node:fs';
import { Engine } from '../core/engine';
import type { SearchResult } from '../core/types';
import type { EngineSettings, LogNotification, RootStatus, StatusNotification } from './protocol';

/** File events arriving within this window are indexed together. */
const CHANGE_DEBOUNCE_MS = 75;
/**
 * Edits are searchable at once but saved at most this often: saving rewrites the whole
 * index, which on a large tree costs far more than the edit. Unsaved edits are redone from
 * the files by the next start's run, so a crash loses nothing.
 */
const SAVE_DELAY_MS = 15_000;

/** What the next run has to do: walk the whole tree, or look at these paths only. */
type PendingWork = 'all' | Set<string>;

class RootIndexer {
  status: RootStatus = 'idle';
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private pending: PendingWork | undefined;
  private saveDue = false;
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(readonly engine: Engine, private readonly report: (s: StatusNotification) => void, private readonly log: (l: LogNotification) => void) {}

  /** Queues an incremental run: over the given paths (relative to the root), or over the whole tree when none are given. */
  schedule(delayMs = 0, paths?: readonly string[]): void {
    if (paths && paths.length > 0 && this.pending !== 'all') {
      this.pending ??= new Set();
      for (const p of paths) this.pending.add(p);
    } else {
      this.pending = 'all';
    }
    if (this.status === 'paused') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  /** Runs the queued work (or a due save); one run at a time, the next one queued behind it. */
  async run(): Promise<void> {
    if (this.running) return this.running;
    const work = this.pending;
    if (!work && !this.saveDue) return;
    this.pending = undefined;
    this.controller = new AbortController();
    this.running = (work ? this.indexOnce(work, this.controller.signal) : this.saveOnce()).finally(() => {
      this.running = undefined;
      if ((this.pending || this.saveDue) && this.status !== 'paused') this.timer = setTimeout(() => void this.run(), 0);
    });
    return this.running;
  }

  pause(): void {
    this.status = 'paused';
    clearTimeout(this.timer);
    this.controller?.abort();
    this.emit();
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.status = 'idle';
    this.schedule(); // an aborted run may have left anything half done: walk the tree
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stops timers and writes what is unsaved. */
  async close(): Promise<void> {
    this.pause();
    clearTimeout(this.saveTimer);
    await this.idle();
    await this.engine.save().catch((error) => this.log({ level: 'error', message: `saving the index of ${this.engine.root} failed: ${(error as Error).message}` }));
  }

  private async indexOnce(work: PendingWork, signal: AbortSignal): Promise<void> {
    this.status = 'indexing';
    this.emit(0, 0);
    try {
      const onProgress = (p: { done: number; total: number }) => this.emit(p.done, p.total);
      const summary = work === 'all'
        ? await this.engine.index(onProgress, signal)
        : await this.engine.indexPaths([...work], { onProgress, signal, deferSave: true });
      this.status = 'ready';
      this.log({ level: 'info', message: `indexed ${this.engine.root}: ${summary.changedFiles} changed, ${summary.removedFiles} removed, ${summary.chunks} chunks, ${summary.ms} ms` });
      this.emit();
      if (this.engine.hasUnsavedChanges) this.saveTimer ??= setTimeout(() => {
        this.saveTimer = undefined;
        this.saveDue = true;
        void this.run();
      }, SAVE_DELAY_MS);
    } catch (error) {
      if (signal.aborted) return; // paused: status already says so
      this.status = 'error';
      this.emit(0, 0, (error as Error).message);
      this.log({ level: 'error', message: `indexing ${this.engine.root} failed: ${(error as Error).message}` });
    }
  }

  private async saveOnce(): Promise<void> {
    this.saveDue = false;
    try {
      await this.engine.save();
    } catch (error) {
      this.log({ level: 'error', message: `saving the index of ${this.engine.root} failed: ${(error as Error).message}` });
    }
  }

  private emit(done = 0, total = 0, message?: string): void {
    const stats = this.engine.stats();
    this.report({ root: this.engine.root, status: this.status, done, total, files: stats.files, chunks: stats.chunks, message, provider: this.engine.model?.provider });
  }
}

export class Workspace {
  private readonly roots = new Map<string, RootIndexer>();

  constructor(private readonly report: (s: StatusNotification) => void, private readonly log: (l: LogNotification) => void) {}

  async open(roots: string[], settings: EngineSettings): Promise<void> {
    await this.close();
    for (const root of roots) {
      const engine = await Engine.open(root, {
        cacheRoot: settings.cacheRoot, model: settings.model, provider: settings.provider,
        maxFileBytes: settings.maxFileBytes, include: settings.include, exclude: settings.exclude,
        lockWaitMs: 30_000,
        log: (level, message) => this.log({ level, message }),
      });
      this.roots.set(root, new RootIndexer(engine, this.report, this.log));
    }
  }

  /** Where the roots' model runs (every root opens the same model and provider choice). */
  modelProvider(): string | undefined {
    return this.select()[0]?.engine.model?.provider;
  }

  select(root?: string): RootIndexer[] {
    if (!root) return [...this.roots.values()];
    const found = this.roots.get(root);
    if (!found) throw new Error(`not a workspace root: ${root}`);
    return [found];
  }

  engine(root: string): Engine {
    return this.select(root)[0].engine;
  }

  async search(run: (engine: Engine) => Promise<SearchResult[]>, k: number): Promise<SearchResult[]> {
    const ready = [...this.roots.values()].filter((r) => r.engine.hasIndex);
    const all = await Promise.all(ready.map((r) => run(r.engine)));
    return all.flat().sort((a, b) => b.score - a.score).slice(0, k);
  }

  /** Paths relative to the root; none (or a `.git/HEAD` change: a branch switch) means the whole tree. */
  filesChanged(root: string, paths: readonly string[]): void {
    const wholeTree = paths.length === 0 || paths.some((p) => p === '.git/HEAD');
    this.select(root)[0].schedule(CHANGE_DEBOUNCE_MS, wholeTree ? undefined : paths);
  }

  async clear(root?: string): Promise<void> {
    for (const r of this.select(root)) {
      r.pause();
      await r.idle();
      await fs.rm(r.engine.indexDir, { recursive: true, force: true });
      r.resume();
    }
  }

  async close(): Promise<void> {
    for (const r of this.roots.values()) {
      await r.close();
      await r.engine.close();
    }
    this.roots.clear();
  }
}
