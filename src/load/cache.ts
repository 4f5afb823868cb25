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
 * Files are stored by their place below the posts folder (see `RecordPaths`),
 * and their records' paths made the listing's again when read, so a build
 * run from another directory than the last still finds them.
 *
 * One file, `cache/posts.v8`, a store of frames (see `state/framed.ts`):
 * the key and the string table first, then the files 500 at a time, their
 * term counts end to end (see `StoredFrame`). Every build reads every
 * record, so one pass over one file is all the access there is; frames keep
 * that pass, and the save, to a megabyte of bytes at a time. A cut or
 * damaged store is ignored and rebuilt, never trusted.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { SiteConfig } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Message } from '../i18n/message.js';
import type { Post } from '../model.js';
import type { PostTerms, TermIndex } from '../relate/terms.js';
import type { RenderedBodies } from '../render/remembered.js';
import { knowPostDigest, knowShownDigest, postDigest, shownDigest } from './postDigest.js';
import { loadSettingsOf } from './settings.js';
import { sameFile, type FileStamp } from './source.js';
import { openStore, storeMagic, writeFramed, type FrameReader } from '../state/framed.js';
import type { RecordPaths } from '../state/published.js';
import { StampedMemo } from '../state/stamped.js';
import type { OpenedState } from '../state/store.js';
import type { OutputManifest } from '../write/output.js';
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
  return sameFile(recorded, now) && stampTrusted(recorded);
}

/** Whether a stamp was taken safely after its file's last change, so that no later change can keep it. */
export function stampTrusted(stamp: FileStamp): boolean {
  const lastChange = stamp.mtimeNs > stamp.ctimeNs ? stamp.mtimeNs : stamp.ctimeNs;
  return lastChange + RACY_MARGIN_NS < stamp.takenAtNs;
}

/** Files read again only for their stamp, past which the store is written again with their new stamps. */
const RESTAMPS_WORTH_A_SAVE = 64;
/**
 * Files whose stored record is not this build's (edited, added, deleted),
 * past which the store is written again. Below it, writing every record of
 * an archive again (most of a rebuild's cost after one edit) costs more than
 * the next build's loading these few files again, on the build's own thread
 * (fewer than the loader starts threads for).
 */
const STALE_WORTH_A_SAVE = 8;

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

  /** Whether the store has a record for this path, whatever its stamp. */
  recorded(path: string, lang: string): boolean {
    return this.found.get(path)?.lang === lang;
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

  /**
   * Whether the store is worth writing again: so many records are new,
   * changed or gone, or so many files had to be read for want of a trusted
   * stamp, that the next build would spend more loading them again than
   * writing the store costs. A file edited since the store was written is
   * loaded again at each build until then; a record is never used for a file
   * whose stamp or text is not the one it was made from.
   */
  get changed(): boolean {
    // No store to begin with, or none that could be used: one is written.
    if (this.found.size === 0) return this.kept.size > 0;
    let stale = 0;
    let restamped = 0;
    for (const [path, entry] of this.kept) {
      const found = this.found.get(path);
      if (found === entry) continue;
      if (found?.hash !== entry.hash || found.lang !== entry.lang || found.record !== entry.record) stale++;
      else restamped++;
    }
    for (const path of this.found.keys()) if (!this.kept.has(path)) stale++;
    return stale > STALE_WORTH_A_SAVE || restamped > RESTAMPS_WORTH_A_SAVE;
  }
}

/** Raise when a record's shape or meaning changes: a store of another format is not read. */
const CACHE_FORMAT = 7;
const MAGIC = storeMagic('nashra load cache', CACHE_FORMAT);
/** Files per frame: frames of a megabyte or so, so that neither saving nor opening holds the whole store in one buffer. */
const FILES_PER_FRAME = 500;
export const CACHE_FILE = join('cache', 'posts.v8');

/**
 * What a record depends on besides its file: the cache format, nashra's own
 * code (`codeFingerprint`: a change to parsing or rendering, released or not,
 * loads every post again) and the settings of the config that reach a
 * record (`loadSettingsOf`: its URL, its dates' time zone, its limits, its summary).
 */
export function cacheKey(config: SiteConfig, version: string = codeFingerprint()): string {
  return createHash('sha1').update(serialize({ format: CACHE_FORMAT, version, settings: loadSettingsOf(config) })).digest('base64');
}

/** The first frame: what the store was written for (`cacheKey`), by which code (`codeFingerprint`), and the texts of the terms, in one table that all records share. */
interface StoredHead {
  readonly key: string;
  readonly code: string;
  readonly strings: readonly string[];
}

/**
 * A file as stored: its post with the post's `postDigest` (its file named as
 * stored), so that a build reusing the record need not compute it, and how
 * many of its frame's counts are its own (none: no terms).
 */
type StoredFile = [path: string, entry: Omit<CachedFile, 'record'>, post: Post | undefined, diagnostics: readonly Diagnostic[], counted: number | undefined, digest: string | undefined, shown: string | undefined];

/**
 * A frame of files: their records, and the term counts of all of them end to
 * end, each file's after the one before. Four arrays a frame rather than four
 * a file: the deserialiser calls back into JavaScript for every typed array,
 * and copying 37,000 small ones took 0.12 s of a build at 5,000 articles.
 */
interface StoredFrame {
  readonly files: StoredFile[];
  readonly terms: Int32Array;
  readonly forms: Int32Array;
  readonly counts: Uint8Array;
  readonly flags: Uint8Array;
}

function isStoredFrame(value: StoredFrame): boolean {
  const { files, terms, forms, counts, flags } = value;
  return (
    Array.isArray(files) &&
    terms instanceof Int32Array &&
    forms instanceof Int32Array &&
    counts instanceof Uint8Array &&
    flags instanceof Uint8Array &&
    forms.length === terms.length &&
    counts.length === terms.length &&
    flags.length === terms.length
  );
}

export interface OpenedCache {
  readonly cache: LoadCache;
  /** Why a store that exists could not be used (cut, damaged, unreadable); the build goes on without it. */
  readonly problem?: Message;
}

/**
 * The stored records, when the store is whole and was written for `key`. A
 * missing store, or one for another config, gives an empty cache quietly; a
 * damaged one, or one written by another version of nashra (other code than
 * `code`, or another format), gives an empty cache and says why: a warning,
 * once, as every post is loaded afresh.
 *
 * The store is read a frame at a time and its hash checked at the end, so
 * opening it holds one frame's bytes, not the whole file, beside the records.
 */
export function openLoadCache(stateDir: string, key: string, paths: RecordPaths, code: string = codeFingerprint()): OpenedCache {
  const { value, problem } = openStore(join(stateDir, CACHE_FILE), (reader) => readStore(reader, { key, code }, paths), {
    damaged: 'diagnostics.state.cacheDamaged',
    unreadable: 'diagnostics.state.cacheUnreadable',
    otherVersion: 'diagnostics.state.cacheOtherVersion',
  });
  return { cache: new LoadCache(value), ...(problem ? { problem } : {}) };
}

/**
 * What a process building again and again (the daemon's build thread) keeps
 * between its builds, so that a build does not read back what the last one
 * has just written: the load store's records, the record of what was
 * published and the output manifest, each trusted only while its file is the
 * one remembered (see `StampedMemo`); a file that another process wrote since,
 * a `nashra build` run by hand, is read.
 */
export class CacheMemory {
  /** The full texts its builds rendered, which the next build need not render again (see `render/remembered.ts`); read from the state directory by the first build. */
  bodies?: RenderedBodies;
  /** The term index of its builds, each post's counts interned once (see `TermIndex.holds`); made by the first build that loads posts. */
  terms?: TermIndex;
  private readonly records = new StampedMemo<ReadonlyMap<string, CachedFile>>();
  /** The record of what its last build published, as written: at 10,000 articles, read and checked in 0.3 s. */
  readonly published = new StampedMemo<OpenedState>();
  /** The output manifest its last build wrote: 0.2 s at 10,000 articles. */
  readonly outputs = new StampedMemo<OutputManifest>();

  /** The records for a build: those remembered when they are still the store's, else the store's. */
  open(stateDir: string, key: string, paths: RecordPaths): OpenedCache {
    // The build owns the records now; `keep` gives the next build its own.
    const entries = this.records.take(join(stateDir, CACHE_FILE), key);
    return entries ? { cache: new LoadCache(entries) } : openLoadCache(stateDir, key, paths);
  }

  /** Remembers the records of a build once they are stored (or found stored as they are). */
  keep(stateDir: string, key: string, cache: LoadCache): void {
    this.records.keep(join(stateDir, CACHE_FILE), key, new Map(cache.entries));
  }

  /**
   * Does now, while the process waits, what the next build that relates
   * would otherwise do first: takes in the term counts of the posts loaded
   * from the store (0.06-0.15 s at 5,000 articles, of the first build after
   * a saved post).
   */
  prepareNext(): void {
    this.terms?.settle();
  }

  forget(): void {
    for (const memo of [this.records, this.published, this.outputs]) memo.forget();
  }
}

function readStore(reader: FrameReader, wanted: { readonly key: string; readonly code: string }, paths: RecordPaths): Map<string, CachedFile> | 'other' | 'other version' | 'damaged' {
  const opens = reader.opens(MAGIC);
  // Another format of the same store: another nashra wrote it.
  if (opens !== 'same') return opens === 'other' ? 'other version' : opens;
  const head = reader.next<StoredHead>((value) => typeof value.key === 'string' && typeof value.code === 'string' && Array.isArray(value.strings));
  if (head === undefined || head === 'end') return 'damaged';
  if (head.key !== wanted.key) return head.code === wanted.code ? 'other' : 'other version';
  const files = new Map<string, CachedFile>();
  for (;;) {
    const frame = reader.next<StoredFrame>(isStoredFrame);
    if (frame === 'end') break;
    if (!frame) return 'damaged';
    // The reader copied the counts out of the frame's bytes, into blocks shared by many records; each record's are a view of them.
    let at = 0;
    for (const [recorded, entry, stored, diagnostics, counted, digest, shown] of frame.files) {
      const path = paths.listed(recorded);
      const post = stored && stored.sourcePath !== path ? { ...stored, sourcePath: path } : stored;
      if (post && digest !== undefined) knowPostDigest(post, recorded, digest);
      if (post && shown !== undefined) knowShownDigest(post, shown);
      if (counted !== undefined && !(Number.isInteger(counted) && counted >= 0 && at + counted <= frame.terms.length)) return 'damaged';
      const terms = counted === undefined ? undefined : termsAt(frame, head.strings, at, at + counted);
      at += counted ?? 0;
      const record: PostRecord = { ...(post ? { post } : {}), diagnostics: namedAs(path, diagnostics), ...(terms ? { terms } : {}) };
      files.set(path, { ...entry, record });
    }
  }
  return reader.endsWell() ? files : 'damaged';
}

/** The counts of one file, from `start` to `end` in its frame. */
function termsAt(frame: StoredFrame, strings: readonly string[], start: number, end: number): PostTerms {
  return { strings, terms: frame.terms.subarray(start, end), forms: frame.forms.subarray(start, end), counts: frame.counts.subarray(start, end), flags: frame.flags.subarray(start, end) };
}

/**
 * A record's diagnostics, naming its file as the listing names it now: every
 * problem of a record is its own file's (those between posts are found after
 * loading), and the store was perhaps written by a build run from another
 * directory.
 */
function namedAs(path: string, diagnostics: readonly Diagnostic[]): readonly Diagnostic[] {
  return diagnostics.every((d) => d.file === path) ? diagnostics : diagnostics.map((d) => ({ ...d, file: path }));
}

/**
 * The records to store, in frames: the string table first (so records from
 * other tables are renumbered into it before anything is written), then the
 * files, `FILES_PER_FRAME` at a time.
 */
function* encode(entries: ReadonlyMap<string, CachedFile>, { key, code }: { readonly key: string; readonly code: string }, paths: RecordPaths): Generator<StoredHead | StoredFrame> {
  const base = baseTable(entries);
  const strings: string[] = [...base];
  const numbers = new Map(strings.map((text, index) => [text, index]));
  /** Each other table once: the records of texts loaded afresh share one. */
  const renumbered = new Map<readonly string[], Int32Array>();
  for (const { record } of entries.values()) {
    const table = record.terms?.strings;
    if (!table || table === base || renumbered.has(table)) continue;
    renumbered.set(
      table,
      Int32Array.from(table, (text) => {
        let index = numbers.get(text);
        if (index === undefined) numbers.set(text, (index = strings.push(text) - 1));
        return index;
      }),
    );
  }
  yield { key, code, strings };
  const all = [...entries];
  for (let first = 0; first < all.length; first += FILES_PER_FRAME) {
    const batch = all.slice(first, first + FILES_PER_FRAME);
    const length = batch.reduce((sum, [, { record }]) => sum + (record.terms?.terms.length ?? 0), 0);
    const frame: StoredFrame = { files: [], terms: new Int32Array(length), forms: new Int32Array(length), counts: new Uint8Array(length), flags: new Uint8Array(length) };
    let at = 0;
    for (const [path, { record, ...entry }] of batch) {
      const { post, terms } = record;
      const recorded = paths.recorded(path, entry.lang);
      if (terms) storeTerms(frame, at, terms, renumbered.get(terms.strings));
      // Under the name it is stored by: the digest hashes that name in place of the post's path, and is known only by it,
      // so a build that names the post otherwise works its digest out afresh.
      frame.files.push([recorded, entry, post, record.diagnostics, terms?.terms.length, post && postDigest(post, recorded), post && shownDigest(post)]);
      at += terms?.terms.length ?? 0;
    }
    yield frame;
  }
}

/** Copies one file's counts into its frame from `at`, its texts renumbered into the stored table when `mapped` says how. */
function storeTerms(frame: StoredFrame, at: number, { terms, forms, counts, flags }: PostTerms, mapped: Int32Array | undefined): void {
  frame.counts.set(counts, at);
  frame.flags.set(flags, at);
  if (!mapped) {
    frame.terms.set(terms, at);
    frame.forms.set(forms, at);
    return;
  }
  for (let i = 0; i < terms.length; i++) {
    frame.terms[at + i] = mapped[terms[i] ?? 0] ?? 0;
    frame.forms[at + i] = mapped[forms[i] ?? 0] ?? 0;
  }
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

/** Stores the records of this build for the next, when they changed, as one whole build's records. */
export async function saveLoadCache(stateDir: string, cache: LoadCache, key: string, paths: RecordPaths, code: string = codeFingerprint()): Promise<void> {
  if (!cache.changed) return;
  await writeFramed(join(stateDir, CACHE_FILE), MAGIC, encode(cache.entries, { key, code }, paths));
}

/** Removes the store, so the next build loads every post afresh. */
export async function dropLoadCache(stateDir: string): Promise<void> {
  await rm(join(stateDir, CACHE_FILE), { force: true });
}
