/**
 * The publication plan: every post the feeds do not simply carry (drafts,
 * posts held until a moment, posts that will expire or have expired) with
 * the moment it changes state and the field that sets it. Read from the
 * posts alone, so an editor can see what will publish when without a daemon.
 */
import { DATE_ALIASES } from '../load/dateAliases.js';
import type { Post, SourcePosition } from '../model.js';

export type PlanState = 'draft' | 'scheduled' | 'expiring' | 'expired';

export interface PlanEntry {
  readonly post: Post;
  readonly state: PlanState;
  /** When the post enters the feeds (scheduled) or leaves them (expiring, expired); none for a draft. */
  readonly moment?: Date;
  /** The front-matter field that sets the moment, as the author wrote it (`publishAt`, `publishDate`, `date`, `expires`…), and where. */
  readonly field?: string;
  readonly position?: SourcePosition;
}

const ORDER: readonly PlanState[] = ['scheduled', 'expiring', 'draft', 'expired'];

/** The plan at `now`: scheduled and expiring posts by their moment, then drafts by file, then expired posts, newest expiry first. */
export function publicationPlan(posts: readonly Post[], now: Date): PlanEntry[] {
  const entries = posts.flatMap((post) => {
    const entry = planOf(post, now);
    return entry ? [entry] : [];
  });
  return entries.sort(
    (a, b) =>
      ORDER.indexOf(a.state) - ORDER.indexOf(b.state) ||
      (a.state === 'expired' ? momentOf(b) - momentOf(a) : momentOf(a) - momentOf(b)) ||
      (a.post.sourcePath < b.post.sourcePath ? -1 : a.post.sourcePath > b.post.sourcePath ? 1 : 0),
  );
}

function momentOf(entry: PlanEntry): number {
  return entry.moment?.getTime() ?? 0;
}

function planOf(post: Post, now: Date): PlanEntry | undefined {
  if (post.draft) return { post, state: 'draft' };
  if (post.publishAt && now < post.publishAt) return { post, state: 'scheduled', moment: post.publishAt, ...writtenAs(post, post.publishAt, ['publishAt', ...DATE_ALIASES.publishAt, 'date']) };
  if (post.expires) return { post, state: now < post.expires ? 'expiring' : 'expired', moment: post.expires, ...writtenAs(post, post.expires, ['expires', ...DATE_ALIASES.expires]) };
  return undefined;
}

/** Which of `fields` the author wrote with this moment, in the order given, and where. */
function writtenAs(post: Post, moment: Date, fields: readonly string[]): { field?: string; position?: SourcePosition } {
  const written = post.writtenDates ?? [];
  for (const field of fields) {
    const date = written.find((candidate) => candidate.field === field && candidate.date.getTime() === moment.getTime());
    if (date) return { field, position: date.position };
  }
  return {};
}

/** How many entries are in each state. */
export function planCounts(entries: readonly PlanEntry[]): Record<PlanState, number> {
  const counts: Record<PlanState, number> = { scheduled: 0, expiring: 0, draft: 0, expired: 0 };
  for (const entry of entries) counts[entry.state]++;
  return counts;
}
