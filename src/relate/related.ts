import type { Post } from '../model.js';

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

export interface Relation {
  readonly article: Article;
  readonly score: number;
}

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
 * Features an editor would look at: tags and every level of every category,
 * per language (an Arabic tag and an English tag are different words).
 */
function featuresOf(article: Article): Set<string> {
  const features = new Set<string>();
  for (const post of article.versions.values()) {
    for (const tag of post.tags) features.add(`tag:${post.lang}:${tag.toLocaleLowerCase(post.lang)}`);
    for (const path of post.categories) {
      for (let depth = 1; depth <= path.length; depth++) features.add(`category:${post.lang}:${path.slice(0, depth).join('/')}`);
    }
  }
  return features;
}

/**
 * The `count` articles most related to each article: most shared tags and
 * categories first, then the newest, then by key. An inverted index over
 * features means only articles sharing something are ever compared.
 * This is the one scoring function of the pipeline; the related-articles issue refines it.
 */
export function relateArticles(articles: readonly Article[], count: number): Map<string, Relation[]> {
  const features = new Map<string, Set<string>>();
  const index = new Map<string, Article[]>();
  for (const article of articles) {
    const own = featuresOf(article);
    features.set(article.key, own);
    for (const feature of own) {
      const list = index.get(feature) ?? [];
      list.push(article);
      index.set(feature, list);
    }
  }
  const result = new Map<string, Relation[]>();
  for (const article of articles) {
    const scores = new Map<Article, number>();
    for (const feature of features.get(article.key) ?? []) {
      for (const other of index.get(feature) ?? []) {
        if (other.key !== article.key) scores.set(other, (scores.get(other) ?? 0) + 1);
      }
    }
    const ranked = [...scores.entries()]
      .map(([other, score]) => ({ article: other, score }))
      .sort(
        (a, b) =>
          b.score - a.score ||
          b.article.newest.getTime() - a.article.newest.getTime() ||
          (a.article.key < b.article.key ? -1 : a.article.key > b.article.key ? 1 : 0),
      );
    result.set(article.key, ranked.slice(0, count));
  }
  return result;
}

/** The version of an article a reader of `lang` should see: their own language, else the first other. */
export function versionFor(article: Article, lang: string): Post {
  const own = article.versions.get(lang);
  if (own) return own;
  const [first] = [...article.versions.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  if (!first) throw new Error(`article ${article.key} has no versions`);
  return first[1];
}
