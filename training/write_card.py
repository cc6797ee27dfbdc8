"""Writes models/quarry-code/README.md (the model card) from the training run's figures:
work/model.pt (steps, minutes, settings), work/stats.json, work/docbench-scores.json and
work/speed.json (bench-speed.ts output)."""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, 'work')
MODEL_DIR = os.environ.get('QUARRY_TRAIN_MODEL_DIR') or os.path.join(HERE, '..', 'models', 'quarry-code')


def engine_speed_lines():
    """work/speed-engine.json: `bench/model-speed.ts` (the engine's Embedder, one worker of one thread)."""
    path = os.path.join(WORK, 'speed-engine.json')
    if not os.path.exists(path):
        return []
    e = json.load(open(path))
    return [f"Inside the engine (`bench/model-speed.ts`: the Embedder's worker thread and batching, one worker of one thread, "
            f"pinned to one core; {e['chunks']:,} chunks of {e['repos']} repositories cut by the engine's chunker, {e['avgChars']} characters "
            f"on average): {e['medianChunksPerSec']:,} chunks/s wall, {e['medianChunksPerCpuSec']:,} per CPU-second (medians of {e['runs']} runs).", '']


def main():
    run = torch.load(os.path.join(WORK, 'model.pt'))
    stats = json.load(open(os.path.join(WORK, 'stats.json')))
    scores = json.load(open(os.path.join(WORK, 'docbench-scores.json')))
    speed = json.load(open(os.path.join(WORK, 'speed.json')))
    cfg = json.load(open(os.path.join(MODEL_DIR, 'featurizer.json')))
    size = os.path.getsize(os.path.join(MODEL_DIR, 'model.onnx'))
    a = run['args']
    langs = sorted(stats['by_language'])
    s256 = scores['256']
    L = ['# quarry-code: the default embedding model', '',
         f"`{cfg['modelId']}` — a lexical-dense encoder: text -> hashed sparse features -> learned embedding table",
         '(weighted sum) -> L2-normalised 256-d vector. No tokenizer, no transformer: it embeds thousands of',
         'chunks per second on one CPU core. Trained and shipped by this repository (`training/`).', '',
         '## Interface', '',
         '- `featurizer.json`: the feature configuration (read by `loadFeaturizerConfig()` in',
         '  `src/core/embed/featurize.ts`; the spec is in that file\'s header and in `training/features.py`).',
         '- `model.onnx` inputs: `ids` int64 [B, L] bucket ids (0-padded), `weights` float32 [B, L] (0 for',
         '  padding) — exactly what `featurizeBatch()` returns. Output: `embeddings` float32 [B, 256],',
         '  L2-normalised; a text without any feature gives the zero vector.',
         '- Matryoshka: the first 64 or 128 dimensions, re-normalised, are usable on their own.',
         '- Queries and documents are featurized and embedded alike (one shared table). A document is the',
         '  chunk\'s situated text `<path>\\n<container.name>\\n<signature>\\n<doc>\\n<body>`.', '',
         '## Architecture and size', '',
         f"- Features: lowercase words; identifiers kept whole and split on camelCase / PascalCase / snake_case /",
         f"  digits; code-point trigrams of parts of >= {cfg['minTrigramPartLength']} characters; bigrams of consecutive parts;",
         f"  FNV-1a 32-bit over UTF-8 of `<type>:<token>` mod {cfg['numBuckets']} buckets; weight 1 + ln(tf);",
         f"  first {cfg['maxTokens']} words of a text.",
         f"- Table {cfg['numBuckets']} x {cfg['dimension']}, stored int8 with a per-row fp32 scale (dequantised inside",
         '  the graph: Gather -> Cast, scale folded into the weights, batched MatMul, L2 norm).',
         f"- model.onnx: {size:,} bytes ({size / 2**20:.1f} MiB).", '',
         '## Training', '',
         f"- Data: {run['pairs']:,} (query, document) pairs from npm and Debian packages: doc comment ->",
         '  code with the doc removed, function-name words -> code, Markdown heading -> section.',
         '  Reserved evaluation projects excluded (by packaging, vendored path and function hash).',
         '  Full list of sources with versions and the recipe: `training/DATA.md`.', '',
         '| language | pairs | | language | pairs |', '|---|---:|---|---|---:|']
    rows = [(l, sum(stats['by_language'][l].values())) for l in langs]
    half = (len(rows) + 1) // 2
    for i in range(half):
        r2 = rows[i + half] if i + half < len(rows) else ('', '')
        L.append(f'| {rows[i][0]} | {rows[i][1]:,} | | {r2[0]} | {r2[1] if r2[1] == "" else f"{r2[1]:,}"} |')
    if stats['train_pairs'] != run['pairs']:
        L += ['', f"(Table: the current `build_dataset.py`, {stats['train_pairs']:,} pairs; the shipped run saw {run['pairs']:,}, before a",
              'filter of lint directives and misparsed Rust fields was added.)']
    L += ['', 'Zig: none (its std lib and ZLS are reserved; no other Zig sources in the registries reached).',
          'Thin: bash, Elixir, Swift, Lua, Haskell.', '',
          f"- Objective: InfoNCE with in-batch negatives (batch {a['batch']}), both directions, temperature",
          f"  {a['temperature']}, Matryoshka (mean of the losses at 64/128/256 dims); {a.get('same_language', 0.0):.0%} of the pairs",
          "  are batched with pairs of their own language only (harder in-batch negatives), the rest at random.",
          f"- Optimiser: Adam, lr {a['lr']} (100-step warm-up, linear decay), fp32 table initialised N(0, 0.05);",
          f"  during training only, a document keeps its first 768 features and a query its first 256, and each",
          f"  feature is dropped with probability {a.get('dropout', 0.0)} (feature dropout).",
          f"- Run: {run['steps']} steps ({run['steps'] * a['batch'] / run['pairs']:.1f} epochs) in {run['minutes']:.1f} min on a shared",
          "  2-core CPU (Debian python3-torch 1.13, 2 threads).", '',
          '## Scores', '',
          f"docbench (`bench/docbench/docbench.jsonl`, {s256['queries']:,} held-out functions from packages that are",
          'not in training, 18 languages; query = first sentence of the doc, the doc blanked from the code):',
          'dense only, MRR@10.', '',
          '| dims | mean over languages (each ranks within its language) | all languages mixed |', '|---:|---:|---:|']
    for d in ('64', '128', '256'):
        L.append(f"| {d} | {scores[d]['mean_over_languages']:.3f} | {scores[d]['all_mixed']:.3f} |")
    # work/selection.json: the runs docbench chose between, [{"run": "...", "mean": m, "mixed": x, "shipped": bool}]
    sel = os.path.join(WORK, 'selection.json')
    if os.path.exists(sel):
        runs = json.load(open(sel))
        L += ['', 'Model selection: runs tried, with docbench at 256-d (mean over languages / all mixed); a run is shipped',
              'only if it is better on the semble benchmark in hybrid mode and not worse on docbench:', '']
        L += [f"- {r['run']}: {r['mean']:.3f} / {r['mixed']:.3f}{' (shipped)' if r.get('shipped') else ''}" for r in runs]
    L += ['', 'Per language (256-d): ' + ', '.join(f'{k} {v:.3f}' for k, v in s256['per_language'].items()) + '.', '',
          f"Speed (`training/bench-speed.ts`, onnxruntime-node, intraOpNumThreads 1, batches of {speed['batch']} run as sorted sub-batches of at most 4,096 padded features as in the engine, "
          f"{speed['chunks']:,} chunks of 40 lines, {speed['avgChars']} characters and {speed['avgFeatures']} features on average):",
          f"model {speed['onnxPerSec']:,} chunks/s, featurizer {speed['featurizePerSec']:,} chunks/s, both {speed['endToEndPerSec']:,} chunks/s",
          f"(wall clock; per CPU-second of the process: {speed['onnxPerCpuSec']:,} / {speed['featurizePerCpuSec']:,} / {speed['endToEndPerCpuSec']:,}).", '',
          *engine_speed_lines(),
          '## Rebuild', '', '`bash training/build.sh` (see `training/README.md`): fetch -> harvest -> train -> export -> golden',
          'fixture -> docbench -> speed. The golden test `test/unit/featurize-golden.test.ts` checks that the',
          'TypeScript featurizer matches the Python one exactly and that onnxruntime-node matches torch within 1e-4.', '',
          '## Limitations', '',
          '- Bag of features: word order is only seen through bigrams; no deep paraphrase understanding. Pair it',
          '  with the lexical channel (hybrid), as the engine does.',
          '- Mostly English docs. Zig has no training data; bash, Elixir, Swift, Lua and Haskell are thin.',
          f"- Hash collisions: {cfg['numBuckets']:,} buckets shared by words, trigrams and bigrams.", '',
          '## Licence notes', '',
          'The weights are a statistical summary (hashed-feature embeddings) of open-source code and documentation',
          'distributed by the npm registry and Debian main (licences: MIT, BSD, Apache-2.0, GPL/LGPL, MPL and',
          'others, per package); no source text is contained in or recoverable as such from the model. Package',
          'list with versions: `training/DATA.md`. The model and scripts are released under this repository\'s licence.']
    open(os.path.join(MODEL_DIR, 'README.md'), 'w').write('\n'.join(L) + '\n')
    print('wrote model card')


if __name__ == '__main__':
    main()
