import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, outline, parseFixture } from './parse-support';

describe('parse: test cases get kind "test"', () => {
  it('Go: Test/Benchmark/Fuzz functions taking *testing.T/B/F', async () => {
    const symbols = await parseFixture('sample_test.go', 'go');
    assert.deepEqual(outline(symbols), [
      '6-11 test TestGet',
      '13-18 test BenchmarkGet',
      '20-22 function TestMain',
      '24-24 function newFixture',
    ]);
    assert.equal(find(symbols, 'TestGet').doc, 'TestGet checks a hit.');
  });

  it('Rust: #[test] and #[tokio::test] functions, attributes in the range', async () => {
    const symbols = await parseFixture('sample_tests.rs', 'rust');
    assert.deepEqual(outline(symbols), [
      '1-3 function add',
      '5-22 module tests',
      '10-13 test tests/adds_zero',
      '15-17 test tests/slow_path',
      '19-21 function tests/helper',
    ]);
    const addsZero = find(symbols, 'adds_zero');
    assert.equal(addsZero.doc, 'Adding zero changes nothing.');
    assert.equal(addsZero.docStartLine, 9);
    assert.equal(addsZero.signature, 'fn adds_zero()');
  });

  it('Python: test_* functions and methods of Test* classes', async () => {
    const symbols = await parseFixture('test_sample.py', 'python');
    assert.deepEqual(outline(symbols), [
      '4-5 function make_items',
      '8-9 test test_empty_total',
      '12-14 test test_sizes',
      '17-24 class TestWarehouse',
      '20-21 method TestWarehouse/setup_method',
      '23-24 test TestWarehouse/test_add',
    ]);
    assert.equal(find(symbols, 'TestWarehouse').doc, 'Warehouse behaviour.');
  });
});
