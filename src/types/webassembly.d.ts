/**
 * The part of the WebAssembly JS API that the tree-sitter runtime loader uses: Node has it
 * as a global, but @types/node 20 declares it only with the DOM library.
 */
declare namespace WebAssembly {
  type ImportValue = unknown;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
}
