/**
 * Embedding speed of the default model inside the engine: real chunks from the engine's own
 * discovery + parser + chunker (the situated texts the indexer embeds) go through the real
 * Embedder (worker thread, batching, ordering) with one worker of one intra-op thread.
 *
 * Reports, per run and as medians: wall chunks/s, and chunks per CPU-second of the whole
 * process (main thread + worker: process.cpuUsage covers every thread), the honest figure
 * when other work shares the machine. Pin it to one core for the one-core figure:
 *
 *   taskset -c 1 node --import tsx bench/model-speed.ts ROOT... [--chunks 4000] [--runs 5]
 *
 * Each root gives an equal share of the chunks (the first files of its walk).
 *
 * QUARRY_MODELS_DIR points it at another models folder (a candidate model). For execution
 * providers and other models (a GPU machine, a bring-your-own encoder):
 *
 *   --model DIR        any model folder the engine accepts (default: the shipped model)
 *   --provider NAME    auto, cuda, webgpu, dml, coreml or cpu (default: cpu)
 *   --workers N, --threads N, --batch N   the Embedder's parallelism and batch size
 *   --agree-with NAME  also embeds the texts on provider NAME and prints the lowest cosine
 *                      between the two providers' vectors (same model, same texts)
 */
import { readFile } from 'node:fs/promises';
import { parseArgs as parseCli } from 'node:util';
import { discoverFiles } from '../src/core/discover/walk';
import { decodeText } from '../src/core/discover/content';
import { createEmbedder, type Embedder } from '../src/core/embed/embedder';
import type { ProviderChoice } from '../src/core/embed/protocol';
import { embeddingText } from '../src/core/index/chunkText';
import { SymbolParser } from '../src/core/parse/symbols';
import { chunkFile } from '../src/core/parse/chunker';

interface Options {
  roots: string[];
  chunks: number;
  runs: number;
  model: string;
  provider: ProviderChoice;
  workers: number;
  threads: number;
  batch?: number;
  agreeWith?: ProviderChoice;
}

function parseArgs(argv: string[]): Options {
  const { values, positionals } = parseCli({
    args: argv, allowPositionals: true,
    options: {
      chunks: { type: 'string', default: '4000' }, runs: { type: 'string', default: '5' },
      model: { type: 'string', default: 'default' }, provider: { type: 'string', default: 'cpu' },
      workers: { type: 'string', default: '1' }, threads: { type: 'string', default: '1' },
      batch: { type: 'string' }, 'agree-with': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('usage: model-speed.ts ROOT... [--chunks N] [--runs N] [--model DIR] [--provider NAME] [--agree-with NAME]');
  return {
    roots: positionals, chunks: Number(values.chunks), runs: Number(values.runs), model: values.model!,
    provider: values.provider as ProviderChoice, workers: Number(values.workers), threads: Number(values.threads),
    batch: values.batch === undefined ? undefined : Number(values.batch), agreeWith: values['agree-with'] as ProviderChoice | undefined,
  };
}

/** The situated texts of the first `count` chunks of the tree, as the indexer would embed them. */
async function engineTexts(parser: SymbolParser, root: string, count: number): Promise<string[]> {
  const { files } = await discoverFiles(root);
  const texts: string[] = [];
  for (const file of files) {
    if (texts.length >= count) break;
    const text = decodeText(await readFile(file.absPath));
    const outcome = await parser.parse(text, file.language);
    for (const chunk of chunkFile(file.relPath, file.language, text, outcome.symbols)) texts.push(embeddingText(chunk));
  }
  return texts.slice(0, count);
}

/** The lowest cosine between two embedders' vectors of the same texts (the other is disposed). */
async function lowestCosine(embedder: Embedder, other: Embedder, texts: string[]): Promise<number> {
  try {
    const [a, b] = [await embedder.embedDocuments(texts), await other.embedDocuments(texts)];
    let lowest = 1;
    for (let i = 0; i < texts.length; i++) {
      let dot = 0, na = 0, nb = 0;
      for (let d = 0; d < a[i].length; d++) { dot += a[i][d] * b[i][d]; na += a[i][d] ** 2; nb += b[i][d] ** 2; }
      if (na > 0 && nb > 0) lowest = Math.min(lowest, dot / Math.sqrt(na * nb));
    }
    return lowest;
  } finally {
    await other.dispose();
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const parser = await SymbolParser.create();
  const perRoot = Math.ceil(options.chunks / options.roots.length);
  const texts: string[] = [];
  for (const root of options.roots) texts.push(...await engineTexts(parser, root, perRoot));
  const avgChars = texts.reduce((s, t) => s + t.length, 0) / texts.length;
  const open = (provider: ProviderChoice): Promise<Embedder> => createEmbedder({
    model: options.model, provider, workers: options.workers, threads: options.threads, batchSize: options.batch, log: () => undefined,
  });
  const embedder = await open(options.provider);
  try {
    await embedder.embedDocuments(texts.slice(0, 256)); // warm-up: JIT and first allocations
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await embedder.embedDocuments(texts);
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(c0);
      const cpuSeconds = (used.user + used.system) / 1e6;
      wall.push(texts.length / seconds);
      cpu.push(texts.length / cpuSeconds);
      process.stderr.write(`run ${run + 1}: ${Math.round(texts.length / seconds)} chunks/s wall, ${Math.round(texts.length / cpuSeconds)} per CPU-second\n`);
    }
    const agreement = options.agreeWith ? await lowestCosine(embedder, await open(options.agreeWith), texts.slice(0, 512)) : undefined;
    console.log(JSON.stringify({
      model: embedder.info.modelId, provider: embedder.info.provider, workers: options.workers, threads: options.threads,
      ...(agreement === undefined ? {} : { agreeWith: options.agreeWith, lowestCosine: Number(agreement.toFixed(5)) }),
      chunks: texts.length, avgChars: Math.round(avgChars), runs: options.runs,
      medianChunksPerSec: Math.round(median(wall)), medianChunksPerCpuSec: Math.round(median(cpu)),
      wall: wall.map(Math.round), perCpuSec: cpu.map(Math.round),
    }));
  } finally {
    await embedder.dispose();
  }
}

void main();
