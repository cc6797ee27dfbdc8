// The packaged VSIX: what it holds, and that it installs offline into code-server and
// activates with no error in the extension host log.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { listZip } from '../../scripts/zip-list.mjs';
import { openWorkbench } from './harness/browser.mjs';
import { CODE_SERVER, EXTENSION_ID, startCodeServer, stopCodeServer } from './harness/codeServer.mjs';
import { activationErrors, activationStarted, extHostLog, keepLogs, quarryLogErrors } from './harness/logs.mjs';
import { REPO, ensureVsix } from './harness/vsix.mjs';
import { eventually, quarryStatus } from './harness/workbench.mjs';

const ARTEFACTS = 'install';
const target = { platform: process.platform, arch: process.arch };

test('the VSIX holds the bundles and only this platform\'s native binaries', () => {
  const names = listZip(ensureVsix()).map((e) => e.name.replace(/^extension\//, ''));
  for (const f of ['package.json', 'dist/extension.js', 'dist/server.js', 'dist/tree-sitter.wasm',
    'dist/node_modules/hnswlib-node/build/Release/addon.node', 'dist/node_modules/bindings/bindings.js',
    'dist/node_modules/onnxruntime-node/dist/index.js', 'dist/node_modules/onnxruntime-common/package.json',
    `dist/node_modules/onnxruntime-node/bin/napi-v6/${target.platform}/${target.arch}/onnxruntime_binding.node`]) {
    assert.ok(names.includes(f), `${f} is packaged`);
  }
  assert.ok(names.some((n) => /^dist\/grammars\/tree-sitter-python\.wasm$/.test(n)), 'grammars are packaged');
  const foreign = names.filter((n) => /bin\/napi-v6\//.test(n) && !n.includes(`/napi-v6/${target.platform}/${target.arch}/`));
  assert.deepEqual(foreign, [], 'no other platform\'s onnxruntime binaries');
  const stray = names.filter((n) => /^(src|test|node_modules|scripts|training|bench)\//.test(n) || /\.(map|ts)$/.test(n));
  assert.deepEqual(stray, [], 'no sources, tests, tooling, source maps or root node_modules');
  if (existsSync(path.join(REPO, 'models/quarry-code'))) {
    assert.ok(names.some((n) => n.startsWith('models/quarry-code/')), 'the shipped model is packaged');
  }
});

let server;
let wb;
before(async () => {
  server = await startCodeServer({ name: ARTEFACTS });
  wb = await openWorkbench(server.url, ARTEFACTS);
});
after(async () => {
  if (wb) await wb.shot('final');
  await wb?.browser.close();
  if (server) {
    keepLogs(server, ARTEFACTS);
    await stopCodeServer(server);
  }
});

test('the VSIX installs offline into code-server', () => {
  const r = spawnSync(CODE_SERVER, ['--list-extensions', '--show-versions', '--extensions-dir', server.dirs.ext,
    '--user-data-dir', server.dirs.userData], { encoding: 'utf8', timeout: 60_000 });
  assert.match(r.stdout, new RegExp(`^${EXTENSION_ID.replace('.', '\\.')}@`, 'm'));
});

test('the extension activates with no error in the extension host log', async () => {
  const started = await eventually(async () => activationStarted(extHostLog(server)), 60_000);
  assert.ok(started, 'the extension host logged the activation of quarry.quarry');
  // Give a failing activate() time to reach the log, and the status bar time to show.
  const status = await eventually(async () => (await quarryStatus(wb.page)).find((t) => /Quarry:/.test(t)), 60_000);
  await wb.shot('activated');
  assert.deepEqual(activationErrors(extHostLog(server)), []);
  assert.deepEqual(quarryLogErrors(server), [], 'no error in the Quarry log');
  assert.ok(status, 'a "Quarry: …" status bar item is shown');
  assert.deepEqual(wb.dialogs, []);
});
