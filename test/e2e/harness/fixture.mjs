// The fixture workspace, copied for each run. The file whose name holds HTML is written
// at run time (Windows cannot check out a name with < and >).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './vsix.mjs';

export const FIXTURE = path.join(REPO, 'test/e2e/fixture-workspace');
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>.ts';
export const HOSTILE_FUNCTION = 'renderUntrustedMarkup';
export const HOSTILE_TEXT = [
  '/**',
  ' * Renders untrusted markup: <img src=x onerror=alert(1)> must stay text everywhere.',
  ' */',
  `export function ${HOSTILE_FUNCTION}(): string {`,
  '  return "<img src=x onerror=alert(1)><script>alert(2)</script>";',
  '}',
  '',
].join('\n');

/** Copies the fixture into `dir` and adds the hostile file. */
export function writeWorkspace(dir) {
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(path.join(dir, HOSTILE_NAME), HOSTILE_TEXT);
}

/** 1-based line of the first line in a fixture file containing `text`. */
export function lineOf(dir, relPath, text) {
  const lines = readFileSync(path.join(dir, relPath), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${relPath} has no line with ${text}`);
  return i + 1;
}
