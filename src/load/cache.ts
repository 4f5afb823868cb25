/**
 * The load cache: what loading a post file gave (its post or its problems,
 * and the term counts of its body), kept in the private state directory and
 * reused while the file is the same text and the config and nashra are the
 * same. Loading a file is a pure function of its path, language and text,
 * the config and nashra's version, so a record is as good as loading again.
 *
 * Whether a file is the same is decided as git's index decides it: by its
 * stamp (size, modification and change times, inode) without reading it,
 * unless the stamp is racy (the file changed so shortly before it was
 * stamped that a later change could keep the same stamp); then by the hash
 * of its text.
 *
 * One file, `cache/posts.v8`: a magic line, a SHA-1 of the rest, and the
 * rest as `v8.serialize` writes it. Every build reads every record, so one
 * file read at once is all the access there is; the hash catches a cut or
 * damaged file, which is then ignored and rebuilt, never trusted.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { SiteConfig } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Post } from '../model.js';
import type { PostTerms } from '../relate/terms.js';
import { temporaryNameFor } from '../write/temporary.js';
import type { FileStamp } from './source.js';
import { codeFingerprint } from '../version.js';

/** What loading one post file gave. */
export interface PostRecord {
  /** The post, when the file is a valid one. */
  readonly post?: Post;
  readonly diagnostics: readonly Diagnostic[];
  /** The term counts of the post's title, summary and body, for relating. */
  readonly terms?: PostTerms;
}

/** A record with the file it came from. */
export interface CachedFile {
  readonly lang: string;
  /** `sourceHash` of the file's text. */
  readonly hash: string;
  /** The file's stamp when it was read; absent when it had none. */
  readonly stamp?: FileStamp;
  readonly record: PostRecord;
}

/**
 * A stamp taken this long after the file's last change is trusted: longer
 * than any timestamp granularity of a local file system (FAT's is 2 s) and
 * than the lag of the kernel's coarse clock behind ours.
 */
export const RACY_MARGIN_NS = 3_000_000_000n;

/** Whether `now` is the stamp of `recorded`, taken safely after the file's last change. */
export function stampUnchanged(recorded: FileStamp | undefined, now: FileStamp | undefined): boolean {
  if (!recorded || !now) return false;
  const same = recorded.size === now.size && recorded.mtimeNs === now.mtimeNs && recorded.ctimeNs === now.ctimeNs && recorded.ino === now.ino;
  const lastChange = recorded.mtimeNs > recorded.ctimeNs ? recorded.mtimeNs : recorded.ctimeNs;
  return same && lastChange + RACY_MARGIN_NS < recorded.takenAtNs;
}

/**
 * The records of one build: those found in the store, looked up by path and
 * checked against the file, and those this build keeps for the next.
 */
export class LoadCache {
  private readonly kept = new Map<string, CachedFile>();
  /** Files whose record was reused without reading them, and after reading them. */
  readonly reused = { byStamp: 0, byHash: 0 };

  constructor(private found: ReadonlyMap<string, CachedFile> = new Map()) {}

  /** The record of a file whose stamp says it did not change, kept for the next build. */
  byStamp(path: string, lang: string, stamp: FileStamp | undefined): PostRecord | undefined {
    const entry = this.found.get(path);
    if (!entry || entry.lang !== lang || !stampUnchanged(entry.stamp, stamp)) return undefined;
    this.kept.set(path, entry);
    this.reused.byStamp++;
    return entry.record;
  }

  /** The record of a file read again, when its text is the one recorded. */
  byHash(path: string, lang: string, hash: string): PostRecord | undefined {
    const entry = this.found.get(path);
    if (!entry || entry.lang !== lang || entry.hash !== hash) return undefined;
    this.reused.byHash++;
    return entry.record;
  }

  keep(path: string, entry: CachedFile): void {
    this.kept.set(path, entry);
  }

  /** The records to store for the next build: those of the files this build loaded. */
  get entries(): ReadonlyMap<string, CachedFile> {
    return this.kept;
  }

  /** Lets go of every record, once they are stored: the posts live on in the build, the rest is garbage. */
  release(): void {
    this.kept.clear();
    this.found = new Map();
  }

  /** Whether the store would change: a record is new or changed, or a file is gone. */
  get changed(): boolean {
    if (this.kept.size !== this.found.size) return true;
    for (const [path, entry] of this.kept) if (this.found.get(path) !== entry) return true;
    return false;
  }
}

/** Raise when a record's shape or meaning changes: a store of another format is not read. */
const CACHE_FORMAT = 1;
const MAGIC = Buffer.from('nashra load cache\n');
const HASH_BYTES = 20;
export const CACHE_FILE = join('cache', 'posts.v8');

/**
 * What a record depends on besides its file: the cache format, nashra's own
 * code (`codeFingerprint`: a change to parsing or rendering, released or not,
 * loads every post again) and the whole config (any setting may reach a
 * post, through its URL, its dates' time zone, its limits or its summary).
 */
export function cacheKey(config: SiteConfig, version: string = codeFingerprint()): string {
  return createHash('sha1').update(serialize({ format: CACHE_FORMAT, version, config })).digest('base64');
}

/** The stored form: records as they are, the texts of their terms in one table that all share. */
interface StoredCache {
  readonly key: string;
  readonly strings: readonly string[];
  readonly files: readonly StoredFile[];
}

type StoredFile = [path: string, entry: Omit<CachedFile, 'record'>, post: Post | undefined, diagnostics: readonly Diagnostic[], terms: Omit<PostTerms, 'strings'> | undefined];

export interface OpenedCache {
  readonly cache: LoadCache;
  /** Why a store that exists could not be used (cut, damaged, unreadable); the build goes on without it. */
  readonly problem?: string;
}

/**
 * The stored records, when the store is whole and was written for `key`. A
 * missing store, or one for another config or version, gives an empty cache
 * quietly; a damaged one gives an empty cache and says why.
 */
export function openLoadCache(stateDir: string, key: string): OpenedCache {
  const path = join(stateDir, CACHE_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { cache: new LoadCache() } : { cache: new LoadCache(), problem: `${path} cannot be read (${code ?? String(error)}); every post is loaded afresh` };
  }
  const stored = storedCache(bytes);
  if (!stored) return { cache: new LoadCache(), problem: `${path} is damaged or incomplete; every post is loaded afresh and the cache rebuilt` };
  if (stored.key !== key) return { cache: new LoadCache() };
  return { cache: new LoadCache(decode(stored)) };
}

/** The contents of a store whose bytes are whole, else undefined. */
function storedCache(bytes: Buffer): StoredCache | undefined {
  const start = MAGIC.length + HASH_BYTES;
  if (bytes.length < start || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const body = bytes.subarray(start);
  if (!createHash('sha1').update(body).digest().equals(bytes.subarray(MAGIC.length, start))) return undefined;
  try {
    const value = deserialize(body) as Partial<StoredCache> | null;
    return value && typeof value.key === 'string' && Array.isArray(value.strings) && Array.isArray(value.files) ? (value as StoredCache) : undefined;
  } catch {
    return undefined;
  }
}

function decode(stored: StoredCache): Map<string, CachedFile> {
  const files = new Map<string, CachedFile>();
  for (const [path, entry, post, diagnostics, terms] of stored.files) {
    const record: PostRecord = { ...(post ? { post } : {}), diagnostics, ...(terms ? { terms: { ...terms, strings: stored.strings } } : {}) };
    files.set(path, { ...entry, record });
  }
  return files;
}

function encode(entries: ReadonlyMap<string, CachedFile>, key: string): StoredCache {
  const base = baseTable(entries);
  const strings: string[] = [...base];
  const numbers = new Map(strings.map((text, index) => [text, index]));
  /** Each other table once: the records of texts loaded afresh share one. */
  const renumbered = new Map<readonly string[], Int32Array>();
  const numbersOf = (table: readonly string[]): Int32Array => {
    let mapped = renumbered.get(table);
    if (!mapped) {
      mapped = Int32Array.from(table, (text) => {
        let index = numbers.get(text);
        if (index === undefined) numbers.set(text, (index = strings.push(text) - 1));
        return index;
      });
      renumbered.set(table, mapped);
    }
    return mapped;
  };
  const files: StoredFile[] = [];
  for (const [path, { record, ...entry }] of entries) {
    let terms: StoredFile[4];
    if (record.terms) {
      const { strings: table, counts, flags } = record.terms;
      if (table === base) {
        terms = { terms: record.terms.terms, forms: record.terms.forms, counts, flags };
      } else {
        const mapped = numbersOf(table);
        terms = { terms: record.terms.terms.map((index) => mapped[index] ?? 0), forms: record.terms.forms.map((index) => mapped[index] ?? 0), counts, flags };
      }
    }
    files.push([path, entry, record.post, record.diagnostics, terms]);
  }
  return { key, strings, files };
}

/**
 * The string table that most records index, kept as it is so that their
 * counts are stored without being renumbered; none when more than half of it
 * is texts no record uses any more (of posts since edited or deleted), so
 * that the table does not grow without end.
 */
function baseTable(entries: ReadonlyMap<string, CachedFile>): readonly string[] {
  const users = new Map<readonly string[], number>();
  for (const { record } of entries.values()) if (record.terms) users.set(record.terms.strings, (users.get(record.terms.strings) ?? 0) + 1);
  const [table] = [...users].sort((a, b) => b[1] - a[1])[0] ?? [[]];
  const used = new Uint8Array(table.length);
  let count = 0;
  for (const { record } of entries.values()) {
    if (record.terms?.strings !== table) continue;
    for (const indexes of [record.terms.terms, record.terms.forms]) {
      for (const index of indexes) {
        if (used[index] === 1) continue;
        used[index] = 1;
        count++;
      }
    }
  }
  return count * 2 >= table.length ? table : [];
}

/**
 * Stores the records of this build for the next, when they changed: written
 * beside the store, flushed, then renamed over it, so the store is always
 * one whole build's records (and a store cut anyway fails its hash).
 */
export async function saveLoadCache(stateDir: string, cache: LoadCache, key: string): Promise<void> {
  if (!cache.changed) return;
  const path = join(stateDir, CACHE_FILE);
  const body = serialize(encode(cache.entries, key));
  const header = Buffer.concat([MAGIC, createHash('sha1').update(body).digest()]);
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryNameFor(path);
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(header);
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Removes the store, so the next build loads every post afresh. */
export async function dropLoadCache(stateDir: string): Promise<void> {
  await rm(join(stateDir, CACHE_FILE), { force: true });
}
