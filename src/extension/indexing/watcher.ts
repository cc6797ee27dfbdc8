/**
 * Keeps the index fresh: a file system watcher over the workspace (save, create, delete,
 * rename) and a watcher on each folder's .git/HEAD (a branch switch changes many files at
 * once). Changes are batched per root and sent as quarry/filesChanged.
 */
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../util/dispose';
import type { IndexingController } from './controller';

/** File events within this window are sent together. */
const BATCH_MS = 300;

export class WorkspaceWatcher extends Disposable {
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private headWatchers: vscode.Disposable[] = [];

  constructor(private readonly indexing: IndexingController) {
    super();
    const files = this._register(vscode.workspace.createFileSystemWatcher('**/*'));
    this._register(files.onDidCreate((uri) => this.changed(uri)));
    this._register(files.onDidChange((uri) => this.changed(uri)));
    this._register(files.onDidDelete((uri) => this.changed(uri)));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.watchHeads()));
    this._register(toDisposable(() => {
      clearTimeout(this.timer);
      this.headWatchers.forEach((w) => w.dispose());
    }));
    this.watchHeads();
  }

  private watchHeads(): void {
    this.headWatchers.forEach((w) => w.dispose());
    this.headWatchers = (vscode.workspace.workspaceFolders ?? []).map((folder) => {
      const head = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.git/HEAD'));
      const onSwitch = () => this.add(folder.uri.fsPath, '.git/HEAD');
      return vscode.Disposable.from(head, head.onDidChange(onSwitch), head.onDidCreate(onSwitch));
    });
  }

  private changed(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const relative = vscode.workspace.asRelativePath(uri, false).split('\\').join('/');
    if (relative.split('/').includes('.git')) return;
    this.add(folder.uri.fsPath, relative);
  }

  private add(root: string, relative: string): void {
    const paths = this.pending.get(root) ?? new Set<string>();
    paths.add(relative);
    this.pending.set(root, paths);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    for (const [root, paths] of this.pending) void this.indexing.filesChanged(root, [...paths]);
    this.pending.clear();
  }
}
