/**
 * Small file-system questions the walk asks: what a folder holds, where a symlink leads,
 * whether we may read a file, what an extensionless file's first line says. None throws.
 * The hot calls (readdir, stat, realpath) use the callback API: measured here, it stats a
 * 138k-file tree about twice as fast as `fs.promises`.
 */
import type { Dirent, Stats } from 'node:fs';
import fsCallbacks from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SkipReason } from '../types';

/** A shebang line is short; reading this much of the head is enough. */
const FIRST_LINE_BYTES = 256;

export type LinkTarget =
  | { ok: true; realPath: string; stats: Stats }
  | { ok: false; reason: SkipReason };

/** Follows a symlink to its final target. Broken links are 'unreadable', self-referencing chains 'symlink-loop'. */
export function resolveLink(absPath: string): Promise<LinkTarget> {
  return new Promise((resolve) => {
    fsCallbacks.realpath.native(absPath, (error, realPath) => {
      if (error) return resolve({ ok: false, reason: error.code === 'ELOOP' ? 'symlink-loop' : 'unreadable' });
      fsCallbacks.stat(realPath, (statError, stats) => {
        resolve(statError ? { ok: false, reason: 'unreadable' } : { ok: true, realPath, stats });
      });
    });
  });
}

export function statOrUndefined(absPath: string): Promise<Stats | undefined> {
  return new Promise((resolve) => fsCallbacks.stat(absPath, (error, stats) => resolve(error ? undefined : stats)));
}

export function lstatOrUndefined(absPath: string): Promise<Stats | undefined> {
  return new Promise((resolve) => fsCallbacks.lstat(absPath, (error, stats) => resolve(error ? undefined : stats)));
}

export function readDirectory(absPath: string): Promise<Dirent[] | undefined> {
  return new Promise((resolve) => {
    fsCallbacks.readdir(absPath, { withFileTypes: true }, (error, entries) => resolve(error ? undefined : entries));
  });
}

/**
 * Opening never blocks: a path that became a pipe (with no writer) between the walk and the
 * read would otherwise hang the reader for good. Windows has no O_NONBLOCK (and no such pipes).
 */
const READ_FLAGS = fsCallbacks.constants.O_RDONLY | (fsCallbacks.constants.O_NONBLOCK ?? 0);

const openFd = promisify(fsCallbacks.open);
const fstatFd = promisify(fsCallbacks.fstat);
const readFd = promisify(fsCallbacks.read);

/**
 * `read` of a file that is still a regular file, given its size as just stat'ed: undefined
 * when the path is now something else (a folder, pipe or device); rejects when it is
 * unreadable or gone. The callback API: with `FileHandle` (whose `readFile` stats again) the
 * main thread spent 8% more CPU time indexing the npm sources (1.08 against 1.00 s, two runs each).
 */
async function readIfRegular<T>(absPath: string, read: (fd: number, size: number) => Promise<T>): Promise<T | undefined> {
  const fd = await openFd(absPath, READ_FLAGS);
  try {
    const stats = await fstatFd(fd);
    return stats.isFile() ? await read(fd, stats.size) : undefined;
  } finally {
    fsCallbacks.close(fd, () => undefined);
  }
}

/** The bytes of a file that is still a regular file (see readIfRegular). */
export function readRegularFile(absPath: string): Promise<Buffer | undefined> {
  return readIfRegular(absPath, readToEnd);
}

/** Reads the `size` bytes a file had when stat'ed (fewer if it shrank since), as `FileHandle.readFile` does. */
async function readToEnd(fd: number, size: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(size);
  let length = 0;
  while (length < size) {
    const { bytesRead } = await readFd(fd, buffer, length, size - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return length < size ? buffer.subarray(0, length) : buffer;
}

/** The first line of a file (at most FIRST_LINE_BYTES), or undefined when it cannot be read. */
export async function readFirstLine(absPath: string): Promise<string | undefined> {
  try {
    return await readIfRegular(absPath, async (fd) => {
      const buffer = Buffer.alloc(FIRST_LINE_BYTES);
      const { bytesRead } = await readFd(fd, buffer, 0, FIRST_LINE_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString('utf8').split('\n', 1)[0].replace(/\r$/, '');
    });
  } catch {
    return undefined;
  }
}

export async function readTextOrEmpty(absPath: string): Promise<string> {
  try {
    return (await readRegularFile(absPath))?.toString('utf8') ?? '';
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
  const uid = currentUid();
  if (uid === undefined || uid === 0) return true;
  if (stats.uid === uid) return (stats.mode & READ_BY_OWNER) !== 0;
  if (currentGroups().has(stats.gid)) return (stats.mode & READ_BY_GROUP) !== 0;
  return (stats.mode & READ_BY_OTHERS) !== 0;
}

/** Undefined where there are no POSIX users (Windows). */
let uid: number | undefined | null = null;
function currentUid(): number | undefined {
  if (uid === null) uid = process.getuid?.();
  return uid;
}

let groups: ReadonlySet<number> | undefined;
function currentGroups(): ReadonlySet<number> {
  groups ??= new Set([...(process.getgroups?.() ?? []), process.getgid?.() ?? -1]);
  return groups;
}
