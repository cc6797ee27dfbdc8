/**
 * The engine process: JSON-RPC over stdio, started by the extension with VS Code's own
 * Node. It only ever talks to its parent through the pipes it was given.
 */
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import * as protocol from './protocol';
import { Workspace } from './workspace';

const connection = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const workspace = new Workspace(
  (status) => void connection.sendNotification(protocol.StatusChanged, status),
  (log) => void connection.sendNotification(protocol.Log, log),
);

// stdout carries the protocol: anything else printed must go to stderr.
console.log = console.info = (...args: unknown[]) => process.stderr.write(`${args.join(' ')}\n`);

connection.onRequest(protocol.Initialize, async ({ roots, settings }) => {
  await workspace.open(roots, settings);
  return { provider: workspace.modelProvider() };
});
connection.onRequest(protocol.IndexRoots, async ({ root }) => {
  for (const r of workspace.select(root)) r.schedule();
});
connection.onRequest(protocol.FilesChanged, async ({ root, paths }) => workspace.filesChanged(root, paths ?? []));
connection.onRequest(protocol.Search, ({ query, k, filters }) =>
  workspace.search((engine) => engine.search(query, { k, filters }), k));
connection.onRequest(protocol.Similar, ({ root, path, startLine, endLine, text, k }) =>
  workspace.engine(root).similar(text ? { text } : { path, startLine, endLine }, { k }));
connection.onRequest(protocol.Explain, ({ root, path, startLine, endLine, text }) =>
  workspace.engine(root).explain(path, startLine, endLine, text));
connection.onRequest(protocol.Pause, async ({ root }) => workspace.select(root).forEach((r) => r.pause()));
connection.onRequest(protocol.Resume, async ({ root }) => workspace.select(root).forEach((r) => r.resume()));
connection.onRequest(protocol.ClearIndex, ({ root }) => workspace.clear(root));
connection.onRequest(protocol.Stats, async ({ root }) => workspace.select(root).map((r) => r.engine.stats()));

connection.onClose(() => void workspace.close().finally(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
connection.listen();
