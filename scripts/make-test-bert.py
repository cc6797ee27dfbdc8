#!/usr/bin/env python3
"""Builds a BERT-architecture ONNX encoder with random weights, plus a hand-made WordPiece
tokenizer.json and quarry.json, so the "bring your own model" path can be tested without
downloading a model.

  python3 scripts/make-test-bert.py                       # tiny: test/fixtures/byo-model (committed)
  python3 scripts/make-test-bert.py --base --out DIR      # BERT-base-sized, for GPU timing (not committed)
  python3 scripts/make-test-bert.py --featurized          # small stand-in for the default model's ONNX contract

Needs Debian's python3-torch (1.13). transformers is not available, so the model is written
out by hand: embeddings (word + position + token type, LayerNorm), N encoder layers with
masked multi-head self-attention, output `last_hidden_state` [B, L, H]; pooling happens in
the embedder, as it does for most sentence-transformers exports.
"""
import argparse
import inspect
import json
import math
import os

import torch
from torch import nn

torch.set_num_threads(2)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
LETTERS = list("abcdefghijklmnopqrstuvwxyz")
DIGITS = list("0123456789")
# Whole words common in code and docs, so that most test text does not fall apart into letters.
WORDS = """the a an of to in is and or for with on by from as at be it this that not
def function return class self import export const let var if else while new null none true false
public private static void int string bool list dict map set get put add remove delete update
read write open close file path dir name value key item items index size length count error
parse load save http request response json config user data text line token query search
find match result test async await async await promise callback handler event stream buffer
sum total price cart order login password hash check valid retry timeout connect server client""".split()
SUFFIXES = ["s", "es", "ed", "ing", "er", "ers", "ion", "ly", "able", "ment", "ize", "ise"]


def build_vocab():
    # Continuation pieces: every letter and digit, so any ASCII word can be spelled out.
    pieces = ["##" + p for p in LETTERS + DIGITS + SUFFIXES]
    vocab = []
    for tok in SPECIALS + PUNCT + LETTERS + DIGITS + WORDS + pieces:
        if tok not in vocab:  # ids must stay dense: a duplicate would leave an id past the table
            vocab.append(tok)
    return {tok: i for i, tok in enumerate(vocab)}


def tokenizer_json(vocab):
    def special(tok, single_word=False):
        return {"id": vocab[tok], "content": tok, "single_word": single_word, "lstrip": False,
                "rstrip": False, "normalized": False, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(t) for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }


class Embeddings(nn.Module):
    def __init__(self, vocab_size, hidden, max_pos):
        super().__init__()
        self.word = nn.Embedding(vocab_size, hidden)
        self.position = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids)
        return self.norm(x)


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q, self.k, self.v = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, hidden)

    def split(self, x):
        b, l, _ = x.shape
        return x.view(b, l, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, mask_bias):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask_bias
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        b, _, l, _ = ctx.shape
        return self.out(ctx.transpose(1, 2).reshape(b, l, self.heads * self.head_dim))


class EncoderLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate):
        super().__init__()
        self.attn = SelfAttention(hidden, heads)
        self.norm1 = nn.LayerNorm(hidden, eps=1e-12)
        self.ff = nn.Sequential(nn.Linear(hidden, intermediate), nn.GELU(), nn.Linear(intermediate, hidden))
        self.norm2 = nn.LayerNorm(hidden, eps=1e-12)

    def forward(self, x, mask_bias):
        x = self.norm1(x + self.attn(x, mask_bias))
        return self.norm2(x + self.ff(x))


class Bert(nn.Module):
    def __init__(self, vocab_size, hidden, layers, heads, intermediate, max_pos):
        super().__init__()
        self.embeddings = Embeddings(vocab_size, hidden, max_pos)
        self.layers = nn.ModuleList([EncoderLayer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        # Padding keys get a large negative bias so no query attends to them.
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
        x = self.embeddings(input_ids, token_type_ids)
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x


class FeaturizedStub(nn.Module):
    """The default model's contract (ids int64 [B, L], weights float32 [B, L] -> embeddings
    [B, D], unit length, zero for no features) with a random bucket table: tests the
    featurized path without the trained model."""

    def __init__(self, buckets, dim):
        super().__init__()
        self.table = nn.Embedding(buckets, dim)

    def forward(self, ids, weights):
        x = (self.table(ids) * weights.unsqueeze(-1)).sum(dim=1)
        return x / x.norm(dim=-1, keepdim=True).clamp(min=1e-12)


def export_onnx(model, inputs, path, **kwargs):
    """The TorchScript exporter on every torch: from 2.9 torch.onnx.export defaults to the
    dynamo exporter, which writes external weight files and handles dynamic_axes differently."""
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    torch.onnx.export(model, inputs, path, **kwargs)


def write_featurized_stub(out):
    buckets, dim = 1024, 16
    os.makedirs(out, exist_ok=True)
    ids = torch.tensor([[1, 2, 0]], dtype=torch.int64)
    weights = torch.tensor([[1.0, 1.5, 0.0]])
    with torch.no_grad():
        export_onnx(FeaturizedStub(buckets, dim).eval(), (ids, weights), os.path.join(out, "model.onnx"),
                    input_names=["ids", "weights"], output_names=["embeddings"],
                    dynamic_axes={"ids": {0: "batch", 1: "features"}, "weights": {0: "batch", 1: "features"},
                                  "embeddings": {0: "batch"}},
                    opset_version=14)
    featurizer = {"version": 1, "modelId": "quarry-code-stub", "numBuckets": buckets, "maxTokens": 2000,
                  "maxTokenLength": 40, "minTrigramPartLength": 4, "features": ["word", "part", "trigram", "bigram"],
                  "hash": "fnv1a32-utf8", "weighting": "1+ln(tf)", "dimension": dim, "matryoshkaDimensions": [dim]}
    with open(os.path.join(out, "featurizer.json"), "w") as f:
        json.dump(featurizer, f, indent=2)
        f.write("\n")
    print("wrote", out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", action="store_true", help="BERT-base size: hidden 768, 12 layers, 12 heads")
    ap.add_argument("--featurized", action="store_true", help="stand-in for models/quarry-code (ids, weights -> embeddings)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    fixtures = os.path.join(here, "..", "test", "fixtures", "byo-model")
    torch.manual_seed(7)
    if args.featurized:
        # Laid out like a models/ folder, so QUARRY_MODELS_DIR can point at it.
        write_featurized_stub(args.out or os.path.join(fixtures, "models", "quarry-code"))
        return
    args.out = args.out or fixtures

    vocab = build_vocab()
    if args.base:
        # 30522 rows like bert-base-uncased, so the file size and memory traffic are realistic.
        dims = dict(vocab_size=30522, hidden=768, layers=12, heads=12, intermediate=3072, max_pos=512)
        max_length = 512
    else:
        dims = dict(vocab_size=len(vocab), hidden=32, layers=2, heads=4, intermediate=64, max_pos=128)
        max_length = 64
    model = Bert(**dims).eval()

    os.makedirs(args.out, exist_ok=True)
    ids = torch.tensor([[vocab["[CLS]"], 40, 41, vocab["[SEP]"]]], dtype=torch.int64)
    with torch.no_grad():
        export_onnx(
            model, (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            os.path.join(args.out, "model.onnx"),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in
                          ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
            opset_version=14,
        )
    with open(os.path.join(args.out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab), f, indent=1)
    quarry = {"pooling": "mean", "dim": dims["hidden"], "max_length": max_length,
              "query_prefix": "query: ", "document_prefix": "passage: "}
    with open(os.path.join(args.out, "quarry.json"), "w") as f:
        json.dump(quarry, f, indent=2)
        f.write("\n")
    print("wrote", args.out, "vocab", len(vocab), "dims", dims)


if __name__ == "__main__":
    main()
