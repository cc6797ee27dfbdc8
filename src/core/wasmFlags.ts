/**
 * Keeps the tree-sitter grammars on V8's baseline wasm compiler. Optimising a grammar's
 * huge lexer function costs about a second per language on a 2-core machine, which a
 * short-lived process never earns back (measured: a small repo indexed in 0.3 s instead
 * of 2.4 s; a 1,500-file repo in the same time either way). Imported first, before any
 * wasm is compiled. QUARRY_WASM_TIERUP=1 turns optimisation back on.
 */
import v8 from 'node:v8';

if (!process.env.QUARRY_WASM_TIERUP) v8.setFlagsFromString('--liftoff-only');
