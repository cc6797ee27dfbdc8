/**
 * The explain view (webview view `quarry.explain`): what explains the code at the cursor,
 * by retrieval alone — its own doc, definitions it uses, docs that discuss it, similar
 * implementations and usages. Follows the cursor while visible (and explains it again once its
 * folder has been re-indexed); explains a selection on command.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import * as protocol from '../../server/protocol';
import type { EngineClient } from '../engine/client';
import { type EditorLocation, editorLocation, openLocation } from '../locations';
import { Disposable } from '../util/dispose';
import { type HostMessage, isViewMessage, type ViewMessage } from './messages';
import { type ExplainLabels, renderExplanation } from './render';
import type { WebviewAssets } from './webviewAssets';

/** The cursor must rest this long before the view follows it. */
const FOLLOW_DELAY_MS = 400;

export class ExplainViewProvider extends Disposable implements vscode.WebviewViewProvider {
  static readonly viewId = 'quarry.explain';
  private view: vscode.WebviewView | undefined;
  private viewListeners: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastKey = '';
  private ticket = 0;

  constructor(private readonly assets: WebviewAssets, private readonly engine: EngineClient) {
    super();
    this._register({ dispose: () => this.forgetView() });
    this._register(vscode.window.onDidChangeTextEditorSelection((e) => this.follow(e.textEditor)));
    this._register(vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)));
    // A file just indexed (saved, or changed by a branch switch) may explain differently now.
    this._register(engine.onStatus((status) => {
      const editor = vscode.window.activeTextEditor;
      const root = editorLocation(editor)?.root;
      if (status.status !== 'ready' || !root || path.resolve(root) !== path.resolve(status.root)) return;
      this.lastKey = '';
      this.follow(editor);
    }));
    this._register({ dispose: () => clearTimeout(this.timer) });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = this.assets.options();
    const body = `<div id="quarry-explain-state" role="status"></div><div id="quarry-explain"></div>`;
    view.webview.html = this.assets.html(view.webview, vscode.l10n.t('Quarry Explain'), 'explain.js', body);
    this.viewListeners.push(view.webview.onDidReceiveMessage((message: unknown) => {
      if (isViewMessage(message)) void this.onMessage(message);
    }));
    this.viewListeners.push(view.onDidChangeVisibility(() => this.follow(vscode.window.activeTextEditor)));
    this.viewListeners.push(view.onDidDispose(() => this.forgetView()));
  }

  /** Explains the active editor's selection (quarry.explainSelection). */
  async explainSelection(): Promise<void> {
    const location = editorLocation(vscode.window.activeTextEditor);
    await vscode.commands.executeCommand(`${ExplainViewProvider.viewId}.focus`);
    if (!location) {
      this.post({ type: 'explanation', html: '', state: vscode.l10n.t('Select code in a workspace file to explain it.') });
      return;
    }
    await this.explain(location);
  }

  private async onMessage(message: ViewMessage): Promise<void> {
    if (message.type === 'ready') {
      this.lastKey = '';
      this.follow(vscode.window.activeTextEditor, 0);
    } else if (message.type === 'open') {
      await openLocation(message.location, { preview: message.preview });
    }
  }

  /** Follows the cursor, debounced, and only while the view is visible. */
  private follow(editor: vscode.TextEditor | undefined, delay = FOLLOW_DELAY_MS): void {
    clearTimeout(this.timer);
    if (!this.view?.visible || !editor) return;
    this.timer = setTimeout(() => {
      const location = editorLocation(editor);
      if (!location) return;
      // The cursor alone: explain the chunk around it, not the selected text.
      const cursor = { ...location, endLine: location.startLine, text: undefined };
      const key = `${cursor.root}\u0000${cursor.path}:${cursor.startLine}`;
      if (key === this.lastKey) return;
      this.lastKey = key;
      void this.explain(cursor);
    }, delay);
  }

  private async explain(location: EditorLocation): Promise<void> {
    const ticket = ++this.ticket;
    try {
      const explanation = await this.engine.request(protocol.Explain, location);
      if (ticket !== this.ticket) return;
      const subject = explanation.subject;
      const state = subject
        ? vscode.l10n.t('{0} in {1}:{2}', subject.name || subject.kind, subject.path, subject.start_line)
        : vscode.l10n.t('No indexed symbol at {0}:{1}', location.path, location.startLine);
      this.post({ type: 'explanation', html: renderExplanation(location.root, explanation, this.labels()), state });
    } catch (error) {
      if (ticket !== this.ticket) return;
      this.lastKey = '';
      this.post({ type: 'explanation', html: '', state: vscode.l10n.t('Nothing to explain yet: {0}', (error as Error).message) });
    }
  }

  private labels(): ExplainLabels {
    return {
      titles: {
        subject: vscode.l10n.t('Subject'),
        definitions: vscode.l10n.t('Definitions it uses'),
        docs: vscode.l10n.t('Documentation'),
        similar: vscode.l10n.t('Similar implementations'),
        usages: vscode.l10n.t('Usages'),
      },
      empty: vscode.l10n.t('None found'),
    };
  }

  private forgetView(): void {
    this.view = undefined;
    this.viewListeners.forEach((d) => d.dispose());
    this.viewListeners = [];
  }

  private post(message: HostMessage): void {
    void this.view?.webview.postMessage(message);
  }
}
