/** Turns user filters (language, path globs, code or docs) into one predicate over chunks. */
import picomatch from 'picomatch';
import type { StoredChunk } from '../index/indexState';
import type { SearchFilters } from '../types';

export type ChunkFilter = (chunk: StoredChunk) => boolean;

export function compileFilters(filters: SearchFilters | undefined): ChunkFilter | undefined {
  if (!filters) return undefined;
  const tests: ChunkFilter[] = [];
  if (filters.languages?.length) {
    const languages = new Set<string>(filters.languages);
    tests.push((c) => languages.has(c.language));
  }
  if (filters.include?.length) {
    const match = picomatch(filters.include.map(globForPath), { dot: true });
    tests.push((c) => match(c.path));
  }
  if (filters.exclude?.length) {
    const match = picomatch(filters.exclude.map(globForPath), { dot: true });
    tests.push((c) => !match(c.path));
  }
  if (filters.kind === 'code') tests.push((c) => !c.isDoc);
  if (filters.kind === 'docs') tests.push((c) => c.isDoc);
  return tests.length ? (c) => tests.every((t) => t(c)) : undefined;
}

/** A glob without a slash matches at any depth, as in VS Code's search: `*.ts` -> `**\/*.ts`. */
function globForPath(glob: string): string {
  const trimmed = glob.trim().replace(/^\.\//, '');
  if (trimmed.includes('/')) return trimmed.endsWith('/') ? `${trimmed}**` : trimmed;
  return `**/${trimmed}`;
}
