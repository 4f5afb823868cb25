import { isUtf8 } from 'node:buffer';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { postNames } from './fileNames.js';
import type { SourceFile } from './parsePost.js';
import type { SourcePosition } from '../model.js';
import { fileStamp, sourceFileOf, stampClock, type FileStamp, type ListedFile, type PostFileAt, type PostSource } from './source.js';

export interface DiskSource extends PostSource {
  /** How many post files the listing found. */
  readonly count: number;
}

/** The names the loader reads as posts: what a file watcher must not miss. */
export const POST_FILE = /\.(md|markdown)$/i;

/**
 * The posts under `<postsDir>/<lang>/**\/*.md`; the language is the first
 * directory under `postsDir`. Hugo's section pages and page-bundle resources
 * are not posts (see `postNames`). The directory is listed now (so a missing one
 * fails here), each file is stamped when the loader reaches it and read only
 * when the loader asks (see `ListedFile`), and paths in diagnostics are
 * relative to `cwd`. A file an earlier build published (`published`, by that
 * path) is listed wherever it sits.
 *
 * Reads are synchronous on purpose: tens of thousands of small files read in
 * a fraction of the time of one awaited read each, and the build that
 * consumes them is synchronous anyway.
 */
export function diskSource(postsDir: string, cwd: string, published: (path: string) => boolean = () => false): DiskSource {
  const listing: { path: string; absolute: string; lang: string; name: string }[] = [];
  for (const entry of readdirSync(postsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const lang = entry.name;
    const folder = join(postsDir, lang);
    const names = namesBelow(folder);
    // The folder's path from cwd, found once: the names under it are normalised paths below it, so each post's path is
    // that and its name joined by a separator (path.join and path.relative, 10,000 times, took 80 ms of a no-op build).
    const base = relative(cwd, folder);
    const pathOf = (name: string): string => (base === '' ? name : `${base}${sep}${name}`);
    for (const name of postNames(names.filter((n) => POST_FILE.test(n)), (name) => published(pathOf(name))).sort()) {
      listing.push({ path: pathOf(name), absolute: `${folder}${sep}${name}`, lang, name });
    }
  }
  const absoluteOf = new Map(listing.map((file) => [file.path, file.absolute]));
  const locate = (path: string): string => absoluteOf.get(path) ?? resolve(cwd, path);
  return {
    count: listing.length,
    files: {
      count: listing.length,
      *[Symbol.iterator](): Generator<ListedFile> {
        for (const file of listing) {
          const stamp = stampOf(file.absolute);
          if (stamp === null) continue;
          yield { path: file.path, lang: file.lang, name: file.name, stamp, read: () => readPostFile(file), absolute: file.absolute };
        }
      },
    },
    read: (path) => readFileSync(locate(path), 'utf8'),
    locate,
  };
}

/**
 * Every name below `folder`, relative to it, folders included, following
 * links to folders: what `readdirSync(folder, { recursive: true })` lists,
 * found from the entries' types. Node's recursive listing of names stats
 * every entry to learn whether it is a folder (9,000 stats, 130 ms of a
 * no-op build at 5,000 articles). A link back to a folder being listed is
 * not followed again, where Node's listing went round until the path grew
 * too long, listing every post in it dozens of times.
 */
function namesBelow(folder: string): string[] {
  const names: string[] = [];
  const listing: string[] = []; // the real paths of the folders being listed, outermost first
  const list = (relativeFolder: string, realFolder: string): void => {
    listing.push(realFolder);
    for (const entry of readdirSync(join(folder, relativeFolder), { withFileTypes: true })) {
      const name = relativeFolder === '' ? entry.name : `${relativeFolder}${sep}${entry.name}`;
      names.push(name);
      if (entry.isDirectory()) list(name, join(realFolder, entry.name));
      else if (entry.isSymbolicLink()) {
        const path = join(folder, name);
        if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) continue;
        const real = realpathSync(path);
        if (!listing.includes(real)) list(name, real);
      }
    }
    listing.pop();
  };
  list('', realpathSync(folder));
  return names;
}

/**
 * A file's stamp; null when it was deleted since the listing, undefined when
 * it cannot be stamped (it is then read, and its problem reported there).
 */
function stampOf(absolute: string): FileStamp | null | undefined {
  const takenAtNs = stampClock();
  try {
    const stats = statSync(absolute, { bigint: true, throwIfNoEntry: false });
    if (!stats) return lstatSync(absolute, { throwIfNoEntry: false }) ? undefined : null;
    return fileStamp(stats, takenAtNs);
  } catch {
    return undefined;
  }
}

/**
 * A listed file's text, on whichever thread loads it. A file that cannot be
 * read is that post's problem, not the build's; a file deleted since the
 * listing is simply gone, as if the listing had been made a moment later.
 */
export function readPostFile(file: PostFileAt): SourceFile | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === 'ENOENT' && !lstatSync(file.absolute, { throwIfNoEntry: false })) return undefined;
    return { ...placeOf(file), text: '', unreadable: code };
  }
  // A file saved as Windows-1252 or -1256 would otherwise be published with U+FFFD in place of its letters.
  if (!isUtf8(bytes)) return { ...placeOf(file), text: '', unreadable: NOT_UTF8, unreadableAt: firstNonUtf8(bytes) };
  return { ...placeOf(file), text: bytes.toString('utf8') };
}

/** What `SourceFile.unreadable` says of a file that is not UTF-8 text. */
export const NOT_UTF8 = 'NOT_UTF8';

/**
 * The line and column of the first byte of `bytes` that is not UTF-8: where
 * decoding first gives U+FFFD without the file holding one as written.
 */
function firstNonUtf8(bytes: Buffer): SourcePosition {
  const text = bytes.toString('utf8');
  let at = text.indexOf('\uFFFD');
  while (at >= 0) {
    const offset = Buffer.byteLength(text.slice(0, at), 'utf8');
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) break;
    at = text.indexOf('\uFFFD', at + 1);
  }
  // Counted as the loader counts them: CRLF, CR alone and LF each end a line.
  const lines = text.slice(0, Math.max(0, at)).split(/\r\n|\r|\n/);
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function placeOf(file: PostFileAt): Pick<SourceFile, 'path' | 'lang' | 'name'> {
  return { path: file.path, lang: file.lang, ...(file.name === undefined ? {} : { name: file.name }) };
}

/** Every post file read into memory: for tests and tools that want the texts themselves. */
export function readPostFiles(postsDir: string, cwd: string): SourceFile[] {
  return [...diskSource(postsDir, cwd).files].flatMap((entry) => sourceFileOf(entry) ?? []);
}
