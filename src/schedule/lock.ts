import { readFileSync } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** In the state directory: one writer at a time per site, `build` and `schedule` alike. */
export const LOCK_FILE = 'lock';

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

export interface LockHolder {
  readonly pid: number;
  readonly command?: string;
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
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      const content: LockContent = { pid, processStart: processStart(pid), startedAt: new Date().toISOString(), command };
      await handle.writeFile(`${JSON.stringify(content)}\n`);
      await handle.sync();
      await handle.close();
      return { acquired: true, lock: { path, release: () => rm(path, { force: true }) } };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await lockHolder(path);
      if (holder !== undefined && holder.pid !== pid && isAlive(holder)) return { acquired: false, holder: { pid: holder.pid, command: holder.command } };
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

async function lockHolder(path: string): Promise<LockContent | undefined> {
  try {
    const content = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    const { pid } = content;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    return {
      pid,
      ...(typeof content.processStart === 'string' ? { processStart: content.processStart } : {}),
      ...(typeof content.startedAt === 'string' ? { startedAt: content.startedAt } : {}),
      ...(typeof content.command === 'string' ? { command: content.command } : {}),
    };
  } catch {
    return undefined; // unreadable or half-written: stale
  }
}

/** Whether the process that wrote the lock is still running (not merely some process with its pid). */
function isAlive(holder: LockContent): boolean {
  if (!pidExists(holder.pid)) return false;
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
 * When a process started, in clock ticks since boot, prefixed with the boot's
 * id so the value is unique across reboots (Linux `/proc`); undefined elsewhere.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22 of stat(5)
    if (ticks === undefined || !/^\d+$/.test(ticks)) return undefined;
    return `${bootId()}:${ticks}`;
  } catch {
    return undefined;
  }
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
