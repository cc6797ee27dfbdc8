"""Writes test/fixtures/featurize/golden.json: ~50 varied texts with the Python features
(features.py) and the torch embeddings of the exported model (export.Exported on work/model.pt
or, when that is absent, on the shipped ONNX's initializers is NOT supported: train first).

usage: make_golden.py
"""
import json
import os

import numpy as np
import torch

import export as X
import features as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'featurize', 'golden.json')

TEXTS = [
    '',
    ' ',
    'a',
    '__init__',
    'x',
    'parseHTTPResponse',
    'parse_http_response',
    'XMLHttpRequest2Factory',
    'kebab-case-name and snake_case_name and CONSTANT_CASE',
    'ABC_DEF ghiJKL mnoPQRstu 123abc abc123 v2beta1',
    'def parse_http_response(raw: bytes) -> Response:\n    """Parse raw bytes."""\n    return Response.from_bytes(raw)\n',
    'export async function fetchUser(id: string): Promise<User> {\n  const res = await http.get(`/users/${id}`);\n  return res.data as User;\n}',
    'func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {\n\ts.mux.ServeHTTP(w, r)\n}',
    'pub fn read_to_string<P: AsRef<Path>>(path: P) -> io::Result<String> {\n    fs::read_to_string(path)\n}',
    'public static <T> List<T> unmodifiableList(List<? extends T> list) { return new UnmodifiableList<>(list); }',
    'static int kfree_rcu(struct rcu_head *head) { return __kfree(head->ptr); }',
    'template <typename T> std::vector<T> make_vec(std::size_t n) { return std::vector<T>(n); }',
    'public override async Task<IActionResult> GetAsync([FromRoute] int id) => Ok(await _repo.FindAsync(id));',
    'def render(conn, template, assigns) when is_binary(template) do\n  Phoenix.View.render(conn, template, assigns)\nend',
    'mapMaybe :: (a -> Maybe b) -> [a] -> [b]\nmapMaybe f = foldr (\\x acc -> maybe acc (:acc) (f x)) []',
    'local function trim(s)\n  return (s:gsub("^%s*(.-)%s*$", "%1"))\nend',
    'public function handle(Request $request, Closure $next): Response { return $next($request); }',
    'def each_slice(n, &block)\n  to_a.each_slice(n, &block)\nend',
    'fun <T> List<T>.secondOrNull(): T? = if (size >= 2) this[1] else null',
    'def foldLeft[B](z: B)(op: (B, A) => B): B = { var acc = z; foreach(a => acc = op(acc, a)); acc }',
    'func makeIterator() -> AnyIterator<Element> { var i = 0; return AnyIterator { defer { i += 1 }; return i < count ? self[i] : nil } }',
    'pub fn allocAdvanced(self: Allocator, comptime T: type, n: usize) Error![]T { return self.alloc(T, n); }',
    '_complete_git() {\n  local cur="${COMP_WORDS[COMP_CWORD]}"\n  COMPREPLY=( $(compgen -W "push pull fetch" -- "$cur") )\n}',
    '# Installation\n\nRun `npm install quarry` and open the **Search** view.',
    'src/core/index/lexical.ts\nLexicalIndex.search\nsearch(query: string, k: number): Hit[]\nBM25 over code-aware tokens.\nreturn this.score(query).slice(0, k);',
    'how do I read a file line by line',
    'Returns the number of elements in the collection.',
    'café naïve résumé Straße ÆØÅ',
    'Σίσυφος ΣΑΣ İstanbul ǅemal ǈ',
    '你好，世界。数据Parser解析器',
    '日本語のテキスト：カタカナとひらがな、漢字。',
    '한국어 텍스트 처리',
    'مرحبا بالعالم parseArabic',
    'नमस्ते दुनिया हिन्दी',
    'emoji 🚀 launch 👩‍💻 coder ✨ sparkle 😀x😀',
    'mixed\u00a0nbsp\u2003em space\u200bzero width\ufeffbom',
    'tabs\tand\r\nwindows\rline endings',
    'lone surrogates \ud800 and \udfff inside w\ud83dord',
    'fullwidth ＡＢＣ１２３ ｐａｒｓｅ',
    'math × ÷ → ≤ ≥ ∑ operators a×b',
    'numbers 3.14159 0xDEADBEEF 1e-9 42 007',
    'a' * 41 + ' short ' + 'b' * 40,
    'base64 ' + 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo' * 3,
    ' '.join(f'word{i % 37} ident_{i % 11}X' for i in range(3000)),
    ('the quick brown fox jumps over the lazy dog ' * 400),
]


def main():
    cfg = json.load(open(os.path.join(X.MODEL_DIR, 'featurizer.json')))
    model = X.load()
    cases = []
    for t in TEXTS:
        ids, w = F.featurize(t, cfg)
        L = max(1, len(ids))
        it = torch.zeros((1, L), dtype=torch.int64)
        wt = torch.zeros((1, L), dtype=torch.float32)
        it[0, :len(ids)] = torch.tensor(ids, dtype=torch.int64)
        wt[0, :len(w)] = torch.tensor(w, dtype=torch.float32)
        with torch.no_grad():
            e = model(it, wt)[0].numpy()
        cases.append({'text': t, 'ids': ids, 'weights': [float(np.float32(x)) for x in w],
                      'embedding': [round(float(x), 7) for x in e]})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'featurizer': cfg, 'model': 'models/quarry-code/model.onnx', 'cases': cases}, f, ensure_ascii=True)
    print('wrote', OUT, len(cases), 'cases')


if __name__ == '__main__':
    main()
