/**
 * The real engine process (dist/server.js) started the way the extension starts it (fork,
 * stdio pipes), with a JSON-RPC connection to it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import * as protocol from '../../src/server/protocol';
import { serverPath } from './helpers';

export interface EngineServer {
  child: ChildProcess;
  connection: MessageConnection;
  /** Resolves when `root` next reports `ready` (or rejects on `error`). */
  indexed(root: string): Promise<void>;
  stop(): Promise<void>;
}

export function startServer(options: { execPath?: string; execArgv?: string[] } = {}): EngineServer {
  const child = fork(serverPath, [], { execPath: options.execPath, execArgv: options.execArgv ?? [], silent: true });
  child.stderr?.resume();
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: { root: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  connection.onNotification(protocol.StatusChanged, (s) => {
    for (const w of waiters.filter((x) => x.root === s.root)) {
      if (s.status === 'ready') w.resolve();
      else if (s.status === 'error') w.reject(new Error(s.message ?? 'indexing failed'));
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  });
  connection.listen();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    connection,
    indexed: (root) => new Promise((resolve, reject) => waiters.push({ root, resolve, reject })),
    stop: async () => {
      connection.dispose();
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function settings(cacheRoot: string): protocol.EngineSettings {
  return { cacheRoot, model: 'default', provider: 'cpu', maxFileBytes: 1_000_000, include: [], exclude: [] };
}
