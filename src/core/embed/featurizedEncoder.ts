/**
 * Batches for the shipped model: featurize() turns a text into hashed feature ids with
 * weights (no tokenizer), the model maps them to a 256-d unit vector. Inputs: `ids` int64
 * [B, L] 0-padded, `weights` float32 [B, L] 0 on padding; output `embeddings` [B, dim].
 *
 * The graph dequantises one table row per (text, feature) slot, padding included: a run
 * holds a [B, L, dim] float tensor. A batch is therefore cut into runs of texts of similar
 * feature counts (sorted), each at most ROWS_PER_RUN padded slots, so that little is spent
 * on padding and the tensor stays in cache.
 */
import * as ort from 'onnxruntime-node';
import type { BatchEncoder, EncodedBatch } from './encoder';
import { featurize, loadFeaturizerConfig, padFeatures, type Features, type FeaturizerConfig } from './featurize';
import { normalizeRows } from './pooling';
import { embedInRuns, sortedRuns } from './runPlan';
import type { TextRole } from './protocol';

const OUTPUT_NAME = 'embeddings';
/**
 * Padded feature slots per session run. Measured on one core with ~40-line chunks (~620
 * features): 2,048 -> 20k, 4,096 -> 22k, 8,192 -> 22k, 16,384 -> 15k chunks per CPU-second,
 * against 8k for one run of 64 unsorted texts (a 40 MB tensor).
 */
export const ROWS_PER_RUN = 4096;

/** Runs of indices into `features`: sorted by feature count, each at most `budget` padded slots (a longer text runs alone). */
export function planRuns(features: readonly Features[], budget: number = ROWS_PER_RUN): number[][] {
  return sortedRuns(features.map((f) => Math.max(1, f.ids.length)), (count, length) => count * length <= budget);
}

export class FeaturizedEncoder implements BatchEncoder {
  private constructor(private readonly config: FeaturizerConfig) {}

  static async load(featurizerPath: string): Promise<FeaturizedEncoder> {
    return new FeaturizedEncoder(loadFeaturizerConfig(featurizerPath));
  }

  /** Words read from a text; later words are ignored by the featurizer. */
  get maxLength(): number {
    return this.config.maxTokens;
  }

  // The model is symmetric: queries and documents are featurized alike.
  async embed(session: ort.InferenceSession, texts: string[], _role: TextRole): Promise<EncodedBatch> {
    const features = texts.map((t) => featurize(t, this.config));
    const outputName = session.outputNames.includes(OUTPUT_NAME) ? OUTPUT_NAME : session.outputNames[0];
    const { vectors, dim } = await embedInRuns(texts.length, planRuns(features), async (run) => {
      const batch = padFeatures(run.map((i) => features[i]));
      const shape = [batch.batch, batch.length];
      const result = await session.run({
        ids: new ort.Tensor('int64', batch.ids, shape),
        weights: new ort.Tensor('float32', batch.weights, shape),
      }, [outputName]);
      const output = result[outputName];
      try {
        if (output.type !== 'float32' || output.dims.length !== 2) throw new Error(`model output ${outputName} must be float32 [batch, dim]`);
        return { vectors: (output.data as Float32Array).slice(), dim: output.dims[1] };
      } finally {
        output.dispose();
      }
    });
    // The model normalises already; doing it again is cheap and guards against drift.
    return { vectors: normalizeRows(vectors, dim), dim };
  }
}
