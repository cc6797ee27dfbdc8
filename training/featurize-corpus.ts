/**
 * Bulk featurizer for training: the TypeScript port (bit-identical to features.py, see the
 * golden test) is ~50x faster than the Python reference on a large corpus.
 *
 * usage: node --import tsx training/featurize-corpus.ts <in.jsonl> <field> <out-prefix>
 * writes <out-prefix>.off (int64, N+1 offsets), .ids (int32), .w (float32)
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { featurize, loadFeaturizerConfig } from '../src/core/embed/featurize';

async function main(): Promise<void> {
  const [input, field, out] = process.argv.slice(2);
  const config = loadFeaturizerConfig(
    join(process.env.QUARRY_TRAIN_MODEL_DIR ?? join(__dirname, '..', 'models', 'quarry-code'), 'featurizer.json'),
  );
  const offsets: number[] = [0];
  const idChunks: Int32Array[] = [];
  const wChunks: Float32Array[] = [];
  let total = 0;
  const rl = createInterface({ input: createReadStream(input), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    const f = featurize(String(JSON.parse(line)[field] ?? ''), config);
    idChunks.push(f.ids);
    wChunks.push(f.weights);
    total += f.ids.length;
    offsets.push(total);
  }
  const ids = new Int32Array(total);
  const w = new Float32Array(total);
  let k = 0;
  for (let i = 0; i < idChunks.length; i++) {
    ids.set(idChunks[i], k);
    w.set(wChunks[i], k);
    k += idChunks[i].length;
  }
  writeFileSync(out + '.off', Buffer.from(new BigInt64Array(offsets.map(BigInt)).buffer));
  writeFileSync(out + '.ids', Buffer.from(ids.buffer));
  writeFileSync(out + '.w', Buffer.from(w.buffer));
  console.log(`${out}: ${offsets.length - 1} texts, ${total} features`);
}

void main();
