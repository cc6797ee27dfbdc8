/**
 * Quarry's commands. Each is small: it reads what it needs from the editor and hands the
 * work to the feature object that owns it.
 */
import * as vscode from 'vscode';
import type { IndexingController } from '../indexing/controller';
import { editorLocation } from '../locations';
import type { Log } from '../log';
import type { ResultsDocuments } from '../results/resultsDocument';
import type { SearchService } from '../search';
import { showSearchQuickPick } from '../quickPick';
import type { ExplainViewProvider } from '../views/explainView';
import type { SearchViewProvider } from '../views/searchView';
import type { Command } from './commandManager';

export class SearchCodeCommand implements Command {
  readonly id = 'quarry.searchCode';
  constructor(private readonly search: SearchService) {}
  execute(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty && editor.selection.isSingleLine ? editor.document.getText(editor.selection) : '';
    return showSearchQuickPick(this.search, selected.trim());
  }
}

export class FocusSearchCommand implements Command {
  readonly id = 'quarry.focusSearch';
  constructor(private readonly view: SearchViewProvider) {}
  execute(): Promise<void> {
    return this.view.reveal();
  }
}

export class OpenResultsInEditorCommand implements Command {
  readonly id = 'quarry.openResultsInEditor';
  constructor(private readonly documents: ResultsDocuments) {}
  execute(): Promise<void> {
    return this.documents.open();
  }
}

export class FindSimilarCommand implements Command {
  readonly id = 'quarry.findSimilar';
  constructor(private readonly search: SearchService, private readonly view: SearchViewProvider, private readonly log: Log) {}
  async execute(): Promise<void> {
    const location = editorLocation(vscode.window.activeTextEditor);
    if (!location) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Place the cursor in a workspace file to find similar code.'));
      return;
    }
    await this.view.reveal();
    const label = location.text
      ? vscode.l10n.t('the selection in {0}:{1}', location.path, location.startLine)
      : `${location.path}:${location.startLine}`;
    try {
      await this.search.similar(location, label);
    } catch (error) {
      this.log.write('warn', `find similar: ${(error as Error).message}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Find Similar Code: {0}', (error as Error).message));
    }
  }
}

export class ExplainSelectionCommand implements Command {
  readonly id = 'quarry.explainSelection';
  constructor(private readonly view: ExplainViewProvider) {}
  execute(): Promise<void> {
    return this.view.explainSelection();
  }
}

export class ReindexCommand implements Command {
  readonly id = 'quarry.reindex';
  constructor(private readonly indexing: IndexingController) {}
  execute(): Promise<void> {
    return this.indexing.reindex();
  }
}

export class ClearIndexCommand implements Command {
  readonly id = 'quarry.clearIndex';
  constructor(private readonly indexing: IndexingController) {}
  execute(): Promise<void> {
    return this.indexing.clear();
  }
}

export class PauseIndexingCommand implements Command {
  readonly id = 'quarry.pauseIndexing';
  constructor(private readonly indexing: IndexingController) {}
  execute(): Promise<void> {
    return this.indexing.pause();
  }
}

export class ResumeIndexingCommand implements Command {
  readonly id = 'quarry.resumeIndexing';
  constructor(private readonly indexing: IndexingController) {}
  execute(): Promise<void> {
    return this.indexing.resume();
  }
}

export class ShowLogCommand implements Command {
  readonly id = 'quarry.showLog';
  constructor(private readonly log: Log) {}
  execute(): void {
    this.log.show();
  }
}

interface MenuItem extends vscode.QuickPickItem {
  command: string;
}

/** The status bar item's menu. */
export class StatusMenuCommand implements Command {
  readonly id = 'quarry.statusMenu';
  constructor(private readonly indexing: IndexingController) {}
  async execute(): Promise<void> {
    const paused = this.indexing.summary.state === 'paused';
    const items: MenuItem[] = [
      { label: `$(search) ${vscode.l10n.t('Open Search View')}`, command: 'quarry.focusSearch' },
      { label: `$(refresh) ${vscode.l10n.t('Reindex Workspace')}`, command: 'quarry.reindex' },
      paused
        ? { label: `$(debug-start) ${vscode.l10n.t('Resume Indexing')}`, command: 'quarry.resumeIndexing' }
        : { label: `$(debug-pause) ${vscode.l10n.t('Pause Indexing')}`, command: 'quarry.pauseIndexing' },
      { label: `$(output) ${vscode.l10n.t('Show Log')}`, command: 'quarry.showLog' },
      { label: `$(trash) ${vscode.l10n.t('Clear Index')}`, command: 'quarry.clearIndex' },
    ];
    const choice = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Quarry') });
    if (choice) await vscode.commands.executeCommand(choice.command);
  }
}
