/**
 * What the index keeps of each chunk, by slot, in columns: typed arrays for lines, kinds,
 * part numbers and text hashes, and one reference per slot for the strings (a name, a
 * shared container list, a doc). The path and language come from the file's entry, which
 * all of its chunks share. Measured on 72,685 chunks: one object per chunk (14 properties,
 * the path copied into each) cost 490 bytes a chunk; these columns cost about a third.
 *
 * `get(slot)` builds a StoredChunk on demand; callers keep it only as long as they need it.
 */
import type { Chunk, LanguageId, SymbolKind } from '../types';

/**
 * What the index keeps of a chunk: everything but the body (read from disk when shown) and the
 * signature (only indexed), and where its text starts in its file (a UTF-8 byte offset, -1 unknown).
 */
export type StoredChunk = Omit<Chunk, 'body' | 'signature'> & { slot: number; startByte: number };

/** The file a chunk belongs to, as far as the table needs it. */
export interface ChunkFile {
  path: string;
  language: LanguageId;
}

/** A chunk as the table takes it (and gives it back to the catalog). */
export interface ChunkRecord {
  kind: SymbolKind;
  name: string;
  container: string[];
  doc: string;
  startLine: number;
  endLine: number;
  extraNames: string[];
  part: number;
  isDoc: boolean;
  /** A 53-bit hash of the chunk's embedded text (see textKey). */
  textKey: number;
  /** UTF-8 byte offset of its first line in the file as indexed; -1 when unknown. */
  startByte: number;
}

const INITIAL_CAPACITY = 1024;
const NO_NAMES: readonly string[] = Object.freeze([]);
/** Slot flags. */
const LIVE = 1;
const IS_DOC = 2;

/**
 * A 53-bit key for a chunk's text hash, so that the table keeps 8 bytes instead of a
 * 40-character string. Keys are only compared within one file: a collision is not a concern.
 */
export function textKey(textHash: string): number {
  // Two 32-bit FNV-1a passes with different seeds; 21 bits of the second on top of the first.
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < textHash.length; i++) {
    const c = textHash.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (b >>> 11) * 2 ** 32 + (a >>> 0);
}

/**
 * A fresh copy of a string. A parser's names and docs are substrings of the file's text, and
 * V8 keeps a substring's whole parent alive: stored as they are, chunks pinned every indexed
 * file's text (29 MB of 92 MB heap on a 31k-chunk corpus).
 */
function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string); // V8 copies shorter slices anyway
}

export class ChunkTable {
  private flags = new Uint8Array(INITIAL_CAPACITY);
  private kindCodes = new Uint8Array(INITIAL_CAPACITY);
  private startLines = new Int32Array(INITIAL_CAPACITY);
  private endLines = new Int32Array(INITIAL_CAPACITY);
  private parts = new Uint16Array(INITIAL_CAPACITY);
  private textKeys = new Float64Array(INITIAL_CAPACITY);
  private startBytes = new Float64Array(INITIAL_CAPACITY);
  private files: (ChunkFile | undefined)[] = [];
  private names: string[] = [];
  private containers: (readonly string[])[] = [];
  private extraNames: (readonly string[])[] = [];
  private docs: string[] = [];
  private readonly kinds: SymbolKind[] = [];
  private readonly kindIds = new Map<SymbolKind, number>();
  /** One past the highest slot ever used. */
  length = 0;

  has(slot: number): boolean {
    return slot < this.length && (this.flags[slot] & LIVE) !== 0;
  }

  /** Stores a chunk of `file` at `slot`. `containers` shares equal container lists within a file. */
  set(slot: number, file: ChunkFile, chunk: ChunkRecord, containers?: Map<string, readonly string[]>): void {
    this.ensure(slot);
    this.flags[slot] = LIVE | (chunk.isDoc ? IS_DOC : 0);
    this.kindCodes[slot] = this.kindId(chunk.kind);
    this.startLines[slot] = chunk.startLine;
    this.endLines[slot] = chunk.endLine;
    this.parts[slot] = Math.min(chunk.part, 0xffff);
    this.textKeys[slot] = chunk.textKey;
    this.startBytes[slot] = chunk.startByte;
    this.files[slot] = file;
    this.names[slot] = detached(chunk.name);
    this.containers[slot] = shared(chunk.container, containers);
    this.extraNames[slot] = chunk.extraNames.length === 0 ? NO_NAMES : chunk.extraNames.map(detached);
    this.docs[slot] = chunk.doc === '' ? '' : detached(chunk.doc);
  }

  delete(slot: number): void {
    if (!this.has(slot)) return;
    this.flags[slot] = 0;
    this.files[slot] = undefined;
    this.names[slot] = '';
    this.containers[slot] = NO_NAMES;
    this.extraNames[slot] = NO_NAMES;
    this.docs[slot] = '';
  }

  get(slot: number): StoredChunk | undefined {
    if (!this.has(slot)) return undefined;
    const file = this.files[slot]!;
    return {
      path: file.path, language: file.language, kind: this.kinds[this.kindCodes[slot]], name: this.names[slot],
      container: this.containers[slot] as string[], doc: this.docs[slot], startLine: this.startLines[slot],
      endLine: this.endLines[slot], extraNames: this.extraNames[slot] as string[], part: this.parts[slot],
      isDoc: (this.flags[slot] & IS_DOC) !== 0, slot, startByte: this.startBytes[slot],
    };
  }

  /** The chunk as the catalog saves it (no path or language: its file says). */
  record(slot: number): ChunkRecord | undefined {
    if (!this.has(slot)) return undefined;
    return {
      kind: this.kinds[this.kindCodes[slot]], name: this.names[slot], container: this.containers[slot] as string[],
      doc: this.docs[slot], startLine: this.startLines[slot], endLine: this.endLines[slot],
      extraNames: this.extraNames[slot] as string[], part: this.parts[slot], isDoc: (this.flags[slot] & IS_DOC) !== 0,
      textKey: this.textKeys[slot], startByte: this.startBytes[slot],
    };
  }

  textKeyOf(slot: number): number | undefined {
    return this.has(slot) ? this.textKeys[slot] : undefined;
  }

  private kindId(kind: SymbolKind): number {
    let id = this.kindIds.get(kind);
    if (id === undefined) {
      id = this.kinds.length;
      if (id > 0xff) throw new Error('too many chunk kinds');
      this.kinds.push(kind);
      this.kindIds.set(kind, id);
    }
    return id;
  }

  private ensure(slot: number): void {
    if (slot >= this.length) {
      for (let s = this.length; s < slot; s++) this.fillEmpty(s);
      this.length = slot + 1;
    }
    if (slot < this.flags.length) return;
    const capacity = Math.max(slot + 1, Math.ceil(this.flags.length * 1.5));
    this.flags = grown(this.flags, capacity);
    this.kindCodes = grown(this.kindCodes, capacity);
    this.startLines = grown(this.startLines, capacity);
    this.endLines = grown(this.endLines, capacity);
    this.parts = grown(this.parts, capacity);
    this.textKeys = grown(this.textKeys, capacity);
    this.startBytes = grown(this.startBytes, capacity);
  }

  /** Slots below the highest in use hold a value in every column (no holes: V8 keeps such arrays compact). */
  private fillEmpty(slot: number): void {
    this.files[slot] = undefined;
    this.names[slot] = '';
    this.containers[slot] = NO_NAMES;
    this.extraNames[slot] = NO_NAMES;
    this.docs[slot] = '';
  }
}

function shared(container: string[], pool?: Map<string, readonly string[]>): readonly string[] {
  if (container.length === 0) return NO_NAMES;
  const key = container.join('\u0000');
  const known = pool?.get(key);
  if (known) return known;
  const copy = Object.freeze(container.map(detached));
  pool?.set(key, copy);
  return copy;
}

function grown<T extends Uint8Array | Uint16Array | Int32Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}
