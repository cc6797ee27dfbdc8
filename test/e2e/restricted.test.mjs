// An untrusted workspace (Workspace Trust on, Restricted Mode). The designed behaviour
// (README "Workspace Trust", src/extension/settings.ts): Quarry still indexes and searches,
// but with the user's settings only — the workspace's quarry.model, quarry.include and
// quarry.exclude are ignored, and the status bar tooltip says so. The workspace here asks
// to exclude src/** and to load a model from a path inside it; neither may take effect.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openWorkbench } from './harness/browser.mjs';
import { startCodeServer } from './harness/codeServer.mjs';
import { endSession } from './harness/session.mjs';
import { activationErrors, extHostLog, logFiles } from './harness/logs.mjs';
import { readFileSync } from 'node:fs';
import { eventually, openQuarryContainer, readResults, runCommand, search, waitForStatus, webview } from './harness/workbench.mjs';

const ARTEFACTS = 'restricted';
let server;
let wb;
let page;

/** A test that keeps a screenshot when it fails. */
const uiTest = (name, fn) => test(name, (t) => (wb ? wb.step(name, fn)(t) : fn(t)));

before(async () => {
  server = await startCodeServer({
    name: ARTEFACTS,
    trusted: false,
    workspaceSettings: { 'quarry.exclude': ['src/**'], 'quarry.model': './not-a-model' },
  });
  wb = await openWorkbench(server.url, ARTEFACTS);
  page = wb.page;
});

after(() => endSession(wb, server, ARTEFACTS));

uiTest('the folder opens in Restricted Mode', async () => {
  await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Restricted Mode' }).first()
    .waitFor({ timeout: 60_000 });
  await wb.shot('restricted-mode');
});

uiTest('Quarry indexes with the user settings and says Restricted Mode in its tooltip', async () => {
  await waitForStatus(page, 'Quarry: ready', 180_000);
  const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Quarry: ready' }).first();
  await item.hover();
  const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Restricted Mode' }).first();
  await hover.waitFor({ state: 'visible', timeout: 10_000 });
  await wb.shot('restricted-tooltip');
  const tooltip = await hover.innerText();
  assert.match(tooltip, /workspace settings .* ignored/i);
  // The user's model (the default one) and where it runs.
  assert.match(tooltip, /Model: default, running on the CPU/);
});

uiTest('workspace settings are ignored: src/** is still searched, the workspace model path is not loaded', async () => {
  await openQuarryContainer(page);
  const view = await webview(page, '#quarry-query');
  await search(view, 'great circle distance between two coordinates', { expectName: 'haversineDistance' });
  await wb.shot('restricted-search');
  const results = await readResults(view);
  assert.ok(results.some((r) => r.path === 'src/geometry.ts'), 'src/geometry.ts is indexed despite the workspace exclude');
  const logs = logFiles(server).map((f) => readFileSync(f, 'utf8')).join('\n');
  assert.ok(!logs.includes('not-a-model'), 'the workspace model path was never tried');
  assert.deepEqual(activationErrors(extHostLog(server)), []);
  assert.deepEqual(wb.dialogs, []);
});

uiTest('once the folder is trusted, its settings apply: src/** is excluded', async () => {
  await runCommand(page, 'Workspaces: Manage Workspace Trust');
  const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ }).first();
  await trust.waitFor({ state: 'visible', timeout: 15_000 });
  await trust.click();
  await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Restricted Mode' })
    .waitFor({ state: 'detached', timeout: 15_000 });
  await waitForStatus(page, 'Quarry: ready', 180_000);
  await openQuarryContainer(page);
  const view = await webview(page, '#quarry-query');
  const excluded = await eventually(async () => {
    await search(view, 'haversineDistance great circle distance', { timeout: 5_000 });
    const results = await readResults(view);
    return results.length > 0 && !results.some((r) => r.path.startsWith('src/'));
  }, 60_000, 1_000);
  await wb.shot('trusted-search');
  assert.ok(excluded, 'after trust, the workspace exclude src/** removes src/ from the results');
  assert.deepEqual(wb.dialogs, []);
});
