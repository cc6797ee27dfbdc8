/**
 * The in-memory index of one root: chunk metadata by slot, the file catalog (content
 * hashes -> slots), the lexical index and, when a model is configured, the vectors.
 * Files are the unit of change: a file's chunks are replaced together.
 */
import type { Chunk, LanguageId, SkipReason } from '../types';
import { LexicalIndex, type FieldTokens } from './lexical';
import { lexicalFields } from './chunkText';
import type { VectorIndex } from './vectors';
import { TimeSlicer } from '../timeSlice';

/** What the index keeps of a chunk: everything but the body, which is read from disk when shown. */
export type StoredChunk = Omit<Chunk, 'body'> & { slot: number; textHash: string };

export interface FileEntry {
  path: string;
  language: LanguageId;
  size: number;
  mtimeMs: number;
  contentHash: string;
  slots: number[];
  /** Set when the file was indexed with the fallback chunker because its parser failed. */
  note?: string;
}

/** Doc text kept per chunk (for display and explanations); the full doc is in the file. */
const STORED_DOC_CHARS = 600;
/** Catalog entries stringified between two chances for searches to run. */
const CATALOG_SLICE = 2000;
/** Compact the lexical postings when this share of them belongs to removed chunks. */
const COMPACT_DEAD_FRACTION = 0.2;

/**
 * A deep copy with fresh strings. A parser's names and docs are substrings of the file's
 * text, and V8 keeps a substring's whole parent alive: stored as they are, chunks pinned
 * every indexed file's text (29 MB of 92 MB heap on a 31k-chunk corpus).
 */
function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class IndexState {
  readonly chunks: (StoredChunk | undefined)[] = [];
  readonly files = new Map<string, FileEntry>();
  skipped = new Map<string, SkipReason>();
  lexical = new LexicalIndex();
  /** Milliseconds spent inserting vectors so far (the indexer reports it as its own phase). */
  vectorInsertMs = 0;
  private freeSlots: number[] = [];

  constructor(public vectors?: VectorIndex) {}

  get chunkCount(): number {
    return this.lexical.size;
  }

  /**
   * Replaces the chunks of one file. `vectors[i]` is the embedding of `chunks[i]` (or
   * undefined when there is no model); `fields[i]` its lexical fields when already tokenised.
   */
  putFile(entry: Omit<FileEntry, 'slots'>, chunks: (Chunk & { textHash: string })[], vectors?: Float32Array[], fields?: FieldTokens[]): void {
    this.removeFile(entry.path);
    const slots: number[] = [];
    chunks.forEach((chunk, i) => {
      const slot = this.allocateSlot();
      const { body: _body, ...meta } = chunk;
      this.chunks[slot] = detached({ ...meta, doc: meta.doc.slice(0, STORED_DOC_CHARS), slot });
      this.lexical.add(slot, fields?.[i] ?? lexicalFields(chunk));
      const vector = vectors?.[i];
      if (vector && this.vectors) {
        const t = performance.now();
        this.vectors.add(slot, vector);
        this.vectorInsertMs += performance.now() - t;
      }
      slots.push(slot);
    });
    this.files.set(entry.path, { ...entry, slots });
    this.skipped.delete(entry.path);
  }

  removeFile(path: string): void {
    const entry = this.files.get(path);
    if (!entry) return;
    for (const slot of entry.slots) {
      this.lexical.remove(slot);
      this.vectors?.remove(slot);
      this.chunks[slot] = undefined;
    }
    this.files.delete(path);
    if (this.lexical.deadFraction() > COMPACT_DEAD_FRACTION) this.freeSlots = this.lexical.compact();
  }

  /** Stored vectors of a file's chunks by text hash, to reuse for unchanged chunks. */
  vectorsByTextHash(path: string): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    const entry = this.files.get(path);
    if (!entry || !this.vectors) return out;
    for (const slot of entry.slots) {
      const chunk = this.chunks[slot];
      const vector = this.vectors.getVector(slot);
      if (chunk && vector) out.set(chunk.textHash, vector);
    }
    return out;
  }

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    return reused ?? this.chunks.length;
  }

  /** The lexical part, compacted first so that no removed chunk's postings are saved. */
  serializeLexical(): Buffer[] {
    this.freeSlots = this.lexical.compact();
    return this.lexical.serialize();
  }

  /**
   * Chunk metadata and catalog as JSON (the lexical and vector parts serialise themselves),
   * stringified a slice of entries at a time with turns of the event loop between slices:
   * at 200k chunks one JSON.stringify would hold searches up for a second.
   */
  async serializeCatalog(slicer = new TimeSlicer()): Promise<Buffer[]> {
    const pieces: Buffer[] = [];
    const writeArray = async <T>(key: string, items: Iterable<T>, last: boolean) => {
      pieces.push(Buffer.from(`${JSON.stringify(key)}:[`));
      let slice: T[] = [];
      let first = true;
      const flush = () => {
        if (slice.length === 0) return;
        const json = JSON.stringify(slice);
        pieces.push(Buffer.from((first ? '' : ',') + json.slice(1, -1)));
        first = false;
        slice = [];
      };
      for (const item of items) {
        slice.push(item);
        if (slice.length === CATALOG_SLICE) {
          flush();
          await slicer.yieldIfDue();
        }
      }
      flush();
      pieces.push(Buffer.from(last ? ']}' : '],'));
    };
    pieces.push(Buffer.from('{'));
    await writeArray('files', this.files.values(), false);
    await writeArray('skipped', this.skipped, false);
    await writeArray('chunks', this.liveChunks(), true);
    return pieces;
  }

  private *liveChunks(): Generator<StoredChunk> {
    for (const chunk of this.chunks) if (chunk !== undefined) yield chunk;
  }

  static fromParts(catalog: Buffer, lexical: LexicalIndex, vectors?: VectorIndex): IndexState {
    const parsed = JSON.parse(catalog.toString('utf8')) as {
      files: FileEntry[];
      skipped: [string, SkipReason][];
      chunks: StoredChunk[];
    };
    const state = new IndexState(vectors);
    state.lexical = lexical;
    for (const f of parsed.files) state.files.set(f.path, f);
    state.skipped = new Map(parsed.skipped);
    for (const c of parsed.chunks) state.chunks[c.slot] = c;
    for (let slot = 0; slot < state.chunks.length; slot++) {
      if (!state.chunks[slot] && !lexical.isAlive(slot)) state.freeSlots.push(slot);
    }
    return state;
  }
}
