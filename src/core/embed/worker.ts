/**
 * Embedding worker thread (bundled as dist/embedWorker.js). Opens the model once, then
 * embeds one batch per message; the caller's side decides order and priority, so this
 * loop only ever has one batch in hand.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerInit } from './protocol';
import { openRunner } from './runner';

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<void> {
  if (!parentPort) throw new Error('embed worker must run in a worker thread');
  let runner;
  try {
    runner = await openRunner(workerData as WorkerInit, (from, reason) => post({ type: 'fell-back', from, reason }));
  } catch (err) {
    post({ type: 'init-failed', message: errorMessage(err) });
    return;
  }
  const ready = runner;
  parentPort.on('message', (msg: ToWorker) => {
    ready.embed(msg.texts, msg.role).then(
      ({ vectors }) => post({ type: 'done', id: msg.id, vectors }, [vectors.buffer as ArrayBuffer]),
      (err: unknown) => post({ type: 'failed', id: msg.id, message: errorMessage(err) }),
    );
  });
  post({ type: 'ready', info: ready.info, notes: ready.notes });
}

void main();
