/**
 * Batches for the shipped model: featurize() turns a text into hashed feature ids with
 * weights (no tokenizer), the model maps them to a 256-d unit vector. Inputs: `ids` int64
 * [B, L] 0-padded, `weights` float32 [B, L] 0 on padding; output `embeddings` [B, dim].
 */
import * as ort from 'onnxruntime-node';
import type { BatchEncoder, EncodedBatch } from './encoder';
import { featurizeBatch, loadFeaturizerConfig, type FeaturizerConfig } from './featurize';
import { normalizeRows } from './pooling';
import type { TextRole } from './protocol';

const OUTPUT_NAME = 'embeddings';

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
    const features = featurizeBatch(texts, this.config);
    const shape = [features.batch, features.length];
    const outputName = session.outputNames.includes(OUTPUT_NAME) ? OUTPUT_NAME : session.outputNames[0];
    const result = await session.run({
      ids: new ort.Tensor('int64', features.ids, shape),
      weights: new ort.Tensor('float32', features.weights, shape),
    }, [outputName]);
    const output = result[outputName];
    try {
      if (output.type !== 'float32' || output.dims.length !== 2) throw new Error(`model output ${outputName} must be float32 [batch, dim]`);
      const dim = output.dims[1];
      // The model normalises already; doing it again is cheap and guards against drift.
      return { vectors: normalizeRows(Float32Array.from(output.data as Float32Array), dim), dim };
    } finally {
      output.dispose();
    }
  }
}
