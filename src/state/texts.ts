/**
 * Writing the stored texts of published posts (`sources/<hash>.md` in the
 * state directory, see store.ts), on whichever thread stores them. In a
 * module of its own, so the thread that stores a first build's texts loads
 * nothing else.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { sourceHash } from '../load/hash.js';
import { temporaryNameFor } from '../write/temporary.js';

/** A text to store: the hash it was published with, and its file in the state directory. */
export interface TextToStore {
  readonly hash: string;
  readonly file: string;
}

/** A text to store, with where its post file is on disk: what a thread of its own needs to store it. */
export interface TextToStoreFrom extends TextToStore {
  readonly from: string;
}

/** What a thread storing texts answers once: done, with the hashes of the texts no file held any more, or the error that stopped it, as Node gave it. */
export type TextsReply = { readonly done: true; readonly unkept: readonly string[] } | { readonly failed: FileError };

export interface FileError {
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly errno?: number;
  readonly path?: string;
  readonly syscall?: string;
}

/**
 * Stores `text` as `wanted.file` when it is still the text that was published
 * (a post file changed since it was loaded is not kept); true when stored.
 * Not fsynced: a text cut by a crash fails its hash check when read and is
 * simply not used. Synchronous: thousands of awaited writes and renames
 * leave the thread waiting on the disk twice per text.
 */
export function storeText(wanted: TextToStore, text: string | undefined): boolean {
  if (text === undefined || sourceHash(text) !== wanted.hash) return false;
  const temporary = temporaryNameFor(wanted.file);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, wanted.file);
  } catch (error) {
    // A write cut short (a full disk) leaves the file it had begun, and its error names no file: the text's is named.
    rmSync(temporary, { force: true });
    const failed = error as NodeJS.ErrnoException;
    if (failed.path === undefined) failed.path = wanted.file;
    throw failed;
  }
  return true;
}

/** The text of a post file as the loader decodes it; undefined when it cannot be read (it is then not stored). */
export function readText(absolute: string): string | undefined {
  try {
    return readFileSync(absolute, 'utf8');
  } catch {
    return undefined;
  }
}

/** An error of Node's file system as plain data, to cross from a thread. */
export function fileErrorOf(error: unknown): FileError {
  if (!(error instanceof Error)) return { message: String(error) };
  const { stack, code, errno, path, syscall } = error as NodeJS.ErrnoException;
  const fields = { stack, code, errno, path, syscall };
  return { message: error.message, ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) };
}

/** The error again, with the fields by which the CLI tells a full disk or a refused write, and the stack of the thread that met it. */
export function errorOf(failed: FileError): NodeJS.ErrnoException {
  const { message, ...fields } = failed;
  return Object.assign(new Error(message), fields);
}
