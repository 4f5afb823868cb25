/**
 * Corrections: a published article whose text changed without a new
 * `updated` keeps the date feeds last gave it, so monitors never see the
 * change. The last build's record knows what each article said and when it
 * was dated; this compares. Pure: the record is read by `store.ts`.
 */
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message } from '../i18n/message.js';
import { lastModified, type Post } from '../model.js';
import type { Previous, PublishedPost } from './published.js';

/** A published post whose text changed since the feeds last dated it. */
export interface UndatedCorrection {
  readonly post: Post;
  /** The modification time feeds still give it. */
  readonly datedAt: Date;
}

export interface Corrections {
  /** The posts, with `updated` set or carried by the build where it dated a correction. */
  readonly posts: Post[];
  /** A warning for each correction left undated. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Every post, checked against the last build's record. A correction the
 * build dated itself (with `setUpdated`, at `now`) stays dated so in every
 * later build, from the record, until the author's own `updated` is later.
 * A correction left undated is reported, and every build reports it again
 * until `updated` moves past the date the feeds give.
 */
export function dateCorrections(posts: readonly Post[], previous: Previous, now: Date, setUpdated: boolean): Corrections {
  const diagnostics: Diagnostic[] = [];
  const dated = posts.map((post) => {
    const published = previous.byPath(post.sourcePath);
    if (!published || published.lang !== post.lang) return post;
    const carried = withCarriedCorrection(post, published);
    const undated = undatedCorrection(carried, published);
    if (!undated) return carried;
    if (setUpdated && now > undated.datedAt) return { ...post, updated: now, correctedAt: now };
    diagnostics.push(undatedWarning(undated));
    return { ...carried, datedContentHash: published.content };
  });
  return { posts: dated, diagnostics };
}

/** The published posts whose text changed since the feeds last dated them: for `nashra check`. */
export function undatedCorrections(posts: readonly Post[], previous: Previous): UndatedCorrection[] {
  return posts.flatMap((post) => {
    const published = previous.byPath(post.sourcePath);
    const undated = published && published.lang === post.lang ? undatedCorrection(withCarriedCorrection(post, published), published) : undefined;
    return undated ? [undated] : [];
  });
}

/**
 * The warning for a correction the feeds do not date. It names the date the
 * feeds give, not the build that first saw the change: every build says it
 * again, and "since the last build" would be true only the first time.
 */
export function undatedWarning(correction: UndatedCorrection): Diagnostic {
  const { post, datedAt } = correction;
  const field = post.writtenDates?.find((date) => date.date.getTime() === post.updated?.getTime() && date.field !== 'date');
  return diagnostic(post.sourcePath, field?.position ?? { line: 1, column: 1 }, 'warning', field?.field ?? 'updated', message('diagnostics.published.undated', { datedAt: datedAt.toISOString() }));
}

/** The post with the `updated` an earlier build set on seeing a correction, unless its own is later. */
function withCarriedCorrection(post: Post, published: PublishedPost): Post {
  const corrected = published.corrected === undefined ? undefined : new Date(published.corrected);
  if (!corrected || Number.isNaN(corrected.getTime()) || corrected <= lastModified(post)) return post;
  return { ...post, updated: corrected, correctedAt: corrected };
}

/** The correction `post` holds undated, if any: a text unlike the one recorded, dated no later than it was. */
function undatedCorrection(post: Post, published: PublishedPost): UndatedCorrection | undefined {
  if (published.content === undefined || published.modified === undefined || published.content === post.contentHash) return undefined;
  const datedAt = new Date(published.modified);
  if (Number.isNaN(datedAt.getTime()) || lastModified(post) > datedAt) return undefined;
  return { post, datedAt };
}
