/**
 * Renames function imports of a grammar's wasm module before it is linked. Some prebuilt
 * grammars import libc functions that web-tree-sitter's runtime does not export (the Bash
 * scanner calls `isalpha`); calling one aborts the parse with "resolved is not a
 * function". Pointing such an import at an equivalent the runtime does export
 * (`iswalpha`: same signature, same answers for ASCII) fixes the grammar.
 */

/** Imports to redirect, by name: the runtime lacks the key and exports the value. */
export const IMPORT_RENAMES: Readonly<Record<string, string>> = {
  isalpha: 'iswalpha',
};

const IMPORT_SECTION_ID = 2;
const HEADER_BYTES = 8; // magic number and version
const ENV_MODULE = 'env';

/** Returns the module with the renamed imports (the same bytes when nothing matches). */
export function renameImports(bytes: Uint8Array, renames: Readonly<Record<string, string>> = IMPORT_RENAMES): Uint8Array {
  const section = findSection(bytes, IMPORT_SECTION_ID);
  if (!section) return bytes;
  let content = bytes.subarray(section.contentStart, section.contentEnd);
  let changed = false;
  for (const [from, to] of Object.entries(renames)) {
    const renamed = renameOne(content, from, to);
    if (renamed) {
      content = renamed;
      changed = true;
    }
  }
  if (!changed) return bytes;
  return concat([
    bytes.subarray(0, section.start),
    Uint8Array.of(IMPORT_SECTION_ID),
    encodeUnsigned(content.length),
    content,
    bytes.subarray(section.contentEnd),
  ]);
}

interface SectionBounds {
  start: number;
  contentStart: number;
  contentEnd: number;
}

function findSection(bytes: Uint8Array, id: number): SectionBounds | undefined {
  let offset = HEADER_BYTES;
  while (offset < bytes.length) {
    const start = offset;
    const sectionId = bytes[offset++];
    const size = decodeUnsigned(bytes, offset);
    const contentStart = size.next;
    const contentEnd = contentStart + size.value;
    if (contentEnd > bytes.length) return undefined;
    if (sectionId === id) return { start, contentStart, contentEnd };
    offset = contentEnd;
  }
  return undefined;
}

/** Replaces the field name `from` of an `env` import; undefined when absent. */
function renameOne(content: Uint8Array, from: string, to: string): Uint8Array | undefined {
  const needle = Buffer.from([ENV_MODULE.length, ...Buffer.from(ENV_MODULE), from.length, ...Buffer.from(from)]);
  const at = Buffer.from(content.buffer, content.byteOffset, content.length).indexOf(needle);
  if (at < 0) return undefined;
  const nameStart = at + 1 + ENV_MODULE.length;
  return concat([
    content.subarray(0, nameStart),
    Uint8Array.of(to.length),
    Buffer.from(to),
    content.subarray(nameStart + 1 + from.length),
  ]);
}

function decodeUnsigned(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80 && offset < bytes.length);
  return { value, next: offset };
}

function encodeUnsigned(value: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.length)));
}
