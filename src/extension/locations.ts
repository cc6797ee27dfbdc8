/**
 * Between editor positions and the engine's (root, relative path, lines) locations.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenLocation } from './views/messages';

/** The folders the engine indexes: local workspace folders. */
export function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** The file of a location, or undefined when its root is not a workspace folder or it escapes it. */
export function uriOf(location: { root: string; path: string }): vscode.Uri | undefined {
  if (!workspaceRoots().includes(location.root)) return undefined;
  const file = path.resolve(location.root, location.path);
  const relative = path.relative(location.root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return vscode.Uri.file(file);
}

export interface OpenOptions {
  preview?: boolean;
  preserveFocus?: boolean;
}

/** Opens a location's file, selects its lines and reveals them in the centre. */
export async function openLocation(location: OpenLocation, options: OpenOptions = {}): Promise<vscode.TextEditor | undefined> {
  const uri = uriOf(location);
  if (!uri) return undefined;
  const document = await vscode.workspace.openTextDocument(uri);
  const last = Math.min(location.endLine, document.lineCount) - 1;
  const first = Math.min(location.startLine - 1, last);
  const range = new vscode.Range(first, 0, last, document.lineAt(Math.max(last, 0)).text.length);
  const editor = await vscode.window.showTextDocument(document, {
    preview: options.preview ?? false,
    preserveFocus: options.preserveFocus ?? false,
    selection: new vscode.Selection(range.start, range.end),
  });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
  return editor;
}

export interface EditorLocation extends OpenLocation {
  /** The selected text, when there is a selection. */
  text?: string;
}

/** The engine location of an editor's selection or cursor line; undefined outside the workspace. */
export function editorLocation(editor: vscode.TextEditor | undefined): EditorLocation | undefined {
  if (!editor || editor.document.uri.scheme !== 'file') return undefined;
  const folder = vscode.workspace.getWorkspaceFolder(editor.document.uri);
  if (!folder || folder.uri.scheme !== 'file') return undefined;
  const relative = path.relative(folder.uri.fsPath, editor.document.uri.fsPath).split(path.sep).join('/');
  const selection = editor.selection;
  const text = selection.isEmpty ? undefined : editor.document.getText(selection);
  return {
    root: folder.uri.fsPath,
    path: relative,
    startLine: selection.start.line + 1,
    endLine: Math.max(selection.end.line + 1, selection.start.line + 1),
    text: text?.trim() ? text : undefined,
  };
}
