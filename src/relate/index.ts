/**
 * Relating as the rest of nashra uses it: the related lists of every live
 * article of a build, and one article's list with its reasons. The term
 * counts and the resolved `related:` pins come from the load stage.
 */
import type { SiteConfig } from '../config.js';
import type { Post } from '../model.js';
import { articleKey, explainRelated, groupArticles, relateArticles, type Article, type ExplainedRelation, type Relation, type RelateOptions } from './related.js';
import type { QueryHelpers } from './parallel.js';
import type { TermIndex } from './terms.js';

export { articleKey, versionFor, type Article, type ExplainedRelation, type Relation } from './related.js';
export { TermIndex } from './terms.js';

/** Related articles of every live article, computed once per build and shared by every output. */
export interface Relatedness {
  readonly articleByKey: ReadonlyMap<string, Article>;
  readonly relations: ReadonlyMap<string, readonly Relation[]>;
}

/** What relating reads besides the posts: taken by the loader, once per build. */
export interface RelateInputs {
  /** The term counts of every live post. */
  readonly terms: TermIndex;
  /** Resolved `related:` pins by article key (see `resolvePins`); keys of articles that are not live are passed over. */
  readonly pins: ReadonlyMap<string, readonly string[]>;
  /** Threads to share the queries with: the build's work pool. */
  readonly helpers?: QueryHelpers;
}

export function relateLivePosts(livePosts: readonly Post[], config: SiteConfig, inputs: RelateInputs): Relatedness {
  const articles = groupArticles(livePosts);
  const relations = relateArticles(articles, config.feeds.relatedCount, relateOptions(config, inputs));
  return { articleByKey: new Map(articles.map((article) => [article.key, article])), relations };
}

/** One live post's related list, as `relateLivePosts` ranks it, with the reasons: for `nashra related`. */
export function explainLivePost(livePosts: readonly Post[], config: SiteConfig, inputs: RelateInputs, post: Post): ExplainedRelation[] {
  return explainRelated(groupArticles(livePosts), articleKey(post), config.feeds.relatedCount, relateOptions(config, inputs)) ?? [];
}

function relateOptions(config: SiteConfig, { terms, pins, helpers }: RelateInputs): RelateOptions {
  return { terms, halfLifeDays: config.related.halfLifeDays, pins, ...(helpers ? { helpers } : {}) };
}
