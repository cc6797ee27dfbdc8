"""Hashed sparse features of a text: the reference the TypeScript featurizer
(src/core/embed/featurize.ts) must match bit for bit.

Spec (featurizer version 1):
- Words are maximal runs of word code points: ASCII letters, digits and '_', plus any
  code point >= 0x80 outside the separator ranges below. Only the first `maxTokens` words
  are used; words longer than `maxTokenLength` code points give no feature.
- A word is cut into segments at '_' and at class changes (ASCII upper U, digit D, lower L
  where L also holds every non-ASCII word code point): lower->upper, any change to or from
  a digit, and before the last upper of an upper run followed by a lower (HTTPResponse ->
  HTTP, Response). Segments are lowercased (ASCII only). A segment is a kept *part* when it
  has >= 2 code points or its code point is >= 0x80.
- Features ('w:' word, 'c:' trigram, 'b:' bigram):
    * word with > 1 segment: 'w:' + the lowercased word without leading/trailing '_';
    * every kept part: 'w:' + part;
    * every kept part of >= minTrigramPartLength code points: 'c:' + each code-point
      trigram of '<' + part + '>';
    * consecutive kept parts a, b of the whole text: 'b:' + a + ' ' + b.
- Each distinct feature string (keyed by its 32-bit FNV-1a hash over UTF-8 bytes; lone
  surrogates encoded as 3 bytes) counts tf; output in order of first appearance:
  id = hash % numBuckets, weight = float32(1 + ln(tf)).
"""
import math

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193

# Inclusive code point ranges (>= 0x80) that separate words.
SEPARATOR_RANGES = [
    (0x80, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7), (0x2000, 0x206F), (0x2190, 0x2BFF),
    (0x3000, 0x303F), (0xD800, 0xDFFF), (0xFE00, 0xFE0F), (0xFE30, 0xFE4F), (0xFEFF, 0xFEFF),
    (0xFF00, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65), (0x1F000, 0x1FAFF),
]


def is_word_cp(c: int) -> bool:
    if c < 0x80:
        return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c == 95
    for lo, hi in SEPARATOR_RANGES:
        if lo <= c <= hi:
            return False
    return True


def fnv1a(s: str) -> int:
    h = FNV_OFFSET
    for b in s.encode('utf-8', 'surrogatepass'):
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFF
    return h


def _cls(ch: str) -> int:
    c = ord(ch)
    if 48 <= c <= 57:
        return 2  # D
    if 65 <= c <= 90:
        return 0  # U
    return 1  # L: ASCII lower and every non-ASCII word code point


def _lower(s: str) -> str:
    return ''.join(chr(ord(ch) + 32) if 'A' <= ch <= 'Z' else ch for ch in s)


def segments(word: str):
    out = []
    for piece in word.split('_'):
        n = len(piece)
        if n == 0:
            continue
        start = 0
        for i in range(1, n):
            a, b = _cls(piece[i - 1]), _cls(piece[i])
            cut = False
            if a != b:
                cut = not (a == 0 and b == 1)
            elif a == 0 and i + 1 < n and _cls(piece[i + 1]) == 1:
                cut = True
            if cut:
                out.append((piece[start:i], 0))
                start = i
        out.append((piece[start:], 0))
    return out


def words(text: str, max_tokens: int):
    out = []
    cur = []
    for ch in text:
        if is_word_cp(ord(ch)):
            cur.append(ch)
        elif cur:
            out.append(''.join(cur))
            cur = []
            if len(out) >= max_tokens:
                return out
    if cur and len(out) < max_tokens:
        out.append(''.join(cur))
    return out


def feature_strings(text: str, cfg: dict):
    """The feature strings of a text, in order, with repeats."""
    feats = []
    prev = None
    min_tri = cfg['minTrigramPartLength']
    for word in words(text, cfg['maxTokens']):
        if len(word) > cfg['maxTokenLength']:
            continue
        segs = segments(word)
        if len(segs) > 1:
            whole = _lower(word).strip('_')
            feats.append('w:' + whole)
        for seg, _ in segs:
            if len(seg) < 2 and ord(seg) < 0x80:
                continue
            part = _lower(seg)
            feats.append('w:' + part)
            if len(part) >= min_tri:
                padded = '<' + part + '>'
                for i in range(len(padded) - 2):
                    feats.append('c:' + padded[i:i + 3])
            if prev is not None:
                feats.append('b:' + prev + ' ' + part)
            prev = part
    return feats


def featurize(text: str, cfg: dict):
    """(ids, weights): bucket ids and float weights, one per distinct feature, first-seen order."""
    counts = {}
    for f in feature_strings(text, cfg):
        h = fnv1a(f)
        counts[h] = counts.get(h, 0) + 1
    n = cfg['numBuckets']
    ids = [h % n for h in counts]
    weights = [1.0 + math.log(c) for c in counts.values()]
    return ids, weights
