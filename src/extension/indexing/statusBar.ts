/**
 * The "Quarry" status bar item: the indexing state in the contract's exact words; a click
 * opens the status menu (quarry.statusMenu).
 */
import * as vscode from 'vscode';
import { Disposable } from '../util/dispose';
import type { IndexingController } from './controller';
import { type Summary, statusText } from './summary';

export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(indexing: IndexingController, private readonly model: () => { name: string; provider?: string }) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('quarry.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'Quarry';
    this.item.command = 'quarry.statusMenu';
    this._register(indexing.onDidChange((summary) => this.update(summary)));
    this.update(indexing.summary);
    this.item.show();
  }

  private update(summary: Summary): void {
    this.item.text = statusText(summary);
    const lines = [vscode.l10n.t('Quarry: {0} files, {1} chunks indexed', summary.files, summary.chunks)];
    const { name, provider } = this.model();
    lines.push(provider ? vscode.l10n.t('Model: {0}, running on {1}', name, providerLabel(provider)) : vscode.l10n.t('Model: {0}', name));
    if (summary.message) lines.push(summary.message);
    if (!vscode.workspace.isTrusted) lines.push(vscode.l10n.t('Restricted Mode: workspace settings for the model and paths are ignored.'));
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor = summary.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}

/** How an execution provider is named to users. */
function providerLabel(provider: string): string {
  const labels: Record<string, string> = { cuda: 'CUDA', webgpu: 'WebGPU', dml: 'DirectML', coreml: 'CoreML' };
  return provider === 'cpu' ? vscode.l10n.t('the CPU') : labels[provider] ?? provider;
}
