import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { IndexSummary } from '../../src/core/indexer';
import type { SearchResult } from '../../src/core/types';
import { fixtureSandbox, json, runCli, type Sandbox } from './helpers';

let box: Sandbox;
const common = () => ['--cache-dir', box.cache];
const search = (query: string, ...extra: string[]) =>
  json<SearchResult[]>(runCli(['search', query, '--root', box.root, '--json', ...common(), ...extra]));
const topPaths = (results: SearchResult[], n = 3) => results.slice(0, n).map((r) => r.path);

before(() => {
  box = fixtureSandbox();
});
after(() => box.dispose());

describe('quarry CLI on a fixture repository', () => {
  test('index prints a summary with files, chunks and skip reasons', () => {
    const summary = json<IndexSummary>(runCli(['index', box.root, '--json', ...common()]));
    assert.equal(summary.changedFiles, summary.files);
    assert.ok(summary.files >= 8, `files: ${summary.files}`);
    assert.ok(summary.chunks >= 20, `chunks: ${summary.chunks}`);
    assert.ok((summary.skipped.secret ?? 0) >= 2, 'the .env file and the private key are secrets');
    assert.ok((summary.skipped.ignored ?? 0) + (summary.skipped['excluded-dir'] ?? 0) >= 2, 'build/ and *.log are ignored');
  });

  const expectations: [string, string][] = [
    ['rate limiter', 'server/app.py'],
    ['evict least recently used entry', 'pkg/cache/lru.go'],
    ['parseQueryString', 'src/http/router.ts'],
    ['read the next token from source text', 'crates/parser/src/lexer.rs'],
    ['SessionStore', 'src/auth/session.ts'],
    ['sign a session token', 'src/auth/session.ts'],
    ['dispatch request to handler', 'src/http/router.ts'],
    ['send an email', 'server/app.py'],
  ];
  for (const [query, expected] of expectations) {
    test(`"${query}" finds ${expected} in the top 3`, () => {
      assert.ok(topPaths(search(query)).includes(expected), JSON.stringify(topPaths(search(query))));
    });
  }

  test('a JSON result has the documented fields, with 1-based inclusive lines', () => {
    const [first] = search('NewLRU');
    assert.equal(first.path, 'pkg/cache/lru.go');
    assert.equal(first.name, 'NewLRU');
    assert.equal(first.kind, 'function');
    assert.equal(first.language, 'go');
    assert.equal(first.start_line, 18);
    assert.equal(first.end_line, 21);
    assert.match(first.snippet, /func NewLRU\(capacity int\) \*LRUCache/);
    assert.equal(typeof first.score, 'number');
  });

  test('filters: language, path glob and kind', () => {
    assert.ok(search('cache', '--lang', 'go').every((r) => r.language === 'go'));
    assert.ok(search('session', '--path', 'src/**').every((r) => r.path.startsWith('src/')));
    const docs = search('request lifecycle router', '--kind', 'docs');
    assert.ok(docs.length > 0 && docs.every((r) => r.path.endsWith('.md')));
    assert.ok(search('request lifecycle router', '--kind', 'code').every((r) => !r.path.endsWith('.md')));
  });

  test('tests are ranked below the code they test', () => {
    const paths = search('rate limiter allow').map((r) => r.path);
    assert.ok(paths.indexOf('server/app.py') < paths.indexOf('tests/test_rate_limiter.py'));
  });

  test('batch mode prints one JSON line per query', () => {
    const file = path.join(box.root, '..', 'queries.jsonl');
    writeFileSync(file, '{"id": "a", "query": "LRU cache"}\n{"id": "b", "query": "router"}\n');
    const run = runCli(['search', '--root', box.root, '--queries', file, '-k', '5', ...common()]);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.id), ['a', 'b']);
    assert.ok(lines.every((l) => l.results.length > 0 && l.results.length <= 5));
  });

  test('similar finds related code and excludes the snippet itself', () => {
    const results = json<SearchResult[]>(runCli(['similar', 'src/http/router.ts:43', '--root', box.root, '--json', ...common()]));
    assert.ok(results.length > 0);
    assert.ok(results.every((r) => !(r.path === 'src/http/router.ts' && r.start_line <= 43 && r.end_line >= 43)));
    const fromStdin = json<SearchResult[]>(runCli(['similar', '--stdin', '--root', box.root, '--json', ...common()], { input: 'func (c *Cache) Evict(key string) { delete(c.items, key) }' }));
    assert.equal(fromStdin[0].path, 'pkg/cache/lru.go');
  });

  test('stats counts files, chunks and skipped files by reason', () => {
    const stats = json<{ files: number; chunks: number; skipped: Record<string, number>; languages: Record<string, number> }>(
      runCli(['stats', '--root', box.root, '--json', ...common()]));
    assert.ok(stats.files >= 8 && stats.chunks >= 20);
    assert.ok(stats.skipped.secret >= 2);
    for (const lang of ['typescript', 'python', 'go', 'rust', 'markdown']) assert.ok(stats.languages[lang] >= 1, lang);
  });

  test('re-indexing an unchanged tree does nothing; edits, deletes and renames redo only those files', () => {
    const again = json<IndexSummary>(runCli(['index', box.root, '--json', ...common()]));
    assert.equal(again.changedFiles, 0);
    assert.equal(again.unchangedFiles, again.files);

    appendFileSync(path.join(box.root, 'server', 'app.py'), '\n\ndef archive_old_tasks(days):\n    """Moves finished tasks older than `days` to the archive."""\n    return days\n');
    rmSync(path.join(box.root, 'README.md'));
    renameSync(path.join(box.root, 'src', 'auth', 'session.ts'), path.join(box.root, 'src', 'auth', 'sessions.ts'));
    const edited = json<IndexSummary>(runCli(['index', box.root, '--json', ...common()]));
    assert.equal(edited.changedFiles, 2, 'the edited file and the renamed one');
    assert.equal(edited.removedFiles, 2, 'the deleted file and the old name');
    assert.equal(search('archive old tasks')[0].name, 'archive_old_tasks');
    assert.ok(search('SessionStore').some((r) => r.path === 'src/auth/sessions.ts'));
    assert.ok(!search('SessionStore').some((r) => r.path === 'src/auth/session.ts'));
  });

  test('bad input gives a clear message and a non-zero exit, never a stack trace', () => {
    const cases = [
      ['search', 'x', '--root', path.join(box.root, 'missing'), ...common()],
      ['search', 'x', '-k', 'zero', '--root', box.root, ...common()],
      ['search', '--root', box.root, ...common()],
      ['similar', 'nowhere.ts:3', '--root', box.root, ...common()],
      ['search', '--root', box.root, '--queries', path.join(box.root, 'none.jsonl'), ...common()],
      ['frobnicate'],
    ];
    for (const args of cases) {
      const run = runCli(args);
      assert.notEqual(run.status, 0, args.join(' '));
      assert.ok(run.stderr.trim().length > 0, args.join(' '));
      assert.doesNotMatch(run.stderr, /\n\s+at /, `stack trace for ${args.join(' ')}`);
    }
  });
});

describe('models', () => {
  test('switching models rebuilds the index with vectors of the new model', () => {
    const byo = path.join(__dirname, '..', 'fixtures', 'byo-model');
    const sandbox = fixtureSandbox();
    try {
      const args = (model: string) => ['index', sandbox.root, '--cache-dir', sandbox.cache, '--json', '--model', model];
      const lexical = json<IndexSummary>(runCli(args('none')));
      assert.equal(lexical.changedFiles, lexical.files);
      const switched = json<IndexSummary>(runCli(args(byo)));
      assert.equal(switched.changedFiles, switched.files, 'every file redone for the new model');
      const stats = json<{ vectors: number; chunks: number; model: { modelId: string } }>(
        runCli(['stats', '--root', sandbox.root, '--cache-dir', sandbox.cache, '--json']));
      assert.equal(stats.vectors, stats.chunks);
      assert.match(stats.model.modelId, /^byo-/);
      const results = json<SearchResult[]>(runCli(['search', 'least recently used cache', '--root', sandbox.root, '--cache-dir', sandbox.cache, '--json', '--mode', 'dense']));
      assert.equal(results.length, 10);
    } finally {
      sandbox.dispose();
    }
  });
});
