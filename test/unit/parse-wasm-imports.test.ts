import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renameImports } from '../../src/core/parse/wasmImports';

const GRAMMARS = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');

/** The slice of the WebAssembly API these tests use (the project's lib has no DOM types). */
interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(module: object): { kind: string; name: string }[] };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function functionImports(bytes: Uint8Array): string[] {
  const module = new wasm.Module(bytes);
  return wasm.Module.imports(module).filter((i) => i.kind === 'function').map((i) => i.name);
}

describe('parse: grammar import renaming', () => {
  it('points the Bash scanner at iswalpha, which the runtime exports', () => {
    const original = readFileSync(path.join(GRAMMARS, 'tree-sitter-bash.wasm'));
    assert.ok(functionImports(original).includes('isalpha'));
    const patched = renameImports(original);
    const imports = functionImports(patched);
    assert.ok(!imports.includes('isalpha'));
    assert.ok(imports.includes('iswalpha'));
    assert.equal(imports.length, functionImports(original).length);
  });

  it('returns modules without such imports unchanged', () => {
    const go = readFileSync(path.join(GRAMMARS, 'tree-sitter-go.wasm'));
    assert.equal(renameImports(go), go);
  });
});
