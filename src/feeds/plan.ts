import { languagesOf, type SiteConfig } from '../config.js';
import { byNewest, type Post } from '../model.js';
import type { FeedScope } from '../site/listing.js';
import type { Change } from '../state/changes.js';
import { categorySlug, slugify } from '../urls.js';

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
    return scopes.flatMap((scoped) => withArchive(lang, scoped, limit)).map((plan) => ({
      ...plan,
      posts: plan.posts.slice(0, limit),
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
 * one `archive/` folder per language, a page's directory can never be a
 * feed's: a category slug `archive` with a sub-category `1` would make
 * `categories/statements/archive/1/` both.
 */
function archiveDirectory(lang: string, basePath: string): string {
  return `${lang}/archive/${basePath.slice(lang.length + 1)}`;
}

/**
 * A scope's subscription feed and its RFC 5005 archive pages. The newest
 * `limit` posts are the feed; the rest fill pages from the oldest, `limit`
 * to a page, so a new post changes the feed and at most the newest page
 * (which gains the post, or a `next-archive` link to a new page): older
 * pages never change, as archives must not.
 */
function withArchive(lang: string, { scope, basePath, posts, deleted }: ScopedPosts, limit: number): Omit<FeedPlan, 'fullContent'>[] {
  const older = posts.slice(limit).reverse(); // oldest first
  const pages = Math.ceil(older.length / limit);
  const pagePath = (page: number) => `${archiveDirectory(lang, basePath)}${page}/`;
  const current = {
    lang,
    scope,
    basePath,
    posts,
    deleted,
    complete: pages === 0,
    ...(pages > 0 ? { archive: { role: 'current' as const, current: basePath, older: pagePath(pages) } } : {}),
  };
  const archivePages = Array.from({ length: pages }, (_, index) => {
    const page = index + 1;
    return {
      lang,
      scope,
      basePath: pagePath(page),
      posts: older.slice(index * limit, page * limit).reverse(),
      deleted: [],
      complete: false,
      archive: {
        role: 'page' as const,
        current: basePath,
        ...(page > 1 ? { older: pagePath(page - 1) } : {}),
        ...(page < pages ? { newer: pagePath(page + 1) } : {}),
      },
    };
  });
  return [current, ...archivePages];
}

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
