import { readFileSync } from 'node:fs';
import { link, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { message, MessageError } from '../i18n/message.js';
import { randomPart } from '../write/temporary.js';

/** In the state directory: one writer at a time per site, `build` and `schedule` alike. */
export const LOCK_FILE = 'lock';

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
  /** Whether the lock file is still this process's: the state directory removed, or another program, can take it away. */
  stillHeld(): Promise<boolean>;
}

export interface LockHolder {
  readonly pid: number;
  readonly command?: string;
}

/**
 * A file beside the lock that one process uses while taking or clearing it.
 * Deliberately not a writer's temporary name: the holder removes stale
 * temporary files from the state directory at every build, and would
 * otherwise delete a contender's file between its write and its link.
 */
export function lockSideName(lockPath: string): string {
  return `${lockPath}.${randomPart()}.side`;
}

const SIDE_FILE = /^lock\.[0-9a-f]{12}\.side$/;
/** A side file older than this was left by a process killed while taking the lock. */
const ABANDONED_SIDE_MS = 60_000;

/** Removes the side files that processes killed while taking the lock left behind. */
async function removeAbandonedSideFiles(lockPath: string): Promise<void> {
  const dir = dirname(lockPath);
  const names = await readdir(dir).catch(() => []);
  for (const name of names.filter((n) => SIDE_FILE.test(n) && n.startsWith(basename(lockPath)))) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > ABANDONED_SIDE_MS) await rm(file, { force: true });
  }
}

export type LockResult = { readonly acquired: true; readonly lock: HeldLock } | { readonly acquired: false; readonly holder: LockHolder };

interface LockContent {
  readonly pid: number;
  /** The holder's start, as the kernel counts it (see processStart); absent in locks of older versions. */
  readonly processStart?: string;
  readonly startedAt?: string;
  readonly command?: string;
}

/**
 * Takes the lock in `stateDir`. The lock file names its owner by pid and by
 * the moment that process started: a lock whose process is gone (a crash,
 * SIGKILL) or whose pid now belongs to a process that started at another
 * moment (the pid was reused after a reboot or a wrap-around) is stale and
 * taken over. The start moment is what makes a reused pid harmless; a
 * heartbeat lock (proper-lockfile) would instead go stale during a long
 * synchronous build, and an flock would need a native addon.
 */
export async function acquireLock(stateDir: string, command: string, pid = process.pid): Promise<LockResult> {
  const path = join(stateDir, LOCK_FILE);
  const content: LockContent = { pid, processStart: processStart(pid), startedAt: new Date().toISOString(), command };
  const text = `${JSON.stringify(content)}\n`;
  for (let attempt = 0; attempt < 10; attempt++) {
    if (await createComplete(path, text)) {
      await removeAbandonedSideFiles(path);
      const stillHeld = async (): Promise<boolean> => (await readFile(path, 'utf8').catch(() => undefined)) === text;
      return { acquired: true, lock: { path, release: () => rm(path, { force: true }), stillHeld } };
    }
    const found = await readFile(path, 'utf8').catch(() => undefined);
    if (found === undefined) continue; // released in between: try again
    const holder = lockHolder(found);
    if (holder !== undefined && holder.pid !== pid && isAlive(holder)) return { acquired: false, holder: { pid: holder.pid, command: holder.command } };
    await removeIfStill(path, found);
  }
  throw new MessageError(message('errors.lockUnavailable', { path }));
}

/**
 * Creates `path` holding `text`, or returns false when it exists. The text is
 * written beside it and linked into place, so no other process can ever read
 * the lock empty or half-written and take it for a stale one.
 */
async function createComplete(path: string, text: string): Promise<boolean> {
  const temporary = lockSideName(path);
  try {
    await writeFile(temporary, text, { flush: true });
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Removes a stale lock only if it still holds `stale`. Two processes may find
 * the same stale lock; if the first has replaced it with its own by the time
 * the second removes it, a plain removal would delete a live lock. Moving it
 * aside first lets the second see what it took and put a live lock back.
 */
async function removeIfStill(path: string, stale: string): Promise<void> {
  const aside = lockSideName(path);
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) !== stale) await link(aside, path).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

function lockHolder(text: string): LockContent | undefined {
  try {
    const content = JSON.parse(text) as Partial<LockContent>;
    const { pid } = content;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    return {
      pid,
      ...(typeof content.processStart === 'string' ? { processStart: content.processStart } : {}),
      ...(typeof content.startedAt === 'string' ? { startedAt: content.startedAt } : {}),
      ...(typeof content.command === 'string' ? { command: content.command } : {}),
    };
  } catch {
    return undefined; // locks are linked into place whole, so an unreadable one is from a crash or another program: stale
  }
}

/** Whether the process that wrote the lock is still running (not merely some process with its pid). */
function isAlive(holder: LockContent): boolean {
  if (!pidExists(holder.pid) || hasExited(holder.pid)) return false;
  const started = processStart(holder.pid);
  if (started === undefined) return true; // no way to tell on this system: trust the pid
  if (holder.processStart !== undefined) return holder.processStart === started;
  // A lock without the start moment: its owner must have started before the lock was written.
  const lockedAt = holder.startedAt ? Date.parse(holder.startedAt) : NaN;
  const startedMs = processStartMs(started);
  return Number.isNaN(lockedAt) || startedMs === undefined || startedMs <= lockedAt + 1000;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process has ended and only waits to be reaped (a zombie, `Z`,
 * or dying, `X`, in /proc): a build killed under a parent that does not reap
 * it, as a container's first process may not, must not hold the lock.
 */
function hasExited(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses): field 3 of stat(5) first. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * When a process started, in clock ticks since boot, prefixed with the boot's
 * id so the value is unique across reboots (Linux `/proc`); undefined elsewhere.
 */
export function processStart(pid: number): string | undefined {
  const ticks = statFields(pid)?.[19]; // field 22 of stat(5)
  if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
  return `${bootId()}:${ticks}`;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'boot';
  }
}

/** A process start from `processStart` as milliseconds since the epoch (USER_HZ is 100 on Linux). */
function processStartMs(start: string): number | undefined {
  try {
    const ticks = Number(start.slice(start.lastIndexOf(':') + 1));
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    return btime === undefined ? undefined : Number(btime) * 1000 + ticks * 10;
  } catch {
    return undefined;
  }
}
