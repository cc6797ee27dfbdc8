/**
 * Chunks per second of the shipped model on ONE CPU core (onnxruntime-node, intraOpNumThreads 1):
 * featurize + session.run on realistic ~40-line chunks cut from this repository's own sources,
 * batched as the engine's encoder does (a batch runs as sorted sub-batches: planRuns).
 * bench/model-speed.ts times the whole engine path (worker thread, real chunks).
 *
 * Reports wall-clock rates and rates per CPU-second of this process (the single-core figure
 * when other work shares the machine).
 *
 * usage: node --import tsx training/bench-speed.ts [batch=64] [chunks=4000]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { featurize, loadFeaturizerConfig, padFeatures } from '../src/core/embed/featurize';
import { planRuns } from '../src/core/embed/featurizedEncoder';
import { sessionOptions } from '../src/core/embed/providers';

const ROOT = join(__dirname, '..');
const LINES_PER_CHUNK = 40;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'work' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|js|mjs|py|go|rs|java|c|h)$/.test(name)) out.push(p);
  }
  return out;
}

function chunks(count: number): string[] {
  const out: string[] = [];
  const files = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'training'))];
  while (out.length < count) {
    for (const f of files) {
      const lines = readFileSync(f, 'utf8').split('\n');
      for (let i = 0; i + LINES_PER_CHUNK <= lines.length && out.length < count; i += LINES_PER_CHUNK) {
        out.push(`${f.slice(ROOT.length + 1)}\nname\n${lines[i]}\n\n${lines.slice(i, i + LINES_PER_CHUNK).join('\n')}`);
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const batchSize = Number(process.argv[2] ?? 64);
  const total = Number(process.argv[3] ?? 4000);
  const modelDir = process.env.QUARRY_TRAIN_MODEL_DIR ?? join(ROOT, 'models', 'quarry-code');
  const config = loadFeaturizerConfig(join(modelDir, 'featurizer.json'));
  const session = await ort.InferenceSession.create(join(modelDir, 'model.onnx'), sessionOptions('cpu', 1));
  const texts = chunks(total);
  const chars = texts.reduce((s, t) => s + t.length, 0) / texts.length;
  const feats = texts.reduce((s, t) => s + featurize(t, config).ids.length, 0) / texts.length;
  let featMs = 0;
  let runMs = 0;
  let featCpu = 0;
  let runCpu = 0;
  for (let round = 0; round < 2; round++) {
    featMs = 0;
    runMs = 0;
    featCpu = 0;
    runCpu = 0;
    for (let i = 0; i < texts.length; i += batchSize) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const features = texts.slice(i, i + batchSize).map((t) => featurize(t, config));
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      for (const run of planRuns(features)) {
        const b = padFeatures(run.map((k) => features[k]));
        await session.run({
          ids: new ort.Tensor('int64', b.ids, [b.batch, b.length]),
          weights: new ort.Tensor('float32', b.weights, [b.batch, b.length]),
        });
      }
      featMs += t1 - t0;
      runMs += performance.now() - t1;
      const c2 = process.cpuUsage();
      featCpu += (c1.user + c1.system - c0.user - c0.system) / 1000;
      runCpu += (c2.user + c2.system - c1.user - c1.system) / 1000;
    }
  }
  const n = texts.length;
  console.log(JSON.stringify({
    chunks: n, batch: batchSize, avgChars: Math.round(chars), avgFeatures: Math.round(feats),
    featurizePerSec: Math.round(n / (featMs / 1000)), onnxPerSec: Math.round(n / (runMs / 1000)),
    endToEndPerSec: Math.round(n / ((featMs + runMs) / 1000)),
    // per CPU-second: what one core gives when the machine is shared (wall figures above are then lower)
    featurizePerCpuSec: Math.round(n / (featCpu / 1000)), onnxPerCpuSec: Math.round(n / (runCpu / 1000)),
    endToEndPerCpuSec: Math.round(n / ((featCpu + runCpu) / 1000)),
  }));
  await session.release();
}

void main();
