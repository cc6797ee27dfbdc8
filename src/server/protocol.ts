/**
 * The contract between the VS Code extension and the engine process (JSON-RPC over the
 * process's stdio). Both sides import this file and nothing else of each other.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { Explanation } from '../core/search/explain';
import type { SearchFilters, SearchResult } from '../core/types';

export interface EngineSettings {
  cacheRoot: string;
  model: string;            // 'none' | 'default' | folder
  provider: string;         // 'auto' | 'cuda' | ...
  maxFileBytes: number;
  include: string[];
  exclude: string[];
}

export interface InitializeParams {
  roots: string[];
  settings: EngineSettings;
}

export interface InitializeResult {
  /** The execution provider the model runs on ('cpu', 'webgpu', ...); absent when lexical only. */
  provider?: string;
}

export interface RootParams {
  /** Absolute folder of a workspace root; omitted = every root. */
  root?: string;
}

export interface SearchParams {
  query: string;
  k: number;
  filters?: SearchFilters;
}

export interface LocationParams {
  root: string;
  path: string;        // relative to root, forward slashes
  startLine: number;
  endLine: number;
  /** Selected text, when the user selected something. */
  text?: string;
}

export interface SimilarParams extends LocationParams {
  k: number;
}

export type RootStatus = 'idle' | 'indexing' | 'ready' | 'paused' | 'error';

export interface StatusNotification {
  root: string;
  status: RootStatus;
  done: number;
  total: number;
  files: number;
  chunks: number;
  message?: string;
  /** Where the model runs now (a GPU that failed hands over to the CPU); absent when lexical only. */
  provider?: string;
}

export interface LogNotification {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export const Initialize = new RequestType<InitializeParams, InitializeResult, void>('quarry/initialize');
export const IndexRoots = new RequestType<RootParams & { full?: boolean }, void, void>('quarry/index');
export const FilesChanged = new RequestType<{ root: string; paths: string[] }, void, void>('quarry/filesChanged');
export const Search = new RequestType<SearchParams, SearchResult[], void>('quarry/search');
export const Similar = new RequestType<SimilarParams, SearchResult[], void>('quarry/similar');
export const Explain = new RequestType<LocationParams, Explanation, void>('quarry/explain');
export const Pause = new RequestType<RootParams, void, void>('quarry/pause');
export const Resume = new RequestType<RootParams, void, void>('quarry/resume');
export const ClearIndex = new RequestType<RootParams, void, void>('quarry/clear');
export const Stats = new RequestType<RootParams, unknown[], void>('quarry/stats');

export const StatusChanged = new NotificationType<StatusNotification>('quarry/status');
export const Log = new NotificationType<LogNotification>('quarry/log');
