/**
 * What the engine is started with — the workspace roots and the settings — and what makes
 * it reopen them: folders added or removed, engine settings changed, trust granted.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { workspaceRoots } from '../locations';
import type { Log } from '../log';
import { affectsEngine, readSettings } from '../settings';
import { Disposable } from '../util/dispose';
import type { EngineClient, EngineConfig } from './client';

/** The engine's roots and settings; indexes live in the extension's global storage. */
export function engineConfig(storage: vscode.Uri): EngineConfig {
  mkdirSync(storage.fsPath, { recursive: true });
  const s = readSettings();
  const roots = workspaceRoots();
  return {
    roots,
    settings: {
      cacheRoot: storage.fsPath,
      model: resolveModel(s.model, roots[0]),
      provider: s.executionProvider,
      maxFileBytes: s.maxFileSize,
      include: s.include,
      exclude: s.exclude,
    },
  };
}

/** A relative model folder means relative to the (first) workspace folder, not the engine's cwd. */
function resolveModel(model: string, firstRoot: string | undefined): string {
  if (model === 'default' || model === 'none' || path.isAbsolute(model) || !firstRoot) return model;
  return path.resolve(firstRoot, model);
}

export class EngineConfigWatcher extends Disposable {
  constructor(engine: EngineClient, log: Log) {
    super();
    log.setLevel(readSettings().logLevel);
    const reopen = () => void engine.reconfigure().catch((e: Error) => log.write('error', e.message));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(reopen));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(reopen));
    this._register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('quarry.logLevel')) log.setLevel(readSettings().logLevel);
      if (affectsEngine(event)) reopen();
    }));
  }
}
