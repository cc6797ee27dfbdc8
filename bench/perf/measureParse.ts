/**
 * The side-by-side reference for indexing: the same files through tree-sitter alone
 * (SymbolParser.parse, no chunking, hashing, embedding or index building).
 */
import { promises as fs } from 'node:fs';
import { classifyContent, decodeText } from '../../src/core/discover/content';
import { discoverFiles } from '../../src/core/discover/walk';
import { SymbolParser } from '../../src/core/parse/symbols';
import { since } from './stats';

export interface ParseTask {
  root: string;
}

export interface ParseResult {
  files: number;
  discoverMs: number;
  readMs: number;
  parseMs: number;
  totalMs: number;
}

export async function measureParse(task: ParseTask): Promise<ParseResult> {
  const start = performance.now();
  const parser = await SymbolParser.create();
  const { files } = await discoverFiles(task.root);
  parser.expectSourceBytes(files.reduce((bytes, f) => bytes + f.size, 0)); // as the indexer does
  const discoverMs = since(start);
  let readMs = 0;
  let parseMs = 0;
  let parsed = 0;
  for (const file of files) {
    let t = performance.now();
    const bytes = await fs.readFile(file.absPath).catch(() => undefined);
    readMs += performance.now() - t;
    if (!bytes || classifyContent(file.relPath, bytes)) continue;
    t = performance.now();
    await parser.parse(decodeText(bytes), file.language);
    parseMs += performance.now() - t;
    parsed++;
  }
  return { files: parsed, discoverMs, readMs: Math.round(readMs), parseMs: Math.round(parseMs), totalMs: since(start) };
}
