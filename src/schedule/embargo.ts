import type { Post } from '../model.js';

/** Whether a post belongs in the feeds at `now`: not a draft, past its embargo, not yet expired. */
export function isLive(post: Post, now: Date): boolean {
  if (post.draft) return false;
  if (post.publishAt && now < post.publishAt) return false;
  if (post.expires && now >= post.expires) return false;
  return true;
}

/** What planning the next publication reads of a post: a `Post` is one. */
export type TimedPost = Pick<Post, 'sourcePath' | 'lang' | 'title' | 'draft' | 'publishAt' | 'expires'>;

/**
 * The posts whose place in the feeds changes after `now`, with only what
 * planning reads of them: what the daemon's build thread sends back, rather
 * than every post of the archive (a copy of 9,000 posts on each side of the
 * threads, at each build). Plans the same as all posts do, at `now` or later.
 */
export function timedAfter(posts: readonly Post[], now: Date): TimedPost[] {
  const ahead = (moment: Date | undefined): boolean => moment !== undefined && moment > now;
  return posts
    .filter((post) => !post.draft && (ahead(post.publishAt) || ahead(post.expires)))
    .map(({ sourcePath, lang, title, draft, publishAt, expires }) => ({ sourcePath, lang, title, draft, ...(publishAt ? { publishAt } : {}), ...(expires ? { expires } : {}) }));
}

/** The next instant after `now` at which some post enters or leaves the feeds, if any. */
export function nextPublicationChange(posts: readonly TimedPost[], now: Date): Date | undefined {
  let next: number | undefined;
  for (const post of posts) {
    if (post.draft) continue;
    for (const moment of [post.publishAt, post.expires]) {
      if (moment && moment > now && (next === undefined || moment.getTime() < next)) next = moment.getTime();
    }
  }
  return next === undefined ? undefined : new Date(next);
}
