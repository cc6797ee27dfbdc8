/**
 * The search view (webview view `quarry.search`): a query box that searches as you type,
 * filters, results grouped by file, keyboard navigation, and why each result matched.
 * The webview script (media/search.js) only inserts the HTML rendered and escaped here.
 */
import * as vscode from 'vscode';
import type { IndexingController } from '../indexing/controller';
import { openLocation } from '../locations';
import type { ResultSet, SearchService } from '../search';
import { Disposable } from '../util/dispose';
import { escapeHtml } from './escape';
import { type HostMessage, isViewMessage, parseFilters, type ViewMessage } from './messages';
import { renderResults } from './render';
import type { WebviewAssets } from './webviewAssets';

export class SearchViewProvider extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewId = 'quarry.search';
  private view: vscode.WebviewView | undefined;
  private viewListeners: vscode.Disposable[] = [];

  constructor(private readonly assets: WebviewAssets, private readonly search: SearchService, private readonly indexing: IndexingController) {
    super();
    this._register({ dispose: () => this.forgetView() });
    this._register(search.onDidChange((set) => this.post(this.resultsMessage(set))));
    this._register(indexing.onDidChange(() => this.postIdleState()));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = this.assets.options();
    view.webview.html = this.assets.html(view.webview, vscode.l10n.t('Quarry Search'), 'search.js', this.body());
    this.viewListeners.push(view.webview.onDidReceiveMessage((message: unknown) => {
      if (isViewMessage(message)) void this.onMessage(message);
    }));
    this.viewListeners.push(view.onDidDispose(() => this.forgetView()));
  }

  /** Shows the view (used by find-similar and quarry.focusSearch). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${SearchViewProvider.viewId}.focus`);
  }

  private async onMessage(message: ViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.search.current.query) this.post(this.resultsMessage(this.search.current));
        else this.postIdleState();
        return;
      case 'search':
        return this.runSearch(message.query, message.filters);
      case 'open':
        await openLocation(message.location, { preview: message.preview });
        return;
      case 'openInEditor':
        await vscode.commands.executeCommand('quarry.openResultsInEditor');
        return;
    }
  }

  private async runSearch(query: string, raw: Parameters<typeof parseFilters>[0]): Promise<void> {
    if (!query.trim()) {
      await this.search.search('');
      return;
    }
    this.post({ type: 'state', text: vscode.l10n.t('Searching…'), busy: true });
    try {
      await this.search.search(query, parseFilters(raw));
    } catch (error) {
      this.post({ type: 'state', text: vscode.l10n.t('Search failed: {0}', (error as Error).message), busy: false });
    }
  }

  private resultsMessage(set: ResultSet): HostMessage {
    const files = new Set(set.results.map((r) => `${r.root}\u0000${r.path}`)).size;
    let state: string;
    if (!set.query.trim()) state = this.idleText();
    else if (set.results.length === 0) state = this.indexing.hasIndex ? vscode.l10n.t('No results for "{0}".', set.query) : this.idleText();
    else if (set.mode === 'similar') state = vscode.l10n.t('{0} results similar to {1}', set.results.length, set.query);
    else state = vscode.l10n.t('{0} results in {1} files', set.results.length, files);
    return { type: 'results', mode: set.mode, query: set.mode === 'search' ? set.query : '', html: renderResults(set.results, set.mode === 'search' ? set.query : ''), count: set.results.length, state };
  }

  /** The state line when there are no results to talk about. */
  private idleText(): string {
    const summary = this.indexing.summary;
    if (summary.state === 'error') return vscode.l10n.t('Indexing failed. See the log for details.');
    if (summary.state === 'indexing') {
      const progress = summary.total > 0 ? ` ${summary.done}/${summary.total}` : '';
      return vscode.l10n.t('Indexing the workspace…{0} Results include what is indexed so far.', progress);
    }
    if (summary.state === 'paused') return vscode.l10n.t('Indexing is paused.');
    if (!this.indexing.hasIndex) return vscode.l10n.t('Nothing indexed yet. Run "Quarry: Reindex Workspace".');
    return vscode.l10n.t('Type to search code and docs by meaning.');
  }

  private postIdleState(): void {
    if (this.search.current.results.length === 0) this.post({ type: 'state', text: this.idleText(), busy: this.indexing.summary.state === 'indexing' });
  }

  private forgetView(): void {
    this.view = undefined;
    this.viewListeners.forEach((d) => d.dispose());
    this.viewListeners = [];
  }

  private post(message: HostMessage): void {
    void this.view?.webview.postMessage(message);
  }

  private body(): string {
    const e = escapeHtml;
    return `<div class="quarry-search">
<div class="quarry-query-row"><input id="quarry-query" type="text" spellcheck="false" placeholder="${e(vscode.l10n.t('Search code and docs by meaning'))}" aria-label="${e(vscode.l10n.t('Search query'))}">
<button id="quarry-toggle-filters" class="quarry-icon-button codicon codicon-filter" title="${e(vscode.l10n.t('Toggle filters'))}"></button>
<button id="quarry-open-editor" class="quarry-icon-button codicon codicon-go-to-file" title="${e(vscode.l10n.t('Open Results in Editor'))}"></button></div>
<div id="quarry-filters" class="quarry-filters">
<input id="quarry-lang" type="text" spellcheck="false" placeholder="${e(vscode.l10n.t('Languages, e.g. typescript, python'))}" aria-label="${e(vscode.l10n.t('Languages'))}">
<input id="quarry-include" type="text" spellcheck="false" placeholder="${e(vscode.l10n.t('Files to include, e.g. src/**'))}" aria-label="${e(vscode.l10n.t('Files to include'))}">
<input id="quarry-exclude" type="text" spellcheck="false" placeholder="${e(vscode.l10n.t('Files to exclude, e.g. **/test/**'))}" aria-label="${e(vscode.l10n.t('Files to exclude'))}">
<select id="quarry-kind" aria-label="${e(vscode.l10n.t('Code or docs'))}"><option value="all">${e(vscode.l10n.t('Code and docs'))}</option><option value="code">${e(vscode.l10n.t('Code only'))}</option><option value="docs">${e(vscode.l10n.t('Docs only'))}</option></select>
</div>
<div id="quarry-state" class="quarry-state" role="status"></div>
<div id="quarry-results" class="quarry-results" data-mode="search" role="listbox" tabindex="0" aria-label="${e(vscode.l10n.t('Results'))}"></div>
</div>`;
  }
}
