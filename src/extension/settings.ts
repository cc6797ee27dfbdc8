/**
 * Quarry's settings, read with Workspace Trust in mind: in Restricted Mode only the user's
 * own (global) values and the defaults count, so a workspace cannot choose the model, the
 * execution provider or which paths are indexed.
 */
import * as vscode from 'vscode';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface QuarrySettings {
  include: string[];
  exclude: string[];
  maxFileSize: number;
  model: string;
  executionProvider: string;
  indexOnStartup: boolean;
  resultCount: number;
  logLevel: LogLevel;
}

const SECTION = 'quarry';

/** A setting's value; when the workspace is untrusted, workspace and folder values are ignored. */
function read<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T, trusted: boolean): T {
  if (trusted) return config.get<T>(key, fallback);
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function positive(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function readSettings(trusted = vscode.workspace.isTrusted): QuarrySettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const logLevel = read<string>(config, 'logLevel', 'info', trusted);
  return {
    include: stringArray(read<unknown>(config, 'include', [], trusted)),
    exclude: stringArray(read<unknown>(config, 'exclude', [], trusted)),
    maxFileSize: positive(read(config, 'maxFileSize', 1_000_000, trusted), 1_000_000),
    model: read(config, 'model', 'default', trusted) || 'default',
    executionProvider: read(config, 'executionProvider', 'auto', trusted) || 'auto',
    indexOnStartup: read<boolean>(config, 'indexOnStartup', true, trusted) !== false,
    resultCount: Math.min(200, Math.round(positive(read(config, 'resultCount', 20, trusted), 20))),
    logLevel: (['debug', 'info', 'warn', 'error'].includes(logLevel) ? logLevel : 'info') as LogLevel,
  };
}

/** Settings whose change needs the engine to reopen its roots. */
export const ENGINE_SETTINGS = ['include', 'exclude', 'maxFileSize', 'model', 'executionProvider'].map((k) => `${SECTION}.${k}`);

export function affectsEngine(event: vscode.ConfigurationChangeEvent): boolean {
  return ENGINE_SETTINGS.some((key) => event.affectsConfiguration(key));
}
