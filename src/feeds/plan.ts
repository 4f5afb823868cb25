import { languagesOf, type ProfileConfig, type SiteConfig } from '../config.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message, type Message } from '../i18n/message.js';
import { byNewest, type Post } from '../model.js';
import { FEED_FORMATS } from './formats.js';
import type { FeedScope } from '../site/listing.js';
import type { Change } from '../state/changes.js';
import { categorySlug, slugify } from '../urls.js';
import { compareCodeUnits } from '../text.js';

/** Links of an RFC 5005 archive chain, as output paths of feed directories (`en/archive/3/`). */
export interface ArchiveLinks {
  /** `current` for the subscription document, `page` for an archive document. */
  readonly role: 'current' | 'page';
  readonly current: string;
  /** The next older archive page. */
  readonly older?: string;
  /** The next newer archive page (only on archive pages). */
  readonly newer?: string;
}

/** One feed to write: which posts, in which language and scope, under which directory. */
export interface FeedPlan {
  readonly lang: string;
  readonly scope: FeedScope;
  /** Directory of the feed's files inside the output directory, ending in `/`. */
  readonly basePath: string;
  /** Items, newest first. */
  readonly posts: readonly Post[];
  readonly fullContent: boolean;
  /** The feed holds every post of its scope (RFC 5005 `fh:complete`). */
  readonly complete: boolean;
  readonly archive?: ArchiveLinks;
  /** Articles of this scope deleted within the tombstone period, newest first: only in subscription feeds, as archive pages do not change. */
  readonly deleted: readonly Change[];
  /** Where a profile caps its feeds' size: about how many bytes each format's file takes, in `FEED_FORMATS` order. */
  readonly bytes?: readonly number[];
}

/**
 * How much one feed document may hold: `limit` items, and where a profile
 * caps the size of its files, only as many as fit in `max` bytes. Sizes are
 * per format (in `FEED_FORMATS` order), each an upper bound: the document
 * without items, and each item's share.
 */
export interface Capacity {
  readonly limit: number;
  readonly bytes?: ByteBudget;
}

export interface ByteBudget {
  readonly max: number;
  readonly overhead: readonly number[];
  sizeOf(post: Post): readonly number[];
}

/**
 * The set of feeds, as data: for each language, the main feed, a feed for
 * every level of every category, and a feed for each tag the config names,
 * each with its archive pages. One loop writes them all. A deleted article's
 * tombstone goes in every subscription feed it was in, which stays while
 * it holds one.
 */
export function planFeeds(livePosts: readonly Post[], config: SiteConfig, deleted: readonly Change[] = []): FeedPlan[] {
  const { limit, fullContent } = config.feeds;
  return languagesOf(config).flatMap((lang) => {
    const posts = livePosts.filter((post) => post.lang === lang).sort(byNewest);
    const gone = deleted.filter((change) => change.lang === lang);
    const scopes = [{ scope: { kind: 'main' } as const, basePath: `${lang}/`, posts, deleted: gone }, ...scopedFeeds(lang, posts, gone, config)];
    return scopes.flatMap((scoped) => withArchive(`${lang}/`, lang, scoped, { limit })).map((plan) => ({
      ...plan,
      fullContent: plan.archive?.role === 'page' ? config.feeds.archiveFullContent : fullContent,
    }));
  });
}

/** The posts of one feed scope, newest first, its deletions, and where its subscription feed lives. */
interface ScopedPosts {
  readonly scope: FeedScope;
  readonly basePath: string;
  readonly posts: readonly Post[];
  readonly deleted: readonly Change[];
}

/**
 * Where a scope's archive pages live: `en/archive/` for the main feed,
 * `en/archive/categories/statements/` for `en/categories/statements/`. Under
 * one `archive/` folder per language (per profile and language for a
 * profile's feeds, `partners/en/archive/`), a page's directory can never be
 * a feed's: a category slug `archive` with a sub-category `1` would make
 * `categories/statements/archive/1/` both.
 */
function archiveDirectory(root: string, basePath: string): string {
  return `${root}archive/${basePath.slice(root.length)}`;
}

/**
 * A scope's subscription feed and its RFC 5005 archive pages. The newest
 * posts that fit (see `Capacity`) are the feed; the rest fill pages from the
 * oldest, as many to a page as fit, so a new post changes the feed and at
 * most the newest page (which gains the post, or a `next-archive` link to a
 * new page): older pages never change, as archives must not.
 */
function withArchive(root: string, lang: string, { scope, basePath, posts, deleted }: ScopedPosts, capacity: Capacity): Omit<FeedPlan, 'fullContent'>[] {
  const inFeed = fitting(posts, capacity);
  const pageContents: Post[][] = [];
  const older = posts.slice(inFeed).reverse(); // oldest first
  for (let start = 0; start < older.length; ) {
    const count = Math.max(1, fitting(older.slice(start, start + capacity.limit), capacity));
    pageContents.push(older.slice(start, start + count).reverse());
    start += count;
  }
  const pages = pageContents.length;
  const pagePath = (page: number) => `${archiveDirectory(root, basePath)}${page}/`;
  const current = {
    lang,
    scope,
    basePath,
    posts: posts.slice(0, inFeed),
    deleted,
    complete: pages === 0,
    ...(pages > 0 ? { archive: { role: 'current' as const, current: basePath, older: pagePath(pages) } } : {}),
    ...bytesOf(posts.slice(0, inFeed), capacity),
  };
  const archivePages = pageContents.map((pagePosts, index) => {
    const page = index + 1;
    return {
      lang,
      scope,
      basePath: pagePath(page),
      posts: pagePosts,
      deleted: [],
      complete: false,
      archive: {
        role: 'page' as const,
        current: basePath,
        ...(page > 1 ? { older: pagePath(page - 1) } : {}),
        ...(page < pages ? { newer: pagePath(page + 1) } : {}),
      },
      ...bytesOf(pagePosts, capacity),
    };
  });
  return [current, ...archivePages];
}

/** How many posts from the start of `posts` one document holds. */
function fitting(posts: readonly Post[], { limit, bytes }: Capacity): number {
  if (!bytes) return Math.min(posts.length, limit);
  const used = [...bytes.overhead];
  let count = 0;
  for (const post of posts.slice(0, limit)) {
    const sizes = bytes.sizeOf(post);
    if (sizes.some((size, format) => (used[format] ?? 0) + size > bytes.max)) break;
    sizes.forEach((size, format) => (used[format] = (used[format] ?? 0) + size));
    count++;
  }
  return count;
}

/** The estimated size of a document of these posts, where the capacity counts bytes. */
function bytesOf(posts: readonly Post[], { bytes }: Capacity): { bytes?: readonly number[] } {
  if (!bytes) return {};
  return { bytes: bytes.overhead.map((overhead, format) => posts.reduce((sum, post) => sum + (bytes.sizeOf(post)[format] ?? 0), overhead)) };
}

/** The posts one profile carries in one language, newest first, and where its feeds go. */
export interface ProfileSelection {
  readonly name: string;
  readonly profile: ProfileConfig;
  readonly lang: string;
  /** The profile's folder for this language, such as `partners/en/`. */
  readonly root: string;
  readonly posts: readonly Post[];
  /**
   * Articles deleted within the tombstone period that pass the profile's
   * filters: a partner that copied one must learn it is gone. None for a
   * profile with `maxBytes`, whose feeds are packed to a size the tombstones
   * would push past (its partner reads `changes.json`).
   */
  readonly deleted: readonly Change[];
}

/** For each profile (by name) and each of its languages, the live posts and the deleted articles that pass its filters. */
export function selectProfilePosts(livePosts: readonly Post[], config: SiteConfig, deleted: readonly Change[] = []): ProfileSelection[] {
  const profiles = Object.entries(config.profiles ?? {}).sort(([a], [b]) => compareCodeUnits(a, b));
  return profiles.flatMap(([name, profile]) =>
    (profile.languages ?? languagesOf(config)).map((lang) => ({
      name,
      profile,
      lang,
      root: `${profile.path}${lang}/`,
      posts: livePosts.filter((post) => post.lang === lang && passes(post, profile, config)).sort(byNewest),
      deleted: profile.maxBytes === undefined ? deleted.filter((change) => change.lang === lang && passes({ categories: change.categories ?? [], tags: change.tags ?? [] }, profile, config)) : [],
    })),
  );
}

/** An article passes a profile's filters when it is in one of its categories (or below) and has one of its tags, where it names any. */
function passes(post: Pick<Post, 'categories' | 'tags'>, profile: ProfileConfig, config: SiteConfig): boolean {
  const inCategory = (wanted: string) => {
    const levels = wanted.split('/').map((level) => level.trim());
    return post.categories.some((path) => levels.length <= path.length && levels.every((level, depth) => path[depth] === level || categorySlug(config, path[depth] ?? '') === level));
  };
  return (profile.categories?.some(inCategory) ?? true) && (profile.tags?.some((tag) => post.tags.includes(tag)) ?? true);
}

/** What a profile's feeds may hold, as the caller measures it: the byte budget of one selection, when its profile has `maxBytes`. */
export type BudgetOf = (selection: ProfileSelection) => ByteBudget | undefined;

/**
 * The feeds of every profile: one set per language with RFC 5005 archive
 * pages that carry the full article, so a partner can backfill. A post too
 * large for `maxBytes` on its own is left out, and a feed that comes near the
 * cap (90%) or leaves its newest items to the archive pages to stay under it
 * is said: both as warnings naming the profile and the feed.
 */
export function planProfileFeeds(selections: readonly ProfileSelection[], budgetOf: BudgetOf, config: SiteConfig): { plans: FeedPlan[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const plans = selections.flatMap((selection) => {
    const { name, profile, lang, root } = selection;
    const capacity: Capacity = { limit: profile.limit ?? config.feeds.limit, bytes: budgetOf(selection) };
    const field = `profiles.${name}.maxBytes`;
    const posts = selection.posts.filter((post) => {
      const fits = !capacity.bytes || fitting([post], capacity) === 1;
      if (!fits) diagnostics.push(diagnostic(post.sourcePath, { line: 1, column: 1 }, 'warning', field, message('diagnostics.profile.postTooLarge', { name, maxBytes: profile.maxBytes ?? 0 })));
      return fits;
    });
    const scoped = { scope: { kind: 'profile' as const, name }, basePath: root, posts, deleted: selection.deleted };
    return withArchive(root, lang, scoped, capacity).map((plan): FeedPlan => {
      if (profile.maxBytes !== undefined) diagnostics.push(...nearTheCap(plan, name, profile.maxBytes, Math.min(capacity.limit, posts.length)));
      return { ...plan, fullContent: true };
    });
  });
  return { plans, diagnostics };
}

/**
 * The warning for a capped subscription feed (what a partner reads; archive
 * pages are filled up to the cap by design): its largest file past 90% of the
 * cap, or newer items left to the archive pages to stay under it.
 */
function nearTheCap(plan: Omit<FeedPlan, 'fullContent'>, name: string, maxBytes: number, wanted: number): Diagnostic[] {
  if (plan.archive?.role === 'page' || !plan.bytes) return [];
  const sizes = plan.bytes;
  const largest = sizes.reduce((best, bytes, format) => (bytes > (sizes[best] ?? 0) ? format : best), 0);
  const bytes = sizes[largest] ?? 0;
  const path = `${plan.basePath}${FEED_FORMATS[largest]?.fileName ?? ''}`;
  const facts = { name, path, size: message('diagnostics.count.bytes', { count: bytes }), percent: Math.round((bytes / maxBytes) * 100), maxBytes };
  const warning = (text: Message) => [diagnostic(path, { line: 1, column: 1 }, 'warning', `profiles.${name}.maxBytes`, text)];
  if (plan.posts.length < wanted) return warning(message('diagnostics.profile.feedFull', { ...facts, held: plan.posts.length, wanted }));
  return bytes > WARN_AT * maxBytes ? warning(message('diagnostics.profile.feedNearlyFull', facts)) : [];
}

/** The share of `maxBytes` past which a profile's feed is said to be near its cap. */
const WARN_AT = 0.9;

/** Every category level and wanted tag of the language's posts and deletions, by feed directory. */
function scopedFeeds(lang: string, posts: readonly Post[], deleted: readonly Change[], config: SiteConfig): ScopedPosts[] {
  const plans = new Map<string, { scope: FeedScope; basePath: string; posts: Post[]; members: Set<Post>; deleted: Change[] }>();
  const planOf = (scope: FeedScope, basePath: string) => {
    const plan = plans.get(basePath) ?? { scope, basePath, posts: [], members: new Set<Post>(), deleted: [] };
    plans.set(basePath, plan);
    return plan;
  };
  for (const post of posts) {
    for (const { scope, basePath } of scopesOf(lang, post.categories, post.tags, config)) {
      const plan = planOf(scope, basePath);
      if (!plan.members.has(post)) {
        plan.members.add(post);
        plan.posts.push(post);
      }
    }
  }
  for (const change of deleted) {
    const scopes = new Map(scopesOf(lang, change.categories ?? [], change.tags ?? [], config).map((scoped) => [scoped.basePath, scoped]));
    for (const { scope, basePath } of scopes.values()) planOf(scope, basePath).deleted.push(change);
  }
  return [...plans.values()]
    .sort((a, b) => (a.basePath < b.basePath ? -1 : a.basePath > b.basePath ? 1 : 0))
    .map(({ scope, basePath, posts: scoped, deleted: gone }) => ({ scope, basePath, posts: scoped, deleted: gone }));
}

/** The scoped feeds an article with these categories and tags is in: every level of every category, and each wanted tag. */
function scopesOf(lang: string, categories: readonly (readonly string[])[], tags: readonly string[], config: SiteConfig): { scope: FeedScope; basePath: string }[] {
  const scopes: { scope: FeedScope; basePath: string }[] = [];
  if (config.feeds.categoryFeeds) {
    for (const path of categories) {
      for (let depth = 1; depth <= path.length; depth++) {
        const levels = path.slice(0, depth);
        scopes.push({ scope: { kind: 'category', path: levels }, basePath: `${lang}/categories/${levels.map((name) => categorySlug(config, name)).join('/')}/` });
      }
    }
  }
  const wantedTags = config.feeds.tagFeeds;
  for (const tag of tags) {
    if (wantedTags === 'all' || wantedTags.includes(tag)) scopes.push({ scope: { kind: 'tag', tag }, basePath: `${lang}/tags/${slugify(tag) || 'tag'}/` });
  }
  return scopes;
}
