/**
 * Parse pool worker thread (bundled as dist/parseWorker.js): its own tree-sitter runtime
 * and grammars; prepares one file per message (see prepareChunks) and posts the result back.
 */
import { parentPort } from 'node:worker_threads';
import { SymbolParser } from '../parse/symbols';
import { prepareChunks } from './prepareChunks';
import type { ParseReply, ParseRequest } from './parsePool';

async function main(): Promise<void> {
  if (!parentPort) throw new Error('the parse worker must run in a worker thread');
  const port = parentPort;
  const parser = await SymbolParser.create();
  // One file at a time: the pool sends the next one when this one is answered.
  port.on('message', (request: ParseRequest) => {
    prepareChunks(parser, request.relPath, request.language, request.text).then(
      (prepared) => port.postMessage({ id: request.id, prepared } satisfies ParseReply),
      (error: unknown) => port.postMessage({ id: request.id, error: String((error as Error)?.message ?? error) } satisfies ParseReply),
    );
  });
  port.postMessage({ id: -1 } satisfies ParseReply);
}

void main();
