/**
 * A cancellable notification while a large indexing run is under way; cancelling pauses
 * indexing. Small incremental runs (a save) only show in the status bar.
 */
import * as vscode from 'vscode';
import { Disposable } from '../util/dispose';
import type { IndexingController } from './controller';
import type { Summary } from './summary';

/** Runs touching fewer files than this do not raise a notification. */
const NOTIFY_MIN_FILES = 25;

export class IndexingProgress extends Disposable {
  private showing = false;
  private readonly updates = this._register(new vscode.EventEmitter<Summary>());

  constructor(private readonly indexing: IndexingController) {
    super();
    this._register(indexing.onDidChange((summary) => this.onChange(summary)));
  }

  private onChange(summary: Summary): void {
    if (this.showing) this.updates.fire(summary);
    else if (summary.state === 'indexing' && summary.total >= NOTIFY_MIN_FILES) this.show(summary);
  }

  private show(first: Summary): void {
    this.showing = true;
    void vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Quarry: indexing'),
      cancellable: true,
    }, (progress, token) => new Promise<void>((resolve) => {
      let reported = 0;
      const report = (s: Summary) => {
        const percent = s.total > 0 ? (100 * s.done) / s.total : 0;
        progress.report({ message: `${s.done}/${s.total}`, increment: Math.max(0, percent - reported) });
        reported = Math.max(reported, percent);
      };
      report(first);
      const listener = this.updates.event((s) => {
        if (s.state === 'indexing') return report(s);
        finish();
      });
      const finish = () => {
        listener.dispose();
        cancel.dispose();
        this.showing = false;
        resolve();
      };
      const cancel = token.onCancellationRequested(() => {
        void this.indexing.pause();
        finish();
      });
    }));
  }
}
