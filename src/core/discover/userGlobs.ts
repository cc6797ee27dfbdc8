/**
 * The user's include and exclude settings. Patterns use gitignore syntax relative to the
 * root (`*.snap` anywhere, `/docs` at the root only, `gen/` folders, `!keep.ts`); patterns
 * with picomatch-only syntax (braces, extglobs) go to picomatch instead, made to match at
 * any depth when they have no slash, as the search filters do.
 */
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { IGNORE_CASE } from './ignoreRules';

type PathTest = (relPath: string, isDirectory: boolean) => boolean;

/** Braces and extglobs: syntax that gitignore lacks and picomatch has. */
const PICOMATCH_ONLY = /[{}]|[@+?*!]\(/;
const GLOB_CHAR = /[*?[\]{}()!]/;

export interface UserGlobs {
  /** True when an exclude pattern matches the file, or the folder and so all below it. */
  excludes(relPath: string, isDirectory: boolean): boolean;
  /** True when no include patterns are set or one matches the file. */
  includes(relPath: string): boolean;
  /** False when no include pattern can match anything inside this folder (it need not be walked). */
  mayIncludeBelow(dirRelPath: string): boolean;
}

export function compileUserGlobs(exclude: readonly string[] = [], include: readonly string[] = []): UserGlobs {
  const excluded = compileMatcher(exclude);
  const included = include.length ? compileMatcher(include) : undefined;
  const bases = include.length ? includeBases(include) : undefined;
  return {
    excludes: (relPath, isDirectory) => excluded?.(relPath, isDirectory) ?? false,
    includes: (relPath) => included?.(relPath, false) ?? true,
    mayIncludeBelow: (dir) => !bases || bases.some((base) => isOnPath(dir, base)),
  };
}

function compileMatcher(patterns: readonly string[]): PathTest | undefined {
  const cleaned = patterns.map((p) => p.trim().replace(/^\.\//, '')).filter((p) => p !== '');
  if (cleaned.length === 0) return undefined;
  const gitStyle = withWholeFolders(cleaned.filter((p) => !PICOMATCH_ONLY.test(p)));
  const globStyle = cleaned.filter((p) => PICOMATCH_ONLY.test(p)).flatMap(anyDepthGlobs);
  const git: Ignore | undefined = gitStyle.length ? ignore({ ignorecase: IGNORE_CASE, allowRelativePaths: true }).add(gitStyle) : undefined;
  const glob = globStyle.length ? picomatch(globStyle, { dot: true, nocase: IGNORE_CASE }) : undefined;
  return (relPath, isDirectory) =>
    (git?.ignores(isDirectory ? `${relPath}/` : relPath) ?? false) || (glob?.(relPath) ?? false);
}

/**
 * `gen/**` excludes everything inside `gen`, so exclude the folder itself too and report it
 * once instead of file by file. Not done when a negation might re-include something inside.
 */
function withWholeFolders(patterns: string[]): string[] {
  if (patterns.some((p) => p.startsWith('!'))) return patterns;
  const folders = patterns.filter((p) => p.endsWith('/**') && p.length > 3).map((p) => p.slice(0, -2));
  return [...patterns, ...folders];
}

/** `*.{ts,js}` -> `**\/*.{ts,js}`; a folder glob also matches everything inside the folder. */
function anyDepthGlobs(pattern: string): string[] {
  const anchored = pattern.startsWith('/') || pattern.replace(/\/$/, '').includes('/');
  const body = pattern.replace(/^\//, '').replace(/\/$/, '');
  const glob = anchored ? body : `**/${body}`;
  return [glob, `${glob}/**`];
}

/**
 * The literal folder prefix of each include pattern (`src/**\/*.ts` -> `src`). A pattern
 * that can match at any depth has no such prefix: then nothing can be pruned.
 */
function includeBases(include: readonly string[]): string[] | undefined {
  const bases: string[] = [];
  for (const raw of include) {
    const pattern = raw.trim().replace(/^\.\//, '');
    if (pattern === '' || pattern.startsWith('!')) continue;
    const anchored = pattern.startsWith('/') || pattern.replace(/\/$/, '').includes('/');
    if (!anchored) return undefined;
    const segments = pattern.replace(/^\//, '').replace(/\/$/, '').split('/');
    const literal = segments.slice(0, firstGlobSegment(segments));
    if (literal.length === 0) return undefined;
    bases.push(literal.join('/'));
  }
  return bases;
}

function firstGlobSegment(segments: string[]): number {
  const index = segments.findIndex((s) => GLOB_CHAR.test(s) || s.includes('\\'));
  return index === -1 ? segments.length : index;
}

/** A folder is on the way to a base, is the base, or lies inside it. */
function isOnPath(dir: string, base: string): boolean {
  return dir === base || base.startsWith(`${dir}/`) || dir.startsWith(`${base}/`);
}
