/**
 * In-process measurements of the engine, run by bench/perf/run.mjs in a fresh process per
 * task (so that peak RSS and start-up belong to one corpus). Bundled like the CLI by
 * bench/perf/bundle.mjs. Reads one JSON task from argv[2], prints one JSON line of results.
 *
 * Tasks: 'index' (cold index, no-op re-index, edit-to-searchable, warm queries, sizes),
 * 'restart' (loading the index 'index' left, and serving searches from it) and 'parse'
 * (tree-sitter alone over the same files, for the side-by-side ratio).
 */
import { promises as fs } from 'node:fs';
import { measureIndex, type IndexTask } from './measureIndex';
import { measureParse, type ParseTask } from './measureParse';
import { measureRestart, type RestartTask } from './measureRestart';

type Task = ({ kind: 'index' } & IndexTask) | ({ kind: 'restart' } & RestartTask) | ({ kind: 'parse' } & ParseTask);

async function main(): Promise<void> {
  const task = JSON.parse(await fs.readFile(process.argv[2]!, 'utf8')) as Task;
  const result = task.kind === 'index' ? await measureIndex(task)
    : task.kind === 'restart' ? await measureRestart(task)
      : await measureParse(task);
  process.stdout.write(JSON.stringify(result) + '\n');
  // Embedding workers are unref'd, but an open handle must not keep a bench waiting.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
