/**
 * Quarry's entry point. activate() only wires the feature objects together; each owns its
 * disposables and is itself registered with the extension context.
 */
import * as vscode from 'vscode';
import { AssistantIntegrations } from './assist/chat';
import { CommandManager } from './commands/commandManager';
import * as commands from './commands/commands';
import { EngineClient } from './engine/client';
import { EngineConfigWatcher, engineConfig } from './engine/config';
import { IndexingController } from './indexing/controller';
import { IndexingProgress } from './indexing/progress';
import { StatusBar } from './indexing/statusBar';
import { WorkspaceWatcher } from './indexing/watcher';
import { Log } from './log';
import { ResultsDocuments } from './results/resultsDocument';
import { SearchService } from './search';
import { ExplainViewProvider } from './views/explainView';
import { SearchViewProvider } from './views/searchView';
import { WebviewAssets } from './views/webviewAssets';

export function activate(context: vscode.ExtensionContext): void {
  const register = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = register(new Log());
  const serverPath = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const engine = register(new EngineClient(serverPath, log, () => engineConfig(context.globalStorageUri)));
  const indexing = register(new IndexingController(engine, log));
  register(new StatusBar(indexing, () => ({ name: engine.model, provider: engine.provider })));
  register(new IndexingProgress(indexing));
  register(new WorkspaceWatcher(indexing));
  register(new EngineConfigWatcher(engine, log));

  const search = register(new SearchService(engine));
  const assets = new WebviewAssets(context.extensionUri);
  const searchView = register(new SearchViewProvider(assets, search, indexing));
  const explainView = register(new ExplainViewProvider(assets, engine));
  register(vscode.window.registerWebviewViewProvider(SearchViewProvider.viewId, searchView, { webviewOptions: { retainContextWhenHidden: false } }));
  register(vscode.window.registerWebviewViewProvider(ExplainViewProvider.viewId, explainView));
  const resultsDocuments = register(new ResultsDocuments(search));
  register(new AssistantIntegrations(search, context.extensionUri));

  const manager = register(new CommandManager());
  manager.register(new commands.SearchCodeCommand(search));
  manager.register(new commands.FocusSearchCommand(searchView));
  manager.register(new commands.OpenResultsInEditorCommand(resultsDocuments));
  manager.register(new commands.FindSimilarCommand(search, searchView, log));
  manager.register(new commands.ExplainSelectionCommand(explainView));
  manager.register(new commands.ReindexCommand(indexing));
  manager.register(new commands.ClearIndexCommand(indexing));
  manager.register(new commands.PauseIndexingCommand(indexing));
  manager.register(new commands.ResumeIndexingCommand(indexing));
  manager.register(new commands.ShowLogCommand(log));
  manager.register(new commands.StatusMenuCommand(indexing));

  void engine.start().catch(() => undefined);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
