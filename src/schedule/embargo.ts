import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message } from '../i18n/message.js';
import type { Post, WrittenDate } from '../model.js';

/** Whether a post belongs in the feeds at `now`: not a draft, past its embargo, not yet expired. */
export function isLive(post: Post, now: Date): boolean {
  if (post.draft) return false;
  if (post.publishAt && now < post.publishAt) return false;
  if (post.expires && now >= post.expires) return false;
  return true;
}

/** What the last build did, as `liveBehindLastBuild` asks of it. */
export interface LastBuild {
  /** The moment it published for. */
  readonly at: Date;
  /** Whether it published this very post: the same file, language and text. */
  published(post: Post): boolean;
  /** Whether the article's latest recorded change is its withdrawal as expired. */
  withdrewAsExpired(post: Post): boolean;
}

/**
 * The posts live at `now` when the clock reads earlier than the last
 * build's (NTP stepping back a clock that ran fast, a machine restored from
 * an image): a post that build published, its text unchanged since, stays
 * published, and an article whose latest recorded change is its withdrawal
 * as expired stays withdrawn, each with a warning, until the clock passes
 * that moment again. Judged by the clock alone, partners would see the
 * article deleted and then published again, or a withdrawn statement come
 * back. Anything else (a new post, an embargo or expiry written since)
 * follows the clock: never published before its embargo.
 */
export function liveBehindLastBuild(posts: readonly Post[], now: Date, last: LastBuild | undefined): { live: Post[]; diagnostics: Diagnostic[] } {
  if (last === undefined || now >= last.at) return { live: posts.filter((post) => isLive(post, now)), diagnostics: [] };
  const live: Post[] = [];
  const diagnostics: Diagnostic[] = [];
  const warn = (post: Post, moment: Date, key: string) => {
    const written = writtenAt(post, moment);
    const params = { now: now.toISOString(), field: written?.field ?? 'date', at: written?.text ?? moment.toISOString(), last: last.at.toISOString() };
    diagnostics.push(diagnostic(post.sourcePath, written?.position ?? { line: 1, column: 1 }, 'warning', params.field, message(key, params)));
  };
  for (const post of posts) {
    const liveNow = isLive(post, now);
    const liveThen = isLive(post, last.at);
    if (liveNow && !liveThen && post.expires && last.withdrewAsExpired(post)) {
      warn(post, post.expires, 'diagnostics.date.clockBehindWithdrawn');
    } else if (!liveNow && liveThen && post.publishAt && last.published(post)) {
      live.push(post);
      warn(post, post.publishAt, 'diagnostics.date.clockBehindPublished');
    } else if (liveNow) {
      live.push(post);
    }
  }
  return { live, diagnostics };
}

/** Where the date at `moment` was written: an embargo or expiry by its own field rather than `date`, when both name it. */
function writtenAt(post: Post, moment: Date): WrittenDate | undefined {
  const same = (post.writtenDates ?? []).filter((written) => written.date.getTime() === moment.getTime());
  return same.find((written) => written.field !== 'date') ?? same[0];
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
