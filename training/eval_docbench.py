"""Dense-only MRR@10 of the exported model on bench/docbench/docbench.jsonl.

Each query (a doc's first sentence) must find its own function among all functions of the
same language (the doc blanked out of every text); `all` ranks against the whole mixed corpus.
usage: eval_docbench.py [--dims 64,128,256]  -> prints JSON, writes work/docbench-scores.json
"""
import argparse
import collections
import json
import os

import torch
import torch.nn.functional as F

import export as X
import features as FT

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, '..', 'bench', 'docbench', 'docbench.jsonl')


def embed(model, texts, cfg, batch=256):
    out = []
    for i in range(0, len(texts), batch):
        feats = [FT.featurize(t, cfg) for t in texts[i:i + batch]]
        L = max(1, max(len(f[0]) for f in feats))
        ids = torch.zeros((len(feats), L), dtype=torch.int64)
        w = torch.zeros((len(feats), L), dtype=torch.float32)
        for r, (fi, fw) in enumerate(feats):
            ids[r, :len(fi)] = torch.tensor(fi, dtype=torch.int64)
            w[r, :len(fw)] = torch.tensor(fw, dtype=torch.float32)
        with torch.no_grad():
            out.append(model(ids, w))
    return torch.cat(out)


def mrr_at_10(qe, de, gold):
    sims = qe @ de.T
    top = sims.topk(min(10, de.shape[0]), dim=1).indices
    total = 0.0
    for i, g in enumerate(gold):
        hits = (top[i] == g).nonzero()
        if len(hits):
            total += 1.0 / (hits[0].item() + 1)
    return total / max(1, len(gold))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dims', default='64,128,256')
    ap.add_argument('--model', default=os.path.join(HERE, 'work', 'model.pt'))
    ap.add_argument('--out', default=os.path.join(HERE, 'work', 'docbench-scores.json'))
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg = json.load(open(os.path.join(X.MODEL_DIR, 'featurizer.json')))
    rows = [json.loads(l) for l in open(BENCH)]
    model = X.load(args.model)
    qe = embed(model, [r['query'] for r in rows], cfg)
    de = embed(model, [r['text'] for r in rows], cfg)
    scores = {}
    for dim in [int(x) for x in args.dims.split(',')]:
        q, d = F.normalize(qe[:, :dim], dim=1), F.normalize(de[:, :dim], dim=1)
        per = {}
        by_lang = collections.defaultdict(list)
        for i, r in enumerate(rows):
            by_lang[r['lang']].append(i)
        for lang, idx in sorted(by_lang.items()):
            t = torch.tensor(idx)
            per[lang] = round(mrr_at_10(q[t], d[t], list(range(len(idx)))), 4)
        mean = sum(per.values()) / len(per)
        scores[dim] = {'mean_over_languages': round(mean, 4), 'all_mixed': round(mrr_at_10(q, d, list(range(len(rows)))), 4),
                       'per_language': per, 'queries': len(rows)}
    print(json.dumps(scores, indent=1))
    json.dump(scores, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
