/**
 * The load stage as a whole: every listed post file turned into its record
 * (its post or its problems, and the term counts relating needs), then the
 * posts checked as a set (URLs, ids, translation pairs, `related:` pins),
 * with the last build's published version standing in for a post file that
 * broke.
 */
import type { SiteConfig } from '../config.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { message } from '../i18n/message.js';
import type { Post } from '../model.js';
import { resolvePins, type ResolvedPins } from '../relate/pins.js';
import { termsCopier, type TermIndex } from '../relate/terms.js';
import { withPublishedId } from '../state/ids.js';
import { NOTHING_PUBLISHED, type Previous } from '../state/published.js';
import type { LoadCache, PostRecord } from './cache.js';
import { assembleCollection, type Collection, type Standing } from './collection.js';
import { sourceHash } from './hash.js';
import { parsePost, type ParsedPost, type SourceFile } from './parsePost.js';
import { NOT_UTF8, readPostFile } from './readPosts.js';
import type { LoadSettings } from './settings.js';
import { knownCount, sourceFileOf, type FileStamp, type ListedFile, type PostFileAt, type SourceFiles } from './source.js';
import type { Job, ThreadTables, WorkPool } from '../work/pool.js';
import type { SentRecord } from '../work/protocol.js';

export interface LoadResult {
  readonly posts: Post[];
  /** The `related:` pins of every valid post, resolved to article keys: what relating places first. */
  readonly pins: ResolvedPins['pins'];
  readonly diagnostics: Diagnostic[];
  readonly skippedFiles: string[];
  /** Every post file the source listed, valid or not. */
  readonly listedPaths: ReadonlySet<string>;
  /**
   * Each listed file with what loading it gave, without its term counts: what
   * deciding the posts from another record of what was published reads
   * again (see `decidePosts`, and `loadedFile` for what a post stands for).
   */
  readonly files: readonly (Post | LoadedFile)[];
}

/** A listed file and, once loaded, its record; undefined for a file that vanished since it was listed. */
export interface LoadedFile {
  readonly path: string;
  readonly lang: string;
  readonly record?: PostRecord;
}

/**
 * Where the term counts of the valid posts go, for relating: `nashra check`,
 * which relates nothing, counts none. A cache needs them, since a record it
 * keeps must serve a build that relates.
 */
type Counting =
  | { readonly terms?: TermIndex; readonly cache?: undefined }
  | {
      readonly terms: TermIndex;
      /** The records of earlier builds, reused for files that did not change; this load's records are kept in it. */
      readonly cache: LoadCache;
    };

export type LoadOptions = Counting & {
  readonly onLoad?: (done: number) => void;
  /** Threads to load files on (see `work/pool.ts`); without, every file loads on the calling thread. */
  readonly pool?: WorkPool;
  /** What the last build published: a broken file's published version stays. */
  readonly previous?: Previous;
};

/**
 * The load stage: every file turned into its record (see `loadRecord`), then
 * the posts checked as a set, in the order the files were listed. Files are
 * taken one at a time and not kept, so `files` may read them lazily, and a
 * file the cache knows unchanged is not read at all. With a pool, the files
 * to load are loaded on its threads; the result is the same without.
 */
export function loadPosts(files: SourceFiles, config: SiteConfig, options: LoadOptions = {}): LoadResult {
  const { onLoad, cache, terms } = options;
  let done = 0;
  const slots = loadRecords(files, config, { cache, terms, pool: options.pool, onDone: () => onLoad?.(++done) });
  return decidePosts(slots, config, options);
}

/**
 * The second half of the load stage: the posts of the loaded files, as the
 * last build's record (`previous`) decides them (a broken file's published
 * version, the ids published, who keeps a contested URL), checked as a set.
 * With a cache, the records are kept in it; with a term index, the counts of
 * the posts are taken into it.
 */
export function decidePosts(slots: readonly (LoadedFile & Pick<Slot, 'hash' | 'stamp'>)[], config: SiteConfig, options: Pick<LoadOptions, 'previous' | 'cache' | 'terms'> = {}): LoadResult {
  const { previous = NOTHING_PUBLISHED, cache, terms } = options;
  const diagnostics: Diagnostic[] = [];
  const valid: Post[] = [];
  const listedPaths = new Set<string>();
  const files: (Post | LoadedFile)[] = [];
  for (const slot of slots) {
    files.push(keptFile(slot));
    if (!(slot.lang in config.languages)) {
      listedPaths.add(slot.path);
      diagnostics.push(diagnostic(slot.path, { line: 1, column: 1 }, 'error', 'language', message('diagnostics.file.languageNotConfigured', { lang: slot.lang, languages: Object.keys(config.languages) })));
      continue;
    }
    const { record } = slot;
    if (!record) continue;
    if (cache && slot.hash !== undefined) cache.keep(slot.path, { lang: slot.lang, hash: slot.hash, ...(slot.stamp ? { stamp: slot.stamp } : {}), record });
    listedPaths.add(slot.path);
    const parsed = keepPublishedIfBroken(slot, record, config, previous);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.post) continue;
    valid.push(withPublishedId(parsed.post, previous, config));
    if (!terms) continue;
    if (parsed.post !== record.post) terms.add(parsed.post, parsed.body ?? '');
    else if (record.terms && !terms.holds(parsed.post, record.terms)) terms.addCounted(parsed.post, record.terms);
  }
  const collection = assembleWithPublished(valid, config, previous, terms, diagnostics);
  terms?.keepOnly(listedPaths);
  const pins = resolvePins(collection.posts);
  diagnostics.push(...pins.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  const failed = new Set(sorted.filter((d) => d.severity === 'error').map((d) => d.file));
  return { posts: collection.posts, pins: pins.pins, diagnostics: sorted, skippedFiles: [...failed].sort(), listedPaths, files };
}

const NO_PROBLEMS: readonly Diagnostic[] = Object.freeze([]);

/**
 * What `LoadResult.files` keeps of a loaded file: the post of a valid file
 * without problems of its own stands for the file (it names its path and
 * language), as most do, so that a build holds no more than its posts.
 */
function keptFile(slot: LoadedFile): Post | LoadedFile {
  const record = slot.record;
  if (!record) return { path: slot.path, lang: slot.lang };
  const { post, diagnostics } = record;
  if (post && diagnostics.length === 0 && post.sourcePath === slot.path && post.lang === slot.lang) return post;
  return { path: slot.path, lang: slot.lang, record: { ...(post ? { post } : {}), diagnostics } };
}

/** A file as `keptFile` kept it, as `decidePosts` reads it. */
export function loadedFile(file: Post | LoadedFile): LoadedFile {
  return 'sourcePath' in file ? { path: file.sourcePath, lang: file.lang, record: { post: file, diagnostics: NO_PROBLEMS } } : file;
}

/** A listed file as it is loaded. */
interface Slot extends LoadedFile {
  record?: PostRecord;
  /** Set when the record is to be kept in the cache: the hash of the text it was loaded from, and the file's stamp. */
  hash?: string;
  stamp?: FileStamp;
}

/** A file to load, on a pool thread or here. */
interface LoadJob extends Job {
  runHere(): void;
}

/**
 * Loads on the pool's threads once this many files of a listing needed
 * loading: a build that reuses the cache for all but a few files starts no
 * thread (each costs its start-up, a heap, and the modules it loads).
 */
const THREADS_FROM = 16;

/**
 * The record of every listed file, in listing order: from the cache without
 * reading the file when its stamp is unchanged, from the cache after reading
 * it when its text is, else loaded (see `loadRecord`) on the pool's threads
 * or here. The files to load are handed out as threads have room for them
 * (LOADS_QUEUED each), and read by the thread that loads them when the cache
 * does not know them.
 */
function loadRecords(files: SourceFiles, config: SiteConfig, context: { cache: LoadCache | undefined; terms: TermIndex | undefined; pool: WorkPool | undefined; onDone: () => void }): Slot[] {
  const { cache, terms, pool, onDone } = context;
  const slots: Slot[] = [];
  const listing = files[Symbol.iterator]();
  const expected = knownCount(files);
  let toLoad = 0;
  const next = (): LoadJob | undefined => {
    for (let step = listing.next(); !step.done; step = listing.next()) {
      const entry = step.value;
      const slot: Slot = { path: entry.path, lang: entry.lang };
      slots.push(slot);
      const found: Found = entry.lang in config.languages ? knownOrRead(entry, cache) : { record: undefined };
      if (found.hash !== undefined) slot.hash = found.hash;
      if (found.stamp) slot.stamp = found.stamp;
      const { toLoad: load } = found;
      if (!load) {
        slot.record = found.record;
        onDone();
        continue;
      }
      if (++toLoad === THREADS_FROM) pool?.grow((expected ?? 0) - slots.length + THREADS_FROM);
      const settle = (record: PostRecord | undefined, hash?: string) => {
        if (record) slot.record = withOwnCounts(record);
        if (cache && hash !== undefined) slot.hash = hash;
        onDone();
      };
      const loadHere = () => {
        if (load.kind === 'load') return settle(loadRecord(load.file, config, terms, cache !== undefined));
        const read = readForLoad(load.file);
        if (!read || 'record' in read) return settle(read?.record);
        settle(loadRecord(read.file, config, terms, cache !== undefined), read.file.hash);
      };
      return {
        task: { ...load, countTerms: terms !== undefined },
        budgetMs: LOAD_BUDGET_MS,
        settle: (outcome, thread) => {
          if (outcome.kind === 'loaded') settle(receivedRecord(outcome.record, outcome.newStrings, thread), outcome.hash);
          else if (outcome.kind === 'vanished') settle(undefined);
          else loadHere();
        },
        runHere: loadHere,
      };
    }
    return undefined;
  };
  const here = (job: LoadJob) => job.runHere();
  for (;;) {
    if (pool && pool.threads > 0) pool.run(next, here, { helpWhileStarting: true, queued: LOADS_QUEUED });
    const job = next();
    if (!job) return slots;
    here(job);
  }
}

/**
 * Files each thread holds at once: with one, a thread waits idle for the
 * next file while its reply wakes this thread and the file travels back
 * (about 0.8 ms a file on a 2-core virtual machine, a third of the load).
 */
const LOADS_QUEUED = 2;

/**
 * Past this, a thread loading one file is taken for lost (it cannot be
 * asked: the build's thread sleeps) and the file is loaded here instead.
 */
const LOAD_BUDGET_MS = 60_000;

/**
 * What the listing and the cache say of a file: its record, or the file to
 * load (none when it vanished); with the hash and stamp to keep it under in
 * the cache when it was read for the cache.
 */
interface Found {
  readonly record?: PostRecord | undefined;
  /** A file to load: its text read here, or where it is, to be read where it loads (on a pool thread, so this thread neither reads nor copies it). */
  readonly toLoad?: { readonly kind: 'load'; readonly file: SourceFile } | { readonly kind: 'read'; readonly file: PostFileAt };
  readonly hash?: string;
  readonly stamp?: FileStamp | undefined;
}

/**
 * A listed file's record when the cache has it (or the file vanished, or
 * cannot be read), else the file to load: read here when the cache knows
 * its path (its text may be the one recorded), else left to be read where it
 * loads.
 */
function knownOrRead(entry: SourceFile | ListedFile, cache: LoadCache | undefined): Found {
  const stamp = 'read' in entry ? entry.stamp : undefined;
  const known = cache?.byStamp(entry.path, entry.lang, stamp);
  if (known) return { record: known };
  if ('read' in entry && entry.absolute !== undefined && !cache?.recorded(entry.path, entry.lang)) {
    return { toLoad: { kind: 'read', file: { path: entry.path, lang: entry.lang, absolute: entry.absolute, ...(entry.name === undefined ? {} : { name: entry.name }) } }, ...(cache ? { stamp } : {}) };
  }
  const file = sourceFileOf(entry);
  if (!file) return { record: undefined };
  if (file.unreadable !== undefined) return { record: unreadableRecord(file) };
  if (!cache) return { toLoad: { kind: 'load', file } };
  const hash = sourceHash(file.text);
  const record = cache.byHash(file.path, file.lang, hash);
  return record ? { record, hash, stamp } : { toLoad: { kind: 'load', file: { ...file, hash } }, hash, stamp };
}

function unreadableRecord(file: SourceFile): PostRecord {
  const code = file.unreadable ?? '';
  const text = code === NOT_UTF8 ? message('diagnostics.file.notUtf8') : message('diagnostics.file.unreadable', { code });
  return { diagnostics: [diagnostic(file.path, file.unreadableAt ?? { line: 1, column: 1 }, 'error', 'file', text)] };
}

/**
 * A listed file read to be loaded, on whichever thread loads it: its text
 * with its hash, the record of a file that cannot be read, or undefined when
 * it vanished since it was listed.
 */
export function readForLoad(at: PostFileAt): { readonly file: SourceFile & { readonly hash: string } } | { readonly record: PostRecord } | undefined {
  const file = readPostFile(at);
  if (!file) return undefined;
  if (file.unreadable !== undefined) return { record: unreadableRecord(file) };
  return { file: { ...file, hash: sourceHash(file.text) } };
}

/** A record as a pool thread sent it, its term counts indexing that thread's string table here. */
function receivedRecord(sent: SentRecord, newStrings: readonly string[], thread: ThreadTables): PostRecord {
  for (const text of newStrings) thread.strings.push(text);
  const { post, diagnostics, terms } = sent;
  return { ...(post ? { post } : {}), diagnostics, ...(terms ? { terms: { ...terms, strings: thread.strings } } : {}) };
}

/** Per string table (a pool thread's, or this thread's counter's), the blocks its posts' counts are copied into. */
const copiers = new WeakMap<readonly string[], ReturnType<typeof termsCopier>>();

/**
 * A loaded record whose term counts are copied into blocks shared with other
 * records: counted or received, each array is an allocation of its own, and
 * tens of thousands of them freed at once after relating left holes that the
 * allocator kept (50 MB of a cold build's peak at 10,000 articles). The
 * counts copied, the arrays they came from are freed at once, and their
 * memory serves the next file's.
 */
function withOwnCounts(record: PostRecord): PostRecord {
  if (!record.terms) return record;
  const { strings } = record.terms;
  let copier = copiers.get(strings);
  if (!copier) copiers.set(strings, (copier = termsCopier(strings)));
  return { ...record, terms: copier(record.terms) };
}

/**
 * All of loading one post file: its post (or its problems) and, to be kept
 * in a cache, the term counts of its body. What it returns depends only on
 * the file and the config; the counts are taken into `terms` (whose memory
 * of spellings makes counting fast) when there is one.
 */
export function loadRecord(file: SourceFile, config: LoadSettings, terms: TermIndex | undefined, keepCounts: boolean): PostRecord {
  const { post, body, diagnostics } = parsePost(file, config);
  if (!post) return { diagnostics };
  if (!terms) return { post, diagnostics };
  if (!keepCounts) {
    terms.add(post, body ?? '');
    return { post, diagnostics };
  }
  return { post, diagnostics, terms: terms.count(post, body ?? '') };
}

/**
 * Who keeps a contested URL, id or translation key: a post exactly as the
 * last build published it, then a published post since edited, then a
 * newcomer. So neither a copy nor an edit of one post can push out another
 * that was published and left alone.
 */
function standingOf(previous: Previous): Standing {
  return (post) => {
    const published = previous.byPath(post.sourcePath);
    return published === undefined ? 2 : published.hash === post.sourceHash ? 0 : 1;
  };
}

/**
 * The set check, with the same promise as parsing: a published post whose
 * edit now clashes with another post is reported, and its published version
 * takes its place when that version clashes with nothing.
 */
function assembleWithPublished(valid: readonly Post[], config: SiteConfig, previous: Previous, terms: TermIndex | undefined, diagnostics: Diagnostic[]): Collection {
  const standing = standingOf(previous);
  const first = assembleCollection(valid, standing);
  const lost: Diagnostic[] = [];
  const restored = first.rejected.flatMap((post) => {
    const kept = publishedVersion(post.sourcePath, post.lang, config, previous, first.diagnostics);
    if (kept && !kept.post) lost.push(kept.note);
    return kept?.post && kept.post.sourceHash !== post.sourceHash ? [{ rejected: post, post: kept.post, body: kept.body, note: kept.note }] : [];
  });
  if (restored.length === 0) {
    diagnostics.push(...first.diagnostics, ...lost);
    return first;
  }
  for (const { post, body } of restored) terms?.add(post, body);
  const replaced = new Set(restored.map((entry) => entry.rejected));
  const second = assembleCollection([...valid.filter((post) => !replaced.has(post)), ...restored.map((entry) => entry.post)], standing);
  const restoredPaths = new Set(restored.map((entry) => entry.post.sourcePath));
  diagnostics.push(
    ...first.diagnostics.filter((d) => restoredPaths.has(d.file)),
    ...restored.map((entry) => entry.note),
    ...lost,
    ...second.diagnostics,
  );
  return second;
}

/**
 * What stands for a published post file that no longer gives its post: the
 * version the last build published, with the note that says it stays; or,
 * when that version cannot be had again (its stored text is gone, damaged or
 * no longer valid), only a note that says the article leaves the feeds.
 */
export type PublishedVersion = { readonly post: Post; readonly body: string; readonly note: Diagnostic } | { readonly post?: undefined; readonly note: Diagnostic };

/**
 * The version of a post file that the last build published, parsed again,
 * with the note that says it stays (or that it cannot), placed right after the
 * file's last error among `problems` so it is read after its cause; undefined
 * when the last build did not publish the file in this language.
 */
export function publishedVersion(path: string, lang: string, config: SiteConfig, previous: Previous, problems: readonly Diagnostic[] = []): PublishedVersion | undefined {
  const published = previous.byPath(path);
  if (!published || published.lang !== lang) return undefined;
  const cause = problems.filter((d) => d.file === path && d.severity === 'error').at(-1) ?? { line: 1, column: 1 };
  const text = previous.textOf(published.hash);
  const parsed = text === undefined ? undefined : parsePost({ path, lang, text, ...(published.name === undefined ? {} : { name: published.name }) }, config);
  if (!parsed?.post) return { note: diagnostic(path, cause, 'error', 'published', message('diagnostics.published.lost')) };
  const note = diagnostic(path, cause, 'error', 'published', previous.at ? message('diagnostics.published.staysSince', { at: previous.at }) : message('diagnostics.published.stays'));
  return { post: withPublishedId(parsed.post, previous, config), body: parsed.body ?? '', note };
}

/**
 * A post file's record, or when it holds no valid post and the last build
 * published the file, the text that build published, parsed instead, so a
 * typo never unpublishes a live statement. The file's own errors are still
 * reported, with a line saying which version stays published.
 */
function keepPublishedIfBroken(file: { path: string; lang: string }, record: PostRecord, config: SiteConfig, previous: Previous): ParsedPost {
  const diagnostics = [...record.diagnostics];
  if (record.post) return { post: record.post, diagnostics };
  const kept = publishedVersion(file.path, file.lang, config, previous, diagnostics);
  if (!kept) return { diagnostics };
  return { ...(kept.post ? { post: kept.post, body: kept.body } : {}), diagnostics: [...diagnostics, kept.note] };
}
