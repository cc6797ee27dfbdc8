/**
 * Shared helpers of the reliability suite: temp folders, the real CLI (built dist/cli.js),
 * a seeded random source, synthetic source trees and a full listing of an index's chunks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IndexStore } from '../../src/core/index/store';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const serverPath = path.join(repoRoot, 'dist', 'server.js');
/** No single CLI call in this suite should come near this; it only turns a hang into a failure. */
export const CLI_TIMEOUT_MS = 180_000;

export interface TempBase {
  base: string;
  dispose(): void;
}

export function tempBase(prefix: string): TempBase {
  const base = mkdtempSync(path.join(os.tmpdir(), `quarry-rel-${prefix}-`));
  return { base, dispose: () => rmSync(base, { recursive: true, force: true }) };
}

export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
  /** Run as this user (only a root test process can). */
  user?: { uid: number; gid: number };
}

export function runCli(args: string[], options: CliOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    ...options.user,
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: options.timeoutMs ?? CLI_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The same, without blocking the test process (for runs that overlap with other work). */
export function runCliAsync(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      ...options.user,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? CLI_TIMEOUT_MS);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

export function json<T>(run: CliRun): T {
  if (run.status !== 0) throw new Error(`quarry exited ${run.status ?? run.signal}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

export interface Stats {
  indexed: boolean;
  files: number;
  chunks: number;
  vectors: number;
  skipped: Record<string, number>;
  note?: string;
}

/** A small seeded generator (mulberry32): the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a randomized test: QUARRY_TEST_SEED, else a fixed default (printed by the tests). */
export function testSeed(fallback: number): number {
  const fromEnv = Number(process.env.QUARRY_TEST_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

const WORDS = ['order', 'invoice', 'customer', 'payment', 'refund', 'ledger', 'account', 'report', 'audit', 'export'];

/** One TypeScript source file with `functions` documented functions; `variant` changes its content. */
export function sourceFile(index: number, functions: number, variant = 0): string {
  const a = WORDS[index % WORDS.length];
  const b = WORDS[(index * 7 + 3) % WORDS.length];
  const name = `${a}${b[0].toUpperCase()}${b.slice(1)}`;
  return Array.from({ length: functions }, (_, j) =>
    `/** Computes the ${a} ${b} total number ${j} for file ${index} (variant ${variant}). */\n` +
    `export function ${name}${j}_${index}(items: number[]): number {\n` +
    `  let total = ${j + variant};\n  for (const x of items) total += x * ${index % 7};\n  return total;\n}\n`).join('\n');
}

export function sourcePath(root: string, index: number): string {
  return path.join(root, `module${index % 12}`, `file_${index}.ts`);
}

/** A tree of `files` TypeScript files of six functions each. */
export function writeTree(root: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const file = sourcePath(root, i);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, sourceFile(i, 6));
  }
}

/** The one index folder under a cache folder (a cache here only ever holds one root). */
export function indexDirOf(cache: string): string {
  const indexes = path.join(cache, 'indexes');
  const dirs = readdirSync(indexes);
  if (dirs.length !== 1) throw new Error(`expected one index under ${indexes}, found ${dirs.length}`);
  return path.join(indexes, dirs[0]);
}

export interface ChunkListing {
  /** `path:start-end` of every chunk, sorted. */
  chunks: string[];
  files: string[];
  /** Problems inside the catalog: a slot holding chunks of two files, a chunk listed twice. */
  problems: string[];
}

/**
 * Every chunk of the committed index, read from its catalog part (checksum-verified by the
 * store), and whether the catalog is consistent with itself.
 */
export async function listChunks(cache: string): Promise<ChunkListing> {
  const store = await IndexStore.openForRead(indexDirOf(cache));
  if (!store) throw new Error(`no committed index under ${cache}`);
  // Catalog layout 3 (src/core/index/indexState.ts): a header line with the numbers of
  // skipped files and files, a line per skipped file, then a line per file with its chunks
  // as arrays [slot, kind, name, container, doc, startLine, endLine, ...].
  const [header, ...lines] = (await store.readPart('catalog')).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as unknown);
  const { version, skipped, files: fileCount } = header as { version: number; skipped: number; files: number };
  if (version !== 3) throw new Error(`catalog version ${version}: this helper reads version 3`);
  const files = lines.slice(skipped) as { path: string; chunks: [number, string, string, string[], string, number, number, ...unknown[]][] }[];
  if (files.length !== fileCount) throw new Error(`the catalog lists ${files.length} files, its header says ${fileCount}`);
  const problems: string[] = [];
  const slotOwner = new Map<number, string>();
  const chunks: string[] = [];
  for (const f of files) {
    for (const [slot, , , , , startLine, endLine] of f.chunks) {
      const owner = slotOwner.get(slot);
      if (owner !== undefined) problems.push(`slot ${slot} holds chunks of ${owner} and ${f.path}`);
      slotOwner.set(slot, f.path);
      chunks.push(`${f.path}:${startLine}-${endLine}`);
    }
  }
  chunks.sort();
  for (let i = 1; i < chunks.length; i++) if (chunks[i] === chunks[i - 1]) problems.push(`duplicated chunk ${chunks[i]}`);
  return { chunks, files: files.map((f) => f.path).sort(), problems };
}

/** Every file under `dir`, recursively (for grepping an index folder). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
