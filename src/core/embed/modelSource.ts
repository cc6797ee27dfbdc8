/**
 * Turns the user's model setting ('default' or a folder) into a ModelSource with an id.
 * The id hashes every file that decides the vectors (weights, tokenizer or featurizer,
 * config), so the index notices a changed model and rebuilds instead of mixing spaces.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { findByoFiles, readByoConfig } from './byoConfig';
import { modelsDir } from './locate';
import type { ModelSource } from './protocol';

/** Folder of the shipped model under the models directory. */
export const DEFAULT_MODEL_NAME = 'quarry-code';
/** Hex digits of the hash kept in a model id: collisions are not a concern at this length. */
const ID_HASH_CHARS = 16;
/** Large reads: hashing a 400 MB model in 64 KB pieces costs noticeably more. */
const HASH_READ_BYTES = 1 << 20;

export async function resolveModelSource(model: string): Promise<ModelSource> {
  return model === 'default' ? defaultSource() : byoSource(path.resolve(model));
}

/**
 * The model's id: a hash of its weights, tokenizer or featurizer, and config. Reading a
 * large model takes seconds, so callers run this while the worker loads the model.
 */
export async function modelIdOf(source: ModelSource): Promise<string> {
  if (source.kind === 'featurized') return `${DEFAULT_MODEL_NAME}-${await hashFiles([source.modelPath, source.featurizerPath])}`;
  const files = [source.modelPath, source.tokenizerPath, ...source.configFiles];
  return `byo-${await hashFiles(files, JSON.stringify(source.config))}`;
}

async function defaultSource(): Promise<ModelSource> {
  const dir = path.join(modelsDir(), DEFAULT_MODEL_NAME);
  const modelPath = path.join(dir, 'model.onnx');
  const featurizerPath = path.join(dir, 'featurizer.json');
  for (const f of [modelPath, featurizerPath]) {
    if (!existsSync(f)) throw new Error(`the default model is missing ${f}; reinstall, or point the model setting at a model folder`);
  }
  return { kind: 'featurized', modelPath, featurizerPath };
}

async function byoSource(dir: string): Promise<ModelSource> {
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`model folder not found: ${dir}`);
  const files = findByoFiles(dir);
  return {
    kind: 'tokenized',
    modelPath: files.modelPath,
    tokenizerPath: files.tokenizerPath,
    tokenizerConfigPath: files.tokenizerConfigPath,
    config: await readByoConfig(dir),
    configFiles: files.configFiles,
  };
}

/** Streams, so a 400 MB model is hashed without holding it in memory. */
async function hashFiles(files: string[], extra = ''): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${path.basename(file)}\0`);
    for await (const chunk of createReadStream(file, { highWaterMark: HASH_READ_BYTES })) hash.update(chunk as Buffer);
  }
  hash.update(extra);
  return hash.digest('hex').slice(0, ID_HASH_CHARS);
}
