import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexState } from '../../src/core/index/indexState';
import { LexicalIndex } from '../../src/core/index/lexical';
import { VectorIndex } from '../../src/core/index/vectors';
import { TimeSlicer } from '../../src/core/timeSlice';
import type { Chunk } from '../../src/core/types';
import { countTurnsDuring } from './event-loop-support';

/** The pieces of an async iterable, in order. */
async function collect(pieces: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

const FILES = 900;
const CHUNKS_PER_FILE = 7; // 6,300 chunks: several catalog slices

function chunk(file: number, i: number): Chunk & { textHash: string; startByte: number } {
  return {
    path: `src/dir${file % 13}/file${file}.ts`, language: 'typescript', kind: i === 0 ? 'class' : 'method',
    name: `member${i}Of${file}`, container: i === 0 ? [] : [`Class${file}`], signature: `member${i}(a: "quoted", b: number)`,
    doc: `Doc of ${i} with "quotes", a \\ backslash and ünïcödé`, startLine: i * 10 + 1, endLine: i * 10 + 9,
    body: `member${i}() { return ${file}; }`, extraNames: [], part: 0, isDoc: false, textHash: `h${file}-${i}`, startByte: i * 300,
  };
}

function buildState(): IndexState {
  const state = new IndexState();
  for (let f = 0; f < FILES; f++) {
    const chunks = Array.from({ length: CHUNKS_PER_FILE }, (_, i) => chunk(f, i));
    state.putFile({ path: chunks[0].path, language: 'typescript', size: 100 + f, mtimeMs: 1000 + f, contentHash: `c${f}` }, chunks);
  }
  state.removeFile('src/dir0/file0.ts');
  state.skipped.set('secret/.env', 'secret');
  return state;
}

test('the catalog, written in slices, is a header line and a JSON line per skipped file and per file, and loads back the same state', async () => {
  const state = buildState();
  const catalog = Buffer.concat(await collect(state.serializeCatalog()));
  const [header, ...lines] = catalog.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(header, { version: 3, skipped: 1, files: FILES - 1 });
  const [skipped, ...files] = lines;
  assert.deepEqual(skipped, ['secret/.env', 'secret']);
  assert.equal(files.length, FILES - 1);
  assert.equal(files.reduce((n: number, f: { chunks: unknown[] }) => n + f.chunks.length, 0), (FILES - 1) * CHUNKS_PER_FILE);

  const lexical = LexicalIndex.deserialize(Buffer.concat(await state.serializeLexical()));
  const copy = IndexState.fromParts(catalog, lexical);
  assert.equal(copy.chunkCount, state.chunkCount);
  assert.deepEqual([...copy.files.keys()].sort(), [...state.files.keys()].sort());
  for (const entry of state.files.values()) {
    const copied = copy.files.get(entry.path)!;
    assert.deepEqual(copied.slots.map((s) => copy.chunk(s)), entry.slots.map((s) => state.chunk(s)));
  }
  assert.deepEqual([...copy.liveChunks()], [...state.liveChunks()]);
  assert.deepEqual([...copy.skipped], [...state.skipped]);

  // A catalog cut short is refused rather than loaded as a smaller index.
  const cut = catalog.subarray(0, catalog.lastIndexOf('\n', catalog.length - 2) + 1);
  assert.throws(() => IndexState.fromParts(cut, lexical), /truncated/);

  // A catalog saved as one JSON document (version 2) still loads, and one saved before
  // chunks had byte offsets loads them as unknown.
  const older = IndexState.fromParts(Buffer.from(JSON.stringify({ version: 2, skipped: [skipped], files })), lexical);
  assert.deepEqual([...older.liveChunks()], [...state.liveChunks()]);
  assert.deepEqual([...older.skipped], [...state.skipped]);
  for (const file of files) for (const row of file.chunks) row.length = 11;
  const oldest = IndexState.fromParts(Buffer.from(JSON.stringify({ version: 2, skipped: [skipped], files })), lexical);
  const someSlot = [...state.files.values()][0].slots[1];
  assert.equal(state.chunk(someSlot)!.startByte, 300);
  assert.deepEqual(oldest.chunk(someSlot), { ...state.chunk(someSlot), startByte: -1 });
});

test('a stored chunk is the chunk less its body and signature; stored vectors are found by text hash', async () => {
  const state = new IndexState(new VectorIndex(4));
  const chunks = [chunk(7, 0), chunk(7, 1), chunk(7, 2)];
  const vectors = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]].map((v) => Float32Array.from(v));
  state.putFile({ path: chunks[0].path, language: 'typescript', size: 1, mtimeMs: 1, contentHash: 'c' }, chunks, vectors);
  const slots = state.files.get(chunks[0].path)!.slots;
  const { body: _body, signature: _signature, textHash: _textHash, ...expected } = chunks[1];
  assert.deepEqual(state.chunk(slots[1]), { ...expected, slot: slots[1] });
  assert.equal(state.chunk(slots[1])!.container, state.chunk(slots[2])!.container, 'equal containers of a file are shared');
  assert.equal(state.chunk(slots.length + 5), undefined);
  assert.ok(state.hasChunk(slots[0]));
  const reusable = state.vectorsByTextHash(chunks[0].path);
  assert.deepEqual(reusable.get(chunks[2].textHash), vectors[2]);
  assert.equal(reusable.get('another text'), undefined);
  state.removeFile(chunks[0].path);
  assert.equal(state.chunk(slots[0]), undefined);
  assert.deepEqual([...state.liveChunks()], []);
});

test('writing the catalog gives the event loop turns between slices', async () => {
  const state = buildState();
  const { turns } = await countTurnsDuring(() => collect(state.serializeCatalog(new TimeSlicer(0)))); // a zero budget yields after every slice
  assert.ok(turns >= 2, `timers ran ${turns} times while the catalog was written`);
});

test('folding a long lexical tail into the base changes no search, and later files still index', async () => {
  const state = buildState();
  const queries = ['member3Of17', 'quoted backslash', 'Class40 member1', 'dir5 file'].map((q) => new Map(q.toLowerCase().split(' ').map((w) => [w, 1])));
  // Slots only: folding also drops the removed file's postings, which counted in document frequencies.
  const ranked = () => queries.map((q) => state.lexical.search(q, 20).map((hit) => hit.slot));
  const before = ranked();
  await state.foldLexicalTail(new TimeSlicer(), Number.MAX_SAFE_INTEGER);
  assert.ok(state.lexical.tailSize > 0, 'under the limit, nothing is folded');
  await state.foldLexicalTail(new TimeSlicer(), 1);
  assert.equal(state.lexical.tailSize, 0);
  assert.deepEqual(ranked(), before);
  const added = chunk(FILES + 1, 2);
  state.putFile({ path: added.path, language: 'typescript', size: 1, mtimeMs: 1, contentHash: 'new' }, [added]);
  const [hit] = state.lexical.search(new Map([[added.name.toLowerCase(), 1]]), 1);
  assert.equal(state.chunk(hit.slot)!.path, added.path);
});
