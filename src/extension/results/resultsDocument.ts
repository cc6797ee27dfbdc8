/**
 * The results document: the current results as a read-only virtual document (scheme
 * `quarry-results`, language `quarry-results`) whose locations are clickable links, in the
 * manner of VS Code's search editor. The text format lives in format.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SearchService } from '../search';
import { uriOf } from '../locations';
import { Disposable } from '../util/dispose';
import { formatResults, lineTargets } from './format';

export const RESULTS_SCHEME = 'quarry-results';
export const RESULTS_LANGUAGE = 'quarry-results';

export class ResultsDocuments extends Disposable implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly contents = new Map<string, string>();
  private counter = 0;

  constructor(private readonly search: SearchService) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(RESULTS_SCHEME, this));
    this._register(vscode.languages.registerDocumentLinkProvider({ language: RESULTS_LANGUAGE }, this));
    this._register(vscode.workspace.onDidCloseTextDocument((doc) => this.contents.delete(doc.uri.toString())));
  }

  /** Opens the current results in a new editor tab. */
  async open(): Promise<void> {
    const set = this.search.current;
    const text = formatResults({
      query: set.query,
      mode: set.mode,
      entries: set.results.map((r) => ({
        root: r.root, path: r.path, startLine: r.start_line, endLine: r.end_line, kind: r.kind,
        name: r.name, container: r.container, score: r.score, snippet: r.snippet,
      })),
    });
    const uri = vscode.Uri.from({ scheme: RESULTS_SCHEME, path: `/Quarry Results ${++this.counter}.quarry-results` });
    this.contents.set(uri.toString(), text);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, RESULTS_LANGUAGE);
    await vscode.window.showTextDocument(document, { preview: false });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const links: vscode.DocumentLink[] = [];
    for (const t of lineTargets(document.getText())) {
      const file = uriOf({ root: t.root, path: t.path });
      if (!file) continue;
      // The opener reads `#L<line>,<column>-L<line>,<column>` and selects that range.
      const target = file.with({ fragment: `L${t.startLine},1-L${t.endLine},1` });
      const link = new vscode.DocumentLink(new vscode.Range(t.line, t.start, t.line, t.end), target);
      link.tooltip = path.join(t.root, t.path);
      links.push(link);
    }
    return links;
  }
}
