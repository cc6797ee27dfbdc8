#!/usr/bin/env bash
# Rebuilds the default model from registry packages, end to end:
#   fetch -> unpack -> reserved hash set -> pairs -> dataset + docbench -> features -> train
#   -> export ONNX -> golden fixture -> docbench score -> speed
# Needs: Debian python3-torch and python3-numpy (apt), node + this repo's node_modules, network
# access to the npm registry and Debian's archive. Everything downloaded lands in training/work/.
# TRAIN_MINUTES (default 35, as for the shipped model) bounds the training itself on a 2-core CPU.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
MIN=${TRAIN_MINUTES:-35}
bash fetch.sh sources.txt
bash fetch-reserved.sh
$PY harvest.py unpack
$PY harvest.py reserved          # reserved projects: npm/Debian packagings + ../../semble checkouts if present
$PY harvest.py pairs
$PY build_dataset.py
mkdir -p work/feat
node --import tsx featurize-corpus.ts work/train.jsonl q work/feat/q
node --import tsx featurize-corpus.ts work/train.jsonl d work/feat/d
$PY train.py --minutes "$MIN" --lr 0.01 --same-language 0.5
$PY export.py
$PY make_golden.py
$PY eval_docbench.py
node --import tsx bench-speed.ts 64 4000 | tee work/speed.json
$PY write_data_md.py
$PY write_card.py
