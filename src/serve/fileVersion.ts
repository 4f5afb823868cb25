import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** One version of a served file, open: its bytes are read through `handle`, so they belong to the inode `version` names. */
export interface OpenFile {
  readonly handle: FileHandle;
  readonly size: number;
  readonly modifiedMs: number;
  /** Device, inode, size, mtime and ctime to the nanosecond: changes whenever the file is replaced or written to. */
  readonly version: string;
}

/**
 * Opens a regular file. O_NOFOLLOW refuses a symlink swapped in after the path
 * was checked; O_NONBLOCK keeps a FIFO from stalling the request (it is then
 * refused as not a regular file).
 */
export async function openRegularFile(path: string): Promise<OpenFile | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (handle === undefined) return undefined;
  const stats = await handle.stat({ bigint: true }).catch(() => undefined);
  if (stats === undefined || !stats.isFile()) {
    await handle.close();
    return undefined;
  }
  return {
    handle,
    size: Number(stats.size),
    modifiedMs: Number(stats.mtimeNs / 1_000_000n),
    version: [stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(':'),
  };
}

/** The bytes of `path` if it is still the version named, else undefined (it was replaced meanwhile). */
export async function readVersion(path: string, version: string): Promise<Buffer | undefined> {
  const file = await openRegularFile(path);
  if (file === undefined) return undefined;
  try {
    return file.version === version ? await file.handle.readFile() : undefined;
  } finally {
    await file.handle.close();
  }
}

const CHUNK = 64 * 1024;

/** A SHA-256 of the file's bytes in base64url, read a chunk at a time so a large file is never held whole. */
async function digestOf(file: OpenFile): Promise<string> {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(CHUNK);
  for (let position = 0; position < file.size; ) {
    const { bytesRead } = await file.handle.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('base64url');
}

/**
 * Content digests by path, computed once per file version: the ETag changes
 * exactly when the bytes do (a file rewritten with the same bytes keeps it),
 * and a polled file is not read twice to be tagged.
 */
export class Digests {
  readonly #entries = new Map<string, { readonly version: string; readonly digest: Promise<string> }>();

  constructor(private readonly maxEntries = 4096) {}

  of(path: string, file: OpenFile): Promise<string> {
    const cached = this.#entries.get(path);
    if (cached?.version === file.version) return cached.digest;
    const digest = digestOf(file);
    const entry = { version: file.version, digest };
    this.#entries.delete(path);
    this.#entries.set(path, entry);
    digest.catch(() => {
      if (this.#entries.get(path) === entry) this.#entries.delete(path);
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
    return digest;
  }
}
