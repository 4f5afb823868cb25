import type { Post } from '../model.js';
import { RelatednessEngine } from './engine.js';
import { defaultThreads, type QueryHelpers } from './parallel.js';
import type { ScoredPair } from './search.js';
import type { TermIndex } from './terms.js';

/**
 * An article is a translation group: the posts of one `translationKey`, or a
 * single post without one. Relatedness is computed between articles, so that
 * the English and Arabic versions of a pair get the same list in the same order.
 */
export interface Article {
  readonly key: string;
  /** Versions by language. */
  readonly versions: ReadonlyMap<string, Post>;
  readonly newest: Date;
}

/** Why an article is related, for `nashra related` to print. */
export interface RelationReasons {
  /** Tags both articles carry (in any language they share), rarest first. */
  readonly sharedTags: string[];
  /** The deepest category paths both articles are in, rarest first, such as "Statements/Joint Statements". */
  readonly sharedCategories: string[];
  /** The shared words that weigh most in the text similarity, most first (at most 5). */
  readonly topTerms: string[];
  /** Whole days between the two articles' dates (UTC days). */
  readonly ageDays: number;
}

export interface Relation {
  readonly article: Article;
  /** Relatedness in [0, 1], rounded to 4 decimals; lists are ordered by it, then by article key. */
  readonly score: number;
  /** Placed by the article's front-matter `related:` list rather than by score. */
  readonly pinned: boolean;
}

/** A relation with why it holds: worked out only on request, as it costs as much as the scoring. */
export interface ExplainedRelation extends Relation {
  readonly reasons: RelationReasons;
}

export interface RelateOptions {
  /** The term counts of every version, taken when the posts were loaded. */
  readonly terms: TermIndex;
  /** Days apart at which the preference for articles close in time halves (default 365; 0 or less turns it off). */
  readonly halfLifeDays?: number;
  /**
   * Pinned related articles by article key: for each article key, the article
   * keys to list first, in that order. Keys of unknown articles, the article
   * itself and repeats are ignored; pins count towards `count`.
   */
  readonly pins?: ReadonlyMap<string, readonly string[]>;
  /**
   * Threads to rank on, the calling one included, when `helpers` lends them.
   * By default one below PARALLEL_FROM articles and as many as the machine
   * has (at most four) above; the lists are the same whatever the number.
   */
  readonly threads?: number;
  /** Where the threads besides the calling one come from: the build's work pool (see `QueryHelpers`); without, the calling thread ranks alone. */
  readonly helpers?: QueryHelpers;
}

export const DEFAULT_HALF_LIFE_DAYS = 365;

export function articleKey(post: Post): string {
  return post.translationKey === undefined ? `post:${post.lang}:${post.id}` : `translation:${post.translationKey}`;
}

/** Groups posts into articles, in a stable order (by key). */
export function groupArticles(posts: readonly Post[]): Article[] {
  const groups = new Map<string, Map<string, Post>>();
  for (const post of posts) {
    const key = articleKey(post);
    const versions = groups.get(key) ?? new Map<string, Post>();
    versions.set(post.lang, post);
    groups.set(key, versions);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, versions]) => ({
      key,
      versions,
      newest: new Date(Math.max(...[...versions.values()].map((post) => post.date.getTime()))),
    }));
}

/**
 * The `count` articles most related to each article (translation group), by
 * the score of `engine.ts`: rarity-weighted shared tags and categories, TF-IDF
 * similarity of title, summary and body over normalised and stemmed words,
 * and a bounded preference for articles close in time. Pinned articles come first.
 * An article is never related to itself (its translations are itself); the
 * result is keyed by article key and is the same whatever the input order.
 */
export function relateArticles(articles: readonly Article[], count: number, options: RelateOptions): Map<string, Relation[]> {
  const result = new Map<string, Relation[]>();
  if (articles.length === 0) return result;
  if (count <= 0) {
    for (const article of [...articles].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) result.set(article.key, []);
    return result;
  }
  const engine = buildEngine(articles, options);
  const pinned = engine.articles.map((_, index) => pinnedOf(engine, index, options));
  const wanted = pinned.map((list) => count - Math.min(count, list.length));
  const rest = engine.queryAll(wanted, pinned, options.threads ?? defaultThreads(engine.size), options.helpers);
  engine.articles.forEach((article, index) => {
    result.set(
      article.key,
      ranked(engine, index, count, pinned[index] ?? [], rest[index] ?? []).map(({ other, score, pinned }) => ({ article: articleAt(engine, other), score, pinned })),
    );
  });
  return result;
}

/** The related list of one article, as `relateArticles` gives it, with the reasons; undefined for an unknown key. */
export function explainRelated(articles: readonly Article[], key: string, count: number, options: RelateOptions): ExplainedRelation[] | undefined {
  if (articles.length === 0) return undefined;
  const engine = buildEngine(articles, options);
  const index = engine.indexOf(key);
  if (index < 0) return undefined;
  return rankedFor(engine, index, count, options).map(({ other, pinned }) => {
    const { score, reasons } = engine.explain(index, other);
    return { article: articleAt(engine, other), score, pinned, reasons };
  });
}

function buildEngine(articles: readonly Article[], options: RelateOptions): RelatednessEngine<Article> {
  return new RelatednessEngine(articles, { terms: options.terms, halfLifeDays: options.halfLifeDays ?? DEFAULT_HALF_LIFE_DAYS });
}

/** Pinned articles first, then the best scored, `count` in all, with their scores. */
function rankedFor(engine: RelatednessEngine<Article>, index: number, count: number, options: RelateOptions): RankedEntry[] {
  if (count <= 0) return [];
  const pinned = pinnedOf(engine, index, options);
  const rest = engine.query(index, count - Math.min(count, pinned.length), pinned.length > 0 ? new Set(pinned) : undefined);
  return ranked(engine, index, count, pinned, rest);
}

interface RankedEntry {
  readonly other: number;
  readonly score: number;
  readonly pinned: boolean;
}

/** The first `count` of `pinned`, scored, then `rest`. */
function ranked(engine: RelatednessEngine<Article>, index: number, count: number, pinned: readonly number[], rest: readonly ScoredPair[]): RankedEntry[] {
  const chosen = pinned.slice(0, count).map((other) => ({ other, score: engine.pairScore(index, other), pinned: true }));
  return [...chosen, ...rest.map(({ other, score }) => ({ other, score, pinned: false }))];
}

/** The articles pinned to article `index`, in order, without unknown ones, itself and repeats. */
function pinnedOf(engine: RelatednessEngine<Article>, index: number, options: RelateOptions): number[] {
  const pinned: number[] = [];
  for (const key of options.pins?.get(articleAt(engine, index).key) ?? []) {
    const other = engine.indexOf(key);
    if (other >= 0 && other !== index && !pinned.includes(other)) pinned.push(other);
  }
  return pinned;
}

function articleAt(engine: RelatednessEngine<Article>, index: number): Article {
  const article = engine.articles[index];
  if (!article) throw new Error(`no article at index ${index}`);
  return article;
}

/** The version of an article a reader of `lang` should see: their own language, else the first other. */
export function versionFor(article: Article, lang: string): Post {
  const own = article.versions.get(lang);
  if (own) return own;
  const [first] = [...article.versions.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  if (!first) throw new Error(`article ${article.key} has no versions`);
  return first[1];
}
