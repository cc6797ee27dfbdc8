// Docstring-to-function benchmark (CodeSearchNet style) through the real CLI.
//
// bench/docbench/docbench.jsonl holds functions from held-out registry packages (never in
// the training data, never reserved projects); each query is the first sentence of the
// function's doc, and the doc is blanked out of the corpus. Every function becomes a file
// of a per-language corpus; a query must find its own file. Prints MRR@10 and recall@10
// per language and overall for each mode (lexical, dense, hybrid).
//
// usage: npm run bench:docbench [-- --modes lexical,dense,hybrid --limit N --out DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: args } = parseArgs({
  options: {
    modes: { type: 'string', default: 'lexical,dense,hybrid' },
    limit: { type: 'string', default: '0' },
    out: { type: 'string', default: path.join(repoRoot, 'bench', 'results', `docbench-${Date.now()}`) },
  },
});
const cli = process.env.QUARRY_CLI ?? path.join(repoRoot, 'dist', 'cli.js');
const modes = args.modes.split(',');
const entries = readFileSync(path.join(repoRoot, 'bench', 'docbench', 'docbench.jsonl'), 'utf8')
  .split('\n').filter(Boolean).map((l) => JSON.parse(l));
const limit = Number(args.limit) || entries.length;

/** Extensions for corpus files whose original path has none (shell scripts, mostly). */
const EXTENSION = { bash: '.sh', c: '.c', cpp: '.cpp', csharp: '.cs', elixir: '.ex', go: '.go', haskell: '.hs', java: '.java',
  javascript: '.js', kotlin: '.kt', lua: '.lua', php: '.php', python: '.py', ruby: '.rb', rust: '.rs', scala: '.scala',
  swift: '.swift', typescript: '.ts', zig: '.zig' };

/** Each entry's text is `path\nname\nsignature\ndoc(blank)\nbody`: the body is the file. */
function writeCorpus(lang, items, dir) {
  for (const e of items) {
    const lines = e.text.split('\n');
    // Packages ship code under dist/, build/...: folders a workspace index skips on purpose.
    let rel = lines[0].replace(/^\/+/, '').replace(/(^|\/)(dist|build|out|target|vendor|node_modules)\//g, '$1$2-src/');
    if (!/\.[A-Za-z0-9]+$/.test(path.basename(rel))) rel += EXTENSION[lang] ?? '.txt';
    const file = path.join(dir, e.id.replace(/[^\w.-]/g, '_'), rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, lines.slice(4).join('\n') + '\n');
    e.file = path.relative(dir, file).split(path.sep).join('/');
  }
}

const byLang = new Map();
for (const e of entries.slice(0, limit)) byLang.set(e.lang, [...(byLang.get(e.lang) ?? []), e]);
rmSync(args.out, { recursive: true, force: true });
const scores = {};
for (const [lang, items] of byLang) {
  const corpus = path.join(args.out, 'corpus', lang);
  writeCorpus(lang, items, corpus);
  const cache = path.join(args.out, 'cache');
  execFileSync(process.execPath, [cli, 'index', corpus, '--cache-dir', cache, '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const queries = path.join(args.out, `${lang}.queries.jsonl`);
  writeFileSync(queries, items.map((e, i) => JSON.stringify({ id: String(i), query: e.query })).join('\n') + '\n');
  for (const mode of modes) {
    const out = execFileSync(process.execPath, [cli, 'search', '--root', corpus, '--cache-dir', cache, '--queries', queries, '-k', '10', '--mode', mode],
      { encoding: 'utf8', maxBuffer: 1 << 30 });
    let rr = 0;
    let found = 0;
    for (const line of out.trim().split('\n')) {
      const { id, results } = JSON.parse(line);
      const rank = results.findIndex((r) => r.path === items[Number(id)].file);
      if (rank >= 0) {
        rr += 1 / (rank + 1);
        found++;
      }
    }
    scores[mode] ??= {};
    scores[mode][lang] = { n: items.length, mrr10: rr / items.length, recall10: found / items.length };
  }
  process.stderr.write(`${lang}: ${items.length} queries, ${modes.map((m) => `${m} ${scores[m][lang].mrr10.toFixed(3)}`).join(', ')}\n`);
}

console.log(`\n${'language'.padEnd(12)} ${'n'.padStart(5)}  ${modes.map((m) => `${m} MRR@10`.padStart(16)).join(' ')}`);
const langs = [...byLang.keys()].sort();
for (const lang of langs) {
  console.log(`${lang.padEnd(12)} ${String(byLang.get(lang).length).padStart(5)}  ${modes.map((m) => scores[m][lang].mrr10.toFixed(3).padStart(16)).join(' ')}`);
}
const summary = {};
for (const m of modes) {
  const total = langs.reduce((n, l) => n + scores[m][l].n, 0);
  summary[m] = {
    mrr10_macro: langs.reduce((s, l) => s + scores[m][l].mrr10, 0) / langs.length,
    mrr10_micro: langs.reduce((s, l) => s + scores[m][l].mrr10 * scores[m][l].n, 0) / total,
  };
}
console.log(`${'macro'.padEnd(12)} ${''.padStart(5)}  ${modes.map((m) => summary[m].mrr10_macro.toFixed(3).padStart(16)).join(' ')}`);
console.log(`${'micro'.padEnd(12)} ${''.padStart(5)}  ${modes.map((m) => summary[m].mrr10_micro.toFixed(3).padStart(16)).join(' ')}`);
writeFileSync(path.join(args.out, 'scores.json'), JSON.stringify({ summary, scores }, null, 2));
console.log(`written: ${path.join(args.out, 'scores.json')}`);
