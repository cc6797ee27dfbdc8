import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, outline, parseFixture } from './parse-support';

describe('parse: TypeScript', () => {
  it('finds enums, aliases, interfaces, abstract classes, arrows, object methods', async () => {
    const symbols = await parseFixture('sample.ts', 'typescript');
    assert.deepEqual(outline(symbols), [
      '4-4 constant MAX_BATCH',
      '5-5 variable retries',
      '8-12 enum JobState',
      '14-14 type JobId',
      '20-23 interface Runnable',
      '21-21 method Runnable/run',
      '22-22 property Runnable/name',
      '25-43 class Worker',
      '26-26 field Worker/name',
      '27-27 field Worker/count',
      '29-31 constructor Worker/constructor',
      '34-36 method Worker/run',
      '38-38 method Worker/stop',
      '40-42 method Worker/size',
      '45-49 function createWorker',
      '47-47 method createWorker/stop',
      '52-52 function double',
      '54-61 constant handlers',
      '55-57 method handlers/onStart',
      '58-60 method handlers/onStop',
      '63-68 namespace Internal',
      '64-67 function Internal/helper',
      '65-65 function Internal/helper/local',
      '70-72 function ids',
      '75-79 function parseSize',
    ]);
    const runnable = find(symbols, 'Runnable');
    assert.equal(runnable.doc, 'Something that can run.\n@see Worker');
    assert.equal(runnable.docStartLine, 16);
    assert.equal(runnable.signature, 'export interface Runnable');
    const run = find(symbols, 'run', 'method');
    assert.equal(run.signature, 'run(input: string): Promise<void>');
    const worker = find(symbols, 'Worker');
    assert.equal(worker.signature, 'export abstract class Worker extends EventEmitter implements Runnable');
    assert.equal(find(symbols, 'MAX_BATCH').doc, 'Largest batch the queue accepts.');
    assert.equal(find(symbols, 'double').doc, 'Doubles a number.');
    // Overload signatures and the implementation are one symbol.
    const parseSize = find(symbols, 'parseSize');
    assert.equal(parseSize.doc, 'Parses a size, in bytes or with a unit.');
    assert.equal(parseSize.docStartLine, 74);
  });
});

describe('parse: TSX', () => {
  it('finds components, props interfaces and class members', async () => {
    const symbols = await parseFixture('sample.tsx', 'tsx');
    assert.deepEqual(outline(symbols), [
      '4-7 interface CounterProps',
      '5-5 property CounterProps/start',
      '6-6 property CounterProps/label',
      '9-9 type Theme',
      '12-20 function Counter',
      '14-14 function Counter/increment',
      '22-22 function Badge',
      '24-34 class Panel',
      '25-25 field Panel/state',
      '27-29 method Panel/toggle',
      '31-33 method Panel/render',
    ]);
    const counter = find(symbols, 'Counter');
    assert.equal(counter.doc, 'Shows a count and a button that increments it.');
    assert.equal(counter.signature, 'export function Counter({ start = 0, label }: CounterProps)');
  });
});

describe('parse: JavaScript', () => {
  it('finds functions, classes, fields, arrows, object and prototype methods, tests, not requires', async () => {
    const symbols = await parseFixture('sample.js', 'javascript');
    assert.deepEqual(outline(symbols), [
      '6-6 constant DEFAULTS',
      '7-7 variable legacyMode',
      '12-14 function formatLines',
      '16-32 class Formatter',
      '17-17 field Formatter/instances',
      '18-18 field Formatter/#buffer',
      '20-22 constructor Formatter/constructor',
      '25-27 method Formatter/push',
      '29-31 method Formatter/length',
      '34-34 function toUpper',
      '36-43 constant api',
      '37-39 method api/format',
      '40-42 method api/resolve',
      '45-47 function readAll',
      '49-51 function Legacy',
      '54-56 method Legacy/greet',
      '58-58 function createLegacy',
      '60-64 test Formatter',
      '61-63 test Formatter/pads lines',
    ]);
    const format = find(symbols, 'formatLines');
    assert.equal(format.doc, 'Formats a list of lines.');
    assert.equal(format.docStartLine, 9);
    assert.equal(format.signature, 'function formatLines(lines, options = DEFAULTS)');
    // Only JSDoc blocks document JavaScript; a plain line comment does not.
    assert.equal(find(symbols, 'greet').doc, '');
    assert.equal(find(symbols, 'pads lines').signature, "it('pads lines', () => {");
  });
});

describe('parse: Python', () => {
  it('finds classes, methods, constructors, nested and decorated definitions', async () => {
    const symbols = await parseFixture('sample.py', 'python');
    assert.deepEqual(outline(symbols), [
      '5-5 constant MAX_ITEMS',
      '6-6 variable default_region',
      '10-14 function memoize',
      '11-13 function memoize/wrapper',
      '17-38 class Item',
      '21-21 field Item/sku',
      '22-22 field Item/quantity',
      '23-23 field Item/unit',
      '25-27 constructor Item/__init__',
      '29-32 method Item/is_empty',
      '34-38 class Item/Meta',
      '35-35 field Item/Meta/ordering',
      '37-38 method Item/Meta/describe',
      '41-50 class Warehouse',
      '44-47 method Warehouse/add',
      '49-50 method Warehouse/fetch',
      '53-55 function total_quantity',
    ]);
    const item = find(symbols, 'Item');
    assert.equal(item.doc, 'A stock-keeping unit with a quantity.');
    assert.equal(item.signature, 'class Item:');
    assert.equal(find(symbols, 'add').doc, 'Adds an item,\nreplacing any with the same SKU.');
    const memoize = find(symbols, 'memoize');
    assert.equal(memoize.doc, 'Caches expensive lookups for the lifetime of the process.');
    assert.equal(memoize.docStartLine, 9);
    assert.equal(find(symbols, 'Warehouse').signature, 'class Warehouse(object):');
    assert.equal(find(symbols, 'fetch').signature, 'async def fetch(self, sku):');
  });
});
