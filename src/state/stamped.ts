import { statSync } from 'node:fs';

/**
 * What a file of the state directory held, kept by a process that builds
 * again and again (the daemon's build thread) so that a build does not read
 * back what the last one has just written. Trusted only while the file on
 * disk is the one it was made from: same size, modification and change
 * times, and inode. Every write of these files replaces them (a new inode, a
 * new change time), so a file that another process wrote since, a `nashra
 * build` run by hand, is read again. Only a rewrite in place with as many
 * bytes within one tick of the file system's clock would keep the stamp: no
 * nashra process writes so, and none writes while another holds the lock.
 */
export class StampedMemo<T> {
  private kept?: { readonly path: string; readonly key: string; readonly stamp: string; readonly value: T };

  /** The value kept for `path` under `key` while the file is as it was; else `read`'s, kept with the file's stamp from before the read. */
  remembered(path: string, key: string, read: () => T): T {
    const { stamp, value } = this.lookUp(path, key);
    if (value) return value.kept;
    const made = read();
    this.kept = stamp === undefined ? undefined : { path, key, stamp, value: made };
    return made;
  }

  /** `remembered`, for a value read asynchronously. */
  async rememberedLater(path: string, key: string, read: () => Promise<T>): Promise<T> {
    const { stamp, value } = this.lookUp(path, key);
    if (value) return value.kept;
    const made = await read();
    this.kept = stamp === undefined ? undefined : { path, key, stamp, value: made };
    return made;
  }

  private lookUp(path: string, key: string): { readonly stamp: string | undefined; readonly value?: { readonly kept: T } } {
    const stamp = fileStamp(path);
    const kept = this.kept;
    return stamp !== undefined && kept?.path === path && kept.key === key && kept.stamp === stamp ? { stamp, value: { kept: kept.value } } : { stamp };
  }

  /** Keeps `value` as what `path` holds now, as this process has just written it. */
  keep(path: string, key: string, value: T): void {
    const stamp = fileStamp(path);
    this.kept = stamp === undefined ? undefined : { path, key, stamp, value };
  }

  forget(): void {
    this.kept = undefined;
  }
}

/** A file's size, modification and change times and inode, to the nanosecond; undefined when it cannot be read. */
export function fileStamp(path: string): string | undefined {
  try {
    const stats = statSync(path, { bigint: true });
    return `${stats.size} ${stats.mtimeNs} ${stats.ctimeNs} ${stats.ino}`;
  } catch {
    return undefined;
  }
}
