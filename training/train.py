"""Train the lexical-dense encoder: hashed features -> embedding bag (weighted sum) -> L2 norm.

Contrastive InfoNCE with in-batch negatives, both directions, Matryoshka (64/128/256), one
table shared by queries and documents. Exports model.onnx with an int8 table + per-row scale.

usage: train.py [--minutes 25] [--batch 1024] [--lr 0.003]
reads work/feat/{q,d}.{off,ids,w} (featurize-corpus.ts); writes work/model.pt, models/quarry-code/model.onnx
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, 'work')
MODEL_DIR = os.environ.get('QUARRY_TRAIN_MODEL_DIR') or os.path.join(HERE, '..', 'models', 'quarry-code')
CONFIG = json.load(open(os.path.join(MODEL_DIR, 'featurizer.json')))
DIMS = CONFIG['matryoshkaDimensions']
TRAIN_MAX_FEATURES = 768  # documents are cut to their first features during training only


def load_feats(prefix):
    off = np.fromfile(prefix + '.off', dtype=np.int64)
    ids = np.fromfile(prefix + '.ids', dtype=np.int32).astype(np.int64)
    w = np.fromfile(prefix + '.w', dtype=np.float32)
    return off, ids, w


def gather(feats, rows, cap, dropout=0.0, rng=None):
    """EmbeddingBag inputs for `rows`; with dropout, each feature's weight is zeroed with that probability."""
    off, ids, w = feats
    starts = off[rows]
    lens = np.minimum(off[rows + 1] - starts, cap)
    idx = np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lens)]) if len(rows) else np.zeros(0, np.int64)
    offsets = np.concatenate([[0], np.cumsum(lens)[:-1]])
    weights = w[idx]
    if dropout > 0:
        weights = weights * (rng.random(len(weights)) >= dropout).astype(np.float32)
    return torch.from_numpy(ids[idx]), torch.from_numpy(offsets), torch.from_numpy(weights)


class Encoder(torch.nn.Module):
    def __init__(self, buckets, dim):
        super().__init__()
        self.bag = torch.nn.EmbeddingBag(buckets, dim, mode='sum')
        torch.nn.init.normal_(self.bag.weight, std=0.05)

    def forward(self, ids, offsets, weights):
        return self.bag(ids, offsets, per_sample_weights=weights)


def info_nce(q, d, temperature):
    loss = 0.0
    target = torch.arange(q.shape[0])
    for dim in DIMS:
        qn = F.normalize(q[:, :dim], dim=1)
        dn = F.normalize(d[:, :dim], dim=1)
        logits = qn @ dn.T / temperature
        loss = loss + 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
    return loss / len(DIMS)


def load_languages():
    """The language of each training pair (work/train.jsonl, the order of the feature files)."""
    with open(os.path.join(WORK, 'train.jsonl')) as f:
        return np.array([json.loads(line)['lang'] for line in f if line.strip()])


def plan_batches(n, batch, rng, langs=None, same_language=0.0):
    """One epoch of batches: random ones, and with `same_language` > 0 that share of the pairs in batches
    of a single language (a language too small for a whole batch joins the random ones)."""
    perm = rng.permutation(n)
    batches = []
    if langs is not None and same_language > 0:
        chosen = perm[rng.random(n) < same_language]
        rest = [perm[~np.isin(perm, chosen)]]
        for lang in np.unique(langs[chosen]):
            idx = chosen[langs[chosen] == lang]
            whole = len(idx) // batch * batch
            batches += [idx[b:b + batch] for b in range(0, whole, batch)]
            rest.append(idx[whole:])
        perm = rng.permutation(np.concatenate(rest))
    batches += [perm[b:b + batch] for b in range(0, len(perm) - batch + 1, batch)]
    return [batches[i] for i in rng.permutation(len(batches))]


def save(model, step, epoch, t0, args, n, path):
    torch.save({'weight': model.bag.weight.detach().clone(), 'steps': step, 'epochs_done': epoch,
                'minutes': (time.time() - t0) / 60, 'args': vars(args), 'pairs': n}, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=25)
    ap.add_argument('--batch', type=int, default=1024)
    ap.add_argument('--lr', type=float, default=0.003)
    ap.add_argument('--temperature', type=float, default=0.05)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--dropout', type=float, default=0.0, help='feature dropout (training only)')
    ap.add_argument('--feat', default=os.path.join(WORK, 'feat'), help='folder of q.* and d.* (featurize-corpus.ts)')
    ap.add_argument('--out', default=os.path.join(WORK, 'model.pt'))
    ap.add_argument('--epoch-checkpoints', action='store_true', help='also save <out>.epochN after each epoch')
    ap.add_argument('--same-language', type=float, default=0.0,
                    help='share of pairs batched with pairs of their own language only (harder in-batch negatives)')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    q = load_feats(os.path.join(args.feat, 'q'))
    d = load_feats(os.path.join(args.feat, 'd'))
    n = len(q[0]) - 1
    print(f'{n} pairs; budget {args.minutes} min', flush=True)
    model = Encoder(CONFIG['numBuckets'], CONFIG['dimension'])
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(0)
    budget = args.minutes * 60
    t0 = time.time()
    step = 0
    epoch = 0
    avg = None
    langs = load_languages() if args.same_language > 0 else None
    while time.time() - t0 < budget:
        batches = plan_batches(n, args.batch, rng, langs, args.same_language)
        for rows in batches:
            frac = (time.time() - t0) / budget
            if frac >= 1:
                break
            for g in opt.param_groups:
                g['lr'] = args.lr * min(1.0, (step + 1) / 100) * max(0.05, 1 - frac)
            eq = model(*gather(q, rows, 256, args.dropout, rng))
            ed = model(*gather(d, rows, TRAIN_MAX_FEATURES, args.dropout, rng))
            loss = info_nce(eq, ed, args.temperature)
            opt.zero_grad()
            loss.backward()
            opt.step()
            avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
            step += 1
            if step % 50 == 0:
                print(f'epoch {epoch} step {step} loss {avg:.4f} {time.time() - t0:.0f}s', flush=True)
        epoch += 1
        if args.epoch_checkpoints:
            save(model, step, epoch, t0, args, n, f'{args.out}.epoch{epoch}')
    save(model, step, epoch, t0, args, n, args.out)
    minutes = (time.time() - t0) / 60
    print(f'done: {step} steps, {minutes:.1f} min', flush=True)


if __name__ == '__main__':
    main()
