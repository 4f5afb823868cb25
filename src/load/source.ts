import type { BigIntStats } from 'node:fs';
import { message, MessageError, type Message } from '../i18n/message.js';
import type { SourceFile } from './parsePost.js';

/**
 * Where the pipeline gets its posts. The loader walks `files` once and keeps
 * only what later stages need of each body (summary, word count, term
 * counts); bodies, the bulk of an archive, are read back one at a time when
 * they are rendered in full, so a large archive is never held in memory whole.
 */
export interface PostSource {
  /** Every post file, in any order; a disk source reads each as it is reached, and says how many there are. */
  readonly files: SourceFiles;
  /** The text of one file again, by its path. */
  read(path: string): string;
  /** Where one file is on disk, for another thread to read it there; absent for posts that are not files. */
  locate?(path: string): string;
}

/**
 * Post files, with how many there are when that is known before reading them.
 * A disk source lists each file with its stamp and reads it only when asked,
 * so the loader need not read a file its cache already knows.
 */
export type SourceFiles = Iterable<SourceFile | ListedFile> & { readonly count?: number };

/** A post file listed but not yet read. */
export interface ListedFile {
  readonly path: string;
  readonly lang: string;
  /** See `SourceFile.name`. */
  readonly name?: string;
  /** Its size, times and inode when listed; absent when they could not be read. */
  readonly stamp?: FileStamp;
  /** The file as it is now; undefined when it vanished since it was listed. */
  read(): SourceFile | undefined;
  /** Where it is on disk, when another thread may read it there (see `readPostFile`) rather than through `read`. */
  readonly absolute?: string;
}

/** A post file by where it is on disk: what a pool thread needs to read it itself. */
export interface PostFileAt {
  readonly path: string;
  readonly lang: string;
  /** See `SourceFile.name`. */
  readonly name?: string;
  readonly absolute: string;
}

/**
 * What a file's metadata says of its content, as git's index keeps it: a
 * file whose stamp is unchanged (and was not racy, see `cache.ts`) has the
 * content it had. All times in nanoseconds since the epoch.
 */
export interface FileStamp {
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
  /** The clock just before the stamp was taken: a file changed after that may keep the same stamp. */
  readonly takenAtNs: bigint;
}

/** A file's stamp from its `stat` (with `bigint: true`), taken after the clock read `takenAtNs`. */
export function fileStamp(stats: BigIntStats, takenAtNs: bigint): FileStamp {
  return { size: stats.size, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, ino: stats.ino, takenAtNs };
}

/** Whether two stamps are of one file as it was: same size, modification and change times, and inode. */
export function sameFile(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/** The clock as a stamp keeps it: read just before a file is looked at. */
export function stampClock(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** The file behind a listing entry, read now if it was only listed. */
export function sourceFileOf(entry: SourceFile | ListedFile): SourceFile | undefined {
  return 'read' in entry ? entry.read() : entry;
}

/** How many files `files` holds, when that is known before reading them (an array, or a disk source's listing). */
export function knownCount(files: SourceFiles): number | undefined {
  return Array.isArray(files) ? files.length : files.count;
}

/** Posts already in memory: tests and small sites. */
export function memorySource(files: readonly SourceFile[]): PostSource & { readonly files: readonly SourceFile[] } {
  const byPath = new Map(files.map((file) => [file.path, file.text]));
  return {
    files,
    read(path) {
      const text = byPath.get(path);
      if (text === undefined) throw new SourceChangedError(path, message('errors.sourceGone'));
      return text;
    },
  };
}

/** A post file changed or vanished between loading it and reading its body back. */
export class SourceChangedError extends MessageError {
  constructor(
    readonly path: string,
    reason: Message | string,
  ) {
    super(message('errors.sourceChanged', { path, reason }));
  }
}
