/**
 * Reads how to use a "bring your own" ONNX encoder folder: model.onnx (or onnx/model.onnx),
 * tokenizer.json, and quarry.json — or, without quarry.json, what a Hugging Face /
 * sentence-transformers export already says (config.json, 1_Pooling/config.json,
 * sentence_bert_config.json, config_sentence_transformers.json, tokenizer_config.json).
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';

export type Pooling = 'mean' | 'cls';

export interface ByoConfig {
  pooling: Pooling;
  /** Expected output dimension; checked against the model when given. */
  dim?: number;
  /** Tokens per text including special tokens; longer texts keep their head. */
  maxLength: number;
  queryPrefix: string;
  documentPrefix: string;
  /** Output to read; by default `sentence_embedding` if present, else the first output. */
  output?: string;
}

export interface ByoFiles {
  modelPath: string;
  tokenizerPath: string;
  tokenizerConfigPath?: string;
  configFiles: string[];
}

/** Transformers encoders rarely accept more than this many positions. */
const FALLBACK_MAX_LENGTH = 512;

type Json = Record<string, unknown>;

export function findByoFiles(dir: string): ByoFiles {
  const modelPath = [path.join(dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx')].find((p) => existsSync(p));
  if (!modelPath) throw new Error(`no model.onnx in ${dir} (nor in ${path.join(dir, 'onnx')})`);
  const tokenizerPath = path.join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerPath)) throw new Error(`no tokenizer.json in ${dir}: export the model's fast tokenizer next to model.onnx`);
  const tokenizerConfigPath = path.join(dir, 'tokenizer_config.json');
  const configNames = ['quarry.json', 'config.json', '1_Pooling/config.json', 'sentence_bert_config.json', 'config_sentence_transformers.json', 'tokenizer_config.json'];
  return {
    modelPath,
    tokenizerPath,
    tokenizerConfigPath: existsSync(tokenizerConfigPath) ? tokenizerConfigPath : undefined,
    configFiles: configNames.map((n) => path.join(dir, n)).filter((p) => existsSync(p)),
  };
}

export async function readByoConfig(dir: string): Promise<ByoConfig> {
  const quarry = await readJson(path.join(dir, 'quarry.json'));
  if (quarry) return fromQuarryJson(quarry, dir);
  return fromHuggingFace(dir);
}

function fromQuarryJson(j: Json, dir: string): ByoConfig {
  const pooling = j.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'cls') throw new Error(`${dir}/quarry.json: pooling must be "mean" or "cls", got ${JSON.stringify(pooling)}`);
  return {
    pooling,
    dim: optionalInt(j.dim, 'dim', dir),
    maxLength: optionalInt(j.max_length, 'max_length', dir) ?? FALLBACK_MAX_LENGTH,
    queryPrefix: typeof j.query_prefix === 'string' ? j.query_prefix : '',
    documentPrefix: typeof j.document_prefix === 'string' ? j.document_prefix : '',
    output: typeof j.output === 'string' ? j.output : undefined,
  };
}

async function fromHuggingFace(dir: string): Promise<ByoConfig> {
  const [hf, pool, sbert, stConfig, tokConfig] = await Promise.all(
    ['config.json', '1_Pooling/config.json', 'sentence_bert_config.json', 'config_sentence_transformers.json', 'tokenizer_config.json']
      .map((n) => readJson(path.join(dir, n))),
  );
  const prompts = (stConfig?.prompts ?? {}) as Json;
  const lengths = [sbert?.max_seq_length, tokConfig?.model_max_length, hf?.max_position_embeddings]
    .filter((n): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0);
  return {
    pooling: pool?.pooling_mode_cls_token === true ? 'cls' : 'mean',
    dim: numberOr(pool?.word_embedding_dimension, numberOr(hf?.hidden_size, undefined)),
    // tokenizer_config often says 1e30 ("no limit"): never exceed what positions allow.
    maxLength: Math.min(...lengths, FALLBACK_MAX_LENGTH),
    queryPrefix: typeof prompts.query === 'string' ? prompts.query : '',
    documentPrefix: typeof prompts.document === 'string' ? prompts.document : (typeof prompts.passage === 'string' ? prompts.passage : ''),
  };
}

async function readJson(file: string): Promise<Json | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function optionalInt(v: unknown, name: string, dir: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${dir}/quarry.json: ${name} must be a positive integer`);
  return v;
}

function numberOr(v: unknown, fallback: number | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : fallback;
}
