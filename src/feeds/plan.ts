import { languagesOf, type SiteConfig } from '../config.js';
import { byNewest, type Post } from '../model.js';
import type { FeedScope } from '../site/listing.js';
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
}

/**
 * The set of feeds, as data: for each language, the main feed with its
 * archive pages, a feed for every level of every category, and a feed for
 * each tag the config names. One loop writes them all.
 *
 * Archive pages are filled from the oldest post, `limit` to a page, so a new
 * post changes the current feed and at most the newest archive page.
 */
export function planFeeds(livePosts: readonly Post[], config: SiteConfig): FeedPlan[] {
  const { limit, fullContent } = config.feeds;
  return languagesOf(config).flatMap((lang) => {
    const posts = livePosts.filter((post) => post.lang === lang).sort(byNewest);
    return [...mainFeeds(lang, posts, config), ...scopedFeeds(lang, posts, config)].map((plan) => ({
      ...plan,
      posts: plan.posts.slice(0, limit),
      fullContent: plan.archive?.role === 'page' ? config.feeds.archiveFullContent : fullContent,
    }));
  });
}

function mainFeeds(lang: string, posts: readonly Post[], config: SiteConfig): Omit<FeedPlan, 'fullContent'>[] {
  const { limit } = config.feeds;
  const current = `${lang}/`;
  const older = posts.slice(limit).reverse(); // oldest first
  const pages = Math.ceil(older.length / limit);
  const pagePath = (page: number) => `${lang}/archive/${page}/`;
  const main = {
    lang,
    scope: { kind: 'main' } as const,
    basePath: current,
    posts,
    complete: pages === 0,
    ...(pages > 0 ? { archive: { role: 'current' as const, current, older: pagePath(pages) } } : {}),
  };
  const archivePages = Array.from({ length: pages }, (_, index) => {
    const page = index + 1;
    return {
      lang,
      scope: { kind: 'main' } as const,
      basePath: pagePath(page),
      posts: older.slice(index * limit, page * limit).reverse(),
      complete: false,
      archive: { role: 'page' as const, current, ...(page > 1 ? { older: pagePath(page - 1) } : {}), ...(page < pages ? { newer: pagePath(page + 1) } : {}) },
    };
  });
  return [main, ...archivePages];
}

function scopedFeeds(lang: string, posts: readonly Post[], config: SiteConfig): Omit<FeedPlan, 'fullContent'>[] {
  const plans = new Map<string, Omit<FeedPlan, 'fullContent'> & { posts: Post[]; members: Set<Post> }>();
  const add = (scope: FeedScope, basePath: string, post: Post) => {
    const plan = plans.get(basePath) ?? { lang, scope, basePath, posts: [], members: new Set<Post>(), complete: true };
    if (!plan.members.has(post)) {
      plan.members.add(post);
      plan.posts.push(post);
    }
    plans.set(basePath, plan);
  };
  const wantedTags = config.feeds.tagFeeds;
  for (const post of posts) {
    if (config.feeds.categoryFeeds) {
      for (const path of post.categories) {
        for (let depth = 1; depth <= path.length; depth++) {
          const levels = path.slice(0, depth);
          add({ kind: 'category', path: levels }, `${lang}/categories/${levels.map((name) => categorySlug(config, name)).join('/')}/`, post);
        }
      }
    }
    for (const tag of post.tags) {
      if (wantedTags === 'all' || wantedTags.includes(tag)) add({ kind: 'tag', tag }, `${lang}/tags/${slugify(tag) || 'tag'}/`, post);
    }
  }
  return [...plans.values()]
    .sort((a, b) => (a.basePath < b.basePath ? -1 : a.basePath > b.basePath ? 1 : 0))
    .map((plan) => ({ lang: plan.lang, scope: plan.scope, basePath: plan.basePath, posts: plan.posts, complete: plan.posts.length <= config.feeds.limit }));
}
