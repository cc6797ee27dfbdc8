"""Harvest (natural language, code) pairs from the packages that fetch.sh downloaded.

usage: harvest.py unpack            # extract archives into work/src/<kind>/<pkg>/
       harvest.py reserved          # hash set of the reserved projects' functions -> work/reserved.hashes
       harvest.py pairs             # work/pairs/<pkg>.jsonl for every unpacked package

A pair: {"q": query, "d": document, "lang", "pkg", "src": doc|name|md, "h": code hash}.
The document is the situated text the engine embeds at run time,
`<path>\n<container.name>\n<signature>\n<doc>\n<body>`, with the doc slot left empty and the
doc comment removed from the body: the doc is the query, so it must not leak.
"""
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import time
from multiprocessing import Pool

import extract as X

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, 'work')
MAX_FILE_BYTES = 1_000_000


# Package-directory names of the reserved projects (any packaging, vendored copies included).
RESERVED_DIRS = {
    'aiohttp', 'fastapi', 'flask', 'httpx', 'model2vec', 'pydantic', 'pydantic_core', 'requests', 'starlette',
    'axios', 'express', 'redux', 'gin', 'gin-gonic', 'cobra', 'go-chi', 'gson', 'commons-lang', 'commons-lang3',
    'jackson-databind', 'guzzle', 'guzzlehttp', 'monolog', 'laravel', 'illuminate', 'sinatra', 'rack', 'rails',
    'railties', 'activesupport', 'activerecord', 'actionpack', 'actionview', 'activemodel', 'tokio', 'trpc', '@trpc',
    'messagepack', 'ktor', 'cats', 'alamofire', 'click', 'serde', 'serde_derive', 'serde_json', 'zod', 'nlohmann',
    'phoenix', 'axum', 'vitest', 'newtonsoft.json', 'dapper', 'kotlinx-coroutines', 'kotlinx.coroutines',
    'exposed', 'circe', 'http4s', 'vapor', 'snapkit', 'plug', 'ecto', 'absl', 'abseil-cpp', 'fmt', 'curl',
    'redis', 'libuv', 'uv', 'bats-core', 'bats', 'aeson', 'telescope', 'telescope.nvim', 'lazy.nvim', 'lazy',
    'zig', 'nvm', 'bash-it', 'pandoc', 'xmonad', 'mini.nvim', 'mini', 'zls', 'zig-clap', 'date-fns', 'ramda',
    'underscore', 'async', 'mathjs', 'commander', 'yargs', 'jinja2', 'werkzeug', 'gorilla-mux', 'mux',
    'logrus', 'sirupsen', 'regex', 'regex-syntax', 'regex-automata', 'itertools',
}
# A reserved name counts as a package directory right below a vendoring folder; below a
# generic folder (lib/, src/, include/ ...) only when the name is distinctive, so that e.g.
# Go's own src/fmt/ stays.
STRONG_PARENTS = {'node_modules', 'site-packages', 'dist-packages', 'vendor', 'vendored', '_vendor', 'third_party',
                  'third-party', 'thirdparty', 'external', 'deps', 'github.com', 'gems', 'registry', 'gocode',
                  'bundled', 'contrib'}
WEAK_PARENTS = {'include', 'lua', 'php', 'lib', 'src', 'package', 'packages', 'share', 'java'}
DISTINCT = {'nlohmann', 'guzzlehttp', 'guzzle', 'monolog', 'illuminate', 'laravel', 'werkzeug', 'jinja2', 'pydantic',
            'pydantic_core', 'starlette', 'fastapi', 'aiohttp', 'httpx', 'axios', 'absl', 'tokio', 'serde',
            'serde_derive', 'sinatra', 'activesupport', 'activerecord', 'actionpack', 'actionview', 'activemodel',
            'railties', 'flask', 'requests', 'model2vec', 'gson', 'alamofire', 'snapkit', 'newtonsoft.json',
            'http4s', 'circe', 'xmonad', 'pandoc', 'telescope', 'sirupsen', 'logrus', 'gin-gonic', 'mathjs',
            'date-fns', 'ramda', 'underscore', 'yargs', 'commander', 'vitest', 'trpc', '@trpc', 'redux', 'zod',
            'express', 'libuv', 'aeson', 'zig-clap', 'bats-core', 'bash-it', 'itertools', 'ktor', 'exposed'}


def norm_hash(text: str) -> str:
    return hashlib.blake2b(re.sub(r'\s+', ' ', text).strip().lower().encode('utf-8', 'surrogatepass'),
                           digest_size=8).hexdigest()


def reserved_path(path: str) -> bool:
    parts = path.lower().split('/')
    for i in range(1, len(parts)):
        name = re.sub(r'[-_.]?v?\d+(\.\d+)*$', '', parts[i])
        if name not in RESERVED_DIRS and parts[i] not in RESERVED_DIRS:
            continue
        if parts[i - 1] in STRONG_PARENTS or (parts[i - 1] in WEAK_PARENTS and (name in DISTINCT or parts[i] in DISTINCT)):
            return True
    return False


# ---------------------------------------------------------------- unpack

LINUX_DIRS = ['kernel', 'lib', 'mm', 'fs/ext4', 'fs/btrfs', 'fs/proc', 'net/core', 'net/ipv4', 'drivers/base',
              'drivers/gpio', 'drivers/i2c', 'crypto', 'block', 'security/selinux', 'ipc', 'init']
JDK_DIRS = ['java.base/java/util', 'java.base/java/lang', 'java.base/java/io', 'java.base/java/time',
            'java.base/java/net', 'java.base/java/nio', 'java.base/java/text', 'java.base/java/math',
            'java.base/java/security', 'java.net.http', 'java.sql', 'java.xml/javax/xml', 'java.logging',
            'java.prefs', 'java.compiler', 'jdk.httpserver', 'java.desktop/java/awt/geom',
            'java.desktop/javax/swing/text']


def unpack():
    for kind, pattern in (('npm', 'npm/*.tgz'), ('deb', 'debs/*.deb'), ('src', 'srcpkg/*.orig.tar.*'),
                          ('reserved', 'reserved/*')):
        for f in sorted(glob.glob(os.path.join(WORK, pattern))):
            base = os.path.basename(f)
            if time.time() - os.path.getmtime(f) < 30:
                continue  # still downloading
            name = re.split(r'_|(?<=[a-z])-(?=\d+\.)', base)[0] if kind != 'npm' else re.sub(r'-\d[\w.+-]*\.tgz$', '', base)
            if kind == 'reserved':
                if f.endswith('.dsc') or 'debian.tar' in f:
                    continue
                name = re.sub(r'-\d[\w.+-]*\.tgz$', '', base) if f.endswith('.tgz') else base.split('_')[0]
            dest = os.path.join(WORK, 'src', kind, name)
            if os.path.exists(dest):
                continue
            os.makedirs(dest, exist_ok=True)
            if f.endswith('.tgz') or '.tar.' in f:
                subprocess.run(['tar', 'xf', f, '-C', dest], stderr=subprocess.DEVNULL)
            elif f.endswith('.deb'):
                subprocess.run(['dpkg-deb', '-x', f, dest])
            if name.startswith('linux-source'):
                inner = glob.glob(os.path.join(dest, 'usr/src/linux-source-*.tar.xz'))
                for t in inner:
                    top = os.path.basename(t)[:-len('.tar.xz')]
                    subprocess.run(['tar', 'xf', t, '-C', dest] + [f'{top}/{d}' for d in LINUX_DIRS],
                                   stderr=subprocess.DEVNULL)
                    os.remove(t)
            if name.startswith('openjdk') and name.endswith('source'):
                for z in glob.glob(os.path.join(dest, 'usr/lib/jvm/*/lib/src.zip')):
                    subprocess.run(['unzip', '-q', '-o', z] + [f'{d}/*' for d in JDK_DIRS] + ['-d', os.path.join(dest, 'jdk')],
                                   stderr=subprocess.DEVNULL)
                    os.remove(z)
            print('unpacked', kind, name, flush=True)


# ---------------------------------------------------------------- files and paths

def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ('.git', 'test-fixtures', 'fixtures', '__pycache__')]
        for fn in filenames:
            p = os.path.join(dirpath, fn)
            rel = os.path.relpath(p, root)
            lang = X.language_of('/' + rel)
            if lang is None and '.' not in fn and not os.path.islink(p):
                lang = shell_script(p)
            if not lang or os.path.islink(p):
                continue
            try:
                if os.path.getsize(p) > MAX_FILE_BYTES:
                    continue
            except OSError:
                continue
            yield p, rel, lang


def shell_script(p):
    """'bash' for an extensionless file with a sh/bash shebang."""
    try:
        with open(p, 'rb') as f:
            head = f.read(64)
    except OSError:
        return None
    first = head.split(b'\n', 1)[0]
    if first.startswith(b'#!') and (b'bash' in first or first.rstrip().endswith(b'/sh')):
        return 'bash'
    return None


PATH_PREFIXES = [r'^package/', r'^usr/lib/python3/dist-packages/', r'^usr/lib/python3\.\d+/', r'^usr/share/gocode/src/',
                 r'^usr/share/cargo/registry/', r'^usr/share/php/', r'^usr/lib/ruby/vendor_ruby/',
                 r'^usr/share/rubygems-integration/all/gems/', r'^usr/lib/ruby/\d[\d.]*/', r'^usr/share/lua/5\.\d/',
                 r'^usr/share/nvim/runtime/', r'^usr/include/', r'^usr/share/go-[\d.]+/', r'^usr/lib/go-[\d.]+/',
                 r'^usr/share/', r'^usr/lib/', r'^github\.com/[^/]+/[^/]+/', r'^golang\.org/x/[^/]+/',
                 r'^gopkg\.in/[^/]+/', r'^google\.golang\.org/[^/]+/', r'^go\.\w+\.io/[^/]+/', r'^jdk/', r'^linux-source-[\d.]+/', r'^[^/]+-[\d.]+[^/]*/']


def display_path(rel):
    p = rel
    for pre in PATH_PREFIXES:
        p = re.sub(pre, '', p)
    parts = p.split('/')
    return '/'.join(parts[-5:])


# ---------------------------------------------------------------- queries

BAD_DOC = re.compile(r'copyright|licen[cs]e|spdx|inheritdoc|auto-?generated|do not edit|generated by|@deprecated|'
                     r'^todo|^fixme|^xxx|^hack|^nolint|^eslint|^istanbul|^prettier|^@ts-|^\$|^-\*-', re.I)
TAG_LINE = re.compile(r'^(@\w+|:param|:type|:return|:rtype|:raises|Args:|Arguments:|Returns?:|Raises:|Parameters|'
                      r'Examples?:?|Yields:|Note:|See also|Usage:|>>>|#\s*Examples|\.\. |Throws|Example)', re.I)


def doc_summary(doc: str) -> str:
    lines = []
    for line in doc.split('\n'):
        s = line.strip()
        if not s:
            if lines:
                break
            continue
        if TAG_LINE.match(s):
            break
        lines.append(s)
    text = ' '.join(lines)
    text = re.sub(r'\{@\w+\s+([^}]*)\}', r'\1', text)
    text = re.sub(r'<[^>]{1,40}>', ' ', text)
    text = re.sub(r'\[([^\]]+)\]\([^)]*\)', r'\1', text)
    text = re.sub(r'\[\[?([^\]]+)\]\]?', r'\1', text)
    text = text.replace('`', '').replace('**', '')
    text = re.sub(r'\s+', ' ', text).strip()
    words = text.split(' ')
    return ' '.join(words[:60])


def first_sentence(text: str) -> str:
    m = re.search(r'(?<=[.!?])\s+(?=[A-Z(`"\'])', text)
    s = text[:m.start()] if m else text
    return s.strip()


def good_query(q: str) -> bool:
    if len(q) < 12 or BAD_DOC.search(q):
        return False
    words = re.findall(r'[A-Za-z\u00c0-\uffff]{2,}', q)
    return len(words) >= 3 and sum(len(w) for w in words) >= 0.5 * len(q.replace(' ', ''))


def split_name(name: str) -> str:
    parts = []
    for piece in re.split(r'[_$\W]+', name):
        parts += [p.lower() for p in re.findall(r'[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+', piece)]
    return ' '.join(parts)


def situated(path, container, name, signature, doc, body):
    qual = '.'.join([c for c in container if c] + [name])
    return f'{path}\n{qual}\n{signature}\n{doc}\n{body}'


# ---------------------------------------------------------------- pairs of one package

def package_pairs(args):
    kind, pkg = args
    root = os.path.join(WORK, 'src', kind, pkg)
    rng = random.Random(pkg)
    pairs = []
    for p, rel, lang in source_files(root):
        if reserved_path(rel):
            continue
        try:
            text = open(p, encoding='utf-8', errors='replace').read()
        except OSError:
            continue
        if lang == 'typescript' and rel.endswith('.d.ts') and rng.random() < 0.5:
            continue
        if '\n' in text[:5000] and max((len(l) for l in text[:20000].split('\n')), default=0) > 2000:
            continue  # minified or bundled
        path = display_path(rel)
        if lang == 'markdown':
            if re.search(r'(changelog|history|changes|news|release|migrat|upgrad|license|authors|contributors|code_of_conduct)[^/]*$', rel, re.I):
                continue
            pairs += markdown_pairs(text, path, pkg, rng)
            continue
        if lang == 'c' and re.search(r'^\s*(class|namespace|template\s*<)\b', text[:200000], re.M):
            lang = 'cpp'
        try:
            recs = X.extract(text, lang)
        except RecursionError:
            continue
        for r in recs:
            code = r['code']
            if code.count('\n') < 1 or len(code) > 12000:
                continue
            h = norm_hash(code)
            doc = situated(path, r['container'], r['name'], r['signature'], '', code)
            summary = doc_summary(r['doc']) if r['doc'] else ''
            if summary and good_query(summary):
                fs = first_sentence(summary)
                q = fs if (rng.random() < 0.6 and good_query(fs)) else summary
                pairs.append(dict(q=q, d=doc, lang=lang, pkg=pkg, src='doc', h=h, dh=norm_hash(summary),
                                  fs=fs, name=r['name']))
            elif r['kind'] in ('function', 'method') and rng.random() < 0.3:
                q = split_name(r['name'])
                if len(q.split()) >= 2:
                    pairs.append(dict(q=q, d=doc, lang=lang, pkg=pkg, src='name', h=h, dh='', fs='', name=r['name']))
    return pkg, kind, pairs


def markdown_pairs(text, path, pkg, rng):
    out = []
    for chain, body in X.markdown_sections(text):
        heading = re.sub(r'[`*_\[\]]', '', chain[-1]).strip()
        if len(heading) < 4 or len(body) < 80:
            continue
        body = body[:4000]
        prose = ' '.join(l for l in body.split('\n')[:6] if l.strip() and not l.startswith(('```', '|', '    ')))
        fs = first_sentence(re.sub(r'\s+', ' ', prose))
        q = heading
        doc_body = body
        if fs and rng.random() < 0.5 and len(fs) < 300 and good_query(fs):
            q = f'{heading}: {fs}'
            doc_body = body.replace(fs, '', 1) if fs in body else body
        d = f'{path}\n' + ' > '.join(chain) + f'\n{doc_body}'
        out.append(dict(q=q, d=d, lang='markdown', pkg=pkg, src='md', h=norm_hash(body), dh='', fs='', name=heading))
    return out


def all_packages(kinds=('npm', 'deb', 'src')):
    out = []
    for kind in kinds:
        for d in sorted(glob.glob(os.path.join(WORK, 'src', kind, '*'))):
            out.append((kind, os.path.basename(d)))
    return out


def run_pairs():
    os.makedirs(os.path.join(WORK, 'pairs'), exist_ok=True)
    todo = [a for a in all_packages() if not os.path.exists(os.path.join(WORK, 'pairs', a[1] + '.jsonl'))]
    with Pool(2) as pool:
        for pkg, kind, pairs in pool.imap_unordered(package_pairs, todo):
            with open(os.path.join(WORK, 'pairs', pkg + '.jsonl'), 'w') as f:
                for p in pairs:
                    p['kind'] = kind
                    f.write(json.dumps(p, ensure_ascii=False) + '\n')
            print(pkg, len(pairs), flush=True)


def run_reserved():
    """Hashes of the reserved projects' functions and doc summaries (never trained on)."""
    hashes = set()
    roots = [os.path.join(WORK, 'src', 'reserved', d) for d in os.listdir(os.path.join(WORK, 'src', 'reserved'))]
    semble = os.environ.get('SEMBLE_DIR', os.path.join(HERE, '..', '..', 'semble'))
    if os.path.isdir(semble):
        roots += [os.path.join(semble, d) for d in os.listdir(semble) if os.path.isdir(os.path.join(semble, d))]
    for root in roots:
        n = 0
        for p, rel, lang in source_files(root):
            if lang == 'markdown':
                continue
            try:
                text = open(p, encoding='utf-8', errors='replace').read()
                recs = X.extract(text, lang)
            except (OSError, RecursionError):
                continue
            for r in recs:
                hashes.add(norm_hash(r['code']))
                if r['doc']:
                    hashes.add(norm_hash(doc_summary(r['doc'])))
                n += 1
        print('reserved', os.path.basename(root), n, flush=True)
    with open(os.path.join(WORK, 'reserved.hashes'), 'w') as f:
        f.write('\n'.join(sorted(hashes)))
    print('reserved hashes', len(hashes))


if __name__ == '__main__':
    sys.setrecursionlimit(10000)
    cmd = sys.argv[1]
    if cmd == 'unpack':
        unpack()
    elif cmd == 'pairs':
        run_pairs()
    elif cmd == 'reserved':
        run_reserved()
