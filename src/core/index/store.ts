/**
 * Generation-based storage of one index folder.
 *
 * Layout: `manifest.json` names the current generation and, per part, its file
 * (`<part>.<generation>`), size and sha256. A commit writes the new part files, then a new
 * manifest through a temp file and a rename: whatever moment a crash hits, manifest.json
 * names either the previous generation or the new one, and the files it names are complete.
 * Files no manifest names (older generations, leftovers of a crashed commit) are deleted by
 * the writer. Only one writer at a time (see lock.ts); readers take no lock.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { TimeSlicer } from '../timeSlice';
import { WriteLock } from './lock';

export { IndexLockedError } from './lock';

export const STORE_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
const MANIFEST_TEMP_NAME = 'manifest.json.tmp';
/** No dots in part names, so that `<part>.<generation>` parses back unambiguously. */
const PART_NAME = /^[A-Za-z0-9_-]+$/;
const PART_FILE = /^([A-Za-z0-9_-]+)\.(\d+)$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Windows refuses to rename over a file a reader has open; such a reader closes it soon. */
const RENAME_RETRIES = 10;
const RENAME_RETRY_DELAY_MS = 50;

/** Given instead of a part's content: keep the current generation's file of that part. */
export const KEEP: unique symbol = Symbol('quarry.store.keep');

/**
 * A part's content: one buffer, or pieces written one after the other (no concatenated
 * copy), or pieces made as they are written (only the pieces in flight are in memory).
 */
export type PartContent = Buffer | readonly Buffer[] | AsyncIterable<Buffer>;
/**
 * A part to write: its content, or a function that makes it when the part's turn comes, so
 * that one part's pieces are in memory at a time rather than all of them.
 */
export type PartSource = PartContent | (() => Promise<PartContent> | AsyncIterable<Buffer>);
/** Checksums are computed in pieces of this size, with turns of the event loop between them. */
const HASH_PIECE_BYTES = 4 * 1024 * 1024;
/**
 * How compressed parts are stored. Deflate runs on libuv's thread pool, off the event loop.
 * Level 1: on the catalog and lexical parts of real indexes it kept 0.31 and 0.45 of their
 * bytes, against 0.28 and 0.41 at level 6 for twice the time.
 */
const PART_ENCODING = 'deflate-raw';
const DEFLATE_LEVEL = 1;
const inflateRaw = promisify(zlib.inflateRaw);

export interface CommitOptions {
  /** Parts stored deflated (they read back as given). Worth it for text-like parts; packed vectors barely shrink. */
  compress?: readonly string[];
}

export interface PartEntry {
  file: string;
  /** Size and checksum of the file as stored (compressed, when it is). */
  bytes: number;
  sha256: string;
  /** Absent: stored as given. */
  encoding?: typeof PART_ENCODING;
}

export interface Manifest {
  formatVersion: number;
  generation: number;
  createdAt: string;
  meta: Record<string, unknown>;
  parts: Record<string, PartEntry>;
}

/** The index on disk cannot be trusted; the engine rebuilds it. */
export class CorruptIndexError extends Error {
  constructor(readonly dir: string, readonly part: string | undefined, readonly problem: string) {
    super(part === undefined ? `index manifest in ${dir} is corrupt: ${problem}` : `index part "${part}" in ${dir} is corrupt: ${problem}`);
    this.name = 'CorruptIndexError';
  }
}

/** A writer replaced the generation this reader opened, and deleted its files: open again. */
export class IndexChangedError extends Error {
  constructor(readonly dir: string, readonly openedGeneration: number, readonly currentGeneration: number | undefined) {
    super(`index in ${dir} changed from generation ${openedGeneration} to ${currentGeneration ?? 'none'} while being read; open it again`);
    this.name = 'IndexChangedError';
  }
}

/** A commit failed; the previous generation is still current and intact. */
export class IndexWriteError extends Error {
  readonly code: string | undefined;
  constructor(what: string, dir: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    const reason = code === 'ENOSPC' ? 'disk full' : code === 'EDQUOT' ? 'disk quota exceeded' : 'failed';
    super(`${reason} while writing ${what} in ${dir}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'IndexWriteError';
    this.code = code;
  }
}

export class IndexStore {
  /** Files go up from here, also past files a lost manifest named, so that no name is ever reused. */
  private highestGenerationOnDisk = 0;

  private constructor(
    readonly dir: string,
    private current: Manifest | undefined,
    private readonly lock?: WriteLock,
    /** Why the writer discarded the manifest it found (it rebuilds from nothing). */
    readonly discardedManifest?: CorruptIndexError,
  ) {}

  /** Read-only view: no lock. Undefined when no committed index exists in `dir`; CorruptIndexError for a bad manifest. */
  static async openForRead(dir: string): Promise<IndexStore | undefined> {
    const manifest = await readManifest(dir);
    return manifest && new IndexStore(dir, manifest);
  }

  /**
   * Writer: creates `dir` and takes its write lock, waiting up to `waitMs` (default 0) before
   * throwing IndexLockedError; locks of dead processes are taken over. A corrupt manifest is
   * not an error here: the writer starts from no index (see `discardedManifest`).
   */
  static async openForWrite(dir: string, options: { waitMs?: number } = {}): Promise<IndexStore> {
    await fs.mkdir(dir, { recursive: true });
    const lock = await WriteLock.acquire(dir, options.waitMs ?? 0);
    try {
      const { manifest, problem } = await readManifestOrProblem(dir);
      const store = new IndexStore(dir, manifest, lock, problem);
      await store.removeUnreferencedFiles();
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  manifest(): Manifest | undefined {
    return this.current;
  }

  hasPart(name: string): boolean {
    return this.current?.parts[name] !== undefined;
  }

  /** Reads one part of the current generation and checks its size and sha256. */
  async readPart(name: string): Promise<Buffer> {
    const entry = this.current?.parts[name];
    if (!this.current || !entry) throw new CorruptIndexError(this.dir, name, 'the manifest has no such part');
    let data: Buffer;
    try {
      data = await fs.readFile(path.join(this.dir, entry.file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await this.throwIfReplaced(this.current.generation);
      throw new CorruptIndexError(this.dir, name, `its file ${entry.file} is missing`);
    }
    if (data.length !== entry.bytes) {
      throw new CorruptIndexError(this.dir, name, `its file ${entry.file} has ${data.length} bytes, the manifest says ${entry.bytes}`);
    }
    if (sha256(data) !== entry.sha256) {
      throw new CorruptIndexError(this.dir, name, `its file ${entry.file} fails its sha256 checksum`);
    }
    if (entry.encoding !== PART_ENCODING) return data;
    return inflateRaw(data).catch((error: Error) => {
      throw new CorruptIndexError(this.dir, name, `its file ${entry.file} does not inflate: ${error.message}`);
    });
  }

  /**
   * Writes a new generation: the given parts (KEEP reuses the current file of a part; parts
   * not given are dropped), then the manifest that makes it current, then deletes what no
   * longer belongs to it. On failure the previous generation stays current and the new
   * files are removed.
   */
  async commit(parts: Record<string, PartSource | typeof KEEP>, meta: Record<string, unknown>, options: CommitOptions = {}): Promise<Manifest> {
    const lock = this.requireLock();
    await lock.assertHeld();
    const generation = Math.max(this.current?.generation ?? 0, this.highestGenerationOnDisk) + 1;
    const created: string[] = [];
    let manifest: Manifest;
    try {
      const entries: Record<string, PartEntry> = {};
      for (const [name, content] of Object.entries(parts)) {
        if (content === KEEP) entries[name] = this.keptEntry(name);
        else {
          const given = typeof content === 'function' ? await content() : content;
          entries[name] = await this.writePart(name, generation, given, options.compress?.includes(name) ?? false, created);
        }
      }
      manifest = { formatVersion: STORE_FORMAT_VERSION, generation, createdAt: new Date().toISOString(), meta, parts: entries };
      await fsyncDirectory(this.dir); // the new files' names are durable before a manifest names them
      await lock.assertHeld();
      await this.writeManifest(manifest, created);
    } catch (error) {
      await Promise.all(created.map((file) => fs.rm(path.join(this.dir, file), { force: true }).catch(() => undefined)));
      throw error;
    }
    this.current = manifest;
    this.highestGenerationOnDisk = generation;
    await fsyncDirectory(this.dir);
    await this.removeUnreferencedFiles();
    return manifest;
  }

  /** Releases the write lock (no-op for readers). */
  async close(): Promise<void> {
    await this.lock?.release();
  }

  private requireLock(): WriteLock {
    if (!this.lock) throw new Error(`index store ${this.dir} was opened for reading; open it for writing to commit`);
    return this.lock;
  }

  private keptEntry(name: string): PartEntry {
    const entry = this.current?.parts[name];
    if (!entry) throw new Error(`cannot keep index part "${name}": the current generation has no such part`);
    return entry;
  }

  private async writePart(name: string, generation: number, content: PartContent, compress: boolean, created: string[]): Promise<PartEntry> {
    if (!PART_NAME.test(name)) throw new Error(`invalid index part name "${name}" (letters, digits, _ and - only)`);
    const file = `${name}.${generation}`;
    const pieces = Readable.from(Buffer.isBuffer(content) ? [content] : content, { objectMode: true });
    created.push(file);
    const handle = await fs.open(path.join(this.dir, file), 'w').catch((error: unknown) => {
      throw new IndexWriteError(`index part "${name}"`, this.dir, error);
    });
    const written = new HashingWriter(handle);
    try {
      if (compress) await pipeline(pieces, zlib.createDeflateRaw({ level: DEFLATE_LEVEL }), (deflated: AsyncIterable<Buffer>) => written.writeAll(deflated));
      else await written.writeAll(pieces);
      await written.sync();
    } catch (error) {
      // Errors of the file system are reported as such; a failure to make the content is the caller's.
      throw written.failed ? new IndexWriteError(`index part "${name}"`, this.dir, error) : error;
    } finally {
      await handle.close();
    }
    const entry: PartEntry = { file, bytes: written.bytes, sha256: written.digest() };
    if (compress) entry.encoding = PART_ENCODING;
    return entry;
  }

  private async writeManifest(manifest: Manifest, created: string[]): Promise<void> {
    created.push(MANIFEST_TEMP_NAME);
    const temp = path.join(this.dir, MANIFEST_TEMP_NAME);
    try {
      await writeFileDurably(temp, [Buffer.from(JSON.stringify(manifest, null, 1))]);
      await renameWithRetry(temp, path.join(this.dir, MANIFEST_NAME));
    } catch (error) {
      throw new IndexWriteError('the index manifest', this.dir, error);
    }
  }

  /** Deletes our files that the current manifest does not name. Best effort: a busy file waits for the next commit. */
  private async removeUnreferencedFiles(): Promise<void> {
    const referenced = new Set(Object.values(this.current?.parts ?? {}).map((entry) => entry.file));
    for (const name of await fs.readdir(this.dir)) {
      const partFile = PART_FILE.exec(name);
      if (partFile) this.highestGenerationOnDisk = Math.max(this.highestGenerationOnDisk, Number(partFile[2]));
      const ours = partFile !== null || name === MANIFEST_TEMP_NAME;
      if (ours && !referenced.has(name)) await fs.rm(path.join(this.dir, name), { force: true }).catch(() => undefined);
    }
  }

  private async throwIfReplaced(openedGeneration: number): Promise<void> {
    const { manifest } = await readManifestOrProblem(this.dir);
    if (manifest?.generation !== openedGeneration) throw new IndexChangedError(this.dir, openedGeneration, manifest?.generation);
  }
}

async function readManifestOrProblem(dir: string): Promise<{ manifest?: Manifest; problem?: CorruptIndexError }> {
  try {
    return { manifest: await readManifest(dir) };
  } catch (error) {
    if (error instanceof CorruptIndexError) return { problem: error };
    throw error;
  }
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST_NAME), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CorruptIndexError(dir, undefined, `${MANIFEST_NAME} is not valid JSON`);
  }
  const problem = manifestProblem(parsed);
  if (problem) throw new CorruptIndexError(dir, undefined, problem);
  return parsed as Manifest;
}

/** What is wrong with a parsed manifest, or undefined when it has the expected shape. */
function manifestProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value.formatVersion !== STORE_FORMAT_VERSION) {
    return `it has format version ${JSON.stringify(value.formatVersion)}; this Quarry reads version ${STORE_FORMAT_VERSION}`;
  }
  if (!Number.isSafeInteger(value.generation) || (value.generation as number) < 1) return 'its generation is not a positive integer';
  if (typeof value.createdAt !== 'string' || !isRecord(value.meta) || !isRecord(value.parts)) return 'it lacks createdAt, meta or parts';
  for (const [name, entry] of Object.entries(value.parts)) {
    if (!isRecord(entry) || !isPartEntry(name, entry)) return `its entry for part "${name}" is malformed`;
  }
  return undefined;
}

function isPartEntry(name: string, entry: Record<string, unknown>): boolean {
  const file = typeof entry.file === 'string' ? PART_FILE.exec(entry.file) : null;
  return file?.[1] === name && Number.isSafeInteger(entry.bytes) && (entry.bytes as number) >= 0
    && typeof entry.sha256 === 'string' && SHA256_HEX.test(entry.sha256)
    && (entry.encoding === undefined || entry.encoding === PART_ENCODING);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes pieces to a file as they come, counting and hashing them (a few MB at a time, with
 * turns of the event loop between, so that searches are not held up).
 */
class HashingWriter {
  bytes = 0;
  /** True once a write to the file failed. */
  failed = false;
  private readonly hash = createHash('sha256');
  private readonly slicer = new TimeSlicer();

  constructor(private readonly handle: fs.FileHandle) {}

  async writeAll(pieces: AsyncIterable<Buffer>): Promise<void> {
    for await (const piece of pieces) {
      for (let at = 0; at < piece.length; at += HASH_PIECE_BYTES) {
        this.hash.update(piece.subarray(at, at + HASH_PIECE_BYTES));
        await this.slicer.yieldIfDue();
      }
      this.bytes += piece.length;
      await this.io(() => this.handle.writeFile(piece));
    }
  }

  sync(): Promise<void> {
    return this.io(() => this.handle.sync());
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  private async io(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }
}

async function writeFileDurably(file: string, pieces: readonly Buffer[]): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    for (const piece of pieces) await handle.writeFile(piece);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and new names in `dir` durable. Windows cannot open folders for this (and does not need it). */
async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync().catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EINVAL' && error.code !== 'ENOTSUP') throw error; // some filesystems cannot sync folders
    });
  } finally {
    await handle.close();
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const transient = process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES' || code === 'EBUSY');
      if (!transient || attempt >= RENAME_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, RENAME_RETRY_DELAY_MS * attempt));
    }
  }
}
