import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
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

test('with the shipped model, queries need no worker: the last one stops when idle and one starts again for documents', { skip: !existsSync(SHIPPED_MODEL) && 'models/quarry-code/model.onnx has not landed' }, async () => {
  const embedder = await createEmbedder({ model: 'default', provider: 'cpu', threads: 1, idleWorkerMs: 100, lastWorkerIdleMs: 100, log: quiet });
  try {
    assert.equal(embedder.workerCount(), 1, 'the worker that chose the provider');
    await waitFor(() => embedder.workerCount() === 0);
    const query = await embedder.embedQuery(texts[1]);
    assert.equal(embedder.workerCount(), 0, 'a query starts no worker');
    const [small] = await embedder.embedDocuments([texts[1]]);
    assert.equal(embedder.workerCount(), 0, 'nor do a few documents (one edited file)');
    const large = Array.from({ length: 400 }, (_, i) => `${texts[i % 2]} ${'word '.repeat(40)} item${i}`);
    const vectors = await embedder.embedDocuments([texts[1], ...large]);
    assert.equal(embedder.workerCount(), 1, 'a large job starts one');
    // The table encoder and onnxruntime agree to float rounding.
    for (const other of [small, query]) assert.ok(other.every((x, i) => Math.abs(x - vectors[0][i]) < 1e-6));
    assert.ok(Math.abs(Math.hypot(...query) - 1) < 1e-5);
    await waitFor(() => embedder.workerCount() === 0);
    assert.equal((await embedder.embedDocuments(large)).length, large.length, 'and again after it stopped');
    assert.equal(embedder.workerCount(), 1);
  } finally {
    await embedder.dispose();
  }
  await assert.rejects(embedder.embedQuery('after dispose'), /disposed/);
});

test('when no worker can start for documents, they fail, queries go on, and later documents try again', { skip: !existsSync(SHIPPED_MODEL) && 'models/quarry-code/model.onnx has not landed' }, async () => {
  const models = mkdtempSync(path.join(os.tmpdir(), 'quarry-models-'));
  const saved = process.env.QUARRY_MODELS_DIR;
  process.env.QUARRY_MODELS_DIR = models;
  try {
    const dir = path.join(models, 'quarry-code');
    cpSync(path.dirname(SHIPPED_MODEL), dir, { recursive: true });
    const embedder = await createEmbedder({ model: 'default', provider: 'cpu', threads: 1, lastWorkerIdleMs: 50, log: quiet });
    try {
      await waitFor(() => embedder.workerCount() === 0);
      const model = path.join(dir, 'model.onnx');
      renameSync(model, `${model}.away`);
      const large = Array.from({ length: 300 }, (_, i) => `${texts[i % 2]} ${'word '.repeat(60)} item${i}`);
      await assert.rejects(embedder.embedDocuments(large), /embedding worker did not start/);
      assert.equal((await embedder.embedQuery(texts[0])).length, 256, 'queries read the table they opened');
      renameSync(`${model}.away`, model);
      assert.equal((await embedder.embedDocuments(large)).length, large.length);
    } finally {
      await embedder.dispose();
    }
  } finally {
    if (saved === undefined) delete process.env.QUARRY_MODELS_DIR;
    else process.env.QUARRY_MODELS_DIR = saved;
    rmSync(models, { recursive: true, force: true });
  }
});

test("'on-demand' starts no worker for the shipped model until documents need one; other models are probed as before", { skip: !existsSync(SHIPPED_MODEL) && 'models/quarry-code/model.onnx has not landed' }, async () => {
  const probed = await createEmbedder({ model: 'default', provider: 'auto', threads: 1, log: quiet });
  const lazy = await createEmbedder({ model: 'default', provider: 'auto', threads: 1, firstWorker: 'on-demand', log: quiet });
  try {
    assert.equal(lazy.workerCount(), 0);
    assert.deepEqual(lazy.info, probed.info, 'what the worker would have said');
    const query = await lazy.embedQuery(texts[0]);
    assert.deepEqual(query, await probed.embedQuery(texts[0]));
    assert.equal(lazy.workerCount(), 0, 'queries start none');
    const large = Array.from({ length: 300 }, (_, i) => `${texts[i % 2]} ${'word '.repeat(60)} item${i}`);
    const [fromLazy, fromProbed] = await Promise.all([lazy.embedDocuments(large), probed.embedDocuments(large)]);
    assert.equal(lazy.workerCount(), 1, 'documents started one');
    assert.ok(fromLazy.every((v, j) => v.every((x, i) => x === fromProbed[j][i])), 'the same vectors');
  } finally {
    await Promise.all([lazy.dispose(), probed.dispose()]);
  }
  const saved = process.env.QUARRY_MODELS_DIR;
  process.env.QUARRY_MODELS_DIR = STUB_MODELS;
  try {
    const stub = await createEmbedder({ model: 'default', provider: 'cpu', threads: 1, firstWorker: 'on-demand', log: quiet });
    assert.equal(stub.workerCount(), 1, 'a featurized model without the int8 table is probed');
    await stub.dispose();
  } finally {
    if (saved === undefined) delete process.env.QUARRY_MODELS_DIR;
    else process.env.QUARRY_MODELS_DIR = saved;
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !condition(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
  }
}

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
