import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = '.nashra.lock';

export interface HeldLock {
  readonly path: string;
  release(): Promise<void>;
}

export type LockResult = { readonly acquired: true; readonly lock: HeldLock } | { readonly acquired: false; readonly holder: number };

/**
 * One daemon per output directory. The lock file holds the owner's pid; a lock
 * whose process no longer exists (a crash, SIGKILL) is stale and taken over.
 */
export async function acquireLock(outDir: string, pid = process.pid): Promise<LockResult> {
  const path = join(outDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${JSON.stringify({ pid, startedAt: new Date().toISOString() })}\n`);
      await handle.close();
      return { acquired: true, lock: { path, release: () => rm(path, { force: true }) } };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await lockHolder(path);
      if (holder !== undefined && holder !== pid && isRunning(holder)) return { acquired: false, holder };
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

async function lockHolder(path: string): Promise<number | undefined> {
  try {
    const { pid } = JSON.parse(await readFile(path, 'utf8')) as { pid?: unknown };
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // unreadable or half-written: stale
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
