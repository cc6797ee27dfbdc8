/**
 * Edit-to-searchable: append a line naming a new identifier to one indexed file, bring the
 * index up to date the way the extension does on a save (that path only, saved later), and
 * search for the name. Done EDIT_SAMPLES times (a new name each time); the figures are the
 * median edit's, so one slow search on a busy machine does not stand for the corpus. The file
 * is then restored (and re-indexed and saved, untimed). Only ever run on private copies of a corpus.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../src/core/engine';
import { discoverFiles } from '../../src/core/discover/walk';
import type { LanguageId } from '../../src/core/types';
import { since } from './stats';

export interface EditResult {
  path: string;
  /** Of the median edit (by total). */
  indexMs: number;
  searchMs: number;
  totalMs: number;
  /** Every edit found its name in the right file. */
  found: boolean;
  /** Total of each edit, in order. */
  samplesMs: number[];
}

const EDIT_SAMPLES = 5;

const LINE_COMMENT: Partial<Record<LanguageId, string>> = {
  python: '#', ruby: '#', bash: '#', elixir: '#', haskell: '--', lua: '--',
};
/** Languages whose line comment is `//`. */
const SLASH_COMMENT = new Set<LanguageId>(['c', 'cpp', 'csharp', 'go', 'java', 'javascript', 'kotlin', 'php', 'rust', 'scala', 'swift', 'typescript', 'tsx', 'zig']);

export async function editProbe(engine: Engine): Promise<EditResult | undefined> {
  const target = await pickFile(engine);
  if (!target) return undefined;
  const original = await fs.readFile(target.absPath);
  const comment = LINE_COMMENT[target.language] ?? '//';
  const edits: Omit<EditResult, 'samplesMs'>[] = [];
  try {
    for (let i = 0; i < EDIT_SAMPLES; i++) {
      // A longer name each time: the file's size changes even where mtime has a coarse resolution.
      const name = `zqxprobe${Date.now().toString(36).replace(/[0-9]/g, '')}${'q'.repeat(i + 1)}marker`;
      await fs.writeFile(target.absPath, Buffer.concat([original, Buffer.from(`\n${comment} ${name} added by the perf bench\n`)]));
      const start = performance.now();
      await engine.indexPaths([target.relPath], { deferSave: true });
      const indexMs = since(start);
      const searchStart = performance.now();
      const results = await engine.search(name, { k: 5 });
      const searchMs = since(searchStart);
      edits.push({ path: target.relPath, indexMs, searchMs, totalMs: since(start), found: results.some((r) => r.path === target.relPath) });
    }
  } finally {
    await fs.writeFile(target.absPath, original);
    await engine.indexPaths([target.relPath], { deferSave: true });
    await engine.save();
  }
  const median = [...edits].sort((a, b) => a.totalMs - b.totalMs)[Math.floor(edits.length / 2)]!;
  return { ...median, found: edits.every((e) => e.found), samplesMs: edits.map((e) => e.totalMs) };
}

/** A code file of median size among the indexed ones (deterministic for a corpus). */
async function pickFile(engine: Engine) {
  const { files } = await discoverFiles(engine.root);
  const code = files
    .filter((f) => (LINE_COMMENT[f.language] || SLASH_COMMENT.has(f.language)) && engine.chunksAt(f.relPath, 1, 1).length > 0)
    .sort((a, b) => a.size - b.size || a.relPath.localeCompare(b.relPath));
  const chosen = code[Math.floor(code.length / 2)];
  return chosen && { ...chosen, absPath: path.join(engine.root, ...chosen.relPath.split('/')) };
}
