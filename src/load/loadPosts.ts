/**
 * The load stage as a whole: every listed post file turned into its record
 * (its post or its problems, and the term counts relating needs), then the
 * posts checked as a set (URLs, ids, translation pairs, `related:` pins),
 * with the last build's published version standing in for a post file that
 * broke.
 */
import type { SiteConfig } from '../config.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { Post } from '../model.js';
import { resolvePins, type ResolvedPins } from '../relate/pins.js';
import type { TermIndex } from '../relate/terms.js';
import { NOTHING_PUBLISHED, type Previous } from '../state/published.js';
import type { LoadCache, PostRecord } from './cache.js';
import { assembleCollection, type Collection, type Standing } from './collection.js';
import { parsePost, sourceHash, type ParsedPost, type SourceFile } from './parsePost.js';
import { sourceFileOf, type ListedFile, type SourceFiles } from './source.js';

export interface LoadResult {
  readonly posts: Post[];
  /** The `related:` pins of every valid post, resolved to article keys: what relating places first. */
  readonly pins: ResolvedPins['pins'];
  readonly diagnostics: Diagnostic[];
  readonly skippedFiles: string[];
  /** Every post file the source listed, valid or not. */
  readonly listedPaths: ReadonlySet<string>;
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
  /** What the last build published: a broken file's published version stays. */
  readonly previous?: Previous;
};

/**
 * The load stage: every file turned into its record (see `loadRecord`), then
 * the posts checked as a set. Files are taken one at a time and not kept, so
 * `files` may read them lazily, and a file the cache knows unchanged is not
 * read at all.
 */
export function loadPosts(files: SourceFiles, config: SiteConfig, options: LoadOptions = {}): LoadResult {
  const { onLoad, previous = NOTHING_PUBLISHED, cache, terms } = options;
  const diagnostics: Diagnostic[] = [];
  const valid: Post[] = [];
  const listedPaths = new Set<string>();
  let done = 0;
  for (const entry of files) {
    if (!(entry.lang in config.languages)) {
      onLoad?.(++done);
      listedPaths.add(entry.path);
      diagnostics.push({ file: entry.path, line: 1, column: 1, severity: 'error', field: 'language', message: `language "${entry.lang}" is not configured (languages: ${Object.keys(config.languages).join(', ')}); this post is skipped` });
      continue;
    }
    const record = recordOf(entry, config, cache, terms);
    onLoad?.(++done);
    if (!record) continue;
    listedPaths.add(entry.path);
    const parsed = keepPublishedIfBroken(entry, record, config, previous);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.post) continue;
    valid.push(parsed.post);
    if (!terms) continue;
    if (parsed.post !== record.post) terms.add(parsed.post, parsed.body ?? '');
    else if (record.terms && !terms.has(parsed.post)) terms.addCounted(parsed.post, record.terms);
  }
  const collection = assembleWithPublished(valid, config, previous, terms, diagnostics);
  const pins = resolvePins(collection.posts);
  diagnostics.push(...pins.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  const failed = new Set(sorted.filter((d) => d.severity === 'error').map((d) => d.file));
  return { posts: collection.posts, pins: pins.pins, diagnostics: sorted, skippedFiles: [...failed].sort(), listedPaths };
}

/**
 * The record of a listed file: from the cache without reading the file when
 * its stamp is unchanged, from the cache after reading it when its text is,
 * else loaded now (see `loadRecord`) and kept. Undefined for a file that
 * vanished since it was listed.
 */
function recordOf(entry: SourceFile | ListedFile, config: SiteConfig, cache: LoadCache | undefined, terms: TermIndex | undefined): PostRecord | undefined {
  const stamp = 'read' in entry ? entry.stamp : undefined;
  const known = cache?.byStamp(entry.path, entry.lang, stamp);
  if (known) return known;
  const file = sourceFileOf(entry);
  if (!file) return undefined;
  if (file.unreadable !== undefined) return { diagnostics: [diagnostic(file.path, { line: 1, column: 1 }, 'error', 'file', `cannot read this file (${file.unreadable})`)] };
  if (!cache) return loadRecord(file, config, terms, false);
  const hash = sourceHash(file.text);
  const record = cache.byHash(file.path, file.lang, hash) ?? loadRecord(file, config, terms, true);
  cache.keep(file.path, { lang: file.lang, hash, ...(stamp ? { stamp } : {}), record });
  return record;
}

/**
 * All of loading one post file: its post (or its problems) and, to be kept
 * in a cache, the term counts of its body. What it returns depends only on
 * the file and the config; the counts are taken into `terms` (whose memory
 * of spellings makes counting fast) when there is one.
 */
export function loadRecord(file: SourceFile, config: SiteConfig, terms: TermIndex | undefined, keepCounts: boolean): PostRecord {
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
  const restored = first.rejected.flatMap((post) => {
    const kept = publishedVersion(post.sourcePath, post.lang, config, previous, first.diagnostics);
    return kept && kept.post.sourceHash !== post.sourceHash ? [{ rejected: post, ...kept }] : [];
  });
  if (restored.length === 0) {
    diagnostics.push(...first.diagnostics);
    return first;
  }
  for (const { post, body } of restored) terms?.add(post, body);
  const replaced = new Set(restored.map((entry) => entry.rejected));
  const second = assembleCollection([...valid.filter((post) => !replaced.has(post)), ...restored.map((entry) => entry.post)], standing);
  const restoredPaths = new Set(restored.map((entry) => entry.post.sourcePath));
  diagnostics.push(
    ...first.diagnostics.filter((d) => restoredPaths.has(d.file)),
    ...restored.map((entry) => entry.note),
    ...second.diagnostics,
  );
  return second;
}

/**
 * The version of a post file that the last build published, parsed again,
 * with the note that says it stays, placed right after the file's last error
 * among `problems` so it is read after its cause.
 */
export function publishedVersion(path: string, lang: string, config: SiteConfig, previous: Previous, problems: readonly Diagnostic[] = []): { post: Post; body: string; note: Diagnostic } | undefined {
  const published = previous.byPath(path);
  const text = published && published.lang === lang ? previous.textOf(published.hash) : undefined;
  if (text === undefined) return undefined;
  const parsed = parsePost({ path, lang, text }, config);
  if (!parsed.post) return undefined;
  const since = previous.at ? ` by the build of ${previous.at}` : '';
  const cause = problems.filter((d) => d.file === path && d.severity === 'error').at(-1) ?? { line: 1, column: 1 };
  const note = diagnostic(path, cause, 'error', 'published', `the version published${since} stays published until this file is fixed`);
  return { post: parsed.post, body: parsed.body ?? '', note };
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
  return { post: kept.post, body: kept.body, diagnostics: [...diagnostics, kept.note] };
}
