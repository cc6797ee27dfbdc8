// Debian's Chromium driven by playwright-core (never `playwright install`), with a guard
// that records every JavaScript dialog (alert/confirm/prompt): indexed code is untrusted
// input, and a dialog means some view executed it.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO } from './vsix.mjs';

export const CHROMIUM = process.env.QUARRY_E2E_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/** Opens the workbench at `url`; returns { browser, page, dialogs, consoleLines, shot(name), step(name, fn) }. */
export async function openWorkbench(url, artefactDir) {
  const dir = path.join(REPO, 'test-artifacts/e2e', artefactDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const dialogs = [];
  const consoleLines = [];
  // Every frame's dialogs surface on the page, webviews' nested iframes included.
  page.on('dialog', (d) => {
    dialogs.push({ type: d.type(), message: d.message() });
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  let n = 0;
  const shot = async (name) => {
    const file = path.join(dir, `${String(++n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file }).catch(() => {});
    return file;
  };
  /** Runs a test body; on failure keeps a screenshot named after the test, then rethrows. */
  const step = (name, fn) => async (t) => {
    try {
      await fn(t);
    } catch (e) {
      await shot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
      throw e;
    }
  };
  await page.goto(url, { timeout: 60_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return { browser, page, dialogs, consoleLines, shot, step, dir };
}
