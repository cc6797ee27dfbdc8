/**
 * The CPU floor of indexing a corpus: each step of a cold index timed on its own, on one
 * thread, on a second pass over the files (grammars loaded, queries compiled, code
 * optimised), with none of the costs of running in parallel (messages between threads,
 * several heaps). Their sum is what the cores must spend at the least; set against the
 * CPU a chunks/s target allows, it says whether a better split of the work could reach it.
 * Bundled and run by `node bench/perf/floor.mjs`; prints one JSON line.
 *
 *   node floor.js <root> <model: none|default>
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { classifyContent, decodeText } from '../../src/core/discover/content';
import { discoverFiles } from '../../src/core/discover/walk';
import { featurize, loadFeaturizerConfig } from '../../src/core/embed/featurize';
import { FeaturizedEncoder } from '../../src/core/embed/featurizedEncoder';
import { resolveModelSource } from '../../src/core/embed/modelSource';
import { sessionOptions } from '../../src/core/embed/providers';
import { sha1Hex } from '../../src/core/hashing';
import { embeddingText, lexicalTerms } from '../../src/core/index/chunkText';
import { IndexState } from '../../src/core/index/indexState';
import type { ChunkTerms } from '../../src/core/index/lexical';
import { VectorIndex } from '../../src/core/index/vectors';
import { chunkFile } from '../../src/core/parse/chunker';
import { SymbolParser } from '../../src/core/parse/symbols';
import { lineStartBytes } from '../../src/core/prepare/lineOffsets';
import type { HashedChunk } from '../../src/core/prepare/prepareChunks';
import type { DiscoveredFile } from '../../src/core/types';
import { since } from './stats';

/** The throughput target of the performance issue, for the budget line. */
const TARGET_CHUNKS_PER_SECOND = 10_000;
/** Texts per session call, as the embedder's batches of files give about. */
const EMBED_BATCH = 256;

/** A discovered file with its decoded text. */
type SourceFile = DiscoveredFile & { text: string };

type Prepared = { file: SourceFile; chunks: HashedChunk[]; terms: ChunkTerms[] };

/** Milliseconds by step, summed over files. */
type Steps = Record<string, number>;

async function readSources(root: string, steps: Steps): Promise<SourceFile[]> {
  let t = performance.now();
  const { files } = await discoverFiles(root);
  steps.discover = since(t);
  t = performance.now();
  const sources: SourceFile[] = [];
  for (const file of files) {
    // Read synchronously: this thread's time is the read's CPU, with no wait on the thread pool.
    let bytes: Buffer | undefined;
    try {
      bytes = readFileSync(file.absPath);
    } catch {
      continue;
    }
    if (classifyContent(file.relPath, bytes)) continue;
    sha1Hex(bytes); // the content hash that decides what is re-indexed
    sources.push({ ...file, text: decodeText(bytes) });
  }
  steps.readHashDecode = since(t);
  return sources;
}

/**
 * prepareChunks' steps (src/core/prepare/prepareChunks.ts: parse, chunk, hash, count terms),
 * spelled out here so that each is timed on its own: change one, change both.
 */
async function prepareAll(parser: SymbolParser, sources: SourceFile[], steps: Steps): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  for (const file of sources) {
    let t = performance.now();
    const outcome = await parser.parse(file.text, file.language);
    steps.treeSitter += performance.now() - t;
    t = performance.now();
    const chunked = chunkFile(file.relPath, file.language, file.text, outcome.symbols);
    const startBytes = lineStartBytes(file.text, chunked.map((c) => c.startLine));
    steps.chunk += performance.now() - t;
    t = performance.now();
    const chunks = chunked.map((c, i) => ({ ...c, textHash: sha1Hex(embeddingText(c)), startByte: startBytes[i] }));
    steps.chunkHash += performance.now() - t;
    t = performance.now();
    const terms = chunks.map(lexicalTerms);
    steps.lexicalTerms += performance.now() - t;
    prepared.push({ file, chunks, terms });
  }
  return prepared;
}

/** Featurizing and the onnxruntime session (one intra-op thread), timed apart. */
async function embedAll(prepared: Prepared[], steps: Steps): Promise<{ vectors: Float32Array[][]; dim: number; matryoshka: number[] }> {
  const source = await resolveModelSource('default');
  if (source.kind !== 'featurized') throw new Error('the default model is expected to be featurized');
  const config = loadFeaturizerConfig(source.featurizerPath);
  const encoder = await FeaturizedEncoder.load(source.featurizerPath);
  const session = await ort.InferenceSession.create(source.modelPath, sessionOptions('cpu', 1));
  const texts = prepared.flatMap((p) => p.chunks.map(embeddingText));
  const flat: Float32Array[] = [];
  let dim = 0;
  steps.featurize = 0;
  steps.onnxSession = 0;
  try {
    for (let i = 0; i < texts.length; i += EMBED_BATCH) {
      const batch = texts.slice(i, i + EMBED_BATCH);
      let t = performance.now();
      for (const text of batch) featurize(text, config);
      const featurizeMs = performance.now() - t;
      t = performance.now();
      const encoded = await encoder.embed(session, batch, 'document'); // featurizes again, then runs the session
      steps.featurize += featurizeMs;
      steps.onnxSession += Math.max(0, performance.now() - t - featurizeMs);
      dim = encoded.dim;
      for (let r = 0; r < batch.length; r++) flat.push(encoded.vectors.subarray(r * dim, (r + 1) * dim));
    }
  } finally {
    await session.release();
  }
  let at = 0;
  const vectors = prepared.map((p) => p.chunks.map(() => flat[at++]));
  return { vectors, dim, matryoshka: config.matryoshkaDimensions };
}

/** The main thread's own part: chunk table, lexical index and vectors, as the indexer adds them. */
async function buildIndex(prepared: Prepared[], embedded: Awaited<ReturnType<typeof embedAll>> | undefined, steps: Steps): Promise<void> {
  const t = performance.now();
  const state = new IndexState(embedded ? new VectorIndex(embedded.dim, { matryoshkaDims: embedded.matryoshka }) : undefined);
  prepared.forEach(({ file, chunks, terms }, i) => {
    state.putFile({ path: file.relPath, language: file.language, size: file.size, mtimeMs: file.mtimeMs, contentHash: '' }, chunks, embedded?.vectors[i], terms);
  });
  await state.foldLexicalTail();
  await state.catchUpVectorGraph();
  steps.indexBuild = since(t);
  steps.vectorInserts = Math.round(state.vectorInsertMs);
}

async function main(): Promise<void> {
  const [root, model = 'none'] = process.argv.slice(2);
  if (!root) throw new Error('usage: floor.js <root> <model: none|default>');
  const parser = await SymbolParser.create();
  const warmUp: Steps = { discover: 0, readHashDecode: 0 };
  const sources = await readSources(root, warmUp);
  parser.expectSourceBytes(sources.reduce((bytes, f) => bytes + f.size, 0)); // as the indexer does
  // The first pass pays what each parse worker pays once: grammars, queries, unoptimised code.
  const coldSteps: Steps = { treeSitter: 0, chunk: 0, chunkHash: 0, lexicalTerms: 0 };
  const coldCpuBefore = process.cpuUsage();
  await prepareAll(parser, sources, coldSteps);
  const coldCpu = process.cpuUsage(coldCpuBefore);
  const steps: Steps = { discover: 0, readHashDecode: 0, treeSitter: 0, chunk: 0, chunkHash: 0, lexicalTerms: 0 };
  const cpuBefore = process.cpuUsage();
  const again = await readSources(root, steps);
  const prepared = await prepareAll(parser, again, steps);
  const embedded = model === 'default' ? await embedAll(prepared, steps) : undefined;
  await buildIndex(prepared, embedded, steps);
  const cpu = process.cpuUsage(cpuBefore);
  const chunks = prepared.reduce((n, p) => n + p.chunks.length, 0);
  // vectorInserts is part of indexBuild: not counted twice.
  const totalMs = Object.entries(steps).reduce((sum, [step, ms]) => (step === 'vectorInserts' ? sum : sum + ms), 0);
  const cores = os.availableParallelism();
  const rounded = (ms: Steps) => Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)]));
  process.stdout.write(JSON.stringify({
    root, model, files: again.length, chunks, stepsMs: rounded(steps), totalMs: Math.round(totalMs),
    /** The process's CPU over the same steps: the difference is other threads' (garbage collector, compiler, onnxruntime). */
    processCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    /** The CPU the target allows: chunks / target on every core. */
    /** The parse-side steps on the first pass, and the process's CPU over them. */
    coldPass: { stepsMs: rounded(coldSteps), processCpuMs: Math.round((coldCpu.user + coldCpu.system) / 1000) },
    targetCpuMs: Math.round((chunks / TARGET_CHUNKS_PER_SECOND) * cores * 1000),
    cores,
  }) + '\n');
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
