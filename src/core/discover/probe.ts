/**
 * Small file-system questions the walk asks: where a symlink leads, whether we may read a
 * file, what an extensionless file's first line says. None of them throws.
 */
import type { Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SkipReason } from '../types';

/** A shebang line is short; reading this much of the head is enough. */
const FIRST_LINE_BYTES = 256;

export type LinkTarget =
  | { ok: true; realPath: string; stats: Stats }
  | { ok: false; reason: SkipReason };

/** Follows a symlink to its final target. Broken links are 'unreadable', self-referencing chains 'symlink-loop'. */
export async function resolveLink(absPath: string): Promise<LinkTarget> {
  try {
    const realPath = await fs.realpath(absPath);
    const stats = await fs.stat(realPath);
    return { ok: true, realPath, stats };
  } catch (error) {
    return { ok: false, reason: errorCode(error) === 'ELOOP' ? 'symlink-loop' : 'unreadable' };
  }
}

export async function statOrUndefined(absPath: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(absPath);
  } catch {
    return undefined;
  }
}

/** The first line of a file (at most FIRST_LINE_BYTES), or undefined when it cannot be read. */
export async function readFirstLine(absPath: string): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(absPath, 'r');
    const buffer = Buffer.alloc(FIRST_LINE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, FIRST_LINE_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split('\n', 1)[0].replace(/\r$/, '');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function readTextOrEmpty(absPath: string): Promise<string> {
  try {
    return await fs.readFile(absPath, 'utf8');
  } catch {
    return '';
  }
}

/** Whether `target` is `root` itself or lies inside it (both real paths). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!path.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${path.sep}`));
}

const READ_BY_OWNER = 0o400;
const READ_BY_GROUP = 0o040;
const READ_BY_OTHERS = 0o004;

/**
 * Whether the permission bits let this process read the file, judged from a stat we already
 * have (no extra system call per file). Root reads everything; ACLs are not consulted, so
 * the indexer's own read remains the final word.
 */
export function permitsRead(stats: Stats): boolean {
  if (typeof process.getuid !== 'function') return true;
  const uid = process.getuid();
  if (uid === 0) return true;
  if (stats.uid === uid) return (stats.mode & READ_BY_OWNER) !== 0;
  if (currentGroups().has(stats.gid)) return (stats.mode & READ_BY_GROUP) !== 0;
  return (stats.mode & READ_BY_OTHERS) !== 0;
}

let groups: ReadonlySet<number> | undefined;
function currentGroups(): ReadonlySet<number> {
  groups ??= new Set([...(process.getgroups?.() ?? []), process.getgid?.() ?? -1]);
  return groups;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
