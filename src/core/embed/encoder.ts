/**
 * What the worker needs from a model family: turn a batch of texts into the model's
 * inputs, run the session, and hand back unit-length vectors.
 */
import type * as ort from 'onnxruntime-node';
import type { TextRole } from './protocol';

export interface EncodedBatch {
  /** Row-major [texts, dim], each row unit length. */
  vectors: Float32Array;
  dim: number;
}

export interface RunOptions {
  /** The session runs on a GPU provider, where a transformer's runs may be larger. */
  onGpu?: boolean;
}

export interface BatchEncoder {
  /** Longest input the model sees (tokens or features); 0 when there is no fixed limit. */
  readonly maxLength: number;
  embed(session: ort.InferenceSession, texts: string[], role: TextRole, options?: RunOptions): Promise<EncodedBatch>;
}
