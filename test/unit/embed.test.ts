import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Tokenizer } from '@huggingface/tokenizers';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEmbedder, type Embedder, type EmbedderSpec } from '../../src/core/embed/embedder';
import * as ort from 'onnxruntime-node';
import { planTokenRuns, TokenizedEncoder } from '../../src/core/embed/tokenizedEncoder';
import { readByoConfig } from '../../src/core/embed/byoConfig';
import { resolveModelSource } from '../../src/core/embed/modelSource';
import { openRunner, type SessionOpener } from '../../src/core/embed/runner';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'byo-model');
const quiet: EmbedderSpec['log'] = () => undefined;
const words = (n: number, seed: string): string => Array.from({ length: n }, (_, i) => `${seed}${i % 7} value`).join(' ');

function norm(v: Float32Array): number {
  return Math.hypot(...v);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i])));
}

let embedder: Embedder;
const temps: string[] = [];

/** A copy of the fixture with another quarry.json, to test config handling end to end. */
function fixtureWith(quarryJson: object): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quarry-byo-'));
  temps.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(path.join(dir, 'quarry.json'), JSON.stringify(quarryJson));
  return dir;
}

before(async () => {
  embedder = await createEmbedder({ model: FIXTURE, provider: 'cpu', threads: 1, log: quiet });
});

after(async () => {
  await embedder.dispose();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test('BYO model: documents and queries become deterministic unit vectors', async () => {
  assert.equal(embedder.info.dim, 32);
  assert.equal(embedder.info.provider, 'cpu');
  assert.equal(embedder.info.maxLength, 64);
  assert.match(embedder.info.modelId, /^byo-[0-9a-f]{16}$/);
  const texts = ['def parse_config(path): return json.load(open(path))', 'class Cart: total price of items', ''];
  const docs = await embedder.embedDocuments(texts);
  assert.equal(docs.length, texts.length);
  for (const v of docs) {
    assert.equal(v.length, 32);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  }
  assert.ok(maxDiff(docs[0], docs[1]) > 1e-3, 'different texts give different vectors');
  const again = await embedder.embedDocuments(texts);
  again.forEach((v, i) => assert.deepEqual(v, docs[i]));
  // Batch-mates (and so padding) must not change a text's vector.
  const alone = await embedder.embedDocuments([texts[0]]);
  assert.ok(maxDiff(alone[0], docs[0]) < 1e-5);
  const query = await embedder.embedQuery(texts[0]);
  assert.ok(Math.abs(norm(query) - 1) < 1e-5);
  assert.ok(maxDiff(query, docs[0]) > 1e-3, 'query and document prefixes differ');
});

test('BYO model: the query prefix is applied, and the config is part of the model id', async () => {
  const dir = fixtureWith({ pooling: 'mean', dim: 32, max_length: 64, query_prefix: 'query: ', document_prefix: '' });
  const other = await createEmbedder({ model: dir, provider: 'cpu', threads: 1, log: quiet });
  try {
    assert.notEqual(other.info.modelId, embedder.info.modelId);
    const text = 'find the login handler';
    const [asDocument] = await other.embedDocuments([`query: ${text}`]);
    assert.ok(maxDiff(await other.embedQuery(text), asDocument) < 1e-5);
  } finally {
    await other.dispose();
  }
});

test('BYO model: long texts keep their head and special tokens', async () => {
  const config = await readByoConfig(FIXTURE);
  const encoder = await TokenizedEncoder.load(path.join(FIXTURE, 'tokenizer.json'), undefined, config);
  const long = words(2000, 'item');
  const ids = encoder.tokenize(long, 'document');
  assert.equal(ids.length, config.maxLength);
  const short = encoder.tokenize(words(5, 'item'), 'document');
  assert.deepEqual(ids.slice(0, short.length - 1), short.slice(0, -1), 'same head');
  assert.equal(ids[ids.length - 1], short[short.length - 1], 'ends with [SEP]');
  // Tokenizing only a prefix of a long text must not change the kept tokens.
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(path.join(FIXTURE, 'tokenizer.json'), 'utf8')) as object, {});
  const prose = 'passage: ' + Array.from({ length: 400 }, (_, i) => `Normalises channel${i} by its bestCandidate, mixing kinds`).join(' ');
  const full = tokenizer.encode(prose).ids;
  assert.deepEqual(encoder.tokenize(prose.slice('passage: '.length), 'document').slice(0, -1), full.slice(0, config.maxLength - 1));
  // Texts that differ only past the cut embed identically.
  const [a, b] = await embedder.embedDocuments([`${long} read file`, `${long} write server`]);
  assert.deepEqual(a, b);
});

test('a batch is cut into runs of similar lengths and bounded padded size, with the same vectors', async () => {
  const sizes = (lengths: number[], onGpu: boolean): number[] => planTokenRuns(lengths, onGpu).map((r) => r.length);
  const same = (count: number, length: number): number[] => new Array<number>(count).fill(length);
  // GPU: at most 8 x 512^2 token pairs and 8,192 tokens a run; CPU: half of each.
  assert.deepEqual(sizes(same(64, 512), true), same(8, 8));
  assert.deepEqual(sizes(same(64, 256), true), [32, 32]);
  assert.deepEqual(sizes(same(64, 128), true), [64]);
  assert.deepEqual(sizes(same(64, 512), false), same(16, 4));
  assert.deepEqual(sizes(same(64, 128), false), [32, 32]);
  // Sorted by length first: the long texts of a mixed batch do not pad the short ones.
  const mixed = [...same(20, 512), ...same(20, 128)];
  const runs = planTokenRuns(mixed, true);
  assert.deepEqual(runs.map((r) => r.length), [20, 8, 8, 4]);
  assert.ok(runs[0].every((i) => mixed[i] === 128));
  assert.deepEqual(runs.flat().sort((a, b) => a - b), mixed.map((_, i) => i));
  assert.deepEqual(sizes(same(2, 4096), true), [1, 1]);
  assert.deepEqual(planTokenRuns([], true), []);

  // A text embeds the same in a batch of many runs as alone (the fixture's rows are up to 64 tokens).
  const config = await readByoConfig(FIXTURE);
  const encoder = await TokenizedEncoder.load(path.join(FIXTURE, 'tokenizer.json'), undefined, config);
  const session = await ort.InferenceSession.create(path.join(FIXTURE, 'model.onnx'), { intraOpNumThreads: 1 });
  try {
    const texts = Array.from({ length: 300 }, (_, i) => words(10 + (i % 40), `w${i}`));
    for (const onGpu of [false, true]) {
      const batch = await encoder.embed(session, texts, 'document', { onGpu });
      for (const i of [0, 77, 150, 299]) {
        const alone = await encoder.embed(session, [texts[i]], 'document', { onGpu });
        assert.ok(maxDiff(batch.vectors.subarray(i * batch.dim, (i + 1) * batch.dim), alone.vectors) < 1e-5);
      }
    }
  } finally {
    await session.release();
  }
});

test('cancellation rejects at once and drops queued batches', async () => {
  const texts = Array.from({ length: 64 * 20 }, (_, i) => words(20, `t${i}`));
  const controller = new AbortController();
  const job = embedder.embedDocuments(texts, controller.signal);
  assert.ok(embedder.pendingBatches() > 0);
  controller.abort();
  await assert.rejects(job, { name: 'AbortError' });
  assert.equal(embedder.pendingBatches(), 0);
  await assert.rejects(embedder.embedQuery('x', AbortSignal.abort()), { name: 'AbortError' });
  // The embedder keeps working afterwards.
  assert.equal((await embedder.embedDocuments(['still here'])).length, 1);
});

test('dispose rejects queued and running work, and later calls', async () => {
  const own = await createEmbedder({ model: FIXTURE, provider: 'cpu', threads: 1, log: quiet });
  const job = own.embedDocuments(Array.from({ length: 64 * 5 }, (_, i) => words(20, `x${i}`)));
  const query = own.embedQuery('retry');
  const rejected = Promise.all([assert.rejects(job, /disposed/), assert.rejects(query, /disposed/)]);
  await own.dispose();
  await rejected;
  await assert.rejects(own.embedQuery('again'), /disposed/);
});

test('a query is answered while a large document job is still queued', async () => {
  const texts = Array.from({ length: 64 * 30 }, (_, i) => words(30, `d${i}`));
  const events: string[] = [];
  const job = embedder.embedDocuments(texts).then((v) => {
    events.push('documents');
    return v;
  });
  const query = await embedder.embedQuery('where is the retry timeout set');
  events.push('query');
  assert.equal(query.length, 32);
  assert.ok(embedder.pendingBatches() > 0, 'document batches were still waiting');
  const vectors = await job;
  assert.deepEqual(events, ['query', 'documents']);
  assert.equal(vectors.length, texts.length);
  assert.ok(vectors.every((v) => v !== undefined && Math.abs(norm(v) - 1) < 1e-5));
});

test('providers: forcing an unavailable one is a clear error, auto reports its choice', async () => {
  const ortBin = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  if (process.platform === 'linux' && !existsSync(path.join(ortBin, 'libonnxruntime_providers_cuda.so'))) {
    await assert.rejects(createEmbedder({ model: FIXTURE, provider: 'cuda', log: quiet }), /execution provider 'cuda' is not available: .*libonnxruntime_providers_cuda/);
  }
  if (process.platform !== 'darwin') {
    await assert.rejects(createEmbedder({ model: FIXTURE, provider: 'coreml', log: quiet }), /'coreml' is not available/);
  }
  await assert.rejects(createEmbedder({ model: FIXTURE, provider: 'tpu' as never, log: quiet }), /unknown execution provider 'tpu'/);
  // A forced provider either runs or fails with its name and reason, never falls back.
  const webgpu = await createEmbedder({ model: FIXTURE, provider: 'webgpu', log: quiet }).then(
    async (e) => {
      await e.dispose();
      return e.info.provider;
    },
    (err: Error) => err.message,
  );
  assert.match(webgpu, /^webgpu$|^execution provider 'webgpu' (failed|is not available): \S/);
  const logged: string[] = [];
  const auto = await createEmbedder({ model: FIXTURE, provider: 'auto', threads: 1, log: (_level, message) => logged.push(message) });
  try {
    assert.ok(['cuda', 'webgpu', 'dml', 'coreml', 'cpu'].includes(auto.info.provider));
    assert.ok(logged.some((m) => m.includes(`on ${auto.info.provider}`)));
    assert.equal((await auto.embedDocuments(['x'])).length, 1);
  } finally {
    await auto.dispose();
  }
});

test('BYO config falls back to sentence-transformers files; missing files are named', async () => {
  const dir = fixtureWith({});
  rmSync(path.join(dir, 'quarry.json'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hidden_size: 32, max_position_embeddings: 128 }));
  mkdirSync(path.join(dir, '1_Pooling'));
  writeFileSync(path.join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: 32, pooling_mode_cls_token: true }));
  writeFileSync(path.join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 48 }));
  writeFileSync(path.join(dir, 'config_sentence_transformers.json'), JSON.stringify({ prompts: { query: 'q: ', document: 'd: ' } }));
  const config = await readByoConfig(dir);
  assert.deepEqual(config, { pooling: 'cls', dim: 32, maxLength: 48, queryPrefix: 'q: ', documentPrefix: 'd: ' });
  const cls = await createEmbedder({ model: dir, provider: 'cpu', threads: 1, log: quiet });
  try {
    assert.equal(cls.info.maxLength, 48);
    const [v] = await cls.embedDocuments(['class Cart']);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  } finally {
    await cls.dispose();
  }
  rmSync(path.join(dir, 'tokenizer.json'));
  await assert.rejects(createEmbedder({ model: dir, log: quiet }), /no tokenizer\.json/);
  await assert.rejects(createEmbedder({ model: path.join(dir, 'nope'), log: quiet }), /model folder not found/);
});

test('extra workers start when batches wait, stop once idle, and embed the same vectors', async () => {
  const own = await createEmbedder({ model: FIXTURE, provider: 'cpu', threads: 1, workers: 2, idleWorkerMs: 200, growAfterMs: 20, log: quiet });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    assert.equal(own.workerCount(), 1, 'one worker until there is a queue');
    const texts = Array.from({ length: 64 * 40 }, (_, i) => words(30, `w${i}`));
    const reference = await embedder.embedDocuments(texts.slice(0, 5));
    let peak = 1;
    for (let round = 0; round < 20 && peak < 2; round++) {
      let done = false;
      const job = own.embedDocuments(texts).finally(() => (done = true));
      while (!done) {
        peak = Math.max(peak, own.workerCount());
        await sleep(5);
      }
      assert.equal((await job).length, texts.length);
    }
    assert.equal(peak, 2, 'a second worker took part');
    for (let waited = 0; own.workerCount() > 1 && waited < 5000; waited += 50) await sleep(50);
    assert.equal(own.workerCount(), 1, 'the extra worker stopped once idle');
    const again = await own.embedDocuments(texts.slice(0, 5));
    again.forEach((v, i) => assert.ok(maxDiff(v, reference[i]) < 1e-6));
  } finally {
    await own.dispose();
  }
});

test('a queue that drains before batches have waited long does not start another worker', async () => {
  const own = await createEmbedder({ model: FIXTURE, provider: 'cpu', threads: 1, workers: 2, growAfterMs: 60_000, log: quiet });
  try {
    const texts = Array.from({ length: 64 * 20 }, (_, i) => words(30, `w${i}`));
    assert.equal((await own.embedDocuments(texts)).length, texts.length);
    assert.equal(own.workerCount(), 1);
  } finally {
    await own.dispose();
  }
});

test('a worker that has embedded many texts is replaced by a fresh one once the pool is idle, and the vectors stay the same', async () => {
  const logged: string[] = [];
  const own = await createEmbedder({
    model: FIXTURE, provider: 'cpu', threads: 1, recycleAfterTexts: 100, recycleIdleMs: 50, log: (_level, message) => logged.push(message),
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const replaced = () => logged.filter((m) => m.startsWith('embedding worker replaced')).length;
  try {
    const texts = Array.from({ length: 60 }, (_, i) => words(20, `r${i}`));
    const reference = await embedder.embedDocuments(texts);
    await own.embedDocuments(texts);
    await sleep(300);
    assert.equal(replaced(), 0, 'under the limit: kept');
    await own.embedDocuments(texts);
    for (let waited = 0; replaced() === 0 && waited < 10_000; waited += 50) await sleep(50);
    assert.equal(replaced(), 1);
    assert.match(logged.find((m) => m.startsWith('embedding worker replaced'))!, /after 120 texts/);
    assert.equal(own.workerCount(), 1, 'the old worker stopped');
    const after = await own.embedDocuments(texts);
    after.forEach((v, i) => assert.ok(maxDiff(v, reference[i]) < 1e-6));
    await sleep(300);
    assert.equal(replaced(), 1, 'the fresh worker has embedded too few texts to be replaced');
  } finally {
    await own.dispose();
  }
});

test('a GPU session that fails while embedding hands over to the CPU, unless the provider was forced', async () => {
  const source = await resolveModelSource(FIXTURE);
  const texts = ['function parse(text) { return JSON.parse(text); }', 'how are config files read', words(40, 'w')];
  const plain = await openRunner({ source, provider: 'cpu', threads: 1 });
  const expected = (await plain.embed(texts, 'document')).vectors;
  await plain.release();
  // The "GPU" is a real CPU session whose runs fail after the probe: a device lost mid-index.
  const opened: string[] = [];
  const failingGpu: SessionOpener = async (init, provider) => {
    opened.push(provider);
    const session = await ort.InferenceSession.create(init.source.modelPath, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    if (provider === 'cpu') return session;
    let runs = 0;
    return new Proxy(session, {
      get(target, key) {
        if (key === 'run') return (...args: Parameters<typeof target.run>) => (++runs > 1 ? Promise.reject(new Error('WebGPU device was lost')) : target.run(...args));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  const fallbacks: string[] = [];
  const runner = await openRunner({ source, provider: 'webgpu', threads: 1, cpuFallback: true }, (from, reason) => fallbacks.push(`${from}: ${reason}`), failingGpu);
  try {
    assert.equal(runner.info.provider, 'webgpu');
    const [first, second] = await Promise.all([runner.embed(texts, 'document'), runner.embed(texts.slice(1), 'document')]);
    assert.deepEqual(fallbacks, ['webgpu: WebGPU device was lost'], 'one hand-over for batches that failed together');
    assert.equal(runner.info.provider, 'cpu');
    assert.deepEqual(opened, ['webgpu', 'cpu']);
    assert.ok(maxDiff(first.vectors, expected) < 1e-6);
    assert.ok(maxDiff(second.vectors, expected.subarray(first.dim)) < 1e-6);
    assert.ok(maxDiff((await runner.embed(texts, 'document')).vectors, expected) < 1e-6);
  } finally {
    await runner.release();
  }
  // A forced provider fails instead of changing where the model runs.
  const forced = await openRunner({ source, provider: 'webgpu', threads: 1 }, () => fallbacks.push('forced'), failingGpu);
  try {
    await assert.rejects(forced.embed(texts, 'document'), /device was lost/);
    assert.equal(forced.info.provider, 'webgpu');
    assert.equal(fallbacks.length, 1);
  } finally {
    await forced.release();
  }
});
