/** Shared helpers of the parse tests: parse a fixture with the real grammars and outline it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SymbolParser, type ParseOutcome } from '../../src/core/parse/symbols';
import type { CodeSymbol, LanguageId } from '../../src/core/types';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'parse');

let shared: Promise<SymbolParser> | undefined;
export function parser(): Promise<SymbolParser> {
  shared ??= SymbolParser.create();
  return shared;
}

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Parses a fixture and checks that tree-sitter (not the fallback) produced the symbols. */
export async function parseFixture(name: string, language: LanguageId): Promise<CodeSymbol[]> {
  const outcome: ParseOutcome = await (await parser()).parse(fixture(name), language);
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.via, 'tree-sitter');
  for (const symbol of outcome.symbols) assert.equal(symbol.language, language);
  return outcome.symbols;
}

/** One line per symbol: `start-end kind Outer/Inner/name`. */
export function outline(symbols: CodeSymbol[]): string[] {
  return symbols.map((s) => `${s.startLine}-${s.endLine} ${s.kind} ${[...s.container, s.name].join('/')}`);
}

export function find(symbols: CodeSymbol[], name: string, kind?: string): CodeSymbol {
  const found = symbols.find((s) => s.name === name && (!kind || s.kind === kind));
  assert.ok(found, `symbol ${name} not found`);
  return found;
}
