import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, outline, parseFixture } from './parse-support';

describe('parse: Java', () => {
  it('finds classes, records, enums, interfaces, constructors and constants', async () => {
    const symbols = await parseFixture('Sample.java', 'java');
    assert.deepEqual(outline(symbols), [
      '9-50 class OrderBook',
      '11-11 constant OrderBook/MAX_ORDERS',
      '13-13 field OrderBook/orders',
      '15-17 constructor OrderBook/OrderBook',
      '20-21 constructor OrderBook/OrderBook',
      '27-30 method OrderBook/add',
      '33-37 class OrderBook/Order',
      '34-36 constructor OrderBook/Order/Order',
      '39-45 enum OrderBook/Side',
      '42-44 method OrderBook/Side/opposite',
      '47-49 class OrderBook/Entry',
      '48-48 field OrderBook/Entry/value',
      '52-58 interface Priced',
      '53-53 method Priced/price',
      '55-57 method Priced/isFree',
      '60-62 interface Audited',
      '61-61 method Audited/value',
    ]);
    const book = find(symbols, 'OrderBook', 'class');
    assert.equal(book.doc, 'Keeps orders in memory.');
    assert.equal(book.docStartLine, 6);
    const add = find(symbols, 'add');
    assert.equal(add.doc, 'Adds an order.\n@param order the order');
    assert.equal(add.signature, '@Override public void add(Order order)');
    assert.equal(symbols[4].doc, 'Pre-sizes the backing list.');
  });
});

describe('parse: C#', () => {
  it('finds namespaces, classes, structs, records, properties, interfaces, enums', async () => {
    const symbols = await parseFixture('Sample.cs', 'csharp');
    assert.deepEqual(outline(symbols), [
      '4-60 namespace Shop.Billing',
      '9-36 class Shop.Billing/InvoiceCalculator',
      '11-11 constant Shop.Billing/InvoiceCalculator/TaxRate',
      '12-12 field Shop.Billing/InvoiceCalculator/_lines',
      '14-17 constructor Shop.Billing/InvoiceCalculator/InvoiceCalculator',
      '20-20 property Shop.Billing/InvoiceCalculator/Total',
      '23-28 method Shop.Billing/InvoiceCalculator/Recalculate',
      '30-30 field Shop.Billing/InvoiceCalculator/Changed',
      '32-35 class Shop.Billing/InvoiceCalculator/Cache',
      '34-34 field Shop.Billing/InvoiceCalculator/Cache/Hits',
      '38-42 interface Shop.Billing/ICalculator',
      '40-40 method Shop.Billing/ICalculator/Recalculate',
      '41-41 property Shop.Billing/ICalculator/Total',
      '44-48 struct Shop.Billing/Money',
      '46-46 field Shop.Billing/Money/Amount',
      '47-47 property Shop.Billing/Money/Currency',
      '50-50 class Shop.Billing/Line',
      '52-52 enum Shop.Billing/Status',
      '54-54 type Shop.Billing/Notify',
      '56-59 class Shop.Billing/Extensions',
      '58-58 method Shop.Billing/Extensions/WithTax',
    ]);
    const calculator = find(symbols, 'InvoiceCalculator', 'class');
    assert.equal(calculator.doc, 'Computes invoice totals.');
    assert.equal(calculator.docStartLine, 6);
    assert.equal(calculator.signature, 'public class InvoiceCalculator : ICalculator');
    const recalculate = symbols[6];
    assert.equal(recalculate.doc, 'Recomputes the total.');
    assert.equal(recalculate.signature, 'public decimal Recalculate()');
    assert.equal(symbols[5].doc, 'Sum of all lines.');
  });
});

describe('parse: Kotlin', () => {
  it('finds classes, objects, interfaces, functions, extension functions, properties', async () => {
    const symbols = await parseFixture('sample.kt', 'kotlin');
    assert.deepEqual(outline(symbols), [
      '6-6 constant MAX_LENGTH',
      '8-8 variable defaultRoom',
      '13-23 class Message',
      '14-14 property Message/isEmpty',
      '18-18 method Message/preview',
      '21-21 method Message/system',
      '25-29 interface Room',
      '26-26 property Room/name',
      '27-27 method Room/send',
      '28-28 method Room/messages',
      '31-34 class Event',
      '32-32 class Event/Joined',
      '33-33 class Event/Left',
      '36-36 enum Level',
      '38-38 type Handler',
      '40-46 class Registry',
      '41-41 property Registry/rooms',
      '43-45 method Registry/register',
      '48-54 class Server',
      '49-49 constructor Server/constructor',
      '51-53 method Server/start',
      '56-56 function Message/shout',
    ]);
    assert.equal(find(symbols, 'MAX_LENGTH').doc, 'Longest message we accept.');
    const message = find(symbols, 'Message');
    assert.equal(message.doc, 'A chat message.');
    assert.equal(message.signature, 'data class Message(val author: String, val text: String)');
    assert.equal(find(symbols, 'preview').signature, 'fun preview(limit: Int = 20): String');
    assert.deepEqual(find(symbols, 'shout').container, ['Message']);
  });
});

describe('parse: Scala', () => {
  it('finds classes, objects, traits, defs and vals', async () => {
    const symbols = await parseFixture('sample.scala', 'scala');
    assert.deepEqual(outline(symbols), [
      '6-6 constant MaxAmount',
      '11-14 trait Chargeable',
      '12-12 method Chargeable/amount',
      '13-13 method Chargeable/describe',
      '17-21 class Card',
      '18-18 field Card/masked',
      '20-20 method Card/describe',
      '23-37 class Payments',
      '24-24 type Payments/Handler',
      '26-26 field Payments/processed',
      '29-32 method Payments/charge',
      '34-36 class Payments/Ledger',
      '35-35 method Payments/Ledger/total',
      '39-41 class Currency',
      '40-40 field Currency/EUR',
      '43-43 class Result',
      '44-44 class Ok',
      '46-46 function helper',
    ]);
    const chargeable = find(symbols, 'Chargeable');
    assert.equal(chargeable.doc, 'Something that can be charged.');
    assert.equal(chargeable.docStartLine, 8);
    assert.equal(find(symbols, 'charge').doc, 'Charges a payment.');
    assert.equal(find(symbols, 'Card').doc, 'A card payment.');
  });
});

describe('parse: Swift', () => {
  it('finds classes, structs, enums, protocols, extensions and functions', async () => {
    const symbols = await parseFixture('sample.swift', 'swift');
    assert.deepEqual(outline(symbols), [
      '4-4 constant defaultTimeout',
      '7-10 interface Fetching',
      '8-8 method Fetching/fetch',
      '9-9 property Fetching/name',
      '13-29 class Client',
      '14-14 property Client/name',
      '15-15 property Client/retries',
      '17-19 constructor Client/init',
      '22-24 method Client/fetch',
      '26-28 method Client/deinit',
      '31-40 struct Request',
      '32-32 property Request/url',
      '33-33 property Request/method',
      '35-39 enum Request/Method',
      '38-38 property Request/Method/isSafe',
      '42-48 impl Request',
      '43-43 property Request/description',
      '45-47 method Request/get',
      '50-50 type Headers',
      '52-54 function makeClient',
    ]);
    const client = find(symbols, 'Client');
    assert.equal(client.doc, 'An HTTP client.');
    assert.equal(client.signature, 'final class Client: Fetching');
    assert.equal(symbols[8].doc, 'Fetches once, without retrying.');
    assert.equal(symbols[8].signature, 'func fetch(_ url: URL) async throws -> Data');
    assert.equal(find(symbols, 'defaultTimeout').doc, 'Seconds before a request gives up.');
  });
});
