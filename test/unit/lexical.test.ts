import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LexicalIndex, TermCounter, type ChunkTerms } from '../../src/core/index/lexical';
import { splitIdentifier, tokenize, tokenizeQuery } from '../../src/core/index/tokenize';
import { TimeSlicer } from '../../src/core/timeSlice';
import { countTurnsDuring } from './event-loop-support';

const fields = (name: string, body: string, path = 'src/x.ts', doc = ''): ChunkTerms =>
  new TermCounter().addText('name', name).addText('path', path).addText('doc', doc).addText('body', body).terms();
const query = (q: string) => new Map(tokenizeQuery(q).map((t) => [t, 1]));

test('identifiers are split on case, underscores and digits, and kept whole', () => {
  assert.deepEqual(splitIdentifier('parseHTTPResponse2'), ['parse', 'http', 'response', '2']);
  assert.deepEqual(splitIdentifier('user_name_id'), ['user', 'name', 'id']);
  const tokens = tokenize('getUserName');
  assert.ok(tokens.includes('getusername'));
  assert.ok(tokens.includes('user'));
});

test('query stop words are dropped before stemming', () => {
  assert.deepEqual(tokenizeQuery('how does the router handle middleware'), ['router', 'handl', 'middlewar']);
});

test('a name match outranks the same word in a body', () => {
  const index = new LexicalIndex();
  index.add(0, fields('renderPage', 'return html(template)'));
  index.add(1, fields('helper', 'calls renderPage twice; render page here'));
  index.add(2, fields('unrelated', 'nothing to see'));
  const hits = index.search(query('render page'), 10);
  assert.equal(hits[0].slot, 0);
  assert.equal(hits.length, 2);
});

test('removed chunks are not returned, and compaction frees their slots', () => {
  const index = new LexicalIndex();
  index.add(0, fields('alpha', 'shared words'));
  index.add(1, fields('beta', 'shared words'));
  index.remove(0);
  assert.deepEqual(index.search(query('shared'), 10).map((h) => h.slot), [1]);
  assert.deepEqual(index.compact(), [0]);
  index.add(0, fields('gamma', 'other text'));
  assert.deepEqual(index.search(query('shared'), 10).map((h) => h.slot), [1]);
  assert.deepEqual(index.search(query('gamma'), 10).map((h) => h.slot), [0]);
});

test('serialisation round-trips scores exactly', () => {
  const index = new LexicalIndex();
  const words = ['parse', 'config', 'loader', 'http', 'client', 'retry', 'cache', 'über', '日本'];
  for (let i = 0; i < 200; i++) {
    index.add(i, fields(`${words[i % 9]}${words[(i * 7) % 9]}`, words.filter((_, j) => (i + j) % 3 === 0).join(' ')));
  }
  index.remove(5);
  index.compact();
  const copy = LexicalIndex.deserialize(Buffer.concat(index.serialize()));
  const q = query('parse http cache über');
  assert.deepEqual(copy.search(q, 20), index.search(q, 20));
  assert.equal(copy.size, index.size);
});

test('a damaged buffer is refused', () => {
  const index = new LexicalIndex();
  index.add(0, fields('alpha', 'beta'));
  const buf = Buffer.concat(index.serialize());
  assert.throws(() => LexicalIndex.deserialize(buf.subarray(0, buf.length - 9)));
  assert.throws(() => LexicalIndex.deserialize(Buffer.alloc(40)));
});

test('adds, removals, compactions and slot reuse score exactly like an index built from the live chunks', () => {
  const words = ['parse', 'config', 'loader', 'http', 'client', 'retry', 'cache', 'stream', 'token', 'über'];
  const chunk = (seed: number) => fields(`${words[seed % 10]}${words[(seed * 3) % 10]}`,
    words.filter((_, j) => (seed + j) % 4 === 0).join(' ') + ` ${words[(seed * 7) % 10]}`.repeat(1 + (seed % 3)), `src/${words[seed % 7]}.ts`);
  const index = new LexicalIndex();
  const live = new Map<number, number>();
  let next = 0;
  let free: number[] = [];
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 40; i++) {
      const slot = free.pop() ?? next++;
      const seed = round * 100 + i;
      index.add(slot, chunk(seed));
      live.set(slot, seed);
    }
    for (const slot of [...live.keys()].filter((s) => (s + round) % 5 === 0)) {
      index.remove(slot);
      live.delete(slot);
    }
    if (round % 2 === 1) free = index.compact();
  }
  const fresh = new LexicalIndex();
  for (const [slot, seed] of live) fresh.add(slot, chunk(seed));
  const copy = LexicalIndex.deserialize(Buffer.concat(index.serialize()));
  for (const q of ['parse http', 'cache retry stream', 'über token', 'loader']) {
    const expected = fresh.search(query(q), 50);
    assert.ok(expected.length > 0);
    assert.deepEqual(index.search(query(q), 50), expected);
    assert.deepEqual(copy.search(query(q), 50), expected);
  }
  assert.equal(copy.size, live.size);
  // A loaded index goes on growing: new slots extend its saved postings, reused ones are merged in.
  const reused = [...Array(next).keys()].filter((s) => !live.has(s)).slice(0, 5);
  for (const [i, slot] of [...reused, next, next + 1, next + 2].entries()) {
    copy.add(slot, chunk(900 + i));
    fresh.add(slot, chunk(900 + i));
  }
  copy.compact();
  for (const q of ['parse http', 'cache retry stream', 'über token', 'loader']) assert.deepEqual(copy.search(query(q), 50), fresh.search(query(q), 50));
});

test('compaction and serialisation in steps give the same index as at once, and let the event loop run between steps', async () => {
  const build = () => {
    const index = new LexicalIndex();
    const words = Array.from({ length: 400 }, (_, i) => `word${i.toString(36)}`);
    for (let slot = 0; slot < 12_000; slot++) {
      const body = Array.from({ length: 60 }, (_, j) => words[(slot * 7 + j * 13) % words.length]).join(' ');
      index.add(slot, fields(`fn${slot}`, body));
    }
    for (let slot = 0; slot < 12_000; slot += 5) index.remove(slot);
    return index;
  };
  const atOnce = build();
  const inSteps = build();
  const q = query('word1 word2z fn17');
  const { result: [freed, pieces], turns } = await countTurnsDuring(async () => {
    const free = await inSteps.compactCooperatively(new TimeSlicer(0));
    return [free, await inSteps.serializeCooperatively(new TimeSlicer(0))] as const;
  });
  assert.deepEqual(freed, atOnce.compact());
  assert.ok(Buffer.concat(pieces).equals(Buffer.concat(atOnce.serialize())));
  assert.deepEqual(inSteps.search(q, 10), atOnce.search(q, 10));
  assert.ok(turns >= 3, `the event loop turned ${turns} times`);
});

test('a chunk\'s tokens are counted per field, each distinct term once', () => {
  const counted = new TermCounter().addText('name', 'json json').addText('path', 'json').addText('body', 'json readJson').terms();
  // readJson is one word of three tokens: readjson, read, json.
  assert.deepEqual(counted.terms, ['json', 'readjson', 'read']);
  assert.deepEqual(counted.lengths, [2, 1, 0, 4]);
// Four 8-bit counts in one word: name, path, doc, body.
  assert.deepEqual(counted.tfs, [(2 << 24) | (1 << 16) | 2, 1, 1]);
});

test('a base of many pages: searches between compaction steps score as before it, and a loaded base saves the same bytes', async () => {
  const words = Array.from({ length: 3000 }, (_, i) => `term${i.toString(36)}`);
  const chunkBody = (slot: number) => Array.from({ length: 40 }, (_, j) => words[(slot * 31 + j * j * 17) % words.length]).join(' ');
  const index = new LexicalIndex();
  const add = (from: number, to: number) => {
    for (let slot = from; slot < to; slot++) index.add(slot, fields(`handler${slot % 700}`, chunkBody(slot), `src/m${slot % 50}/f${slot}.ts`));
  };
  add(0, 40_000);
  index.compact(); // a base of several MB: several pages
  add(40_000, 50_000); // the tail extends some terms' entries...
  for (let slot = 3; slot < 50_000; slot += 97) index.remove(slot); // ...and merges others
  const queries = ['term1 term2 handler12', 'term3f0 term2bz', 'handler699 src m7', 'term0'].map(query);
  const before = queries.map((q) => index.search(q, 30));
  let steps = 0;
  const checkingSlicer = { yieldIfDue: async () => {
    steps++;
    queries.forEach((q, i) => assert.deepEqual(index.search(q, 30), before[i], `search after compaction step ${steps}`));
  } } as unknown as TimeSlicer;
  await index.compactCooperatively(checkingSlicer);
  assert.ok(steps >= 5, `${steps} steps`);
  // Compacted, document frequencies no longer count removed chunks: scores move a little.
  const after = queries.map((q) => index.search(q, 30));
  assert.deepEqual(after.map((hits) => hits.map((h) => h.slot).sort()), before.map((hits) => hits.map((h) => h.slot).sort()));
  const saved = Buffer.concat(index.serialize());
  assert.ok(saved.length > 4 * 2 ** 20, `${saved.length} bytes`);
  const copy = LexicalIndex.deserialize(saved);
  assert.ok(Buffer.concat(copy.serialize()).equals(saved), 'a loaded base saves the same bytes');
  queries.forEach((q, i) => assert.deepEqual(copy.search(q, 30), after[i]));
});

test('a page that fills its writer exactly is kept whole when the next page is written', () => {
  // Written by hand so that the first page is exactly 1 MiB (PAGE_BYTES): an entry of one
  // posting with one name count takes 3 bytes at slot 0 and 4 at slot 8.
  const one = (terms: string[]): ChunkTerms => ({ terms, tfs: terms.map(() => 1 << 24), lengths: [1, 0, 0, 0] });
  const index = new LexicalIndex();
  index.add(8, one(['first']));
  const fill = Array.from({ length: (2 ** 20 - 4) / 3 }, (_, i) => `fill${i}`);
  index.add(0, one(fill));
  index.add(1, one(['after1', 'after2']));
  index.compact();
  const slots = (term: string) => index.search(new Map([[term, 1]]), 10).map((h) => h.slot).sort((a, b) => a - b);
  assert.deepEqual(slots('first'), [8]);
  assert.deepEqual(slots('fill0'), [0]);
  assert.deepEqual(slots(fill.at(-1)!), [0]);
  assert.deepEqual(slots('after2'), [1]);
  const copy = LexicalIndex.deserialize(Buffer.concat(index.serialize()));
  for (const term of ['first', 'fill7', 'after1']) assert.deepEqual(copy.search(new Map([[term, 1]]), 10), index.search(new Map([[term, 1]]), 10));
});
