// Quarry used as a person would, in a real VS Code (code-server) driven through Chromium:
// index, search and open, keyboard navigation, find-similar and explain from the editor's
// context menu, an edit that becomes searchable, and hostile names shown inert everywhere.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './harness/browser.mjs';
import { startCodeServer } from './harness/codeServer.mjs';
import { endSession } from './harness/session.mjs';
import { HOSTILE_FUNCTION, HOSTILE_NAME, lineOf } from './harness/fixture.mjs';
import { activationErrors, extHostLog } from './harness/logs.mjs';
import {
  activeTab, contextMenu, cursorPosition, editorLine, eventually, openFile, openQuarryContainer, readResults,
  runCommand, search, waitForStatus, webview,
} from './harness/workbench.mjs';

const ARTEFACTS = 'quarry';
let server;
let wb;
let page;

/** A test that keeps a screenshot when it fails. */
const uiTest = (name, fn) => test(name, (t) => (wb ? wb.step(name, fn)(t) : fn(t)));

before(async () => {
  server = await startCodeServer({ name: ARTEFACTS });
  wb = await openWorkbench(server.url, ARTEFACTS);
  page = wb.page;
});

after(() => endSession(wb, server, ARTEFACTS));

/** The search view, opened from the activity bar. */
async function searchView() {
  await openQuarryContainer(page);
  return webview(page, '#quarry-query');
}

/** Visible text with Monaco's non-breaking spaces made plain. */
const textOf = async (locator) => (await locator.innerText()).replace(/\u00a0/g, ' ');
const byName = (results, name) => results.find((r) => r.name.split('.').pop() === name);

uiTest('indexes the workspace: the status bar says "Quarry: ready"', async () => {
  await waitForStatus(page, 'Quarry: ready', 180_000);
  await wb.shot('ready');
});

uiTest('search view: a query by meaning finds the function, and a click opens it at its lines', async () => {
  const view = await searchView();
  await search(view, 'great circle distance between two coordinates', { expectName: 'haversineDistance' });
  await wb.shot('search-results');
  const results = await readResults(view);
  const rank = results.findIndex((r) => r.name.endsWith('haversineDistance'));
  assert.ok(rank >= 0 && rank < 3, `haversineDistance in the top 3, got ${JSON.stringify(results.map((r) => r.name))}`);
  const hit = results[rank];
  assert.equal(hit.path, 'src/geometry.ts');
  const declared = lineOf(server.dirs.workspace, 'src/geometry.ts', 'export function haversineDistance');
  assert.ok(hit.startLine <= declared && declared <= hit.endLine, `result lines ${hit.startLine}-${hit.endLine} hold line ${declared}`);

  await view.locator('#quarry-results .quarry-result').nth(rank).click();
  await activeTab(page, 'geometry.ts');
  await editorLine(page, 'export function haversineDistance').waitFor({ timeout: 10_000 });
  const pos = await cursorPosition(page);
  await wb.shot('search-opened');
  assert.ok(pos.line === hit.startLine || pos.line === hit.endLine, `cursor at ${pos.text}, result ${hit.startLine}-${hit.endLine}`);
});

uiTest('search view: ArrowDown selects a result and Enter opens it', async () => {
  const view = await searchView();
  await search(view, 'least recently used cache eviction', { expectName: 'Put' });
  const first = (await readResults(view))[0];
  await view.locator('#quarry-query').press('ArrowDown');
  await view.locator('#quarry-results .quarry-result.selected').first().waitFor({ timeout: 5_000 });
  const selected = await view.locator('#quarry-results .quarry-result.selected').first().getAttribute('data-path');
  assert.equal(selected, first.path);
  await view.locator('#quarry-results .quarry-result.selected').first().press('Enter');
  await activeTab(page, path.posix.basename(first.path));
  await wb.shot('keyboard-opened');
});

uiTest('find similar code from the editor context menu', async () => {
  await openFile(page, 'src/geometry.ts');
  await contextMenu(page, editorLine(page, 'export function haversineDistance'), 'Find Similar Code');
  const view = await webview(page, '#quarry-results[data-mode="similar"]');
  await view.locator('#quarry-results[data-mode="similar"] .quarry-result').first().waitFor({ timeout: 30_000 });
  await wb.shot('similar');
  const results = await readResults(view);
  const top = results.slice(0, 5).map((r) => `${r.path}:${r.name}`);
  assert.ok(byName(results.slice(0, 5), 'distanceBetweenStops'), `distanceBetweenStops among the top 5 similar: ${top}`);
  assert.ok(!results.some((r) => r.path === 'src/geometry.ts' && r.name.endsWith('haversineDistance')), 'the subject itself is not listed');
});

uiTest('explain lists the definitions the symbol under the cursor uses', async () => {
  await openFile(page, 'src/routes.ts');
  await contextMenu(page, editorLine(page, 'total += haversineDistance'), 'Explain Selection');
  const view = await webview(page, '#quarry-explain');
  const subject = view.locator('.quarry-section[data-section="subject"] .quarry-entry');
  await subject.first().waitFor({ timeout: 30_000 });
  // The view may still show the previous cursor position's explanation for a moment.
  const subjectName = await eventually(async () => {
    const name = await subject.first().locator('.quarry-name').innerText();
    return /routeLength/.test(name) ? name : undefined;
  }, 30_000, 500);
  assert.match(String(subjectName), /routeLength/);
  const defs = view.locator('.quarry-section[data-section="definitions"] .quarry-entry');
  await defs.first().waitFor({ timeout: 30_000 });
  await wb.shot('explain');
  const listed = await defs.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-path')}:${e.querySelector('.quarry-name')?.textContent}`));
  assert.ok(listed.some((d) => d.startsWith('src/geometry.ts:') && d.includes('haversineDistance')), `definitions: ${listed}`);
});

uiTest('a new function typed and saved becomes searchable', async () => {
  const name = `zebraQuokkaChecksum${Date.now() % 100000}`;
  await openFile(page, 'src/rateLimiter.ts');
  await editorLine(page, 'export class TokenBucket').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(`export function ${name}(data: string): number {`);
  await page.keyboard.press('Enter');
  await page.keyboard.type('  return data.length * 31;');
  await page.keyboard.press('Enter');
  await page.keyboard.type('}');
  await page.keyboard.press('Control+S');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  await wb.shot('edited');
  const view = await searchView();
  const found = await eventually(async () => {
    await search(view, name, { timeout: 5_000 });
    const r = byName(await readResults(view), name);
    return r ?? undefined;
  }, 90_000, 1_000);
  assert.ok(found, `${name} is found after saving`);
  // The explain view follows the cursor, inside the new function: once the file is indexed it explains it.
  const explain = await webview(page, '#quarry-explain');
  const subject = await eventually(async () => {
    const text = await explain.locator('.quarry-section[data-section="subject"] .quarry-entry .quarry-name').first().innerText({ timeout: 1_000 }).catch(() => '');
    return text.includes(name) ? text : undefined;
  }, 30_000, 500);
  await wb.shot('edit-searchable');
  assert.ok(subject, `the explain view shows ${name} once the file is indexed`);
  assert.equal(found.path, 'src/rateLimiter.ts');
});

uiTest('HTML and script in file names and contents are shown as inert text in every view', async () => {
  const view = await searchView();
  // Search view: the file name and the snippet appear literally; no element is created.
  await search(view, HOSTILE_FUNCTION, { expectName: HOSTILE_FUNCTION });
  const file = view.locator('#quarry-results .quarry-file', { has: view.locator(`.quarry-result[data-path="${HOSTILE_NAME}"]`) });
  assert.match(await textOf(file.first()), /<img src=x onerror=alert\(1\)>\.ts/);
  assert.match(await textOf(view.locator('#quarry-results')), /<script>alert\(2\)<\/script>/);
  assert.equal(await view.locator('#quarry-results img, #quarry-results script').count(), 0);
  await wb.shot('hostile-search');

  await search(view, 'untrusted heading hostile markup documentation', { expectName: 'Untrusted' });
  assert.match(await textOf(view.locator('#quarry-results')), /<script>alert\(3\)<\/script>|<img src=x onerror=alert\(4\)>/);
  assert.equal(await view.locator('#quarry-results img, #quarry-results script').count(), 0);
  await wb.shot('hostile-docs');

  // Editor tab and explain view.
  await search(view, HOSTILE_FUNCTION, { expectName: HOSTILE_FUNCTION });
  await view.locator(`#quarry-results .quarry-result[data-path="${HOSTILE_NAME}"]`).first().click();
  await activeTab(page, HOSTILE_NAME);
  await contextMenu(page, editorLine(page, `export function ${HOSTILE_FUNCTION}`), 'Explain Selection');
  const explain = await webview(page, '#quarry-explain');
  const subject = explain.locator(`.quarry-section[data-section="subject"] .quarry-entry[data-path="${HOSTILE_NAME}"]`);
  await subject.first().waitFor({ timeout: 30_000 });
  assert.match(await textOf(subject.first()), /<img src=x onerror=alert\(1\)>\.ts/);
  assert.equal(await explain.locator('#quarry-explain img, #quarry-explain script').count(), 0);
  await wb.shot('hostile-explain');

  // Quick pick (Quarry: Search Code) and the results document.
  await runCommand(page, 'Quarry: Search Code');
  await page.locator('.quick-input-widget input').fill(HOSTILE_FUNCTION);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: HOSTILE_FUNCTION }).first();
  await row.waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.quick-input-list img[src="x"]').count(), 0);
  await wb.shot('hostile-quickpick');
  await page.keyboard.press('Escape');
  await runCommand(page, 'Quarry: Open Results in Editor');
  const doc = page.locator('.editor-group-container.active .view-lines');
  await eventually(async () => (await textOf(doc)).includes(HOSTILE_NAME), 20_000);
  await wb.shot('hostile-results-document');
  assert.match(await textOf(doc), /<img src=x onerror=alert\(1\)>\.ts/);

  assert.deepEqual(wb.dialogs, [], 'no alert/confirm/prompt dialog fired');
});

test('no dialogs and no activation errors during the whole session', () => {
  assert.deepEqual(wb.dialogs, []);
  assert.deepEqual(activationErrors(extHostLog(server)), []);
});
