/**
 * Where indexes live: outside the workspace, in the OS cache folder unless told otherwise.
 * One folder per workspace root, named after the root and a hash of its real path, so two
 * roots with the same name never share an index and a symlinked root finds its own.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const APP_FOLDER = 'quarry';
/** Hex digits of the root path's sha256 in the folder name: 48 bits, collisions need ~16M roots. */
const ROOT_HASH_CHARS = 12;
/** Longest part of the root's name kept in the folder name (the hash carries identity). */
const MAX_NAME_CHARS = 40;

type Env = Record<string, string | undefined>;

/**
 * The folder that holds all indexes: QUARRY_CACHE_DIR, else $XDG_CACHE_HOME/quarry, else the
 * platform's cache folder (~/.cache/quarry, ~/Library/Caches/quarry, %LOCALAPPDATA%\quarry\Cache).
 */
export function defaultCacheRoot(env: Env = process.env, platform: NodeJS.Platform = process.platform): string {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const explicit = env.QUARRY_CACHE_DIR?.trim();
  if (explicit) return paths.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME?.trim();
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && paths.isAbsolute(xdg)) return paths.join(xdg, APP_FOLDER);
  if (platform === 'win32') {
    const localAppData = env.LOCALAPPDATA?.trim() || paths.join(homeDir(env, platform), 'AppData', 'Local');
    return paths.join(localAppData, APP_FOLDER, 'Cache');
  }
  if (platform === 'darwin') return paths.join(homeDir(env, platform), 'Library', 'Caches', APP_FOLDER);
  return paths.join(homeDir(env, platform), '.cache', APP_FOLDER);
}

/** `<cacheRoot>/indexes/<root's name>-<short hash of the root's real absolute path>`. */
export function indexDirFor(root: string, cacheRoot: string): string {
  const realRoot = realAbsolutePath(root);
  const hash = createHash('sha256').update(realRoot).digest('hex').slice(0, ROOT_HASH_CHARS);
  return path.join(cacheRoot, 'indexes', `${folderSafeName(path.basename(realRoot))}-${hash}`);
}

function homeDir(env: Env, platform: NodeJS.Platform): string {
  const fromEnv = platform === 'win32' ? env.USERPROFILE : env.HOME;
  return fromEnv?.trim() || os.homedir();
}

/** The root with symlinks resolved; a root that does not exist (yet) keeps its absolute path. */
function realAbsolutePath(root: string): string {
  const absolute = path.resolve(root);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}

function folderSafeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_NAME_CHARS);
  return safe.replace(/^\.+/, '') || 'root';
}
