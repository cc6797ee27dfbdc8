/**
 * Finds the files of a root worth indexing, and says why every other one was left out.
 * Folders are read concurrently (a shared limit on file-system calls keeps 100k-file trees
 * fast without exhausting descriptors); a skipped folder is reported once, not per file.
 */
import type { Dirent, Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DiscoveredFile, LanguageId, SkipReason, SkippedFile } from '../types';
import { createLimiter, type Limiter } from './concurrency';
import { IGNORE_FILE_NAMES, IgnoreRules } from './ignoreRules';
import { detectLanguage, needsShebang } from './languages';
import { classifyByName, excludedDirReason } from './pathRules';
import { isInside, lstatOrUndefined, permitsRead, readDirectory, readFirstLine, readTextOrEmpty, resolveLink, statOrUndefined } from './probe';
import { isSecretDir, isSecretPath } from './secrets';
import { compileUserGlobs, type UserGlobs } from './userGlobs';

export interface DiscoverOptions {
  /** Files larger than this are skipped as 'too-large' (default 1,000,000 bytes). */
  maxFileBytes?: number;
  /** Gitignore-style (or picomatch) globs relative to the root: matches are 'excluded-glob'. */
  exclude?: string[];
  /** When given, only files matching one of these globs are kept; others are 'excluded-glob'. */
  include?: string[];
  /** Aborting rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface Discovery {
  /** Sorted by relPath. */
  files: DiscoveredFile[];
  /** Sorted by relPath; a skipped folder appears once, under its own path. */
  skipped: SkippedFile[];
}

/** What `discoverPaths` found for a list of changed paths. */
export interface PathDiscovery extends Discovery {
  /** Given paths that no longer exist. */
  missing: string[];
  /** Given paths inside a skipped folder (with the folder's reason): a walk reports only the folder. */
  inSkippedFolder: SkippedFile[];
  /** A given path changes what other files are indexed (a folder, an ignore file): walk the whole tree instead. */
  needsWalk: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 1_000_000;
/** File-system calls in flight at once: enough to keep the libuv pool busy. */
const MAX_FS_IN_FLIGHT = 64;
/** Where git keeps repository-local ignore patterns that are not committed. */
const GIT_INFO_EXCLUDE = path.join('.git', 'info', 'exclude');
/** How a skipped root is named (an empty relPath would be ambiguous). */
const ROOT_REL_PATH = '.';

interface WalkContext {
  realRoot: string;
  maxFileBytes: number;
  globs: UserGlobs;
  limit: Limiter;
  signal?: AbortSignal;
  files: DiscoveredFile[];
  skipped: SkippedFile[];
}

interface Folder {
  relPath: string;
  absPath: string;
  realPath: string;
  parent?: Folder;
}

/** A directory entry; `linked` when reached through a symlink (then `stats` are the target's). */
interface Node {
  relPath: string;
  absPath: string;
  realPath: string;
  linked: boolean;
  stats?: Stats;
}

/** Rejects only when the root itself cannot be resolved, or on abort. */
export async function discoverFiles(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const { ctx, rootFolder, rootRules } = await startWalk(root, options);
  await walkFolder(ctx, rootFolder, rootRules);
  return finish(ctx);
}

/**
 * Judges only the given paths (relative to the root, forward slashes), by the same rules as
 * a walk: each path's ancestor folders are checked and their ignore files read, nothing
 * else. An edit in a 100k-file tree then costs a few system calls instead of a walk.
 */
export async function discoverPaths(root: string, relPaths: readonly string[], options: DiscoverOptions = {}): Promise<PathDiscovery> {
  const { ctx, rootFolder, rootRules } = await startWalk(root, options);
  const rootVerdict = readIgnoreFiles(ctx, rootFolder.absPath).then((text) => ({ folder: rootFolder, rules: rootRules.extend('', text) }));
  const folders = new Map<string, Promise<FolderVerdict>>([['', rootVerdict]]);
  const folderVerdict = (relPath: string): Promise<FolderVerdict> => {
    let verdict = folders.get(relPath);
    if (!verdict) folders.set(relPath, (verdict = judgeFolder(ctx, relPath, folderVerdict)));
    return verdict;
  };
  const missing: string[] = [];
  const inSkippedFolder: SkippedFile[] = [];
  let needsWalk = false;
  await Promise.all([...new Set(relPaths)].map(async (relPath) => {
    const name = path.posix.basename(relPath);
    if (!isPlainRelPath(relPath) || IGNORE_FILE_NAMES.includes(name) || relPath.startsWith('.git/')) {
      needsWalk = true;
      return;
    }
    const parent = await folderVerdict(path.posix.dirname(relPath) === '.' ? '' : path.posix.dirname(relPath));
    if ('skip' in parent) return void inSkippedFolder.push({ relPath, reason: parent.skip });
    const absPath = path.join(parent.folder.absPath, name);
    const lstats = await ctx.limit(() => lstatOrUndefined(absPath));
    if (!lstats) missing.push(relPath);
    else if (lstats.isDirectory()) needsWalk = true;
    else if (lstats.isSymbolicLink()) await visitLink(ctx, parent.folder, parent.rules, name, relPath, absPath, []); // judged, never followed
    else if (lstats.isFile()) await admitFile(ctx, parent.rules, { relPath, absPath, realPath: absPath, linked: false });
    else skip(ctx, relPath, 'unsupported');
  }));
  return { ...finish(ctx), missing: missing.sort(), inSkippedFolder: inSkippedFolder.sort(byRelPath), needsWalk };
}

type FolderVerdict = { folder: Folder; rules: IgnoreRules } | { skip: SkipReason };

/** A folder below the root as a walk would see it: skipped (with the reason) or its rules. */
async function judgeFolder(ctx: WalkContext, relPath: string, verdictOf: (relPath: string) => Promise<FolderVerdict>): Promise<FolderVerdict> {
  const parentRel = path.posix.dirname(relPath) === '.' ? '' : path.posix.dirname(relPath);
  const parent = await verdictOf(parentRel);
  if ('skip' in parent) return parent;
  const name = path.posix.basename(relPath);
  const absPath = path.join(parent.folder.absPath, name);
  const lstats = await ctx.limit(() => lstatOrUndefined(absPath));
  if (!lstats) return { skip: 'unreadable' };
  let node: Node = { relPath, absPath, realPath: path.join(parent.folder.realPath, name), linked: false };
  if (lstats.isSymbolicLink()) {
    const target = await ctx.limit(() => resolveLink(absPath));
    if (!target.ok) return { skip: target.reason };
    node = { relPath, absPath, realPath: target.realPath, linked: true, stats: target.stats };
  }
  const reason = folderSkipReason(ctx, parent.folder, parent.rules, node, name);
  if (reason) return { skip: reason };
  const folder: Folder = { relPath, absPath, realPath: node.realPath, parent: parent.folder };
  return { folder, rules: parent.rules.extend(relPath, await readIgnoreFiles(ctx, absPath)) };
}

/** The ignore files of a folder, in precedence order, as one text ('' where there are none). */
async function readIgnoreFiles(ctx: WalkContext, absPath: string): Promise<string> {
  const texts = await Promise.all(IGNORE_FILE_NAMES.map((file) => ctx.limit(() => readTextOrEmpty(path.join(absPath, file)))));
  return texts.join('\n');
}

/** A root-relative path with no empty, `.` or `..` segment. */
function isPlainRelPath(relPath: string): boolean {
  return relPath !== '' && relPath.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

async function startWalk(root: string, options: DiscoverOptions): Promise<{ ctx: WalkContext; rootFolder: Folder; rootRules: IgnoreRules }> {
  const absRoot = path.resolve(root);
  const realRoot = await fs.realpath(absRoot);
  const ctx: WalkContext = {
    realRoot,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    globs: compileUserGlobs(options.exclude, options.include),
    limit: createLimiter(MAX_FS_IN_FLIGHT),
    signal: options.signal,
    files: [],
    skipped: [],
  };
  const gitExclude = await readTextOrEmpty(path.join(absRoot, GIT_INFO_EXCLUDE));
  return { ctx, rootFolder: { relPath: '', absPath: absRoot, realPath: realRoot }, rootRules: IgnoreRules.none().extend('', gitExclude) };
}

function finish(ctx: WalkContext): Discovery {
  ctx.files.sort(byRelPath);
  ctx.skipped.sort(byRelPath);
  return { files: ctx.files, skipped: ctx.skipped };
}

async function walkFolder(ctx: WalkContext, folder: Folder, inherited: IgnoreRules): Promise<void> {
  ctx.signal?.throwIfAborted();
  const entries = await ctx.limit(() => readDirectory(folder.absPath));
  if (!entries) return skip(ctx, folder.relPath || ROOT_REL_PATH, 'unreadable');
  const rules = await loadIgnoreFiles(ctx, folder, entries, inherited);
  const subfolders: Folder[] = [];
  // Only entries that need a system call make a promise: most skips are decided by name.
  const pending: Promise<void>[] = [];
  for (const entry of entries) {
    const work = visitEntry(ctx, folder, rules, entry, subfolders);
    if (work) pending.push(work);
  }
  await Promise.all(pending);
  await Promise.all(subfolders.map((sub) => walkFolder(ctx, sub, rules)));
}

function visitEntry(ctx: WalkContext, folder: Folder, rules: IgnoreRules, entry: Dirent, subfolders: Folder[]): Promise<void> | undefined {
  const relPath = folder.relPath ? `${folder.relPath}/${entry.name}` : entry.name;
  const absPath = path.join(folder.absPath, entry.name);
  if (entry.isSymbolicLink()) return visitLink(ctx, folder, rules, entry.name, relPath, absPath, subfolders);
  if (entry.isDirectory()) {
    const node: Node = { relPath, absPath, realPath: path.join(folder.realPath, entry.name), linked: false };
    admitFolder(ctx, folder, rules, node, entry.name, subfolders);
  } else if (entry.isFile()) {
    // Not reached through a link: the real path is never consulted.
    return admitFile(ctx, rules, { relPath, absPath, realPath: absPath, linked: false });
  } else {
    skip(ctx, relPath, 'unsupported');
  }
  return undefined;
}

/** A symlink costs one realpath and one stat; then it is judged like what it points to. */
async function visitLink(
  ctx: WalkContext, folder: Folder, rules: IgnoreRules, name: string, relPath: string, absPath: string, subfolders: Folder[],
): Promise<void> {
  const target = await ctx.limit(() => resolveLink(absPath));
  if (!target.ok) return skip(ctx, relPath, target.reason);
  const node: Node = { relPath, absPath, realPath: target.realPath, linked: true, stats: target.stats };
  if (target.stats.isDirectory()) admitFolder(ctx, folder, rules, node, name, subfolders);
  else if (target.stats.isFile()) await admitFile(ctx, rules, node);
  else skip(ctx, relPath, 'unsupported');
}

/** Adds this folder's .gitignore, .ignore and .quarryignore (in that order) to the inherited rules. */
async function loadIgnoreFiles(ctx: WalkContext, folder: Folder, entries: Dirent[], inherited: IgnoreRules): Promise<IgnoreRules> {
  const present = IGNORE_FILE_NAMES.filter((name) => entries.some((e) => e.name === name && !e.isDirectory()));
  if (present.length === 0) return inherited;
  const texts = await Promise.all(present.map((name) => ctx.limit(() => readTextOrEmpty(path.join(folder.absPath, name)))));
  return inherited.extend(folder.relPath, texts.join('\n'));
}

function admitFolder(ctx: WalkContext, parent: Folder, rules: IgnoreRules, node: Node, name: string, into: Folder[]): void {
  const reason = folderSkipReason(ctx, parent, rules, node, name);
  if (reason) skip(ctx, node.relPath, reason);
  else into.push({ relPath: node.relPath, absPath: node.absPath, realPath: node.realPath, parent });
}

function folderSkipReason(ctx: WalkContext, parent: Folder, rules: IgnoreRules, node: Node, name: string): SkipReason | undefined {
  if (excludedDirReason(name) !== undefined) return 'excluded-dir';
  if (isSecretDir(name)) return 'secret';
  if (rules.ignores(node.relPath, true)) return 'ignored';
  if (ctx.globs.excludes(node.relPath, true) || !ctx.globs.mayIncludeBelow(node.relPath)) return 'excluded-glob';
  if (node.linked && !isInside(ctx.realRoot, node.realPath)) return 'symlink-outside';
  if (node.linked && isAncestor(parent, node.realPath)) return 'symlink-loop';
  if (node.linked) return 'symlink-inside';
  return undefined;
}

/** Through a link, a folder that is one of its own ancestors would be walked forever. */
function isAncestor(folder: Folder | undefined, realPath: string): boolean {
  for (let f = folder; f; f = f.parent) if (f.realPath === realPath) return true;
  return false;
}

function admitFile(ctx: WalkContext, rules: IgnoreRules, node: Node): Promise<void> | undefined {
  const reason = fileSkipReasonByName(ctx, rules, node);
  if (!reason) return admitByStat(ctx, node, detectLanguage(node.relPath));
  skip(ctx, node.relPath, reason);
  return undefined;
}

/** Every reason that needs no system call, in priority order. */
function fileSkipReasonByName(ctx: WalkContext, rules: IgnoreRules, node: Node): SkipReason | undefined {
  const { relPath } = node;
  // Secrets first: no ignore-file negation and no include glob may bring one back.
  if (isSecretPath(relPath)) return 'secret';
  if (rules.ignores(relPath, false)) return 'ignored';
  if (ctx.globs.excludes(relPath, false) || !ctx.globs.includes(relPath)) return 'excluded-glob';
  if (node.linked && !isInside(ctx.realRoot, node.realPath)) return 'symlink-outside';
  // What a link inside the root points at is indexed where it really is: once, not twice.
  if (node.linked) return 'symlink-inside';
  const byName = classifyByName(relPath);
  if (byName) return byName;
  if (!detectLanguage(relPath) && !needsShebang(relPath)) return 'unsupported';
  return undefined;
}

/** Size and readability from the stat; the first line only for extensionless files. */
async function admitByStat(ctx: WalkContext, node: Node, knownLanguage: LanguageId | undefined): Promise<void> {
  const { relPath } = node;
  const stats = node.stats ?? (await ctx.limit(() => statOrUndefined(node.absPath)));
  if (!stats || !permitsRead(stats)) return skip(ctx, relPath, 'unreadable');
  if (!stats.isFile()) return skip(ctx, relPath, 'unsupported');
  if (stats.size > ctx.maxFileBytes) return skip(ctx, relPath, 'too-large');
  let language = knownLanguage;
  if (!language) {
    const firstLine = await ctx.limit(() => readFirstLine(node.absPath));
    if (firstLine === undefined) return skip(ctx, relPath, 'unreadable');
    language = detectLanguage(relPath, firstLine);
    if (!language) return skip(ctx, relPath, 'unsupported');
  }
  ctx.files.push({ absPath: node.absPath, relPath, size: stats.size, mtimeMs: stats.mtimeMs, language });
}

function skip(ctx: WalkContext, relPath: string, reason: SkipReason): void {
  ctx.skipped.push({ relPath, reason });
}

function byRelPath(a: { relPath: string }, b: { relPath: string }): number {
  return a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0;
}
