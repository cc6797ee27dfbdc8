/**
 * `quarry`: the engine from the command line — index, search, similar, stats.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { Engine, type EngineOptions, UserError } from '../core/engine';
import type { SearchMode } from '../core/search/searcher';
import type { LanguageId, SearchFilters } from '../core/types';
import { formatResults, formatSummary } from './format';
import { progressReporter } from './progress';

interface CommonOptions {
  cacheDir?: string;
  model?: string;
  provider?: string;
}

interface SearchCliOptions extends CommonOptions {
  root: string[];
  k: number;
  lang?: string[];
  path?: string[];
  excludePath?: string[];
  kind?: 'code' | 'docs';
  json?: boolean;
  queries?: string;
  mode?: SearchMode;
  explain?: boolean;
  raw?: boolean;
}

const program = new Command()
  .name('quarry')
  .description('Find code and documentation by meaning, entirely on your machine.')
  .showHelpAfterError();

function withCommon(cmd: Command): Command {
  return cmd
    .option('--cache-dir <dir>', 'where indexes live (default: $QUARRY_CACHE_DIR or the OS cache folder)')
    .option('--model <model>', "'default' (the shipped model), 'none' (lexical only) or a model folder; default: the index's own, else 'default'")
    .option('--provider <name>', 'execution provider: auto, cuda, webgpu, dml, coreml, cpu');
}

function engineOptions(o: CommonOptions, extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    cacheRoot: o.cacheDir,
    model: o.model,
    provider: o.provider,
    log: (level, message) => {
      if (level === 'warn' || level === 'error' || process.env.QUARRY_VERBOSE) process.stderr.write(`quarry: ${message}\n`);
    },
    ...extra,
  };
}

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

withCommon(program.command('index'))
  .description('index (or bring up to date) one or more folders')
  .argument('[roots...]', 'folders to index', ['.'])
  .option('--max-file-bytes <n>', 'skip files larger than this', positiveInt)
  .option('--exclude <glob>', 'leave out matching paths (repeatable)', collect)
  .option('--json', 'print the summary as JSON')
  .action(async (roots: string[], o: CommonOptions & { maxFileBytes?: number; exclude?: string[]; json?: boolean }) => {
    for (const root of roots) {
      const engine = await Engine.open(root, engineOptions(o, { maxFileBytes: o.maxFileBytes, exclude: o.exclude }));
      try {
        const progress = o.json ? undefined : progressReporter();
        const summary = await engine.index(progress?.update);
        progress?.stop();
        console.log(o.json ? JSON.stringify(summary) : formatSummary(summary));
      } finally {
        await engine.close();
      }
    }
  });

withCommon(program.command('search'))
  .description('search indexed folders')
  .argument('[query]', 'what to look for: words, a question or an identifier')
  .option('--root <dir>', 'indexed folder to search (repeatable; default: the current folder)', collect)
  .option('-k, --k <n>', 'number of results', positiveInt, 10)
  .option('--lang <language>', 'only this language (repeatable)', collect)
  .option('--path <glob>', 'only paths matching this glob (repeatable)', collect)
  .option('--exclude-path <glob>', 'leave out paths matching this glob (repeatable)', collect)
  .addOption(new Option('--kind <kind>', 'code or docs only').choices(['code', 'docs']))
  .addOption(new Option('--mode <mode>', 'channels to use').choices(['lexical', 'dense', 'hybrid']))
  .option('--queries <file>', 'batch mode: a JSONL file of {"id", "query"}; prints one JSON line per query')
  .option('--json', 'print results as JSON')
  .option('--explain', 'show the scores behind each rank')
  .option('--raw', 'rank by channel scores alone, without the ranking priors')
  .action(async (query: string | undefined, o: SearchCliOptions) => {
    if (!query && !o.queries) throw new UserError('give a query, or --queries FILE');
    const filters: SearchFilters = { languages: o.lang as LanguageId[] | undefined, include: o.path, exclude: o.excludePath, kind: o.kind };
    const engines = await openForSearch(o);
    try {
      const search = async (q: string) => (await Promise.all(engines.map((e) => e.search(q, { k: o.k, mode: o.mode, filters, raw: o.raw }))))
        .flat().sort((a, b) => b.score - a.score).slice(0, o.k);
      if (o.queries) {
        for await (const { id, query: q } of readQueries(o.queries)) {
          console.log(JSON.stringify({ id, query: q, results: await search(q) }));
        }
        return;
      }
      const results = await search(query!);
      console.log(o.json ? JSON.stringify(results, null, 2) : formatResults(results, o.explain ?? false));
    } finally {
      await Promise.all(engines.map((e) => e.close()));
    }
  });

withCommon(program.command('similar'))
  .description('find code similar to FILE:LINE[-LINE], or to text on standard input')
  .argument('[location]', 'FILE:LINE or FILE:START-END (relative to --root)')
  .option('--root <dir>', 'indexed folder', '.')
  .option('--stdin', 'read the snippet from standard input')
  .option('-k, --k <n>', 'number of results', positiveInt, 10)
  .option('--json', 'print results as JSON')
  .action(async (location: string | undefined, o: CommonOptions & { root: string; stdin?: boolean; k: number; json?: boolean }) => {
    const engine = await openIndexed(o.root, o);
    try {
      const target = o.stdin ? { text: await readStdin() } : parseLocation(location);
      const results = await engine.similar(target, { k: o.k });
      console.log(o.json ? JSON.stringify(results, null, 2) : formatResults(results, false));
    } finally {
      await engine.close();
    }
  });

withCommon(program.command('stats'))
  .description('what an index holds: files, chunks, languages, skipped files by reason')
  .option('--root <dir>', 'indexed folder', '.')
  .option('--json', 'print as JSON')
  .action(async (o: CommonOptions & { root: string; json?: boolean }) => {
    const engine = await Engine.open(o.root, engineOptions(o));
    try {
      const stats = engine.stats();
      console.log(o.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
    } finally {
      await engine.close();
    }
  });

async function openForSearch(o: SearchCliOptions): Promise<Engine[]> {
  const roots = o.root?.length ? o.root : ['.'];
  return Promise.all(roots.map((r) => openIndexed(r, o)));
}

/** Opens a root's index, building it first when none exists yet. */
async function openIndexed(root: string, o: CommonOptions): Promise<Engine> {
  const engine = await Engine.open(root, engineOptions(o));
  if (!engine.hasIndex) {
    process.stderr.write(`quarry: no index for ${engine.root} yet; indexing it first\n`);
    await engine.index();
  }
  return engine;
}

function parseLocation(location: string | undefined): { path: string; startLine: number; endLine: number } {
  const m = location?.match(/^(.+?):(\d+)(?:-(\d+))?$/);
  if (!m) throw new UserError('expected FILE:LINE or FILE:START-END (or --stdin)');
  const startLine = Number(m[2]);
  return { path: m[1], startLine, endLine: m[3] ? Number(m[3]) : startLine };
}

async function* readQueries(file: string): AsyncGenerator<{ id: string; query: string }> {
  const stream = createReadStream(file, 'utf8');
  const opened = new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
  await opened.catch((e: Error) => {
    throw new UserError(`cannot read ${file}: ${e.message}`);
  });
  let lineNumber = 0;
  for await (const line of createInterface({ input: stream })) {
    lineNumber++;
    if (!line.trim()) continue;
    let parsed: { id?: unknown; query?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UserError(`${file}:${lineNumber}: not a JSON line`);
    }
    if (typeof parsed.query !== 'string') throw new UserError(`${file}:${lineNumber}: "query" must be a string`);
    yield { id: String(parsed.id ?? lineNumber), query: parsed.query };
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new UserError('standard input is empty');
  return text;
}

function formatStats(s: ReturnType<Engine['stats']>): string {
  const list = (o: Record<string, number>) => Object.entries(o).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    `Root      ${s.root}`,
    `Index    ${s.indexDir}${s.indexed ? '' : ' (not built yet)'}`,
    `Files    ${s.files}`,
    `Chunks   ${s.chunks}${s.vectors ? ` (${s.vectors} vectors)` : ''}`,
    `Model    ${s.model ? `${s.model.modelId} on ${s.model.provider}` : 'none (lexical only)'}`,
    `Languages ${list(s.languages)}`,
    `Skipped  ${list(s.skipped)}`,
    ...(s.parseFallbacks.length ? [`Parser fallbacks:`, ...s.parseFallbacks.map((f) => `  ${f}`)] : []),
    ...(s.note ? [`Note     ${s.note}`] : []),
  ].join('\n');
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const known = error instanceof UserError || (error instanceof Error && /Corrupt|Locked|IndexWrite/.test(error.constructor.name));
  // A failed commit (disk full, ...) leaves the previous generation current: say so.
  const kept = error instanceof Error && error.constructor.name === 'IndexWriteError' ? '; the previous index is unchanged' : '';
  const message = (error instanceof Error ? error.message : String(error)) + kept;
  process.stderr.write(`quarry: ${known ? message : `unexpected error: ${message}`}\n`);
  if (!known && process.env.QUARRY_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exitCode = known ? 2 : 1;
});
