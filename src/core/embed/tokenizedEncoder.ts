/**
 * Batches for a "bring your own" transformer: prefix, tokenize with the model's own
 * tokenizer.json, keep the head of long texts (a chunk starts with its path, signature and
 * doc, the parts that matter most), cut the batch into runs of similar lengths and bounded
 * padded size, pad per run, run, pool, normalise.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { promises as fs } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { ByoConfig } from './byoConfig';
import type { BatchEncoder, EncodedBatch, RunOptions } from './encoder';
import { normalizeRows, pool } from './pooling';
import { embedInRuns, sortedRuns } from './runPlan';
import type { TextRole } from './protocol';

/**
 * Long texts are tokenized from a prefix of about this many characters per wanted token
 * (code averages 3-4 characters a token): tokenizing a 1 MB chunk only to keep its first
 * 512 tokens would dominate the cost. If the prefix yields too few tokens, it grows.
 */
const CHARS_PER_TOKEN_GUESS = 4;
const PREFIX_GROWTH = 4;
/**
 * Tokens beyond the kept window that a prefix must yield: the word cut in half at its end
 * tokenizes differently from the whole word, so it must fall outside the window.
 */
const CUT_MARGIN_TOKENS = 16;
/** Most a session run may hold: texts x L^2 (attention scores per head) and texts x L. */
interface RunLimits {
  tokenPairs: number;
  tokens: number;
}
/**
 * A transformer's memory and speed depend on how many padded tokens one run holds. On the
 * CPU (2 cores, a 6-layer 384-d BERT, chunks/s and peak RSS by texts per run): L=512: 4 → 41
 * (0.50 GB), 8 → 39 (0.75 GB), 16 → 38 (1.2 GB), 64 → 24 (5.3 GB); L=256: 16 → 65 (0.52 GB),
 * 64 → 57 (1.3 GB); L=128: 16 → 125, 64 → 119.
 */
const CPU_RUN_LIMITS: RunLimits = { tokenPairs: 4 * 512 * 512, tokens: 4096 };
/**
 * On a GPU, past a size WebGPU slows down 2-3x. BERT-base on an H100 over WebGPU, chunks/s by
 * texts per run: L=512: 8 → 131, 16 → 66; L=256: 32 → 220, 64 → 115; L=128: 32 → 397,
 * 64 → 427, 128 → 397.
 */
const GPU_RUN_LIMITS: RunLimits = { tokenPairs: 8 * 512 * 512, tokens: 8192 };
/** Output that sentence-transformers exports use for an already pooled embedding. */
const POOLED_OUTPUT = 'sentence_embedding';

/** How many special tokens the post-processor puts before and after a single text. */
interface SpecialLayout {
  head: number;
  tail: number;
}

export class TokenizedEncoder implements BatchEncoder {
  private readonly layout: SpecialLayout;

  private constructor(private readonly tokenizer: Tokenizer, private readonly config: ByoConfig) {
    this.layout = specialLayout(tokenizer);
    if (config.maxLength <= this.layout.head + this.layout.tail) throw new Error(`max_length ${config.maxLength} leaves no room for text`);
  }

  static async load(tokenizerPath: string, tokenizerConfigPath: string | undefined, config: ByoConfig): Promise<TokenizedEncoder> {
    const json = JSON.parse(await fs.readFile(tokenizerPath, 'utf8')) as object;
    const tokConfig = tokenizerConfigPath ? JSON.parse(await fs.readFile(tokenizerConfigPath, 'utf8')) as object : {};
    return new TokenizedEncoder(new Tokenizer(json, tokConfig), config);
  }

  get maxLength(): number {
    return this.config.maxLength;
  }

  /** Token ids of one text with special tokens, at most maxLength long. */
  tokenize(text: string, role: TextRole): number[] {
    const prefix = role === 'query' ? this.config.queryPrefix : this.config.documentPrefix;
    const input = prefix + text;
    const { head, tail } = this.layout;
    const keep = this.config.maxLength - head - tail;
    let ids: number[];
    for (let chars = this.config.maxLength * CHARS_PER_TOKEN_GUESS; ; chars *= PREFIX_GROWTH) {
      ids = this.tokenizer.encode(input.slice(0, chars)).ids;
      if (chars >= input.length || ids.length - head - tail >= keep + CUT_MARGIN_TOKENS) break;
    }
    if (ids.length <= this.config.maxLength) return ids;
    return [...ids.slice(0, head + keep), ...ids.slice(ids.length - tail)];
  }

  async embed(session: ort.InferenceSession, texts: string[], role: TextRole, options: RunOptions = {}): Promise<EncodedBatch> {
    const rows = texts.map((t) => this.tokenize(t, role));
    const runs = planTokenRuns(rows.map((r) => r.length), options.onGpu ?? false);
    return embedInRuns(texts.length, runs, (run) => this.run(session, run.map((i) => rows[i])));
  }

  /** One session run over token rows, padded to the longest. */
  private async run(session: ort.InferenceSession, rows: number[][]): Promise<EncodedBatch> {
    const batch = rows.length;
    const length = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(batch * length);
    const mask = new BigInt64Array(batch * length);
    rows.forEach((row, b) => row.forEach((id, t) => {
      ids[b * length + t] = BigInt(id);
      mask[b * length + t] = 1n;
    }));
    const candidates: Record<string, BigInt64Array> = {
      input_ids: ids,
      attention_mask: mask,
      // BERT-family exports want token types; single texts are all type 0.
      token_type_ids: new BigInt64Array(batch * length),
    };
    // Feed only what the graph declares: onnxruntime rejects unknown input names.
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      if (!candidates[name]) throw new Error(`model input '${name}' is not one of input_ids, attention_mask, token_type_ids`);
      feeds[name] = new ort.Tensor('int64', candidates[name], [batch, length]);
    }
    const outputName = this.outputName(session);
    const result = await session.run(feeds, [outputName]);
    const output = result[outputName];
    try {
      return this.toVectors(output, mask, batch, length);
    } finally {
      output.dispose();
    }
  }

  private outputName(session: ort.InferenceSession): string {
    if (this.config.output) return this.config.output;
    return session.outputNames.includes(POOLED_OUTPUT) ? POOLED_OUTPUT : session.outputNames[0];
  }

  private toVectors(output: ort.Tensor, mask: BigInt64Array, batch: number, length: number): EncodedBatch {
    if (output.type !== 'float32') throw new Error(`model output is ${output.type}; float32 is required`);
    const data = output.data as Float32Array;
    if (output.dims.length === 2) {
      const dim = output.dims[1];
      return { vectors: normalizeRows(Float32Array.from(data), dim), dim };
    }
    if (output.dims.length !== 3) throw new Error(`model output has shape [${output.dims.join(', ')}]; expected [batch, tokens, dim] or [batch, dim]`);
    const dim = output.dims[2];
    return { vectors: normalizeRows(pool(data, mask, batch, length, this.config.pooling), dim), dim };
  }
}

/** Runs of indices into a batch's token rows (by their lengths), within the provider's limits. */
export function planTokenRuns(lengths: readonly number[], onGpu: boolean): number[][] {
  const limits = onGpu ? GPU_RUN_LIMITS : CPU_RUN_LIMITS;
  return sortedRuns(lengths, (count, length) => count * length * length <= limits.tokenPairs && count * length <= limits.tokens);
}

/**
 * Finds where the post-processor puts its special tokens by encoding a probe text with and
 * without them: [CLS] a [SEP] against a gives head 1, tail 1.
 */
function specialLayout(tokenizer: Tokenizer): SpecialLayout {
  const probe = 'a b';
  const bare = tokenizer.encode(probe, { add_special_tokens: false }).ids;
  const full = tokenizer.encode(probe).ids;
  for (let head = 0; head + bare.length <= full.length; head++) {
    if (bare.every((id, i) => full[head + i] === id)) return { head, tail: full.length - head - bare.length };
  }
  return { head: 0, tail: 0 };
}
