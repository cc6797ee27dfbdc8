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

class RootIndexer {
  status: RootStatus = 'idle';
  private running: Promise<void> | undefined;
  private controller: AbortController | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly engine: Engine, private readonly report: (s: StatusNotification) => void, private readonly log: (l: LogNotification) => void) {}

  /** Starts (or queues) an incremental index run. */
  schedule(delayMs = 0): void {
    if (this.status === 'paused') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.controller = new AbortController();
    this.running = this.indexOnce(this.controller.signal).finally(() => {
      this.running = undefined;
      if (this.again && this.status !== 'paused') {
        this.again = false;
        this.schedule();
      }
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
    this.schedule();
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async indexOnce(signal: AbortSignal): Promise<void> {
    this.status = 'indexing';
    this.emit(0, 0);
    try {
      const summary = await this.engine.index((p) => this.emit(p.done, p.total), signal);
      this.status = 'ready';
      this.log({ level: 'info', message: `indexed ${this.engine.root}: ${summary.changedFiles} changed, ${summary.chunks} chunks, ${summary.ms} ms` });
      this.emit();
    } catch (error) {
      if (signal.aborted) return; // paused: status already says so
      this.status = 'error';
      this.emit(0, 0, (error as Error).message);
      this.log({ level: 'error', message: `indexing ${this.engine.root} failed: ${(error as Error).message}` });
    }
  }

  private emit(done = 0, total = 0, message?: string): void {
    const stats = this.engine.stats();
    this.report({ root: this.engine.root, status: this.status, done, total, files: stats.files, chunks: stats.chunks, message });
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

  filesChanged(root: string): void {
    this.select(root)[0].schedule(CHANGE_DEBOUNCE_MS);
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
      r.pause();
      await r.idle();
      await r.engine.close();
    }
    this.roots.clear();
  }
}
