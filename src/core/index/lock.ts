/**
 * The write lock of one index folder: at most one process writes an index at a time.
 *
 * The lock is one file, created exclusively, that names its holder (pid, host, a random
 * token). A lock whose holder died on this machine is taken over at once; one from another
 * machine (a shared cache folder) is taken over when the holder stopped refreshing its mtime.
 * proper-lockfile was not used: it judges staleness by mtime only, so a killed writer would
 * block the next one for its whole stale period, and an owner file kept beside its lock
 * folder could outlive the lock it describes.
 */
import { promises as fs, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const LOCK_FILE_NAME = 'write.lock';
/** Prefix of the name a lock file gets while it is being taken over. */
export const LOCK_CLAIM_PREFIX = 'write.lock.claim-';
/** A lock not refreshed for this long is stale even if its holder cannot be checked. */
const STALE_MS = 30_000;
/**
 * A lock file with no readable owner this old is stale: its writer died between creating it
 * and filling it in (which takes microseconds), so no holder will ever refresh or remove it.
 */
const UNFILLED_STALE_MS = 5_000;
/** How often a holder refreshes its lock's mtime. */
const REFRESH_MS = STALE_MS / 3;
/** How often a waiting writer tries again. */
const POLL_MS = 100;
/** Reads of our own lock file retried before concluding that it is gone. */
const OWNER_READ_RETRIES = 3;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

export class IndexLockedError extends Error {
  constructor(readonly dir: string, readonly holder?: { pid: number; host: string }) {
    const who = holder ? ` (pid ${holder.pid} on ${holder.host})` : '';
    super(`index at ${dir} is being written by another process${who}`);
    this.name = 'IndexLockedError';
  }
}

/** Locks held by this process, removed on exit so that a clean exit never leaves one behind. */
const heldLocks = new Set<WriteLock>();
let exitHookInstalled = false;

export class WriteLock {
  private released = false;
  private readonly refreshTimer: NodeJS.Timeout;

  private constructor(readonly file: string, private readonly owner: LockOwner) {
    this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.refreshTimer.unref();
    heldLocks.add(this);
    installExitHook();
  }

  /** Takes the lock of `dir` (which must exist), waiting up to `waitMs` for a live holder to let go. */
  static async acquire(dir: string, waitMs = 0): Promise<WriteLock> {
    const file = path.join(dir, LOCK_FILE_NAME);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const lock = await WriteLock.tryAcquire(file);
      if (lock) return lock;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const holder = await readOwner(file);
        throw new IndexLockedError(dir, holder && { pid: holder.pid, host: holder.host });
      }
      await sleep(Math.min(POLL_MS, remaining));
    }
  }

  /** Throws unless the lock file still names us: another writer took it over (we stalled past STALE_MS). */
  async assertHeld(): Promise<void> {
    if (this.released) throw new Error(`write lock ${this.file} was already released`);
    let current = await readOwner(this.file);
    // A read that fails for a moment (a busy machine out of file descriptors) is not a takeover.
    for (let retry = 1; !current && retry <= OWNER_READ_RETRIES; retry++) {
      await sleep(POLL_MS * retry);
      current = await readOwner(this.file);
    }
    if (current?.token !== this.owner.token) {
      throw new Error(`write lock ${this.file} was taken over by another process; this writer must stop`);
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.refreshTimer);
    heldLocks.delete(this);
    const current = await readOwner(this.file);
    if (current?.token === this.owner.token) await fs.rm(this.file, { force: true });
  }

  private static async tryAcquire(file: string): Promise<WriteLock | undefined> {
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(12).toString('hex') };
    try {
      await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx' });
      return new WriteLock(file, owner);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await takeOverIfStale(file)) return WriteLock.tryAcquire(file);
    return undefined;
  }

  private async refresh(): Promise<void> {
    const now = new Date();
    await fs.utimes(this.file, now, now).catch(() => undefined); // a lost lock shows in assertHeld
  }

  /** Exit hook: synchronous by necessity. */
  removeNow(): void {
    try {
      unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lock of heldLocks) lock.removeNow();
  });
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockOwner>;
    const valid = typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.token === 'string';
    return valid ? (owner as LockOwner) : undefined;
  } catch {
    return undefined; // gone, or its holder is between creating and writing it
  }
}

async function isStale(file: string, owner: LockOwner | undefined): Promise<boolean> {
  if (owner && owner.host === os.hostname()) return !isProcessAlive(owner.pid);
  try {
    const { mtimeMs } = await fs.stat(file);
    return Date.now() - mtimeMs > (owner ? STALE_MS : UNFILLED_STALE_MS);
  } catch {
    return false; // vanished: the next try simply creates it
  }
}

/**
 * Removes a stale lock. Renaming it to a unique name is the claim: of several processes
 * racing here only one rename succeeds. If what we renamed is not the lock we judged stale
 * (it was replaced in between), it is put back where no newer lock took its place.
 */
async function takeOverIfStale(file: string): Promise<boolean> {
  const owner = await readOwner(file);
  if (!(await isStale(file, owner))) return false;
  const claim = path.join(path.dirname(file), LOCK_CLAIM_PREFIX + randomBytes(6).toString('hex'));
  try {
    await fs.rename(file, claim);
  } catch {
    return false; // another process claimed it first
  }
  const claimed = await readOwner(claim);
  if (claimed?.token !== owner?.token) {
    await fs.link(claim, file).catch(() => undefined);
  }
  await fs.rm(claim, { force: true });
  return true;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
