import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphDimFor, VectorIndex, type VectorIndexOptions } from '../../src/core/index/vectors';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../reliability/helpers'; // mulberry32: failures reproduce
import { FIXTURE_DIM, fixtureOperations, fixtureVectors } from './vectorFixture';

const DIM = 32;
const COUNT = 3000;
const QUERIES = 100;
const K = 10;

function unitVectors(n: number, seed: number): Float32Array[] {
  const next = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: DIM }, () => next() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function bruteForce(query: Float32Array, data: Map<number, Float32Array>, k: number): number[] {
  return [...data].map(([label, v]) => ({ label, s: dot(query, v) }))
    .sort((x, y) => y.s - x.s).slice(0, k).map((x) => x.label);
}

function recallAtK(index: VectorIndex, data: Map<number, Float32Array>, queries: Float32Array[]): number {
  let hits = 0;
  for (const q of queries) {
    const truth = new Set(bruteForce(q, data, K));
    hits += index.search(q, K).filter((h) => truth.has(h.label)).length;
  }
  return hits / (queries.length * K);
}

/** A small index scans its vectors; a larger one (here: any) builds a graph. */
const MODES = [{ name: 'exact scan', opts: {} }, { name: 'graph', opts: { exactLimit: 0 } }];

async function build(opts: VectorIndexOptions): Promise<{ index: VectorIndex; data: Map<number, Float32Array> }> {
  const index = new VectorIndex(DIM, opts);
  const data = new Map<number, Float32Array>();
  // More than the initial capacity, so the index must grow on its own.
  unitVectors(COUNT, 1).forEach((v, i) => {
    index.add(i, v);
    data.set(i, v);
  });
  await index.catchUpGraph();
  assert.equal(index.graphPending, false);
  return { index, data };
}

for (const { name, opts } of MODES) {
test(`${name}: search matches brute force (recall@10 >= 0.95) and scores are cosine similarities`, async () => {
  const { index, data } = await build(opts);
  assert.equal(index.size(), COUNT);
  const queries = unitVectors(QUERIES, 2);
  assert.ok(recallAtK(index, data, queries) >= 0.95);
  const [top] = index.search(queries[0], 1);
  // Scores come from 7-bit vectors: within a few thousandths of the float cosine.
  assert.ok(Math.abs(top.score - dot(queries[0], data.get(top.label)!)) < 3e-3);
  // A stored vector finds itself first with similarity 1, those added as the scan grew (1024, 2048) too.
  for (const label of [0, 42, 1023, 1024, 2048, COUNT - 1]) {
    const self = index.search(data.get(label)!, 1)[0];
    assert.equal(self.label, label);
    assert.ok(Math.abs(self.score - 1) < 1e-3);
  }
});

test(`${name}: removed labels disappear, can be re-added with a new vector, and filters apply`, async () => {
  const { index, data } = await build(opts);
  const removed = [...Array(500).keys()].map((i) => i * 3);
  for (const label of removed) {
    index.remove(label);
    data.delete(label);
  }
  assert.equal(index.size(), COUNT - removed.length);
  assert.equal(index.getVector(3), undefined);
  const queries = unitVectors(QUERIES, 3);
  for (const q of queries.slice(0, 20)) {
    assert.ok(index.search(q, K).every((h) => h.label % 3 !== 0 || h.label >= 1500));
  }
  assert.ok(recallAtK(index, data, queries) >= 0.95);

  const [fresh] = unitVectors(1, 4);
  index.add(3, fresh);
  data.set(3, fresh);
  assert.equal(index.search(fresh, 1)[0].label, 3);
  assert.ok(index.getVector(3)!.every((x, i) => Math.abs(x - fresh[i]) < 1e-2));

  const even = index.search(queries[0], K, (label) => label % 2 === 0);
  assert.equal(even.length, K);
  assert.ok(even.every((h) => h.label % 2 === 0));
  assert.ok(even.every((h, i) => i === 0 || h.score <= even[i - 1].score), 'best first');
  // A filter that few labels pass gives fewer than k results, not an error.
  assert.deepEqual(index.search(queries[0], K, (label) => label >= 1 && label <= 2).map((h) => h.label).sort(), [1, 2]);
});

test(`${name}: serialize and deserialize keep vectors, deletions and recall`, async () => {
  const { index, data } = await build(opts);
  for (let label = 0; label < 100; label++) {
    index.remove(label);
    data.delete(label);
  }
  const copy = await VectorIndex.deserialize(Buffer.concat(await index.serialize()), DIM);
  assert.equal(copy.size(), index.size());
  assert.equal(copy.getVector(5), undefined);
  assert.deepEqual(copy.getVector(500), index.getVector(500));
  assert.ok(copy.getVector(500)!.every((x, i) => Math.abs(x - data.get(500)![i]) < 1e-2));
  assert.ok(recallAtK(copy, data, unitVectors(QUERIES, 5)) >= 0.95);
  // The copy keeps growing and re-adding like the original.
  const [v] = unitVectors(1, 6);
  copy.add(5, v);
  copy.add(COUNT + 10, v);
  assert.equal(copy.size(), index.size() + 2);
  await assert.rejects(VectorIndex.deserialize(Buffer.concat(await index.serialize()), DIM + 1), /dimension/);
  // Saved again, a loaded index writes the same bytes.
  const saved = Buffer.concat(await index.serialize());
  assert.deepEqual(Buffer.concat(await (await VectorIndex.deserialize(saved, DIM, opts)).serialize()), saved);
});
}

test('an index that outgrows the exact scan builds its graph, answering by scan meanwhile', async () => {
  const limit = 1000;
  const index = new VectorIndex(DIM, { exactLimit: limit });
  const data = new Map<number, Float32Array>();
  const vectors = unitVectors(COUNT, 12);
  const add = (label: number) => {
    index.add(label, vectors[label]);
    data.set(label, vectors[label]);
  };
  for (let label = 0; label <= limit; label++) add(label);
  assert.equal(index.graphPending, true, 'one more than the limit starts the graph');
  const queries = unitVectors(QUERIES, 13);
  // Exact over the 7-bit vectors: only near ties of the float scores change places.
  assert.ok(recallAtK(index, data, queries) >= 0.98, 'the scan answers while the graph is pending');
  const pendingSave = Buffer.concat(await index.serialize());
  for (let label = 0; label < 50; label++) {
    index.remove(label);
    data.delete(label);
  }
  for (let label = limit + 1; label < COUNT; label++) add(label);
  let turns = 0;
  await index.catchUpGraph(async () => void turns++);
  assert.ok(turns > 10, 'the graph is built in steps');
  assert.equal(index.graphPending, false);
  assert.ok(recallAtK(index, data, queries) >= 0.95);
  assert.equal(index.size(), COUNT - 50);
  assert.ok(index.search(queries[0], K).every((h) => h.label >= 50));

  // Saved while the graph was pending, the index has no graph: it is started again on load.
  const loaded = await VectorIndex.deserialize(pendingSave, DIM, { exactLimit: limit });
  assert.equal(loaded.size(), limit + 1);
  assert.equal(loaded.graphPending, true);
  await loaded.catchUpGraph();
  assert.equal(loaded.getVector(7)!.length, DIM);
  assert.equal(loaded.search(vectors[7], 1)[0].label, 7);
});

test('the exact scan forgets removed labels and takes them back, whatever their position', () => {
  const index = new VectorIndex(DIM);
  const vectors = unitVectors(1100, 14);
  // The last label added is removed and added back (hnswlib's own removal loses such a label).
  for (let label = 0; label < 10; label++) index.add(label, vectors[label]);
  index.remove(9);
  assert.ok(index.search(vectors[9], 10).every((h) => h.label !== 9));
  assert.equal(index.search(vectors[9], 10).length, 9, 'k beyond the live vectors gives what there is');
  index.add(9, vectors[9]);
  index.add(10, vectors[10]);
  assert.equal(index.search(vectors[9], 1)[0].label, 9);
  assert.equal(index.search(vectors[10], 1)[0].label, 10);
  // Past the scan's first capacity, with labels removed and reused on the way.
  for (let label = 11; label < 1100; label++) {
    index.add(label, vectors[label]);
    if (label % 5 === 0) index.remove(label - 3);
  }
  for (let label = 0; label < 1100; label += 37) {
    const top = index.search(vectors[label], 1)[0];
    assert.equal(top?.label === label, index.has(label), `label ${label}`);
  }
});

test('empty index, k larger than the index, and wrong dimensions', async () => {
  const index = new VectorIndex(DIM);
  const [v, w] = unitVectors(2, 7);
  assert.deepEqual(index.search(v, 5), []);
  const empty = await VectorIndex.deserialize(Buffer.concat(await index.serialize()), DIM);
  assert.equal(empty.size(), 0);
  index.add(1, v);
  index.add(2, w);
  assert.equal(index.search(v, 50).length, 2);
  assert.throws(() => index.add(3, new Float32Array(DIM + 1)), /dimension/);
  assert.throws(() => index.search(new Float32Array(3), 1), /dimension/);
});

test('a Matryoshka model gets a graph over a prefix; candidates are re-scored with whole vectors', async () => {
  assert.equal(graphDimFor(256, [64, 128, 256]), 64);
  assert.equal(graphDimFor(256, [32, 128]), 128, 'prefixes under 64 dims are too short');
  assert.equal(graphDimFor(256, []), 256);
  assert.equal(graphDimFor(48, [64]), 48);
  // Like a Matryoshka embedding: the first 64 of 256 dims carry most of the meaning.
  const wide = 256;
  const next = seededRandom(11);
  const make = () => {
    const v = Float32Array.from({ length: wide }, (_, i) => (next() * 2 - 1) * (i < 64 ? 1 : 0.3));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const index = new VectorIndex(wide, { matryoshkaDims: [64, 128, 256], exactLimit: 0 });
  assert.equal(index.graphDim, 64);
  const data = new Map<number, Float32Array>();
  for (let i = 0; i < 2000; i++) {
    const v = make();
    index.add(i, v);
    data.set(i, v);
  }
  await index.catchUpGraph();
  const queries = Array.from({ length: 50 }, make);
  let hits = 0;
  for (const q of queries) {
    const truth = new Set(bruteForce(q, data, K));
    const found = index.search(q, K);
    assert.ok(found.every((h) => Math.abs(h.score - dot(q, data.get(h.label)!)) < 4e-3), 'scores are whole-vector cosines (of 7-bit vectors)');
    hits += found.filter((h) => truth.has(h.label)).length;
  }
  assert.ok(hits / (queries.length * K) >= 0.95);
  index.remove(7); // a deleted node stays in the graph (it still routes searches) and is saved with it
  const saved = Buffer.concat(await index.serialize());
  // 7-bit vectors (224 bytes) + graph links, without hnswlib's float copies of the vectors (256 more).
  assert.ok(saved.length < 2000 * 480, `${saved.length} bytes`);
  const copy = await VectorIndex.deserialize(saved, wide);
  assert.equal(copy.graphDim, 64);
  assert.equal(copy.size(), 1999);
  assert.equal(copy.getVector(7), undefined);
  assert.deepEqual(copy.search(queries[0], K), index.search(queries[0], K));
});

test('the graph is saved compactly and loads back exactly; indexes saved by formats 3, 4 and 5 still load', async () => {
  const fresh = new VectorIndex(FIXTURE_DIM, { exactLimit: 0 });
  // Every add goes into the graph at once, as with the build that wrote format 3.
  fixtureOperations({
    add: (label, v) => {
      fresh.add(label, v);
      void fresh.catchUpGraph(); // a backlog of one: done before it returns
    },
    remove: (label) => fresh.remove(label),
  });
  assert.equal(fresh.graphPending, false);
  const saved = Buffer.concat(await fresh.serialize());
  const copy = await VectorIndex.deserialize(saved, FIXTURE_DIM);
  assert.deepEqual(Buffer.concat(await copy.serialize()), saved, 'saving a loaded index writes the same bytes');
  const fixture = (name: string) => fs.readFile(path.join(__dirname, '..', 'fixtures', 'vectors', name));
  // Older formats held int8 vectors, brought to 7 bits on load: the same vectors within that precision.
  const sameVectors = (loaded: VectorIndex) => {
    assert.equal(loaded.size(), fresh.size());
    for (let label = 0; label < 300; label++) {
      const [a, b] = [loaded.getVector(label), fresh.getVector(label)];
      assert.equal(a === undefined, b === undefined, `label ${label}`);
      assert.ok(!a || a.every((x, i) => Math.abs(x - b![i]) < 1e-2), `label ${label}`);
    }
  };

  const formatThree = await fixture('format-3.bin');
  assert.ok(saved.length < formatThree.length * 0.8, `${saved.length} bytes against ${formatThree.length}`);
  const old = await VectorIndex.deserialize(formatThree, FIXTURE_DIM);
  sameVectors(old);
  // Loaded, both graphs route on stored vectors: the same links give the same neighbours, but
  // for a near tie at the cut (the old vectors went through int8 first).
  const sameNeighbours = (a: VectorIndex, b: VectorIndex) => {
    for (const q of fixtureVectors(20, 23)) {
      const fromB = new Set(b.search(q, K).map((h) => h.label));
      assert.ok(a.search(q, K).filter((h) => fromB.has(h.label)).length >= K - 1);
    }
  };
  sameNeighbours(old, copy);

  // Format 4 (written from the same operations) loads to the same index as format 3.
  const formatFour = await VectorIndex.deserialize(await fixture('format-4.bin'), FIXTURE_DIM);
  assert.equal(formatFour.graphPending, false);
  sameVectors(formatFour);
  for (const q of fixtureVectors(20, 23)) assert.deepEqual(formatFour.search(q, K), old.search(q, K));

  // Format 5 (the same operations, small enough for an exact scan: no graph) scans like today's build.
  const formatFive = await VectorIndex.deserialize(await fixture('format-5.bin'), FIXTURE_DIM);
  sameVectors(formatFive);
  const scanned = new VectorIndex(FIXTURE_DIM);
  fixtureOperations(scanned);
  sameNeighbours(formatFive, scanned);
});

test('vectors far apart in label space and more than a save piece hold: kept in blocks, saved piece by piece', async () => {
  const index = new VectorIndex(DIM);
  const vectors = unitVectors(6000, 3);
  // Labels spread over several blocks of codes, with gaps (slots of removed chunks).
  const labelOf = (i: number) => i * 2 + (i % 2);
  vectors.forEach((v, i) => index.add(labelOf(i), v));
  const pieces: Buffer[] = [];
  for await (const piece of index.pieces()) pieces.push(piece);
  const saved = Buffer.concat(pieces);
  assert.ok(pieces.length >= 6, 'the packed vectors come in several pieces, after the header, labels, states and scales');
  assert.deepEqual(Buffer.concat(await index.serialize()), saved);
  const copy = await VectorIndex.deserialize(saved, DIM);
  assert.equal(copy.size(), 6000);
  for (const i of [0, 1023, 2047, 2048, 4095, 4096, 5999]) {
    const label = labelOf(i);
    assert.deepEqual(copy.getVector(label), index.getVector(label));
    assert.ok(dot(index.getVector(label)!, vectors[i]) > 0.999);
    assert.equal(copy.search(vectors[i], 1)[0].label, label);
  }
  assert.deepEqual(Buffer.concat(await copy.serialize()), saved);
});

test('saved vectors of any width load back exactly (codes are unpacked eight at a time, the rest one by one)', async () => {
  for (const dim of [8, 13, 37, 256]) {
    const index = new VectorIndex(dim);
    const vectors = Array.from({ length: 20 }, (_, label) => Float32Array.from({ length: dim }, (_, d) => Math.sin(label * 7.3 + d * 1.7)));
    vectors.forEach((v, label) => index.add(label, v));
    const copy = await VectorIndex.deserialize(Buffer.concat(await index.serialize()), dim);
    for (let label = 0; label < vectors.length; label++) {
      assert.deepEqual(copy.getVector(label), index.getVector(label), `dim ${dim}, label ${label}`);
      assert.ok(copy.getVector(label)!.some((x) => x < -0.05) && copy.getVector(label)!.some((x) => x > 0.05));
    }
  }
});
