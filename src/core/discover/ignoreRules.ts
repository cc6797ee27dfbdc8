/**
 * Gitignore semantics across nested ignore files. Each file's patterns are rewritten to be
 * relative to the walk root and appended after those of its ancestors, so one matcher per
 * folder answers with git's precedence: deeper files win, and within a file the last
 * matching pattern wins (which is how a `!` negation re-includes).
 */
import ignore, { type Ignore } from 'ignore';

/** Read in every folder, in this order; a later file overrides an earlier one. */
export const IGNORE_FILE_NAMES: readonly string[] = ['.gitignore', '.ignore', '.quarryignore'];

/** File systems that ignore case by default are matched the same way (git's core.ignorecase). */
export const IGNORE_CASE = process.platform === 'win32' || process.platform === 'darwin';

/** Characters that mean something in a gitignore pattern and so must be escaped in a folder name. */
const GLOB_SPECIAL = /[\\*?[\]!#]/g;

export class IgnoreRules {
  private constructor(private readonly matcher: Ignore | undefined) {}

  static none(): IgnoreRules {
    return new IgnoreRules(undefined);
  }

  /** Rules for `dirRelPath` and below: these plus the patterns of an ignore file found there. */
  extend(dirRelPath: string, fileText: string): IgnoreRules {
    const patterns = fileText.split(/\r?\n/).flatMap((line) => rebasePattern(line, dirRelPath));
    if (patterns.length === 0) return this;
    const matcher = ignore({ ignorecase: IGNORE_CASE, allowRelativePaths: true });
    if (this.matcher) matcher.add(this.matcher);
    return new IgnoreRules(matcher.add(patterns));
  }

  ignores(relPath: string, isDirectory: boolean): boolean {
    if (!this.matcher) return false;
    return this.matcher.ignores(isDirectory ? `${relPath}/` : relPath);
  }
}

/**
 * One line of an ignore file in `dirRelPath`, made relative to the root. Follows gitignore:
 * a pattern with a slash at the start or in the middle is anchored to its file's folder,
 * one without matches at any depth below it. Returns [] for blanks and comments.
 */
export function rebasePattern(line: string, dirRelPath: string): string[] {
  const trimmed = line.replace(/(?<!\\) +$/, '');
  if (trimmed === '' || trimmed.startsWith('#')) return [];
  if (dirRelPath === '') return [trimmed];
  const negated = trimmed.startsWith('!');
  const body = negated ? trimmed.slice(1) : trimmed;
  if (body === '' || body === '/') return [];
  const withoutTrailingSlash = body.endsWith('/') ? body.slice(0, -1) : body;
  const anchored = body.startsWith('/') || withoutTrailingSlash.includes('/');
  const prefix = escapePath(dirRelPath);
  const rebased = anchored ? `${prefix}/${body.replace(/^\//, '')}` : `${prefix}/**/${body}`;
  return [negated ? `!${rebased}` : rebased];
}

function escapePath(relPath: string): string {
  return relPath.replace(GLOB_SPECIAL, (c) => `\\${c}`);
}
