/**
 * Parse pool worker thread (bundled as dist/parseWorker.js): its own tree-sitter runtime
 * instance (of the parent's compiled module) and grammars; prepares one file per message
 * (see prepareChunks) and posts the result back.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initRuntime } from '../parse/grammars';
import { SymbolParser } from '../parse/symbols';
import { prepareChunks } from './prepareChunks';
import type { ParseReply, ParseRequest, ParseWorkerData } from './parsePool';

/**
 * Nice value of a parse worker on Linux, where a thread's priority is its own: a background
 * index gives way to the editor and to the engine's main thread (which answers searches).
 * Elsewhere the call would lower the whole engine process, so it is not made.
 */
const WORKER_NICE = 10;

async function main(): Promise<void> {
  if (!parentPort) throw new Error('the parse worker must run in a worker thread');
  if (process.platform === 'linux') {
    try {
      os.setPriority(0, WORKER_NICE);
    } catch {
      // Not permitted in some sandboxes: run at the normal priority.
    }
  }
  const port = parentPort;
  // The parent's compiled runtime: its code (optimised or not, see grammars.ts) is shared.
  await initRuntime((workerData as ParseWorkerData | undefined)?.runtime);
  const parser = await SymbolParser.create();
  // Files are prepared in the order they arrive; the pool keeps a few queued here.
  port.on('message', (request: ParseRequest) => {
    prepareChunks(parser, request.relPath, request.language, request.text).then(
      (prepared) => port.postMessage({ id: request.id, prepared } satisfies ParseReply),
      (error: unknown) => port.postMessage({ id: request.id, error: String((error as Error)?.message ?? error) } satisfies ParseReply),
    );
  });
  port.postMessage({ id: -1 } satisfies ParseReply);
}

void main();
