import { statSync } from 'node:fs';
import { fileStamp, sameFile, stampClock, type FileStamp } from '../load/source.js';

/**
 * What a file of the state directory held, kept by a process that builds
 * again and again (the daemon's build thread) so that a build does not read
 * back what the last one has just written. Trusted only while the file on
 * disk is the one it was made from (`sameFile`: size, modification and change
 * times, inode). Every write of these files replaces them (a new inode, a new
 * change time), so a file that another process wrote since, a `nashra build`
 * run by hand, is read again. Unlike a post file's stamp (`stampTrusted`), a
 * stamp taken just after the file changed is trusted: the file is the one
 * this process has just written, and only a rewrite in place with as many
 * bytes within one tick of the file system's clock would keep its stamp, which
 * no nashra process does, and none writes while another holds the lock.
 */
export class StampedMemo<T> {
  private kept?: { readonly path: string; readonly key: string; readonly stamp: FileStamp; readonly value: T };

  /** The value kept for `path` under `key` while the file is as it was; else `read`'s, kept with the file's stamp from before the read. */
  remembered(path: string, key: string, read: () => T): T {
    const { stamp, value } = this.lookUp(path, key);
    if (value) return value.kept;
    return this.keepStamped(path, key, stamp, read());
  }

  /** `remembered`, for a value read asynchronously. */
  async rememberedLater(path: string, key: string, read: () => Promise<T>): Promise<T> {
    const { stamp, value } = this.lookUp(path, key);
    if (value) return value.kept;
    return this.keepStamped(path, key, stamp, await read());
  }

  /** The value kept for `path` under `key` while the file is as it was, given up: the caller owns it now. */
  take(path: string, key: string): T | undefined {
    const { value } = this.lookUp(path, key);
    this.kept = undefined;
    return value?.kept;
  }

  /** Keeps `value` as what `path` holds now, as this process has just written it. */
  keep(path: string, key: string, value: T): void {
    this.keepStamped(path, key, stampNow(path), value);
  }

  forget(): void {
    this.kept = undefined;
  }

  private lookUp(path: string, key: string): { readonly stamp: FileStamp | undefined; readonly value?: { readonly kept: T } } {
    const stamp = stampNow(path);
    const kept = this.kept;
    return stamp && kept?.path === path && kept.key === key && sameFile(kept.stamp, stamp) ? { stamp, value: { kept: kept.value } } : { stamp };
  }

  private keepStamped(path: string, key: string, stamp: FileStamp | undefined, value: T): T {
    this.kept = stamp ? { path, key, stamp, value } : undefined;
    return value;
  }
}

function stampNow(path: string): FileStamp | undefined {
  try {
    const takenAt = stampClock();
    return fileStamp(statSync(path, { bigint: true }), takenAt);
  } catch {
    return undefined;
  }
}
