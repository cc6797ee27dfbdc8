import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LanguageId } from '../../src/core/types';
import { outline, parser } from './parse-support';

async function symbolsOf(source: string, language: LanguageId) {
  const outcome = await (await parser()).parse(source, language);
  assert.equal(outcome.error, undefined);
  return outcome.symbols;
}

describe('parse: edge cases', () => {
  it('C#: a file-scoped namespace contains the file and its signature is its own line', async () => {
    const symbols = await symbolsOf('namespace Shop.Api;\n\npublic class A\n{\n    public void M() {}\n}\n', 'csharp');
    assert.deepEqual(outline(symbols), ['1-6 namespace Shop.Api', '3-6 class Shop.Api/A', '5-5 method Shop.Api/A/M']);
    assert.equal(symbols[0].signature, 'namespace Shop.Api;');
  });

  it('TypeScript: a BOM, getter/setter pairs, class expressions', async () => {
    const source = '\uFEFFexport default class Foo {\n  get x() { return 1; }\n  set x(v) {}\n}\nconst Bar = class {\n  m() {}\n};\n';
    assert.deepEqual(outline(await symbolsOf(source, 'typescript')), [
      '1-4 class Foo', '2-3 method Foo/x', '5-7 constant Bar', '6-6 method Bar/m',
    ]);
  });

  it('TypeScript: ambient declarations in .d.ts files', async () => {
    const source = 'export declare const VERSION: string;\ndeclare let g: number;\nexport declare function f(): void;\n';
    const symbols = await symbolsOf(source, 'typescript');
    assert.deepEqual(outline(symbols), ['1-1 constant VERSION', '2-2 variable g', '3-3 function f']);
    assert.equal(symbols[2].signature, 'export declare function f(): void;');
  });

  it('Python: CRLF sources keep exact line numbers and docstrings', async () => {
    const source = 'class A:\r\n    """Doc."""\r\n\r\n    def m(self):\r\n        pass\r\n';
    const symbols = await symbolsOf(source, 'python');
    assert.deepEqual(outline(symbols), ['1-5 class A', '4-5 method A/m']);
    assert.equal(symbols[0].doc, 'Doc.');
  });

  it('C++: a template class with an out-of-class template method', async () => {
    const source = 'template <typename T>\nclass Box {\n  T get() const;\n};\n\ntemplate <typename T>\nT Box<T>::get() const {\n  return T();\n}\n';
    assert.deepEqual(outline(await symbolsOf(source, 'cpp')), [
      '1-4 class Box', '3-3 method Box/get', '6-9 method Box/get',
    ]);
  });
});

describe('parse: block doc comments', () => {
  it('Lua --[[ ]] and Haskell {- | -} blocks document the definition below', async () => {
    const lua = await symbolsOf('--[[ Builds a thing.\n  Really. ]]\nfunction build() end\n', 'lua');
    assert.equal(lua[0].doc, 'Builds a thing.\nReally.');
    assert.equal(lua[0].docStartLine, 1);
    const haskell = await symbolsOf('{- | Doubles.\n   Twice. -}\ndouble :: Int -> Int\ndouble x = x * 2\n', 'haskell');
    assert.deepEqual(outline(haskell), ['3-4 function double']);
    assert.equal(haskell[0].doc, 'Doubles.\nTwice.');
  });
});
