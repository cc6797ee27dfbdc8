/**
 * The in-memory index of one root: chunk metadata by slot, the file catalog (content
 * hashes -> slots), the lexical index and, when a model is configured, the vectors.
 * Files are the unit of change: a file's chunks are replaced together.
 */
import type { Chunk, LanguageId, SkipReason } from '../types';
import { ChunkTable, type ChunkRecord, type StoredChunk, textKey } from './chunkTable';
import { LexicalIndex, type ChunkTerms } from './lexical';
import { lexicalTerms } from './chunkText';
import type { VectorIndex } from './vectors';
import { TimeSlicer } from '../timeSlice';

export type { StoredChunk } from './chunkTable';

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
/** Catalog files (with their chunks) stringified between two chances for searches to run. */
const CATALOG_SLICE = 200;
/**
 * Catalog layout: a header line `{"version":3,"skipped":S,"files":F}`, then S lines of
 * skipped files (`[path, reason]`) and F lines of files with their chunks (FileRow), so that
 * a load parses one row at a time: parsing the whole document at once (version 2, still
 * read) made the load's peak memory (+140 MB at 220k chunks).
 */
const CATALOG_VERSION = 3;
/** The catalog as one JSON document; read, no longer written. */
const SINGLE_DOCUMENT_VERSION = 2;
/** Compact the lexical postings when this share of them belongs to removed chunks. */
const COMPACT_DEAD_FRACTION = 0.2;
/**
 * ...and fold the tail of added postings into the base once it holds this many (12 bytes a
 * posting, doubling as it grows; the base takes about 3): a tail of everything since the
 * last checkpoint was the peak of a cold index's memory. Each fold copies the base's bytes
 * once, a page at a time (see lexical.ts).
 */
const MAX_LEXICAL_TAIL = 1_000_000;

/**
 * A chunk in the saved catalog: [slot, kind, name, container, doc, startLine, endLine,
 * extraNames, part, isDoc (0/1), textKey, startByte]. Catalogs saved before startByte have 11.
 */
type ChunkRow = [number, ChunkRecord['kind'], string, string[], string, number, number, string[], number, 0 | 1, number, number?];
/** A file in the saved catalog: its entry (without slots) and its chunks. */
type FileRow = Omit<FileEntry, 'slots'> & { chunks: ChunkRow[] };

function chunkRow(slot: number, c: ChunkRecord): ChunkRow {
  return [slot, c.kind, c.name, c.container, c.doc, c.startLine, c.endLine, c.extraNames, c.part, c.isDoc ? 1 : 0, c.textKey, c.startByte];
}

function chunkRecord(row: ChunkRow): ChunkRecord {
  const [, kind, name, container, doc, startLine, endLine, extraNames, part, isDoc, key, startByte] = row;
  return { kind, name, container, doc, startLine, endLine, extraNames, part, isDoc: isDoc === 1, textKey: key, startByte: startByte ?? -1 };
}

export class IndexState {
  private readonly table = new ChunkTable();
  readonly files = new Map<string, FileEntry>();
  skipped = new Map<string, SkipReason>();
  lexical = new LexicalIndex();
  /** Milliseconds spent inserting vectors so far (the indexer reports it as its own phase). */
  vectorInsertMs = 0;
  private freeSlots: number[] = [];
  /** Bumped by every change of the chunks, so that a search that awaited can tell its slots may be stale. */
  private changes = 0;

  constructor(public vectors?: VectorIndex) {}

  get changeCount(): number {
    return this.changes;
  }

  get chunkCount(): number {
    return this.lexical.size;
  }

  /**
   * Replaces the chunks of one file. `vectors[i]` is the embedding of `chunks[i]` (or
   * undefined when there is no model); `terms[i]` its lexical terms when already counted.
   */
  putFile(entry: Omit<FileEntry, 'slots'>, chunks: (Chunk & { textHash: string; startByte?: number })[], vectors?: Float32Array[], terms?: ChunkTerms[]): void {
    this.removeFile(entry.path);
    this.changes++;
    const slots: number[] = [];
    const file: FileEntry = { ...entry, slots };
    const containers = new Map<string, readonly string[]>();
    chunks.forEach((chunk, i) => {
      const slot = this.allocateSlot();
      const record = { ...chunk, doc: chunk.doc.slice(0, STORED_DOC_CHARS), textKey: textKey(chunk.textHash), startByte: chunk.startByte ?? -1 };
      this.table.set(slot, file, record, containers);
      this.lexical.add(slot, terms?.[i] ?? lexicalTerms(chunk));
      const vector = vectors?.[i];
      if (vector && this.vectors) {
        const t = performance.now();
        this.vectors.add(slot, vector);
        this.vectorInsertMs += performance.now() - t;
      }
      slots.push(slot);
    });
    this.files.set(entry.path, file);
    this.skipped.delete(entry.path);
  }

  removeFile(path: string): void {
    const entry = this.files.get(path);
    if (!entry) return;
    this.changes++;
    for (const slot of entry.slots) {
      this.lexical.remove(slot);
      this.vectors?.remove(slot);
      this.table.delete(slot);
    }
    this.files.delete(path);
    if (this.lexical.deadFraction() > COMPACT_DEAD_FRACTION) this.freeSlots = this.lexical.compact();
  }

  /** The chunk at `slot` (built on demand: keep it no longer than needed), or undefined for a free slot. */
  chunk(slot: number): StoredChunk | undefined {
    return this.table.get(slot);
  }

  hasChunk(slot: number): boolean {
    return this.table.has(slot);
  }

  /** Every chunk in the index, in slot order. */
  *liveChunks(): Generator<StoredChunk> {
    for (let slot = 0; slot < this.table.length; slot++) {
      const chunk = this.table.get(slot);
      if (chunk) yield chunk;
    }
  }

  /** Stored vectors of a file's chunks by text hash, to reuse for unchanged chunks. */
  vectorsByTextHash(path: string): { get(textHash: string): Float32Array | undefined } {
    const byKey = new Map<number, number>();
    const entry = this.files.get(path);
    if (entry && this.vectors) for (const slot of entry.slots) byKey.set(this.table.textKeyOf(slot)!, slot);
    return { get: (textHash) => {
      const slot = byKey.get(textKey(textHash));
      return slot === undefined ? undefined : this.vectors?.getVector(slot);
    } };
  }

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    return reused ?? this.table.length;
  }

  /** Folds the lexical tail into the base when it has grown past MAX_LEXICAL_TAIL (with turns of the event loop). */
  async foldLexicalTail(slicer = new TimeSlicer(), maxTail = MAX_LEXICAL_TAIL): Promise<void> {
    if (this.lexical.tailSize >= maxTail) this.freeSlots = await this.lexical.compactCooperatively(slicer);
  }

  /**
   * Adds to the vector graph what it lacks (the index just outgrew its exact scan, or was
   * loaded so), with turns of the event loop; the work counts as vector insert time.
   */
  async catchUpVectorGraph(slicer = new TimeSlicer()): Promise<void> {
    if (!this.vectors?.graphPending) return;
    let t = performance.now();
    await this.vectors.catchUpGraph(async () => {
      this.vectorInsertMs += performance.now() - t;
      await slicer.yieldIfDue();
      t = performance.now();
    });
    this.vectorInsertMs += performance.now() - t;
  }

  /**
   * The lexical part, compacted first so that no removed chunk's postings are saved; both
   * with turns of the event loop between steps, so that searches go on during a checkpoint.
   */
  async serializeLexical(slicer = new TimeSlicer()): Promise<Buffer[]> {
    this.freeSlots = await this.lexical.compactCooperatively(slicer);
    return this.lexical.serializeCooperatively(slicer);
  }

  /**
   * Chunk metadata and catalog as JSON (the lexical and vector parts serialise themselves),
   * stringified a slice of entries at a time with turns of the event loop between slices
   * (at 200k chunks one JSON.stringify would hold searches up for a second), and made as
   * the store writes them: the whole text was the peak of a checkpoint's memory. The entries
   * are listed when it starts, so that the header's counts hold whatever happens between slices.
   */
  async *serializeCatalog(slicer = new TimeSlicer()): AsyncGenerator<Buffer> {
    const skipped = [...this.skipped];
    const files = [...this.files.values()];
    yield Buffer.from(`${JSON.stringify({ version: CATALOG_VERSION, skipped: skipped.length, files: files.length })}\n`);
    yield* jsonLinePieces(skipped, slicer);
    yield* jsonLinePieces(this.fileRows(files), slicer);
  }

  private *fileRows(files: Iterable<FileEntry>): Generator<FileRow> {
    for (const { slots, ...entry } of files) {
      yield { ...entry, chunks: slots.map((slot) => chunkRow(slot, this.table.record(slot)!)) };
    }
  }

  /** The state saved as `catalog` and `lexical`; the caller adds the vectors (see Engine.readSaved). */
  static fromParts(catalog: Buffer, lexical: LexicalIndex): IndexState {
    const state = new IndexState();
    state.lexical = lexical;
    for (const row of catalogRows(catalog, state.skipped)) state.addFileRow(row);
    for (let slot = 0; slot < state.table.length; slot++) {
      if (!state.table.has(slot) && !lexical.isAlive(slot)) state.freeSlots.push(slot);
    }
    return state;
  }

  private addFileRow({ chunks, ...row }: FileRow): void {
    const file: FileEntry = { ...row, slots: chunks.map((c) => c[0]) };
    const containers = new Map<string, readonly string[]>();
    for (const c of chunks) this.table.set(c[0], file, chunkRecord(c), containers);
    this.files.set(file.path, file);
  }
}

/** The file rows of a saved catalog, parsed one at a time; its skipped files go into `skipped`. */
function* catalogRows(catalog: Buffer, skipped: Map<string, SkipReason>): Generator<FileRow> {
  const lines = jsonLines(catalog);
  const header = lines.next().value as { version?: unknown; skipped?: unknown; files?: unknown } | undefined;
  if (header?.version === SINGLE_DOCUMENT_VERSION) {
    const whole = header as { files: FileRow[]; skipped: [string, SkipReason][] };
    for (const [path, reason] of whole.skipped) skipped.set(path, reason);
    yield* whole.files;
    return;
  }
  if (header?.version !== CATALOG_VERSION) throw new Error(`catalog version ${String(header?.version)} is not supported (expected ${CATALOG_VERSION})`);
  const { skipped: skippedCount, files: fileCount } = header;
  if (typeof skippedCount !== 'number' || typeof fileCount !== 'number') throw new Error('the catalog header lacks its counts');
  for (let i = 0; i < skippedCount; i++) {
    const [path, reason] = nextLine<[string, SkipReason]>(lines);
    skipped.set(path, reason);
  }
  for (let i = 0; i < fileCount; i++) yield nextLine<FileRow>(lines);
}

function nextLine<T>(lines: Generator<unknown>): T {
  const line = lines.next();
  if (line.done) throw new Error('the catalog is truncated');
  return line.value as T;
}

/** Each line of `text` parsed as JSON (a version 2 catalog is one line). */
function* jsonLines(text: Buffer): Generator<unknown> {
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf(0x0a, start);
    const end = newline < 0 ? text.length : newline;
    if (end > start) yield JSON.parse(text.toString('utf8', start, end));
    start = end + 1;
  }
}

/** Items as JSON lines, CATALOG_SLICE lines a piece, with turns of the event loop between pieces. */
async function* jsonLinePieces<T>(items: Iterable<T>, slicer: TimeSlicer): AsyncGenerator<Buffer> {
  let slice: string[] = [];
  for (const item of items) {
    slice.push(JSON.stringify(item));
    if (slice.length === CATALOG_SLICE) {
      yield Buffer.from(`${slice.join('\n')}\n`);
      slice = [];
      await slicer.yieldIfDue();
    }
  }
  if (slice.length > 0) yield Buffer.from(`${slice.join('\n')}\n`);
}
