// Screenshots of every Quarry view on a real repository, for documentation and issues.
// Reuses the e2e harness (test/e2e/harness): packages the VSIX when stale (or takes
// QUARRY_E2E_VSIX), starts code-server, copies the given folder into its temp dir, opens it,
// waits for "Quarry: ready" and saves PNGs under docs/screenshots/ (or QUARRY_SHOTS_DIR).
//
//   node scripts/screenshots.mjs <folder> [query]
//   e.g. node scripts/screenshots.mjs ~/src/flask/src/flask "how are blueprints registered"
//
// Optional env: QUARRY_SHOTS_FILE (file for explain / find similar, default app.py),
// QUARRY_SHOTS_SYMBOL (text on the line to right-click / put the cursor in, default "def full_dispatch_request").
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openWorkbench } from '../test/e2e/harness/browser.mjs';
import { startCodeServer, stopCodeServer } from '../test/e2e/harness/codeServer.mjs';
import { REPO } from '../test/e2e/harness/vsix.mjs';
import { lineOf } from '../test/e2e/harness/fixture.mjs';
import {
  activeTab, contextMenu, editorLine, openFile, openQuarryContainer, runCommand, search, waitForStatus, webview,
} from '../test/e2e/harness/workbench.mjs';

const source = process.argv[2] ?? process.env.QUARRY_SHOTS_SOURCE;
if (!source || !existsSync(source)) {
  console.error('usage: node scripts/screenshots.mjs <folder to index> [query]');
  process.exit(2);
}
const query = process.argv[3] ?? 'how are blueprints registered';
const subjectFile = process.env.QUARRY_SHOTS_FILE ?? 'app.py';
const subjectLine = process.env.QUARRY_SHOTS_SYMBOL ?? 'def full_dispatch_request';
const outDir = path.resolve(process.env.QUARRY_SHOTS_DIR ?? path.join(REPO, 'docs/screenshots'));
mkdirSync(outDir, { recursive: true });

const server = await startCodeServer({ name: 'screenshots' });
// The harness opens its fixture; open a copy of the real folder instead (?folder= wins).
const workspace = path.join(server.dirs.tmp, path.basename(path.resolve(source)));
cpSync(path.resolve(source), workspace, { recursive: true, filter: (p) => !/[\\/](\.git|node_modules|__pycache__)$/.test(p) });
const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}`;
const wb = await openWorkbench(url, 'screenshots');
const { page } = wb;
const saved = [];
const shot = async (name) => {
  await sleep(400); // let animations and debounced renders settle
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file });
  saved.push(file);
  console.log(`saved ${path.relative(REPO, file)}`);
};
const step = async (name, fn) => {
  try {
    await fn();
  } catch (e) {
    console.error(`${name} failed: ${e.message.split('\n')[0]}`);
    await wb.shot(`FAILED-${name}`);
  }
};
/** Opens the subject file and moves the cursor to the line holding `text` (Go to Line). */
const gotoText = async (file, text) => {
  await openFile(page, file);
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${lineOf(workspace, file, text)}`);
  await page.keyboard.press('Enter');
  await editorLine(page, text).waitFor({ timeout: 10_000 });
};
const closeEditors = async () => {
  await page.keyboard.press('Escape');
  await runCommand(page, 'View: Close All Editors').catch(() => {});
};

try {
  await waitForStatus(page, 'Quarry: ready', 600_000);

  await step('search', async () => {
    await openQuarryContainer(page);
    const view = await webview(page, '#quarry-query');
    await search(view, query);
    const first = view.locator('#quarry-results .quarry-result').first();
    await first.locator('.quarry-expand').click();
    await first.locator('.quarry-why').waitFor({ state: 'visible', timeout: 5_000 });
    await shot('1-search-view');
    await first.locator('.quarry-result-head .quarry-name').click();
    const file = (await first.getAttribute('data-path')).split('/').pop();
    await activeTab(page, file);
    await sleep(800);
    await shot('2-result-opened');
  });

  await step('similar', async () => {
    await closeEditors();
    await gotoText(subjectFile, subjectLine);
    await contextMenu(page, editorLine(page, subjectLine), 'Find Similar Code');
    const view = await webview(page, '#quarry-results[data-mode="similar"]');
    await view.locator('#quarry-results[data-mode="similar"] .quarry-result').first().waitFor({ timeout: 30_000 });
    await shot('3-find-similar');
  });

  await step('explain', async () => {
    // The Explain view follows the cursor: focus it once, then move the cursor into a function body.
    await page.keyboard.press('Escape');
    await openQuarryContainer(page);
    await gotoText(subjectFile, subjectLine);
    const view = await webview(page, '#quarry-explain');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await view.locator('.quarry-section[data-section="subject"] .quarry-entry').first().waitFor({ timeout: 30_000 });
    // Expand any collapsed section.
    const shut = view.locator('.quarry-section.collapsed .quarry-section-head');
    for (let i = await shut.count(); i > 0; i--) await shut.first().click().catch(() => {});
    await shot('4-explain-view');
  });

  await step('quickpick', async () => {
    await closeEditors();
    await runCommand(page, 'Quarry: Search Code');
    const input = page.locator('.quick-input-widget input');
    await input.fill('parse the session cookie');
    await page.locator('.quick-input-list .monaco-list-row').nth(1).waitFor({ timeout: 30_000 });
    await input.press('ArrowDown');
    await page.mouse.move(1400, 880); // no hover tooltip over the list
    await sleep(1_500); // the preview editor opens behind the pick
    await shot('5-search-quick-pick');
    await page.keyboard.press('Escape');
  });

  await step('results-document', async () => {
    await closeEditors();
    await runCommand(page, 'Quarry: Open Results in Editor');
    await page.locator('.editor-group-container.active .view-lines').waitFor({ timeout: 20_000 });
    await sleep(1_000);
    await shot('6-results-document');
  });

  await step('status-menu', async () => {
    await page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: 'Quarry' }).first().click();
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor({ timeout: 10_000 });
    await shot('7-status-menu');
    await page.keyboard.press('Escape');
  });
} finally {
  await wb.browser.close();
  await stopCodeServer(server);
}
console.log(`${saved.length} screenshots in ${path.relative(REPO, outDir) || outDir}`);
if (saved.length < 7) process.exitCode = 1;
