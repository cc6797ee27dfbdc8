import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { featurize, featurizeBatch, loadFeaturizerConfig } from '../../src/core/embed/featurize';
import { FeaturizedEncoder, planRuns } from '../../src/core/embed/featurizedEncoder';
import { TableEncoder } from '../../src/core/embed/tableEncoder';

/** Written by training/make_golden.py: texts, Python features and torch embeddings. */
interface GoldenCase {
  text: string;
  ids: number[];
  weights: number[];
  embedding: number[];
}
interface Golden {
  featurizer: Record<string, unknown>;
  model: string;
  cases: GoldenCase[];
}

const ROOT = path.join(__dirname, '..', '..');
const golden = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'featurize', 'golden.json'), 'utf8')) as Golden;
const config = loadFeaturizerConfig(path.join(ROOT, 'models', 'quarry-code', 'featurizer.json'));
const EMBEDDING_TOLERANCE = 1e-4;

test('the golden fixture was made with the shipped featurizer config', () => {
  assert.deepEqual(golden.featurizer, JSON.parse(readFileSync(path.join(ROOT, 'models', 'quarry-code', 'featurizer.json'), 'utf8')));
  assert.ok(golden.cases.length >= 40);
});

test('featurize gives exactly the Python features', () => {
  for (const [i, c] of golden.cases.entries()) {
    const f = featurize(c.text, config);
    const label = `case ${i}: ${JSON.stringify(c.text.slice(0, 40))}`;
    assert.deepEqual(Array.from(f.ids), c.ids, label);
    assert.deepEqual(Array.from(f.weights), c.weights.map((w) => Math.fround(w)), label);
  }
});

test('featurizeBatch pads with id 0 and weight 0 to the longest text', () => {
  const texts = ['parseHTTPResponse(raw)', '', 'a b'];
  const batch = featurizeBatch(texts, config);
  const first = featurize(texts[0], config);
  assert.equal(batch.batch, 3);
  assert.equal(batch.length, first.ids.length);
  assert.equal(batch.ids[0], BigInt(first.ids[0]));
  for (let j = 0; j < batch.length; j++) {
    assert.equal(batch.ids[batch.length + j], 0n);
    assert.equal(batch.weights[batch.length + j], 0);
  }
  assert.equal(featurizeBatch([''], config).length, 1);
});

test('onnxruntime-node on model.onnx matches the torch embeddings', async () => {
  const session = await ort.InferenceSession.create(path.join(ROOT, golden.model), {
    intraOpNumThreads: 1,
    executionProviders: ['cpu'],
  });
  try {
    const texts = golden.cases.map((c) => c.text);
    const batch = featurizeBatch(texts, config);
    const shape = [batch.batch, batch.length];
    const out = await session.run({
      ids: new ort.Tensor('int64', batch.ids, shape),
      weights: new ort.Tensor('float32', batch.weights, shape),
    });
    const emb = out.embeddings;
    assert.deepEqual(emb.dims, [texts.length, config.dimension]);
    const data = emb.data as Float32Array;
    for (const [i, c] of golden.cases.entries()) {
      const row = data.subarray(i * config.dimension, (i + 1) * config.dimension);
      let worst = 0;
      for (let j = 0; j < config.dimension; j++) worst = Math.max(worst, Math.abs(row[j] - c.embedding[j]));
      assert.ok(worst <= EMBEDDING_TOLERANCE, `case ${i}: max |onnx - torch| = ${worst}`);
      const norm = Math.hypot(...row);
      if (c.ids.length === 0) assert.equal(norm, 0, `case ${i}: no feature gives the zero vector`);
      else assert.ok(Math.abs(norm - 1) < 1e-5, `case ${i}: unit length`);
    }
  } finally {
    await session.release();
  }
});

test('planRuns sorts by feature count, keeps every text once and each run within its padded budget', () => {
  const texts = golden.cases.map((c) => c.text);
  const features = texts.map((t) => featurize(t, config));
  for (const budget of [1, 64, 4096]) {
    const runs = planRuns(features, budget);
    assert.deepEqual(runs.flat().sort((a, b) => a - b), texts.map((_, i) => i));
    let previous = 0;
    for (const run of runs) {
      const lengths = run.map((i) => Math.max(1, features[i].ids.length));
      assert.ok(lengths[0] >= previous, 'runs in ascending order');
      previous = lengths[lengths.length - 1];
      if (run.length > 1) assert.ok(run.length * Math.max(...lengths) <= budget, `run of ${run.length} within ${budget}`);
    }
  }
});

test('the engine encoder (sorted runs under a padding budget) matches the torch embeddings in input order', async () => {
  const session = await ort.InferenceSession.create(path.join(ROOT, golden.model), { intraOpNumThreads: 1, executionProviders: ['cpu'] });
  try {
    const encoder = await FeaturizedEncoder.load(path.join(ROOT, 'models', 'quarry-code', 'featurizer.json'));
    const texts = golden.cases.map((c) => c.text);
    assert.ok(planRuns(texts.map((t) => featurize(t, config))).length > 1, 'the golden texts need several runs');
    const { vectors, dim } = await encoder.embed(session, texts, 'document');
    assert.equal(dim, config.dimension);
    for (const [i, c] of golden.cases.entries()) {
      let worst = 0;
      for (let j = 0; j < dim; j++) worst = Math.max(worst, Math.abs(vectors[i * dim + j] - c.embedding[j]));
      assert.ok(worst <= EMBEDDING_TOLERANCE, `case ${i}: max |engine - torch| = ${worst}`);
    }
  } finally {
    await session.release();
  }
});

test('the table encoder (rows read from model.onnx on the calling thread) matches the torch embeddings', () => {
  const encoder = TableEncoder.open(path.join(ROOT, golden.model), config);
  try {
    for (const [i, c] of golden.cases.entries()) {
      const vector = encoder.embed(c.text);
      assert.equal(vector.length, config.dimension);
      let worst = 0;
      for (let j = 0; j < config.dimension; j++) worst = Math.max(worst, Math.abs(vector[j] - c.embedding[j]));
      assert.ok(worst <= EMBEDDING_TOLERANCE, `case ${i}: max |table encoder - torch| = ${worst}`);
      if (c.ids.length === 0) assert.ok(vector.every((x) => x === 0), `case ${i}: no feature gives the zero vector`);
    }
  } finally {
    encoder.close();
  }
  assert.throws(() => encoder.embed('closed'), /closed/);
  // A featurized model without the int8 table (the 16-d stand-in has a float one) is refused.
  const stub = path.join(ROOT, 'test', 'fixtures', 'byo-model', 'models', 'quarry-code');
  assert.throws(() => TableEncoder.open(path.join(stub, 'model.onnx'), loadFeaturizerConfig(path.join(stub, 'featurizer.json'))), /no int8 table/);
});
