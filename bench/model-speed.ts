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
 * QUARRY_MODELS_DIR points it at another models folder (a candidate model).
 */
import { readFile } from 'node:fs/promises';
import { discoverFiles } from '../src/core/discover/walk';
import { decodeText } from '../src/core/discover/content';
import { createEmbedder } from '../src/core/embed/embedder';
import { embeddingText } from '../src/core/index/chunkText';
import { SymbolParser } from '../src/core/parse/symbols';
import { chunkFile } from '../src/core/parse/chunker';

interface Options {
  roots: string[];
  chunks: number;
  runs: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { roots: [], chunks: 4000, runs: 5 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--chunks') options.chunks = Number(argv[++i]);
    else if (argv[i] === '--runs') options.runs = Number(argv[++i]);
    else options.roots.push(argv[i]);
  }
  if (options.roots.length === 0) throw new Error('usage: model-speed.ts ROOT... [--chunks N] [--runs N]');
  return options;
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
  const embedder = await createEmbedder({ model: 'default', provider: 'cpu', workers: 1, threads: 1, log: () => undefined });
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
    console.log(JSON.stringify({
      model: embedder.info.modelId, chunks: texts.length, avgChars: Math.round(avgChars), runs: options.runs,
      medianChunksPerSec: Math.round(median(wall)), medianChunksPerCpuSec: Math.round(median(cpu)),
      wall: wall.map(Math.round), perCpuSec: cpu.map(Math.round),
    }));
  } finally {
    await embedder.dispose();
  }
}

void main();
