// What a person does in the VS Code workbench, as small steps with bounded waits:
// the status bar, the command palette, quick open, the activity bar, editors, context
// menus, and the Quarry webviews (each an outer iframe.webview holding #active-frame).
import { setTimeout as sleep } from 'node:timers/promises';

const STATUS = '#workbench\\.parts\\.statusbar .statusbar-item';

/** Texts of the status bar items mentioning Quarry (for diagnostics). */
export async function quarryStatus(page) {
  return (await page.locator(STATUS, { hasText: 'Quarry' }).allInnerTexts()).map((t) => t.trim());
}

/** Waits until a status bar item reads `text` (e.g. "Quarry: ready"). */
export async function waitForStatus(page, text, timeout = 120_000) {
  try {
    await page.locator(STATUS, { hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch (e) {
    throw new Error(`status bar never said "${text}" within ${timeout} ms; it says ${JSON.stringify(await quarryStatus(page))}`);
  }
}

/** Runs a command from the palette by its title ("Quarry: Reindex Workspace"). */
export async function runCommand(page, title) {
  await page.locator('.monaco-workbench').focus().catch(() => {});
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await input.press('Enter');
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its tab. */
export async function openFile(page, relPath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relPath);
  const name = relPath.split('/').pop();
  // Click the row itself: Enter would take whichever row is first while the list still filters.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await activeTab(page, name);
}

/** Waits for the active editor tab to be titled `name`; returns its locator. */
export async function activeTab(page, name, timeout = 15_000) {
  const tab = page.locator('.tabs-container .tab.active', { hasText: name });
  await tab.first().waitFor({ state: 'visible', timeout });
  return tab.first();
}

/** The cursor position the status bar shows: { line, col, selected }. */
export async function cursorPosition(page) {
  const text = await page.locator('#status\\.editor\\.selection').innerText({ timeout: 10_000 });
  const m = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(text);
  if (!m) throw new Error(`unexpected cursor status "${text}"`);
  return { line: Number(m[1]), col: Number(m[2]), selected: Number(m[3] ?? 0), text };
}

/** The editor line (a .view-line) showing `text`, in the active editor group. */
export function editorLine(page, text) {
  return page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: text }).first();
}

/** Right-clicks an editor line and picks `item` from the context menu. */
export async function contextMenu(page, line, item) {
  await line.click();
  await line.click({ button: 'right' });
  const entry = page.locator('.monaco-menu .action-item', { hasText: item }).first();
  await entry.waitFor({ state: 'visible', timeout: 10_000 });
  await entry.hover();
  await entry.click();
  // A click that lands while the menu is still settling can leave it open with the item
  // focused: Enter then runs it, as a person would do.
  const menu = page.locator('.monaco-menu').first();
  const closed = await menu.waitFor({ state: 'hidden', timeout: 2_000 }).then(() => true, () => false);
  if (!closed) await page.keyboard.press('Enter');
}

/** Clicks the Quarry icon in the activity bar (opening its side bar). */
export async function openQuarryContainer(page) {
  const icon = page.locator('.activitybar .action-item [aria-label^="Quarry"]').first();
  await icon.waitFor({ state: 'visible', timeout: 30_000 });
  const open = await page.locator('.part.sidebar .composite.title', { hasText: /quarry/i }).count();
  if (!open) await icon.click();
}

/**
 * The frame (FrameLocator) of the webview whose document has `selector`, e.g. '#quarry-query'.
 * Webview views are nested iframes: iframe.webview > iframe#active-frame.
 * Only a view whose script runs counts (media/*.js mark the document). A webview frame that
 * code-server left blank, or showed without its scripts and styles (its service worker not
 * ready under load: the extension had set the HTML, the resources failed to load), gets one
 * "Developer: Reload Webviews" halfway through the wait; that reload is reported on stderr,
 * so that a recurring broken view stays visible.
 */
export async function webview(page, selector, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let reloadAt = Date.now() + timeout / 2;
  while (Date.now() < deadline) {
    const n = await page.locator('iframe.webview').count();
    for (let i = 0; i < n; i++) {
      const frame = page.frameLocator('iframe.webview').nth(i).frameLocator('#active-frame');
      if ((await frame.locator(`html[data-quarry-script="running"] ${selector}`).count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > reloadAt) {
      reloadAt = Infinity;
      process.stderr.write(`e2e: no running webview holding ${selector} after ${timeout / 2000} s (${n} webview frames); reloading webviews\n`);
      await runCommand(page, 'Developer: Reload Webviews').catch((e) => process.stderr.write(`e2e: reload failed: ${e.message}\n`));
    }
    await sleep(300);
  }
  throw new Error(`no running webview holding ${selector} within ${timeout} ms`);
}

/** Types a query into the search view and waits for results (or for `expectName` among them). */
export async function search(view, query, { expectName, timeout = 30_000 } = {}) {
  const input = view.locator('#quarry-query');
  await input.fill('');
  await input.pressSequentially(query, { delay: 10 });
  // Wait for the answer to this query, not the results of the previous one.
  await view.locator(`#quarry-results[data-query="${query.replace(/["\\]/g, '\\$&')}"]`).waitFor({ state: 'attached', timeout });
  const results = view.locator('#quarry-results .quarry-result');
  const target = expectName ? results.filter({ has: view.locator('.quarry-name', { hasText: expectName }) }) : results;
  await target.first().waitFor({ state: 'visible', timeout });
  return results;
}

/** Result rows as plain objects, in display order. */
export async function readResults(view, selector = '#quarry-results .quarry-result') {
  return view.locator(selector).evaluateAll((els) =>
    els.map((el) => ({
      name: el.querySelector('.quarry-name')?.textContent ?? '',
      kind: el.querySelector('.quarry-kind')?.textContent ?? '',
      path: el.getAttribute('data-path'),
      startLine: Number(el.getAttribute('data-start-line')),
      endLine: Number(el.getAttribute('data-end-line')),
      snippet: el.querySelector('.quarry-snippet')?.textContent ?? '',
    })),
  );
}

/** Polls `fn` until it returns a truthy value or the time is up; returns the last value. */
export async function eventually(fn, timeout = 30_000, every = 500) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn().catch((e) => e);
    if (last && !(last instanceof Error)) return last;
    await sleep(every);
  }
  return last instanceof Error ? undefined : last;
}
