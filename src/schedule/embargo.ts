import type { Post } from '../model.js';

/** Whether a post belongs in the feeds at `now`: not a draft, past its embargo, not yet expired. */
export function isLive(post: Post, now: Date): boolean {
  if (post.draft) return false;
  if (post.publishAt && now < post.publishAt) return false;
  if (post.expires && now >= post.expires) return false;
  return true;
}

/** The next instant after `now` at which some post enters or leaves the feeds, if any. */
export function nextPublicationChange(posts: readonly Post[], now: Date): Date | undefined {
  let next: number | undefined;
  for (const post of posts) {
    if (post.draft) continue;
    for (const moment of [post.publishAt, post.expires]) {
      if (moment && moment > now && (next === undefined || moment.getTime() < next)) next = moment.getTime();
    }
  }
  return next === undefined ? undefined : new Date(next);
}
