"""Pairs -> training set + held-out docbench.

Reads work/pairs/*.jsonl, drops pairs whose code or doc hash occurs in the reserved projects
(work/reserved.hashes), deduplicates by normalised code, caps each package, and moves the
held-out packages (holdout.txt) into bench/docbench/docbench.jsonl: a CodeSearchNet-style
docstring -> function benchmark (query = first sentence of the doc; the doc is blanked out of
the corpus text).

usage: build_dataset.py  ->  work/train.jsonl, work/stats.json, bench/docbench/docbench.jsonl
"""
import collections
import glob
import json
import os
import random
import re

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, 'work')
BENCH = os.path.join(HERE, '..', 'bench', 'docbench')
MAX_PER_PACKAGE = 15000
MAX_NAME_SHARE = 0.15
MAX_DOC_CHARS = 6000
BENCH_PER_LANG = 400
BENCH_MAX_CHARS = 2500
# lint directives and extraction misfires (a Rust `pub(crate)` field read as a function `pub`)
NOISE_QUERY = re.compile(r'^\s*(swiftlint|eslint|tslint|pylint|rubocop|noinspection|nolint|noqa|type:\s*ignore|'
                         r'prettier-ignore|clang-format|NOLINT|@ts-|istanbul|c8 ignore|jshint|jscs)', re.I)
NOISE_NAMES = {'pub', 'if', 'for', 'while', 'switch', 'return'}


def holdout_rules():
    """{package: [path substrings]} ([] = the whole package) from holdout.txt."""
    out = collections.defaultdict(list)
    for line in open(os.path.join(HERE, 'holdout.txt')):
        line = line.split('#')[0].strip()
        if not line:
            continue
        pkg, _, sub = line.partition(':')
        out[pkg]
        if sub:
            out[pkg].append(sub)
    return out


def held_out(rules, pkg, doc):
    if pkg not in rules:
        return False
    subs = rules[pkg]
    path = doc.split('\n', 1)[0]
    return not subs or any(s in path for s in subs)


def main():
    reserved = set()
    rpath = os.path.join(WORK, 'reserved.hashes')
    if os.path.exists(rpath):
        reserved = set(open(rpath).read().split())
    hold = holdout_rules()
    seen = set()
    train, bench = [], []
    stats = collections.Counter()
    dropped = collections.Counter()
    versions = {}
    files = sorted(glob.glob(os.path.join(WORK, 'pairs', '*.jsonl')))
    rng = random.Random(13)
    # held-out packages first, so that their functions never reach training via a duplicate
    files.sort(key=lambda f: os.path.basename(f)[:-6] not in hold)
    for f in files:
        pkg = os.path.basename(f)[:-6]
        pairs = [json.loads(l) for l in open(f)]
        rng.shuffle(pairs)
        kept = 0
        names = 0
        for p in pairs:
            if NOISE_QUERY.search(p['q']) or p.get('name') in NOISE_NAMES:
                dropped['noise'] += 1
                continue
            if p['h'] in reserved or (p['dh'] and p['dh'] in reserved):
                dropped['reserved'] += 1
                continue
            if p['h'] in seen:
                if held_out(hold, pkg, p['d']):
                    dropped['duplicate of training (held out)'] += 1
                dropped['duplicate'] += 1
                continue
            seen.add(p['h'])
            if held_out(hold, pkg, p['d']):
                if p['src'] == 'doc' and p['lang'] != 'markdown' and len(p['fs']) >= 12:
                    bench.append(p)
                continue
            if kept >= MAX_PER_PACKAGE:
                dropped['package cap'] += 1
                continue
            if p['src'] == 'name':
                if names >= MAX_NAME_SHARE * max(kept, 100):
                    continue
                names += 1
            kept += 1
            train.append({'q': p['q'], 'd': p['d'][:MAX_DOC_CHARS], 'lang': p['lang'], 'src': p['src'], 'dh': p['dh']})
    # a held-out doc must not reach training through the same doc on other code
    bench_docs = {p['dh'] for p in bench if p['dh']}
    before = len(train)
    train = [p for p in train if not (p['dh'] and p['dh'] in bench_docs)]
    dropped['same doc as a held-out function'] = before - len(train)
    for p in train:
        del p['dh']
        stats[(p['lang'], p['src'])] += 1
    rng.shuffle(train)
    with open(os.path.join(WORK, 'train.jsonl'), 'w') as out:
        for p in train:
            out.write(json.dumps(p, ensure_ascii=False) + '\n')
    write_bench(bench, rng)
    by_lang = collections.defaultdict(dict)
    for (lang, src), n in stats.items():
        by_lang[lang][src] = n
    summary = {'train_pairs': len(train), 'by_language': by_lang, 'dropped': dict(dropped)}
    json.dump(summary, open(os.path.join(WORK, 'stats.json'), 'w'), indent=1, sort_keys=True)
    print(json.dumps(summary, indent=1, sort_keys=True))


def write_bench(bench, rng):
    os.makedirs(BENCH, exist_ok=True)
    by_lang = collections.defaultdict(list)
    for p in bench:
        by_lang[p['lang']].append(p)
    rows = []
    for lang in sorted(by_lang):
        items = by_lang[lang]
        rng.shuffle(items)
        for p in items[:BENCH_PER_LANG]:
            rows.append({'id': f'{p["pkg"]}:{len(rows)}', 'lang': lang, 'pkg': p['pkg'], 'query': p['fs'],
                         'text': p['d'][:BENCH_MAX_CHARS]})
    with open(os.path.join(BENCH, 'docbench.jsonl'), 'w') as out:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + '\n')
    counts = collections.Counter(r['lang'] for r in rows)
    print('docbench', len(rows), dict(counts))


if __name__ == '__main__':
    main()
