/**
 * Messages between the embedder (caller's thread) and its worker threads. Kept in one
 * file so both sides agree on the shape of every message.
 */
import type { ByoConfig } from './byoConfig';

/** Queries and documents may be prefixed differently (e5/bge-style models). */
export type TextRole = 'query' | 'document';

export type ProviderName = 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'cpu';
export type ProviderChoice = 'auto' | ProviderName;

/** What the worker learns by opening the model. */
export interface RuntimeInfo {
  dim: number;
  provider: string;
  maxLength: number;
}

export interface EmbedderInfo extends RuntimeInfo {
  /** Changes whenever anything that decides the vectors changes (see modelSource.ts). */
  modelId: string;
}

/** Where the model lives and how its input is made; resolved on the caller's thread. */
export type ModelSource =
  | {
      /** The shipped model: hashed sparse features from featurize(), no tokenizer. */
      kind: 'featurized';
      modelPath: string;
      featurizerPath: string;
    }
  | {
      /** A user's transformer: tokenizer.json + pooling over the last hidden state. */
      kind: 'tokenized';
      modelPath: string;
      tokenizerPath: string;
      tokenizerConfigPath?: string;
      config: ByoConfig;
      /** Config files read besides the tokenizer (they count towards the model id). */
      configFiles: string[];
    };

/** Passed as workerData. */
export interface WorkerInit {
  source: ModelSource;
  provider: ProviderChoice;
  threads: number;
  /**
   * Whether a GPU provider that fails while embedding hands over to the CPU. Default: when
   * the provider is 'auto' (workers after the first are given the first one's provider, and
   * keep the user's choice here); a provider the user forced fails instead.
   */
  cpuFallback?: boolean;
}

export type ToWorker = { type: 'embed'; id: number; texts: string[]; role: TextRole };

export type FromWorker =
  | { type: 'ready'; info: RuntimeInfo; notes: string[] }
  | { type: 'init-failed'; message: string }
  /** Row-major [texts.length, dim], every row unit length. */
  | { type: 'done'; id: number; vectors: Float32Array }
  | { type: 'failed'; id: number; message: string }
  /** The worker's GPU provider failed; it now runs on the CPU (sent before the batch's answer). */
  | { type: 'fell-back'; from: ProviderName; reason: string };
