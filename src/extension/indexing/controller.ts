/**
 * Background indexing as the user sees it: keeps the status of every root, starts indexing
 * when the engine starts (quarry.indexOnStartup, and always after a crash restart), and
 * offers reindex, pause, resume and clear.
 */
import * as vscode from 'vscode';
import * as protocol from '../../server/protocol';
import type { EngineClient } from '../engine/client';
import type { Log } from '../log';
import { readSettings } from '../settings';
import { Disposable } from '../util/dispose';
import { type Summary, summarize } from './summary';

export class IndexingController extends Disposable {
  private readonly statuses = new Map<string, protocol.StatusNotification>();
  private readonly changeEmitter = this._register(new vscode.EventEmitter<Summary>());
  readonly onDidChange = this.changeEmitter.event;
  /** True once indexing was asked for in this session: file changes then keep the index fresh. */
  private _active = false;

  constructor(private readonly engine: EngineClient, private readonly log: Log) {
    super();
    this._register(engine.onStatus((status) => this.onStatus(status)));
    this._register(engine.onDidChangeState(() => this.fire()));
    this._register(engine.onDidStart(({ restarted }) => void this.onEngineStart(restarted)));
  }

  get active(): boolean {
    return this._active;
  }

  get summary(): Summary {
    const state = this.engine.state;
    return summarize(this.statuses.values(), state === 'running' ? 'running' : state === 'failed' ? 'failed' : 'starting');
  }

  /** True when at least one root has an index that can answer queries. */
  get hasIndex(): boolean {
    return [...this.statuses.values()].some((s) => s.chunks > 0);
  }

  async reindex(): Promise<void> {
    this._active = true;
    await this.run(async () => {
      await this.engine.request(protocol.Resume, {});
      await this.engine.request(protocol.IndexRoots, { full: true });
    });
  }

  async pause(): Promise<void> {
    await this.run(() => this.engine.request(protocol.Pause, {}));
  }

  async resume(): Promise<void> {
    this._active = true;
    await this.run(() => this.engine.request(protocol.Resume, {}));
  }

  async clear(): Promise<void> {
    const clear = vscode.l10n.t('Clear Index');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Delete the Quarry index of this workspace? It will be rebuilt from scratch.'), { modal: true }, clear);
    if (choice !== clear) return;
    this._active = true;
    await this.run(() => this.engine.request(protocol.ClearIndex, {}));
  }

  /** Tells the engine that files of a root changed; it reindexes what differs. */
  async filesChanged(root: string, paths: string[]): Promise<void> {
    if (!this._active || this.engine.state !== 'running') return;
    await this.run(() => this.engine.request(protocol.FilesChanged, { root, paths }));
  }

  private async onEngineStart(restarted: boolean): Promise<void> {
    // Roots may have changed: forget the status of roots the engine no longer has.
    this.statuses.clear();
    this.fire();
    if (restarted || this._active || readSettings().indexOnStartup) await this.reindex();
  }

  private onStatus(status: protocol.StatusNotification): void {
    this.statuses.set(status.root, status);
    this.fire();
  }

  private fire(): void {
    this.changeEmitter.fire(this.summary);
  }

  private async run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.log.write('error', (error as Error).message);
    }
  }
}
