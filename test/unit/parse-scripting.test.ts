import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, outline, parseFixture } from './parse-support';

describe('parse: Ruby', () => {
  it('finds modules, classes, methods, singleton methods and constants', async () => {
    const symbols = await parseFixture('sample.rb', 'ruby');
    assert.deepEqual(outline(symbols), [
      '6-6 constant RETRY_DELAY',
      '9-49 module Billing',
      '10-10 constant Billing/VERSION',
      '13-40 class Billing/Invoice',
      '16-18 constructor Billing/Invoice/initialize',
      '21-23 method Billing/Invoice/total',
      '25-27 method Billing/Invoice/from_json',
      '30-32 method Billing/Invoice/empty',
      '37-39 method Billing/Invoice/validate!',
      '42-44 method Billing/configure',
      '46-48 module Billing/Errors',
      '47-47 class Billing/Errors/NotFound',
      '51-53 function main',
    ]);
    const billing = find(symbols, 'Billing');
    assert.equal(billing.doc, 'Helpers for talking to the billing API.');
    assert.equal(billing.docStartLine, 8);
    assert.equal(find(symbols, 'total').doc, 'Sum of all line amounts.');
    assert.equal(find(symbols, 'from_json').signature, 'def self.from_json(text)');
  });
});

describe('parse: PHP', () => {
  it('finds classes, traits, interfaces, enums, functions, methods and constants', async () => {
    const symbols = await parseFixture('sample.php', 'php');
    assert.deepEqual(outline(symbols), [
      '7-7 constant DEFAULT_SENDER',
      '12-15 interface Mailer',
      '14-14 method Mailer/send',
      '17-26 trait Logs',
      '19-19 property Logs/$logger',
      '22-25 method Logs/log',
      '28-54 class BaseMailer',
      '32-32 constant BaseMailer/MAX_RETRIES',
      '34-34 property BaseMailer/$queue',
      '36-38 constructor BaseMailer/__construct',
      '43-46 method BaseMailer/queue',
      '48-48 method BaseMailer/send',
      '50-53 method BaseMailer/create',
      '56-60 enum Priority',
      '62-65 function format_address',
    ]);
    const mailer = find(symbols, 'Mailer');
    assert.equal(mailer.doc, 'Sends messages through a transport.');
    assert.equal(mailer.docStartLine, 9);
    const queue = find(symbols, 'queue');
    assert.equal(queue.doc, 'Queues a message for later.');
    assert.equal(queue.signature, 'public function queue(Message $message): void');
  });
});

describe('parse: Bash', () => {
  it('finds functions, nested functions and top-level variables', async () => {
    const symbols = await parseFixture('sample.sh', 'bash');
    assert.deepEqual(outline(symbols), [
      '4-4 constant BACKUP_DIR',
      '5-5 variable RETENTION_DAYS',
      '9-11 function log',
      '13-16 function rotate',
      '19-26 function backup_dir',
      '21-23 function backup_dir/cleanup',
      '28-32 function main',
      '37-42 function key_types',
    ]);
    const log = find(symbols, 'log');
    assert.equal(log.doc, 'Prints a message with a timestamp.\nUsage: log MESSAGE');
    assert.equal(log.docStartLine, 7);
    assert.equal(log.signature, 'log()');
    assert.equal(find(symbols, 'rotate').signature, 'function rotate');
  });
});

describe('parse: Elixir', () => {
  it('finds modules, def/defp/defmacro with merged clauses and @doc', async () => {
    const symbols = await parseFixture('sample.ex', 'elixir');
    assert.deepEqual(outline(symbols), [
      '1-39 module Shop.Cart',
      '14-16 function Shop.Cart/new',
      '21-25 function Shop.Cart/add',
      '28-28 function Shop.Cart/total',
      '30-32 macro Shop.Cart/empty?',
      '34-34 function Shop.Cart/is_small',
      '36-38 module Shop.Cart/Totals',
      '37-37 function Shop.Cart/Totals/compute',
      '41-43 module Shop.Priced',
      '42-42 function Shop.Priced/price',
      '45-47 impl Shop.Priced',
      '46-46 method Shop.Priced/price',
    ]);
    const cart = find(symbols, 'Shop.Cart');
    assert.equal(cart.doc, 'A shopping cart kept in memory.');
    const create = find(symbols, 'new');
    assert.equal(create.doc, 'Creates an empty cart for `owner`.');
    assert.equal(create.docStartLine, 12);
    assert.equal(find(symbols, 'add').doc, 'Adds an item, up to the limit.');
    assert.equal(find(symbols, 'total').doc, 'Sums the item prices.');
  });
});

describe('parse: Haskell', () => {
  it('merges signatures and equations, finds data, newtype, class and instance', async () => {
    const symbols = await parseFixture('sample.hs', 'haskell');
    assert.deepEqual(outline(symbols), [
      '3-8 module Data.Queue',
      '13-14 type Queue',
      '17-17 type Size',
      '19-19 type Items',
      '22-24 interface Measured',
      '24-24 method Measured/measure',
      '26-27 impl Measured',
      '27-27 method Measured/measure',
      '30-31 function empty',
      '34-35 function push',
      '38-41 function pop',
      '43-44 function fromList',
      '46-48 function size',
    ]);
    const pop = find(symbols, 'pop');
    assert.equal(pop.doc, 'Removes the front element, if any.');
    assert.equal(pop.docStartLine, 37);
    assert.equal(pop.signature, 'pop :: Queue a -> Maybe (a, Queue a)');
    assert.equal(find(symbols, 'Queue').doc, 'A FIFO queue made of two lists.');
    assert.equal(symbols[5].doc, 'How many elements.');
  });
});

describe('parse: Lua', () => {
  it('finds global, local, table and method functions', async () => {
    const symbols = await parseFixture('sample.lua', 'lua');
    assert.deepEqual(outline(symbols), [
      '3-3 variable Emitter',
      '6-6 constant MAX_LISTENERS',
      '9-11 function Emitter/new',
      '14-17 method Emitter/on',
      '19-21 function Emitter/off',
      '23-27 function call_all',
      '29-31 method Emitter/emit',
      '33-38 function global_helper',
      '34-36 function global_helper/inner',
      '40-42 function log',
    ]);
    const emitter = find(symbols, 'Emitter');
    assert.equal(emitter.doc, 'A small event emitter.\nListeners are called in registration order.');
    assert.equal(emitter.docStartLine, 1);
    assert.equal(find(symbols, 'new').doc, 'Creates an emitter.');
    assert.equal(find(symbols, 'on').signature, 'function Emitter:on(event, fn)');
  });
});
