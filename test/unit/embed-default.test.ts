import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createEmbedder, type EmbedderSpec } from '../../src/core/embed/embedder';
import { packageRoot } from '../../src/core/embed/locate';
import { providerOrder } from '../../src/core/embed/providers';

const quiet: EmbedderSpec['log'] = () => undefined;
/** Same ONNX contract as the shipped model, random weights, 16-d (scripts/make-test-bert.py --featurized). */
const STUB_MODELS = path.join(__dirname, '..', 'fixtures', 'byo-model', 'models');
const SHIPPED_MODEL = path.join(packageRoot(), 'models', 'quarry-code', 'model.onnx');

const texts = [
  'src/cart.ts class Cart total(): number Sum of item prices',
  'def parse_http_response(raw): return HTTPResponse.parse(raw)',
];

test('the default-model path: featurized stand-in under QUARRY_MODELS_DIR', async () => {
  const saved = process.env.QUARRY_MODELS_DIR;
  process.env.QUARRY_MODELS_DIR = STUB_MODELS;
  try {
    const embedder = await createEmbedder({ model: 'default', provider: 'cpu', threads: 1, log: quiet });
    try {
      assert.match(embedder.info.modelId, /^quarry-code-[0-9a-f]{16}$/);
      assert.equal(embedder.info.dim, 16);
      assert.equal(embedder.info.maxLength, 2000);
      const [a, b, none] = await embedder.embedDocuments([...texts, '!!! ...']);
      for (const v of [a, b]) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
      // The featurizer's contract: a text with no feature gives the zero vector.
      assert.ok(none.every((x) => x === 0));
      // Queries and documents are featurized alike.
      assert.ok((await embedder.embedQuery(texts[0])).every((x, i) => Math.abs(x - a[i]) < 1e-6));
    } finally {
      await embedder.dispose();
    }
  } finally {
    if (saved === undefined) delete process.env.QUARRY_MODELS_DIR;
    else process.env.QUARRY_MODELS_DIR = saved;
  }
});

test('the shipped default model embeds into 256-d unit vectors', { skip: !existsSync(SHIPPED_MODEL) && 'models/quarry-code/model.onnx has not landed' }, async () => {
  const embedder = await createEmbedder({ model: 'default', provider: 'cpu', threads: 1, log: quiet });
  try {
    assert.equal(embedder.info.dim, 256);
    const vectors = await embedder.embedDocuments(texts);
    for (const v of vectors) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4);
  } finally {
    await embedder.dispose();
  }
});

test('auto keeps the featurized default model on the CPU; a transformer may go to a GPU first', async () => {
  const embedder = await createEmbedder({ model: 'default', provider: 'auto', threads: 1, log: quiet });
  try {
    assert.equal(embedder.info.provider, 'cpu');
  } finally {
    await embedder.dispose();
  }
  assert.deepEqual(providerOrder('auto', 'featurized'), ['cpu']);
  const transformer = providerOrder('auto', 'tokenized');
  assert.equal(transformer.at(-1), 'cpu');
  // Forcing a provider is honoured for either kind of model.
  assert.deepEqual(providerOrder('webgpu', 'featurized'), ['webgpu']);
});
