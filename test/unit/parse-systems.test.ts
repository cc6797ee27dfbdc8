import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, outline, parseFixture } from './parse-support';

describe('parse: Go', () => {
  it('finds methods with receivers, type specs, const and var blocks', async () => {
    const symbols = await parseFixture('sample.go', 'go');
    assert.deepEqual(outline(symbols), [
      '10-10 constant DefaultTTL',
      '14-14 constant MaxEntries',
      '15-15 constant minEntries',
      '18-18 variable hits',
      '21-24 struct Entry',
      '22-22 field Entry/Value',
      '23-23 field Entry/Expires',
      '27-30 interface Store',
      '28-28 method Store/Get',
      '29-29 method Store/Put',
      '32-32 type Key',
      '36-36 type Clock',
      '37-37 struct stats',
      '37-37 field stats/hits',
      '41-44 struct Cache',
      '42-42 field Cache/mu',
      '43-43 field Cache/entries',
      '47-49 function New',
      '53-58 method Cache/Get',
      '60-60 method Cache/Len',
      '62-64 function expired',
    ]);
    const get = symbols[18];
    assert.deepEqual(get.container, ['Cache']);
    assert.equal(get.doc, 'Get returns the entry for key.\nThe second result reports whether it was found.');
    assert.equal(get.docStartLine, 51);
    assert.equal(get.signature, 'func (c *Cache) Get(key string) (Entry, bool)');
    assert.equal(find(symbols, 'MaxEntries').doc, 'MaxEntries bounds the cache size.');
    assert.equal(find(symbols, 'DefaultTTL').signature, 'const DefaultTTL = 5 * time.Minute');
  });
});

describe('parse: Rust', () => {
  it('finds impl blocks, traits, macros, consts and attributes', async () => {
    const symbols = await parseFixture('sample.rs', 'rust');
    assert.deepEqual(outline(symbols), [
      '6-6 constant MAX_COORD',
      '7-7 variable ORIGIN_NAME',
      '10-14 struct Point',
      '12-12 field Point/x',
      '13-13 field Point/y',
      '17-23 trait Shape',
      '19-19 method Shape/area',
      '20-22 method Shape/name',
      '25-28 enum Kind',
      '30-30 type Pair',
      '32-41 impl Point',
      '34-36 method Point/new',
      '38-40 method Point/norm',
      '43-47 impl Point',
      '44-46 method Point/fmt',
      '49-53 macro square',
      '55-59 module shapes',
      '56-58 function shapes/unit',
      '61-64 union Bits',
      '62-62 field Bits/i',
      '63-63 field Bits/f',
    ]);
    const point = find(symbols, 'Point', 'struct');
    assert.equal(point.doc, 'A point in the plane.');
    assert.equal(point.docStartLine, 9);
    assert.equal(find(symbols, 'area').doc, 'The area in square units.');
    assert.equal(symbols[13].signature, 'impl fmt::Display for Point');
  });
});

describe('parse: C', () => {
  it('finds functions, typedef structs, unions, enums, macros and globals', async () => {
    const symbols = await parseFixture('sample.c', 'c');
    assert.deepEqual(outline(symbols), [
      '4-4 constant BUFFER_SIZE',
      '7-10 struct buffer_t',
      '8-8 field buffer_t/data',
      '9-9 field buffer_t/length',
      '12-12 enum color',
      '14-17 union value',
      '15-15 field value/i',
      '16-16 field value/d',
      '19-19 type compare_fn',
      '21-21 variable instances',
      '25-32 function buffer_new',
      '37-40 function buffer_free',
      '42-44 struct point',
      '43-43 field point/x',
      '46-46 function max_int',
      '48-53 function main',
    ]);
    const bufferNew = find(symbols, 'buffer_new');
    assert.equal(bufferNew.doc, 'Creates an empty buffer.\nThe caller frees it with buffer_free.');
    assert.equal(bufferNew.signature, 'buffer_t *buffer_new(void)');
    assert.equal(find(symbols, 'buffer_free').doc, 'Releases a buffer and its data.');
    assert.equal(find(symbols, 'buffer_t').doc, 'A growable byte buffer.');
  });
});

describe('parse: C++', () => {
  it('finds namespaces, classes, in-class and out-of-class methods, templates', async () => {
    const symbols = await parseFixture('sample.cpp', 'cpp');
    assert.deepEqual(outline(symbols), [
      '4-44 namespace geo',
      '7-7 constant geo/kEpsilon',
      '10-23 class geo/Vec',
      '12-12 constructor geo/Vec/Vec',
      '13-13 method geo/Vec/~Vec',
      '16-16 method geo/Vec/length',
      '18-18 method geo/Vec/operator+',
      '21-21 field geo/Vec/x_',
      '22-22 field geo/Vec/y_',
      '25-29 struct geo/Box',
      '26-26 field geo/Box/min',
      '27-27 field geo/Box/max',
      '28-28 method geo/Box/contains',
      '31-31 enum geo/Axis',
      '33-33 type geo/Path',
      '35-38 function geo/clamp',
      '40-42 namespace geo/detail',
      '41-41 variable geo/detail/counter',
      '46-46 constructor geo/Vec/Vec',
      '51-53 method geo/Vec/length',
      '55-57 method geo/Box/contains',
      '59-61 function main',
    ]);
    const length = symbols[19];
    assert.equal(length.doc, 'Euclidean length.');
    assert.equal(length.docStartLine, 48);
    assert.equal(length.signature, 'double geo::Vec::length() const');
    assert.equal(symbols[3].doc, '');
    assert.equal(symbols[5].doc, 'Length of the vector.');
  });
});

describe('parse: Zig', () => {
  it('finds container declarations, their fields and methods, and tests', async () => {
    const symbols = await parseFixture('sample.zig', 'zig');
    assert.deepEqual(outline(symbols), [
      '4-4 constant max_items',
      '6-6 variable call_count',
      '9-25 struct Stack',
      '10-10 field Stack/items',
      '11-11 field Stack/len',
      '14-18 method Stack/push',
      '20-24 method Stack/pop',
      '27-34 enum Color',
      '31-33 method Color/isWarm',
      '36-39 union Value',
      '37-37 field Value/int',
      '38-38 field Value/float',
      '42-45 function add',
      '47-49 test add works',
    ]);
    const stack = find(symbols, 'Stack');
    assert.equal(stack.doc, 'A fixed-size stack of integers.');
    assert.equal(stack.signature, 'pub const Stack = struct {');
    assert.equal(find(symbols, 'push').doc, 'Pushes a value; fails when full.');
  });
});
