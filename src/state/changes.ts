/**
 * What changed in the feeds, build after build: articles added, updated
 * (a new `updated`, or a correction the build dated) and deleted (expired,
 * withdrawn, or their file removed). Kept in the build's record (see
 * published.ts), so every later build writes the same tombstones and the
 * same `changes.json` until an event is older than `feeds.tombstoneDays`.
 * Pure: the record is read and written by `store.ts`.
 */
import { z } from 'zod';
import { lastModified, type Post } from '../model.js';
import { isLive } from '../schedule/embargo.js';
import type { Previous, PublishedPost } from './published.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DELETION_REASONS = ['expired', 'withdrawn', 'removed'] as const;
export type DeletionReason = (typeof DELETION_REASONS)[number];

export const ChangeSchema = z
  .object({
    type: z.enum(['added', 'updated', 'deleted']),
    lang: z.string().min(1),
    /** The item id in the feeds. */
    id: z.string().min(1),
    url: z.string().min(1).optional(),
    title: z.string().optional(),
    /** When the change reached the feeds: the build's `now`, or the `expires` instant of an expiry. */
    when: z.string().min(1),
    /** Why a deleted article is gone. */
    reason: z.enum(DELETION_REASONS).optional(),
    /** A deleted article's categories and tags, naming the scoped feeds its tombstone goes in. */
    categories: z.array(z.array(z.string())).optional(),
    tags: z.array(z.string()).optional(),
  })
  .strict();

export type Change = z.infer<typeof ChangeSchema>;

/** What the build publishes, as the changes are read from it. */
export interface Publication {
  /** Every valid post, live or not. */
  readonly posts: readonly Post[];
  readonly live: readonly Post[];
  /** Every post file the source listed, valid or not. */
  readonly listedPaths: ReadonlySet<string>;
}

/**
 * The record's changes with this build's added, within the retention period,
 * newest first. The last build's record is the baseline: the first build
 * with a state directory (or after it was lost) records nothing. A published
 * file that is still there but no longer reads (bad YAML) is not a deletion;
 * the published version of such a file normally stays live anyway.
 * `asPublished` gives a published post whose file is gone, from its stored text.
 */
export function nextChanges(previous: Previous, publication: Publication, now: Date, retentionDays: number, asPublished: (published: PublishedPost) => Post | undefined): Change[] {
  const seen = previous.at !== undefined && !previous.withoutIds ? observedChanges(previous, publication, now, asPublished) : [];
  const cutoff = now.getTime() - retentionDays * DAY_MS;
  const kept = retentionDays > 0 ? [...seen, ...previous.changes].filter((change) => new Date(change.when).getTime() >= cutoff) : [];
  return kept.sort(newestFirst);
}

/** The moment from which `change` is no longer kept (see `nextChanges`): builds before and after it differ by its tombstone. */
export function changeKeptUntil(change: Change, retentionDays: number): Date {
  return new Date(new Date(change.when).getTime() + retentionDays * DAY_MS);
}

/**
 * The deleted articles whose tombstones the feeds carry: each article's most
 * recent change, when it is a deletion and the article is not live again.
 */
export function tombstones(changes: readonly Change[], live: readonly Post[]): Change[] {
  const liveNow = new Set(live.map((post) => keyOf(post.lang, post.id)));
  const latest = new Map<string, Change>();
  for (const change of [...changes].sort(newestFirst)) {
    const key = keyOf(change.lang, change.id);
    if (!latest.has(key)) latest.set(key, change);
  }
  return [...latest.values()].filter((change) => change.type === 'deleted' && !liveNow.has(keyOf(change.lang, change.id)));
}

/** Newest first; ties in a fixed order, so the same changes always give the same bytes. */
export function newestFirst(a: Change, b: Change): number {
  const byTime = new Date(b.when).getTime() - new Date(a.when).getTime();
  if (byTime !== 0) return byTime;
  const left = `${a.lang} ${a.id} ${a.type}`;
  const right = `${b.lang} ${b.id} ${b.type}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

function keyOf(lang: string, id: string): string {
  return `${lang} ${id}`;
}

/** This build's changes against the last build's record. */
function observedChanges(previous: Previous, publication: Publication, now: Date, asPublished: (published: PublishedPost) => Post | undefined): Change[] {
  const at = now.toISOString();
  const before = new Map(previous.posts.flatMap((published) => (published.id === undefined ? [] : [[keyOf(published.lang, published.id), published] as const])));
  const after = new Set(publication.live.map((post) => keyOf(post.lang, post.id)));
  const changes: Change[] = [];
  for (const post of publication.live) {
    const published = before.get(keyOf(post.lang, post.id));
    if (!published) changes.push({ type: 'added', ...described(post), when: at });
    else if (published.modified !== undefined && published.modified !== lastModified(post).toISOString()) changes.push({ type: 'updated', ...described(post), when: at });
  }
  for (const [key, published] of before) {
    if (after.has(key)) continue;
    const deletion = deletionOf(published, publication, now, asPublished);
    if (deletion) changes.push(deletion);
  }
  return changes;
}

/**
 * A published article that the feeds no longer carry, and why: its post
 * expired (at its `expires` instant), was withdrawn (draft, or held again
 * until a later moment) or is gone (its file removed, or its id replaced).
 */
function deletionOf(published: PublishedPost, publication: Publication, now: Date, asPublished: (published: PublishedPost) => Post | undefined): Change | undefined {
  const id = published.id;
  if (id === undefined) return undefined;
  const current =
    publication.posts.find((post) => post.lang === published.lang && post.id === id) ??
    publication.posts.find((post) => post.lang === published.lang && post.sourcePath === published.path);
  // The file is still listed but no longer reads: a typo is not a deletion.
  if (!current && publication.listedPaths.has(published.path)) return undefined;
  const post = current ?? asPublished(published);
  const reason = reasonOf(current, now);
  const when = reason === 'expired' && current?.expires ? current.expires : now;
  return {
    type: 'deleted',
    ...(post ? described(post) : {}),
    lang: published.lang,
    id,
    when: when.toISOString(),
    reason,
    categories: (post?.categories ?? []).map((path) => [...path]),
    tags: [...(post?.tags ?? [])],
  };
}

function reasonOf(current: Post | undefined, now: Date): DeletionReason {
  if (!current || isLive(current, now)) return 'removed';
  if (!current.draft && current.expires && now >= current.expires) return 'expired';
  return 'withdrawn';
}

function described(post: Post): Pick<Change, 'lang' | 'id' | 'url' | 'title'> {
  return { lang: post.lang, id: post.id, url: post.url, title: post.title };
}
