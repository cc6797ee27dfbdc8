"""Symbol + doc extraction for training data: small per-language heuristics (not a parser).

`extract(path, text, lang)` returns records: dict(kind, name, container, signature, doc, code,
start, end) where `code` is the symbol's source with its doc comment removed.
Python uses the `ast` module; brace languages use comment-block + declaration regexes and
brace matching; Ruby/Lua/Elixir match `end` by indentation; Haskell uses `-- |` blocks.
"""
import ast
import re

LANG_BY_EXT = {
    '.py': 'python', '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
    '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
    '.go': 'go', '.rs': 'rust', '.rb': 'ruby', '.php': 'php', '.lua': 'lua',
    '.c': 'c', '.h': 'c', '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.hpp': 'cpp', '.hh': 'cpp', '.hxx': 'cpp',
    '.ipp': 'cpp', '.cs': 'csharp', '.java': 'java', '.kt': 'kotlin', '.kts': 'kotlin', '.scala': 'scala',
    '.swift': 'swift', '.ex': 'elixir', '.exs': 'elixir', '.hs': 'haskell', '.sh': 'bash', '.bash': 'bash',
    '.zig': 'zig', '.md': 'markdown', '.markdown': 'markdown',
}

MAX_CODE_LINES = 150
BRACE_LANGS = {'javascript', 'typescript', 'go', 'rust', 'php', 'c', 'cpp', 'csharp', 'java', 'kotlin',
               'scala', 'swift', 'zig', 'bash'}
CLASS_KINDS = {'class', 'struct', 'interface', 'trait', 'impl', 'enum', 'module', 'object', 'protocol',
               'extension', 'namespace', 'record', 'union', 'type'}
NOT_NAMES = {'if', 'for', 'while', 'switch', 'return', 'sizeof', 'catch', 'elif', 'else', 'do', 'new',
             'throw', 'typeof', 'await', 'yield', 'case', 'foreach', 'using', 'lock', 'fixed', 'when',
             'match', 'assert', 'defined', 'function', 'super', 'this', 'try', 'with', 'print', 'and',
             'or', 'not', 'in', 'is', 'delete', 'void', 'static_assert', 'decltype', 'alignof', 'noexcept',
             'offsetof', 'typeid', 'likely', 'unlikely', 'guard', 'let', 'var', 'const'}

KEYWORD_DECL = re.compile(
    r'^(?:[\w@\[\]()".,=<>:\s]*?\s)?(?P<kind>function\*?|func|fn|def|fun|class|struct|enum|interface|trait|impl|'
    r'module|object|record|protocol|extension|namespace|union|type|typealias|macro_rules!|init|constructor|'
    r'subscript|val|var|let|const)\s+(?:<[^>]*>\s*)?(?:\([^)]*\)\s*)?(?P<name>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)')
CALL_DECL = re.compile(r'(?P<name>[A-Za-z_$~][\w$]*(?:::~?[A-Za-z_$][\w$]*)*)\s*(?:<[^<>()]*>)?\s*\(')
ASSIGN_FN = re.compile(r'^\s*(?:export\s+)?(?:const|let|var)?\s*(?P<name>[A-Za-z_$][\w$.]*)\s*[:=]\s*'
                       r'(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::\s*[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)')
CLASSY = re.compile(r'\b(class|struct|interface|trait|impl|enum|module|object|protocol|extension|namespace|record)\b')
BASH_FN = re.compile(r'^\s*(?:function\s+)?(?P<name>[A-Za-z_][\w:.-]*)\s*(?:\(\s*\))?\s*\{?\s*$')
BASH_FN_STRICT = re.compile(r'^\s*(?:function\s+[A-Za-z_][\w:.-]*|[A-Za-z_][\w:.-]*\s*\(\s*\))')


def language_of(path: str):
    p = path.lower()
    if '/bash-completion/completions/' in p or '/bash_completion.d/' in p:
        return 'bash'
    dot = p.rfind('.')
    if dot < 0 or '/' in p[dot:]:
        return None
    if p.endswith('.min.js') or p.endswith('.d.ts.map') or p.endswith('.map'):
        return None
    return LANG_BY_EXT.get(p[dot:])


# ---------------------------------------------------------------- Python (ast)

def _py_records(text: str):
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    lines = text.split('\n')
    out = []

    def visit(node, container):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                rec = _py_record(child, container, lines)
                if rec:
                    out.append(rec)
                if isinstance(child, ast.ClassDef):
                    visit(child, container + [child.name])

    visit(tree, [])
    return out


def _py_record(node, container, lines):
    start = node.lineno - 1
    if node.decorator_list:
        start = min(d.lineno for d in node.decorator_list) - 1
    end = getattr(node, 'end_lineno', None) or node.lineno
    doc = ast.get_docstring(node, clean=True) or ''
    body_lines = lines[start:end]
    if doc and node.body and isinstance(node.body[0], ast.Expr):
        d0 = node.body[0].lineno - 1 - start
        d1 = node.body[0].end_lineno - start
        body_lines = body_lines[:d0] + body_lines[d1:]
    sig_end = node.body[0].lineno - 1 if node.body else node.lineno
    sig = ' '.join(l.strip() for l in lines[node.lineno - 1:max(node.lineno, sig_end)] if l.strip())
    if len(sig) > 300:
        sig = sig[:300]
    kind = 'class' if isinstance(node, ast.ClassDef) else ('method' if container else 'function')
    return dict(kind=kind, name=node.name, container=list(container), signature=sig.rstrip(':'),
                doc=doc, code=_dedent('\n'.join(body_lines)), start=start, end=end)


def _dedent(code: str) -> str:
    lines = code.split('\n')
    ind = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return '\n'.join(l[ind:] for l in lines)


# ---------------------------------------------------------------- comment blocks

def _comment_block_before(lines, k, lang):
    """(doc text, first line index) of the comment block right above line k (decorators skipped)."""
    j = k - 1
    while j >= 0 and _is_attribute(lines[j].strip(), lang):
        j -= 1
    if j < 0:
        return '', k
    s = lines[j].strip()
    if s.endswith('*/') or s.endswith('-}'):
        opener = '/*' if s.endswith('*/') else '{-'
        i = j
        while i >= 0 and opener not in lines[i] and j - i < 400:
            i -= 1
        if i < 0 or opener not in lines[i]:
            return '', k
        if lines[i].strip().startswith(opener):
            return '\n'.join(lines[i:j + 1]), i
        return '', k
    prefixes = _line_comment_prefixes(lang)
    i = j
    while i >= 0 and any(lines[i].strip().startswith(p) for p in prefixes) and lines[i].strip():
        i -= 1
    if i == j:
        return '', k
    return '\n'.join(lines[i + 1:j + 1]), i + 1


def _line_comment_prefixes(lang):
    if lang in ('bash', 'ruby'):
        return ('#',)
    if lang == 'lua':
        return ('--',)
    if lang == 'haskell':
        return ('--',)
    if lang == 'php':
        return ('//', '#')
    return ('//',)


def _is_attribute(s, lang):
    if not s:
        return False
    if s.startswith('@') and lang not in ('ruby',):
        return True
    if lang == 'rust' and s.startswith('#['):
        return True
    if lang == 'csharp' and s.startswith('[') and s.endswith(']'):
        return True
    if lang == 'cpp' and s.startswith('template'):
        return True
    return False


def clean_doc(raw: str) -> str:
    out = []
    for line in raw.split('\n'):
        s = line.strip()
        s = re.sub(r'^(/\*\*+|/\*!|/\*+|\{-\s*\|?|-- \||---+|--|///+|//!|//+|#+|\*+/|\*+)', '', s)
        s = re.sub(r'(\*+/|-})\s*$', '', s).strip()
        out.append(s)
    return '\n'.join(out).strip()


# ---------------------------------------------------------------- brace languages

def _find_body(lines, k, lang, max_sig_lines=8):
    """(signature, end line index inclusive, has_body) from a declaration at line k."""
    depth_paren = 0
    sig_parts = []
    for li in range(k, min(len(lines), k + max_sig_lines)):
        line = lines[li]
        if lang == 'bash':
            code_part = line
        else:
            code_part = re.sub(r'//.*$', '', line) if lang != 'php' or '//' in line else line
        for ci, ch in enumerate(code_part):
            if ch in '([':
                depth_paren += 1
            elif ch in ')]':
                depth_paren -= 1
            elif depth_paren <= 0 and ch == '{':
                sig_parts.append(code_part[:ci])
                end = _match_brace(lines, li, ci, lang)
                return ' '.join(p.strip() for p in sig_parts if p.strip()), end, end is not None
            elif depth_paren <= 0 and ch == ';':
                sig_parts.append(code_part[:ci])
                return ' '.join(p.strip() for p in sig_parts if p.strip()), li, False
        sig_parts.append(code_part)
        if lang in ('kotlin', 'scala', 'swift') and depth_paren <= 0 and '=' in code_part \
                and not code_part.rstrip().endswith(('=', '(', ',')):
            end = _indent_end(lines, k)
            return ' '.join(p.strip() for p in sig_parts if p.strip()), end, True
    return None, None, False


def _indent_end(lines, k):
    ind = len(lines[k]) - len(lines[k].lstrip())
    end = k
    for li in range(k + 1, min(len(lines), k + MAX_CODE_LINES)):
        s = lines[li]
        if not s.strip():
            continue
        if len(s) - len(s.lstrip()) <= ind:
            break
        end = li
    return end


def _match_brace(lines, li, ci, lang):
    depth = 0
    in_block = False
    for L in range(li, min(len(lines), li + 2000)):
        line = lines[L]
        i = ci if L == li else 0
        n = len(line)
        quote = None
        while i < n:
            ch = line[i]
            if in_block:
                if ch == '*' and i + 1 < n and line[i + 1] == '/':
                    in_block = False
                    i += 1
            elif quote:
                if ch == '\\':
                    i += 1
                elif ch == quote:
                    quote = None
            elif ch == '/' and i + 1 < n and line[i + 1] == '/' and lang != 'bash':
                break
            elif ch == '#' and lang == 'bash' and (i == 0 or line[i - 1] in ' \t'):
                break
            elif ch == '/' and i + 1 < n and line[i + 1] == '*' and lang != 'bash':
                in_block = True
                i += 1
            elif ch in '"`' or (ch == "'" and lang not in ('rust',)):
                quote = ch
            elif ch == '{':
                depth += 1
            elif ch == '}':
                depth -= 1
                if depth == 0:
                    return L
            i += 1
        if quote == '`':
            pass
    return None


def _decl_name(line, lang):
    s = line.strip()
    if lang == 'bash':
        if not BASH_FN_STRICT.match(s):
            return None, None
        m = BASH_FN.match(s)
        return (m.group('name'), 'function') if m else (None, None)
    if lang in ('javascript', 'typescript'):
        m = ASSIGN_FN.match(s)
        if m:
            return m.group('name').split('.')[-1], 'function'
    m = KEYWORD_DECL.match(s)
    if m:
        kind = m.group('kind').rstrip('*!')
        if kind in ('val', 'var', 'let', 'const') and lang not in ('kotlin', 'scala', 'swift', 'rust', 'zig'):
            return None, None
        if kind in ('func', 'fn', 'def', 'fun', 'function', 'macro_rules', 'init', 'constructor', 'subscript'):
            kind = 'function'
        name = m.group('name')
        if lang == 'go' and kind == 'function' and s.startswith('func ('):
            mm = re.match(r'func\s*\([^)]*\)\s*([A-Za-z_]\w*)', s)
            if mm:
                name = mm.group(1)
        return name.split('.')[-1], kind
    if s.startswith(('return', 'if ', 'if(', 'else', '}', '#', 'case ', 'throw ', 'new ', '=', '.', '+', '-')):
        return None, None
    if '(' not in s or s.endswith(';') and lang not in ('c', 'cpp', 'java', 'csharp', 'php', 'typescript'):
        return None, None
    m = CALL_DECL.search(s)
    if not m:
        return None, None
    name = m.group('name')
    base = name.split('::')[-1]
    if base in NOT_NAMES or m.start() == 0 and lang in ('c', 'cpp', 'java', 'csharp'):
        # a C-like function starts with its type; a bare `name(` at line start is a call
        if lang in ('c', 'cpp') and base not in NOT_NAMES and not s.endswith(';'):
            pass
        else:
            return None, None
    before = s[:m.start()]
    if '=' in before or '.' in before.split(' ')[-1:][0] or '->' in before or 'return' in before:
        return None, None
    return base, 'function'


def _brace_records(text, lang):
    lines = text.split('\n')
    out = []
    n = len(lines)
    k = 0
    while k < n:
        s = lines[k].strip()
        if not s or s.startswith(('//', '/*', '*', '#' if lang in ('bash', 'c', 'cpp') else '\x00', '@')):
            k += 1
            continue
        doc, doc_start = _comment_block_before(lines, k, lang)
        if not doc and not CLASSY.search(s):
            k += 1
            continue
        name, kind = _decl_name(lines[k], lang)
        if not name or (not doc and kind not in CLASS_KINDS):
            k += 1
            continue
        sig, end, has_body = _find_body(lines, k, lang)
        if sig is None or end is None:
            k += 1
            continue
        attr_start = k
        while attr_start - 1 >= doc_start and attr_start - 1 >= 0 and _is_attribute(lines[attr_start - 1].strip(), lang):
            attr_start -= 1
        body = lines[attr_start:end + 1]
        out.append(dict(kind=kind, name=name, container=[], signature=sig[:300], doc=clean_doc(doc),
                        code=_dedent('\n'.join(body[:MAX_CODE_LINES])), start=k, end=end))
        k = k + 1 if kind in CLASS_KINDS else end + 1
    _assign_containers(out)
    return out


def _assign_containers(recs):
    classes = [r for r in recs if r['kind'] in CLASS_KINDS]
    for r in recs:
        for c in classes:
            if c is not r and c['start'] < r['start'] and r['end'] <= c['end']:
                r['container'].append(c['name'])
        if r['container'] and r['kind'] == 'function':
            r['kind'] = 'method'


# ---------------------------------------------------------------- end-terminated languages

RUBY_DECL = re.compile(r'^\s*(?P<kind>def|class|module)\s+(?:self\.)?(?P<name>[A-Za-z_][\w:.]*[?!=]?)')
LUA_DECL = re.compile(r'^\s*(?:local\s+)?(?:function\s+(?P<n1>[\w.:]+)\s*\(|(?P<n2>[\w.:\[\]"\']+)\s*=\s*function\s*\()')
EX_DECL = re.compile(r'^\s*(?P<kind>def|defp|defmacro|defmodule|defprotocol|defimpl)\s+(?P<name>[\w.?!]+)')


def _end_records(text, lang):
    lines = text.split('\n')
    out = []
    n = len(lines)
    for k in range(n):
        line = lines[k]
        if lang == 'ruby':
            m = RUBY_DECL.match(line)
            if not m:
                continue
            name, kind = m.group('name'), ('function' if m.group('kind') == 'def' else m.group('kind'))
            doc, _ = _comment_block_before(lines, k, 'ruby')
        elif lang == 'lua':
            m = LUA_DECL.match(line)
            if not m:
                continue
            name, kind = re.split(r'[.:]', (m.group('n1') or m.group('n2')))[-1], 'function'
            doc, _ = _comment_block_before(lines, k, 'lua')
        else:
            m = EX_DECL.match(line)
            if not m:
                continue
            kind = 'module' if m.group('kind') in ('defmodule', 'defprotocol', 'defimpl') else 'function'
            name = m.group('name').split('.')[-1]
            doc = _elixir_doc(lines, k) if kind == 'function' else _elixir_moduledoc(lines, k)
        ind = len(line) - len(line.lstrip())
        end = None
        one_line = (lang == 'elixir' and re.search(r',\s*do:', line)) or (lang == 'ruby' and re.search(r'\bend\s*$', line) and kind == 'function') \
            or (lang == 'lua' and re.search(r'\bend\s*[,)]?\s*$', line))
        if one_line:
            end = k
        else:
            for li in range(k + 1, min(n, k + 3000)):
                s = lines[li]
                if s.strip() and len(s) - len(s.lstrip()) == ind and re.match(r'^\s*end\b', s):
                    end = li
                    break
                if s.strip() and len(s) - len(s.lstrip()) < ind:
                    break
        if end is None or (not doc and kind == 'function'):
            continue
        body = lines[k:end + 1]
        if lang == 'elixir' and kind == 'module':
            body = re.sub(r'@moduledoc\s+~?[sS]?\"\"\".*?\"\"\"', '', '\n'.join(body), count=1, flags=re.S).split('\n')
        out.append(dict(kind=kind, name=name, container=[], signature=line.strip()[:300], doc=clean_doc(doc),
                        code=_dedent('\n'.join(body[:MAX_CODE_LINES])), start=k, end=end))
    _assign_containers(out)
    return out


def _elixir_doc(lines, k):
    j = k - 1
    while j >= 0 and re.match(r'^\s*@(spec|impl|deprecated|since|callback|typedoc)\b', lines[j]):
        j -= 1
    if j < 0:
        return ''
    s = lines[j].strip()
    m = re.match(r'^@doc\s+~?[sS]?"(.*)"\s*$', s)
    if m:
        return m.group(1)
    if s.endswith('"""'):
        i = j - 1
        while i >= 0 and '"""' not in lines[i]:
            i -= 1
        if i >= 0 and re.match(r'^\s*@doc\s', lines[i]):
            return '\n'.join(l.strip() for l in lines[i + 1:j])
    return ''


def _elixir_moduledoc(lines, k):
    for li in range(k + 1, min(len(lines), k + 4)):
        if re.match(r'^\s*@moduledoc\s+~?[sS]?"""', lines[li]):
            out = []
            for lj in range(li + 1, min(len(lines), li + 200)):
                if '"""' in lines[lj]:
                    return '\n'.join(out)
                out.append(lines[lj].strip())
    return ''


# ---------------------------------------------------------------- Haskell

HS_SIG = re.compile(r'^(?P<name>[a-z_][\w\']*)\s*::')
HS_DATA = re.compile(r'^(?P<kind>data|newtype|class|type)\s+(?:\([^)]*\)\s*=>\s*)?(?P<name>[A-Z][\w\']*)')


def _haskell_records(text):
    lines = text.split('\n')
    out = []
    for k, line in enumerate(lines):
        m = HS_SIG.match(line) or HS_DATA.match(line)
        if not m:
            continue
        doc, _ = _comment_block_before(lines, k, 'haskell')
        if not doc or not (doc.lstrip().startswith('-- |') or doc.lstrip().startswith('{- |')):
            continue
        name = m.group('name')
        end = k
        for li in range(k + 1, min(len(lines), k + MAX_CODE_LINES)):
            s = lines[li]
            if not s.strip():
                continue
            if s[0] in ' \t' or s.startswith(name + ' ') or s.startswith(name + '\n') or s == name:
                end = li
                continue
            if s.startswith('{-#') or s.startswith('--') or s.startswith('{-'):
                break
            break
        kind = 'function' if HS_SIG.match(line) else m.group('kind')
        out.append(dict(kind='class' if kind in ('data', 'newtype', 'class', 'type') else 'function',
                        name=name, container=[], signature=line.strip()[:300], doc=clean_doc(doc),
                        code='\n'.join(lines[k:end + 1]), start=k, end=end))
    return out


# ---------------------------------------------------------------- Markdown

def markdown_sections(text):
    """[(heading chain list, section text)] for each heading with some prose under it."""
    lines = text.split('\n')
    out = []
    chain = []
    cur = None
    fence = False
    for line in lines:
        if line.lstrip().startswith(('```', '~~~')):
            fence = not fence
        m = None if fence else re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
        if m:
            if cur:
                out.append(cur)
            level = len(m.group(1))
            chain = chain[:level - 1] + [''] * max(0, level - 1 - len(chain)) + [m.group(2)]
            cur = ([c for c in chain if c], [])
        elif cur is not None:
            cur[1].append(line)
    if cur:
        out.append(cur)
    return [(c, '\n'.join(body).strip()) for c, body in out if '\n'.join(body).strip()]


def extract(text, lang):
    if lang == 'python':
        return _py_records(text)
    if lang in BRACE_LANGS:
        return _brace_records(text, lang)
    if lang in ('ruby', 'lua', 'elixir'):
        return _end_records(text, lang)
    if lang == 'haskell':
        return _haskell_records(text)
    return []
