/**
 * hnswlib's saved index, made compact for our vector part and rebuilt from it on load.
 *
 * hnswlib (0.8, as vendored by hnswlib-node 3) saves a 96-byte header (offsetLevel0,
 * max_elements, cur_element_count, size_data_per_element, label_offset, offsetData (size_t
 * each), maxlevel (int), enterpoint (u32), maxM, maxM0, M (size_t), mult (double),
 * ef_construction (size_t)); then one fixed-size level-0 record per element (a u32 holding
 * the link count and the deleted mark, maxM0 link slots, the vector, a u64 label); then per
 * element the size of its upper levels' links and those links.
 *
 * What we save of it: the header; per element its link header and only the links it has,
 * each a zigzag varint of its difference from the one before (the first from the element's
 * own id: a file's chunks are added together and link each other); and per element the
 * number of its upper levels and their links, coded the same way. No vectors (the caller
 * keeps quantised codes and gives the graph's float prefix back) and no labels (the caller keeps
 * them in element order). At 110k chunks of the default model the graph took 38 bytes a
 * node instead of 148 (a node has 16 of its 32 level-0 link slots filled, on average).
 *
 * Both ways work in pieces of whole records, so that the whole file is never in memory.
 */
import { promises as fs } from 'node:fs';
import { BufferReader, ByteWriter } from './varintBytes';

export const HNSW_HEADER_BYTES = 96;
const MAX_ELEMENTS_AT = 8;
const COUNT_AT = 16;
const RECORD_SIZE_AT = 24;
const LABEL_OFFSET_AT = 32;
const DATA_OFFSET_AT = 40;
const MAX_M_AT = 56;
const MAX_M0_AT = 64;
const LINK_COUNT_MASK = 0xffff;
/** Records are read and written this many bytes at a time. */
const PIECE_BYTES = 256 << 10;
/** Elements whose upper levels are written at a time. */
const UPPER_BATCH = 4096;

export interface GraphLayout {
  count: number;
  recordSize: number;
  dataOffset: number;
  dataBytes: number;
  labelOffset: number;
  /** Bytes of one upper level's link list: a u32 header and maxM slots. */
  upperLevelBytes: number;
}

/** The layout of an hnswlib file's records from its header, checked against the graph's dimension. */
export function graphLayout(header: Buffer, graphDim: number): GraphLayout {
  if (header.length < HNSW_HEADER_BYTES) throw new Error('vector index: graph is truncated');
  const size = (at: number) => Number(header.readBigUInt64LE(at));
  const layout = {
    count: size(COUNT_AT), recordSize: size(RECORD_SIZE_AT), dataOffset: size(DATA_OFFSET_AT),
    dataBytes: graphDim * 4, labelOffset: size(LABEL_OFFSET_AT), upperLevelBytes: 4 + 4 * size(MAX_M_AT),
  };
  if (layout.dataOffset !== 4 + 4 * size(MAX_M0_AT) || layout.labelOffset !== layout.dataOffset + layout.dataBytes || layout.recordSize !== layout.labelOffset + 8) {
    throw new Error('vector index: unexpected hnswlib file layout');
  }
  return layout;
}

export interface CompactGraph {
  /** The elements' labels, in hnswlib's element order. */
  labels: number[];
  pieces: Buffer[];
}

/** Reads the hnswlib file `file` and codes it compactly (see above). */
export async function compactGraph(file: string, graphDim: number): Promise<CompactGraph> {
  const handle = await fs.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const read = async (position: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, position);
      if (bytesRead !== length) throw new Error('vector index: graph is truncated');
      return buf;
    };
    const header = await read(0, Math.min(size, HNSW_HEADER_BYTES));
    const layout = graphLayout(header, graphDim);
    // Loaded, the index has room for what it holds and no more, until it grows.
    header.writeBigUInt64LE(BigInt(Math.max(1, layout.count)), MAX_ELEMENTS_AT);
    const out = new ByteWriter();
    const labels: number[] = [];
    const perRead = Math.max(1, Math.floor(PIECE_BYTES / layout.recordSize));
    for (let first = 0; first < layout.count; first += perRead) {
      const n = Math.min(perRead, layout.count - first);
      const records = await read(HNSW_HEADER_BYTES + first * layout.recordSize, n * layout.recordSize);
      for (let i = 0; i < n; i++) {
        const at = i * layout.recordSize;
        writeLinks(out, records, at, first + i);
        labels.push(Number(records.readBigUInt64LE(at + layout.labelOffset)));
      }
    }
    const upperAt = HNSW_HEADER_BYTES + layout.count * layout.recordSize;
    const upper = await read(upperAt, size - upperAt);
    let at = 0;
    for (let id = 0; id < layout.count; id++) {
      if (at + 4 > upper.length) throw new Error('vector index: graph is truncated');
      const bytes = upper.readUInt32LE(at);
      at += 4;
      if (bytes % layout.upperLevelBytes !== 0 || at + bytes > upper.length) throw new Error('vector index: bad upper levels');
      const levels = bytes / layout.upperLevelBytes;
      out.varint(levels);
      for (let level = 0; level < levels; level++, at += layout.upperLevelBytes) writeLinks(out, upper, at, id);
    }
    return { labels, pieces: [header, ...out.pieces()] };
  } finally {
    await handle.close();
  }
}

/**
 * Writes hnswlib's file `file` from a compact graph (`reader` at its header): each element's
 * label from `labels` and its vector from `writeVector(label, out, at)` (graphDim float32s).
 */
export async function expandGraph(reader: BufferReader, graphDim: number, labels: ArrayLike<number>, writeVector: (label: number, out: Buffer, at: number) => void, file: string): Promise<void> {
  const header = Buffer.from(reader.bytes(HNSW_HEADER_BYTES));
  const layout = graphLayout(header, graphDim);
  if (layout.count !== labels.length) throw new Error('vector index: graph and vectors disagree');
  const handle = await fs.open(file, 'w');
  try {
    await handle.write(header);
    await writeRecords(handle, layout, (id, out, at, words) => {
      readLinks(reader, words, at >> 2, id, layout.dataOffset);
      writeVector(labels[id], out, at + layout.dataOffset);
      words[(at + layout.labelOffset) >> 2] = labels[id]; // a u64: its high word stays 0
    });
    // Upper levels: most elements have none (a zero size).
    let batch: Buffer[] = [];
    for (let id = 0; id < layout.count; id++) {
      const levels = reader.varint();
      const block = Buffer.alloc(4 + levels * layout.upperLevelBytes);
      const words = new Uint32Array(block.buffer, block.byteOffset, block.length >> 2);
      words[0] = levels * layout.upperLevelBytes;
      for (let level = 0; level < levels; level++) readLinks(reader, words, (4 + level * layout.upperLevelBytes) >> 2, id, layout.upperLevelBytes);
      batch.push(block);
      if (batch.length === UPPER_BATCH || id === layout.count - 1) {
        await handle.write(Buffer.concat(batch));
        batch = [];
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes hnswlib's file from the graph saved by format version 3: its header, its level-0
 * records less their vectors, and its upper levels as hnswlib wrote them.
 */
export async function expandStrippedGraph(stripped: Buffer, graphDim: number, writeVector: (label: number, out: Buffer, at: number) => void, file: string): Promise<void> {
  const layout = graphLayout(stripped, graphDim);
  const kept = layout.recordSize - layout.dataBytes;
  const recordsEnd = HNSW_HEADER_BYTES + layout.count * kept;
  if (stripped.length < recordsEnd) throw new Error('vector index: graph is truncated');
  const handle = await fs.open(file, 'w');
  try {
    await handle.write(stripped.subarray(0, HNSW_HEADER_BYTES));
    await writeRecords(handle, layout, (id, out, at) => {
      const from = HNSW_HEADER_BYTES + id * kept;
      stripped.copy(out, at, from, from + layout.dataOffset);
      stripped.copy(out, at + layout.labelOffset, from + layout.dataOffset, from + kept);
      writeVector(Number(out.readBigUInt64LE(at + layout.labelOffset)), out, at + layout.dataOffset);
    });
    await handle.write(stripped.subarray(recordsEnd));
  } finally {
    await handle.close();
  }
}

/**
 * Writes the level-0 records, a piece of whole records at a time, each made by `fill(id, out,
 * at, words)` (`words`: the piece as u32s in the machine's byte order, which is hnswlib's;
 * graphLayout made sure records are whole words). A piece is filled while the one before is
 * being written.
 */
async function writeRecords(
  handle: fs.FileHandle, layout: GraphLayout, fill: (id: number, out: Buffer, at: number, words: Uint32Array) => void,
): Promise<void> {
  const perWrite = Math.max(1, Math.floor(PIECE_BYTES / layout.recordSize));
  let writing: Promise<unknown> = Promise.resolve();
  for (let first = 0; first < layout.count; first += perWrite) {
    const n = Math.min(perWrite, layout.count - first);
    const out = Buffer.alloc(n * layout.recordSize);
    const words = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
    for (let i = 0; i < n; i++) fill(first + i, out, i * layout.recordSize, words);
    await writing;
    writing = handle.write(out);
    writing.catch(() => undefined); // awaited next time round; if a fill throws first, close() waits for it
  }
  await writing;
}

/** One link list at `at` of `from` (a u32 header with the count, then the links) as varints. */
function writeLinks(out: ByteWriter, from: Buffer, at: number, ownId: number): void {
  const header = from.readUInt32LE(at);
  out.varint(header);
  let previous = ownId;
  for (let i = 0, count = header & LINK_COUNT_MASK; i < count; i++) {
    const link = from.readUInt32LE(at + 4 + 4 * i);
    out.varint(zigzag(link - previous));
    previous = link;
  }
}

/** Reads one link list back into `words` from word `at` on; it must fit in `maxBytes` (its slots). */
function readLinks(reader: BufferReader, words: Uint32Array, at: number, ownId: number, maxBytes: number): void {
  const header = reader.varint();
  const count = header & LINK_COUNT_MASK;
  if (header > 0xffffffff || 4 + 4 * count > maxBytes) throw new Error('vector index: bad link list');
  words[at] = header;
  let previous = ownId;
  for (let i = 1; i <= count; i++) {
    previous += unzigzag(reader.varint());
    words[at + i] = previous;
  }
}

function zigzag(d: number): number {
  return d >= 0 ? 2 * d : -2 * d - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}
