/**
 * Batches for the shipped model: featurize() turns a text into hashed feature ids with
 * weights (no tokenizer), the model maps them to a 256-d unit vector. Inputs: `ids` int64
 * [B, L] 0-padded, `weights` float32 [B, L] 0 on padding; output `embeddings` [B, dim].
 */
import { promises as fs } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { BatchEncoder, EncodedBatch } from './encoder';
import { normalizeRows } from './pooling';
import type { TextRole } from './protocol';

export type FeaturizerConfig = Record<string, unknown>;
export type Featurize = (text: string, config: FeaturizerConfig) => { ids: ArrayLike<number | bigint>; weights: ArrayLike<number> };

const OUTPUT_NAME = 'embeddings';

export class FeaturizedEncoder implements BatchEncoder {
  private constructor(private readonly featurize: Featurize, private readonly config: FeaturizerConfig) {}

  static async load(featurizerPath: string): Promise<FeaturizedEncoder> {
    const config = JSON.parse(await fs.readFile(featurizerPath, 'utf8')) as FeaturizerConfig;
    return new FeaturizedEncoder(loadFeaturize(), config);
  }

  get maxLength(): number {
    const n = this.config.max_length ?? this.config.maxLength;
    return typeof n === 'number' ? n : 0;
  }

  async embed(session: ort.InferenceSession, texts: string[], role: TextRole): Promise<EncodedBatch> {
    const prefix = this.prefix(role);
    const rows = texts.map((t) => this.featurize(prefix + t, this.config));
    const batch = rows.length;
    // At least one column: an empty text still needs a well-formed [B, 1] input.
    const length = Math.max(1, ...rows.map((r) => r.ids.length));
    const ids = new BigInt64Array(batch * length);
    const weights = new Float32Array(batch * length);
    rows.forEach((row, b) => {
      for (let t = 0; t < row.ids.length; t++) {
        ids[b * length + t] = BigInt(row.ids[t]);
        weights[b * length + t] = row.weights[t];
      }
    });
    const outputName = session.outputNames.includes(OUTPUT_NAME) ? OUTPUT_NAME : session.outputNames[0];
    const result = await session.run({
      ids: new ort.Tensor('int64', ids, [batch, length]),
      weights: new ort.Tensor('float32', weights, [batch, length]),
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

  /** The featurizer config may ask for role prefixes; most featurizer models use none. */
  private prefix(role: TextRole): string {
    const p = role === 'query' ? this.config.query_prefix : this.config.document_prefix;
    return typeof p === 'string' ? p : '';
  }
}

/**
 * featurize.ts is written alongside the model; loading it lazily keeps this module
 * building before it lands. esbuild bundles a literal require and tolerates it failing to
 * resolve inside try.
 */
function loadFeaturize(): Featurize {
  let mod: { featurize?: Featurize };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./featurize') as { featurize?: Featurize };
  } catch (err) {
    throw new Error(`the default model's featurizer (embed/featurize) is not available: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof mod.featurize !== 'function') throw new Error('embed/featurize does not export featurize()');
  return mod.featurize;
}
