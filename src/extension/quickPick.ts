/**
 * Quarry: Search Code — a quick pick with live results as you type, a preview of the
 * highlighted result (opened in a preview editor without taking focus), accept opens it.
 */
import * as vscode from 'vscode';
import type { SearchResult } from '../core/types';
import { openLocation } from './locations';
import type { SearchService } from './search';
import { kindIcon } from './views/render';

const DEBOUNCE_MS = 200;

interface ResultItem extends vscode.QuickPickItem {
  result: SearchResult;
}

function toItem(r: SearchResult, multiRoot: boolean): ResultItem {
  const name = [...r.container, r.name].filter(Boolean).join('.') || r.kind;
  const firstLine = r.snippet.split('\n').find((l) => l.trim())?.trim() ?? '';
  const root = multiRoot ? `${r.root.split(/[\\/]/).pop()} · ` : '';
  return {
    label: `$(${kindIcon(r.kind)}) ${name}`,
    description: `${root}${r.path}:${r.start_line}`,
    detail: firstLine,
    result: r,
  };
}

function locationOf(r: SearchResult) {
  return { root: r.root, path: r.path, startLine: r.start_line, endLine: r.end_line };
}

export async function showSearchQuickPick(search: SearchService, initial = ''): Promise<void> {
  const pick = vscode.window.createQuickPick<ResultItem>();
  pick.placeholder = vscode.l10n.t('Search code and docs by meaning');
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  pick.value = initial;
  let timer: NodeJS.Timeout | undefined;
  let ticket = 0;
  const run = async (query: string) => {
    const mine = ++ticket;
    pick.busy = true;
    try {
      const results = await search.searchOnce(query);
      if (mine !== ticket) return;
      const multiRoot = new Set(results.map((r) => r.root)).size > 1;
      // Items always match: the ranking is the engine's, not the quick pick's filter.
      pick.items = results.map((r) => ({ ...toItem(r, multiRoot), alwaysShow: true }));
    } catch (error) {
      if (mine === ticket) pick.items = [];
      pick.title = vscode.l10n.t('Search failed: {0}', (error as Error).message);
    } finally {
      if (mine === ticket) pick.busy = false;
    }
  };
  const disposables: vscode.Disposable[] = [
    pick.onDidChangeValue((value) => {
      clearTimeout(timer);
      timer = setTimeout(() => void run(value), DEBOUNCE_MS);
    }),
    pick.onDidChangeActive(([item]) => {
      if (item) void openLocation(locationOf(item.result), { preview: true, preserveFocus: true });
    }),
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      pick.hide();
      if (item) void openLocation(locationOf(item.result), { preview: false });
    }),
    pick.onDidHide(() => {
      clearTimeout(timer);
      disposables.forEach((d) => d.dispose());
      pick.dispose();
    }),
  ];
  pick.show();
  if (initial) void run(initial);
}
