/**
 * Finds the files of a root worth indexing, and says why every other one was left out.
 * Folders are read concurrently (a shared limit on file-system calls keeps 100k-file trees
 * fast without exhausting descriptors); a skipped folder is reported once, not per file.
 */
import type { Dirent, Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DiscoveredFile, SkipReason, SkippedFile } from '../types';
import { createLimiter, type Limiter } from './concurrency';
import { IGNORE_FILE_NAMES, IgnoreRules } from './ignoreRules';
import { detectLanguage, needsShebang } from './languages';
import { classifyByName, excludedDirReason } from './pathRules';
import { isInside, permitsRead, readDirectory, readFirstLine, readTextOrEmpty, resolveLink, statOrUndefined } from './probe';
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

/** What an entry turned out to be; `linked` when reached through a symlink. */
interface Node {
  kind: 'dir' | 'file' | 'other';
  relPath: string;
  absPath: string;
  realPath: string;
  linked: boolean;
  stats?: Stats;
}

/** Rejects only when the root itself cannot be resolved, or on abort. */
export async function discoverFiles(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
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
  await walkFolder(ctx, { relPath: '', absPath: absRoot, realPath: realRoot }, IgnoreRules.none().extend('', gitExclude));
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
  await Promise.all(entries.map(async (entry) => {
    const node = await identify(ctx, folder, entry);
    if ('reason' in node) skip(ctx, node.relPath, node.reason);
    else if (node.kind === 'dir') admitFolder(ctx, folder, rules, node, entry.name, subfolders);
    else if (node.kind === 'file') await admitFile(ctx, rules, node);
    else skip(ctx, node.relPath, 'unsupported');
  }));
  await Promise.all(subfolders.map((sub) => walkFolder(ctx, sub, rules)));
}

/** Adds this folder's .gitignore, .ignore and .quarryignore (in that order) to the inherited rules. */
async function loadIgnoreFiles(ctx: WalkContext, folder: Folder, entries: Dirent[], inherited: IgnoreRules): Promise<IgnoreRules> {
  const names = new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  const present = IGNORE_FILE_NAMES.filter((name) => names.has(name));
  if (present.length === 0) return inherited;
  const texts = await Promise.all(present.map((name) => ctx.limit(() => readTextOrEmpty(path.join(folder.absPath, name)))));
  return inherited.extend(folder.relPath, texts.join('\n'));
}

/** Resolves symlinks (one realpath and stat each); plain entries cost no system call. */
async function identify(ctx: WalkContext, folder: Folder, entry: Dirent): Promise<Node | { relPath: string; reason: SkipReason }> {
  const relPath = folder.relPath ? `${folder.relPath}/${entry.name}` : entry.name;
  const absPath = path.join(folder.absPath, entry.name);
  if (entry.isSymbolicLink()) {
    const target = await ctx.limit(() => resolveLink(absPath));
    if (!target.ok) return { relPath, reason: target.reason };
    const kind = target.stats.isDirectory() ? 'dir' : target.stats.isFile() ? 'file' : 'other';
    return { kind, relPath, absPath, realPath: target.realPath, linked: true, stats: target.stats };
  }
  const kind = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
  return { kind, relPath, absPath, realPath: path.join(folder.realPath, entry.name), linked: false };
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
  return undefined;
}

/** Through a link, a folder that is one of its own ancestors would be walked forever. */
function isAncestor(folder: Folder | undefined, realPath: string): boolean {
  for (let f = folder; f; f = f.parent) if (f.realPath === realPath) return true;
  return false;
}

async function admitFile(ctx: WalkContext, rules: IgnoreRules, node: Node): Promise<void> {
  const { relPath } = node;
  // Secrets first: no ignore-file negation and no include glob may bring one back.
  if (isSecretPath(relPath)) return skip(ctx, relPath, 'secret');
  if (rules.ignores(relPath, false)) return skip(ctx, relPath, 'ignored');
  if (ctx.globs.excludes(relPath, false) || !ctx.globs.includes(relPath)) return skip(ctx, relPath, 'excluded-glob');
  if (node.linked && !isInside(ctx.realRoot, node.realPath)) return skip(ctx, relPath, 'symlink-outside');
  const byName = classifyByName(relPath);
  if (byName) return skip(ctx, relPath, byName);
  let language = detectLanguage(relPath);
  if (!language && !needsShebang(relPath)) return skip(ctx, relPath, 'unsupported');

  const stats = node.stats ?? (await ctx.limit(() => statOrUndefined(node.absPath)));
  if (!stats || !permitsRead(stats)) return skip(ctx, relPath, 'unreadable');
  if (!stats.isFile()) return skip(ctx, relPath, 'unsupported');
  if (stats.size > ctx.maxFileBytes) return skip(ctx, relPath, 'too-large');
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
