/** Typed data passed between the stages. Plain values only, so any stage can run in a worker or a cache. */

export interface Author {
  readonly name: string;
  readonly url?: string;
}

export interface PostImage {
  readonly url: string;
  readonly alt: string;
  readonly type?: string;
  readonly size?: number;
}

/** A validated post: front matter checked, body still Markdown. */
export interface Post {
  /** Path as given to the loader, used in diagnostics (`posts/ar/x.md`). */
  readonly sourcePath: string;
  readonly lang: string;
  readonly slug: string;
  /** Stable item id: the front-matter `id`, else the article URL. */
  readonly id: string;
  /** Absolute URL of the article page. */
  readonly url: string;
  readonly title: string;
  readonly date: Date;
  readonly updated?: Date;
  readonly translationKey?: string;
  readonly summaryMarkdown?: string;
  readonly bodyMarkdown: string;
  /** Each category as its path of names, such as ["Statements", "Joint Statements"]. */
  readonly categories: readonly (readonly string[])[];
  readonly tags: readonly string[];
  readonly authors: readonly Author[];
  readonly image?: PostImage;
  readonly draft: boolean;
  readonly publishAt?: Date;
  readonly expires?: Date;
  readonly canonical?: string;
  /** Related articles the author pins first: slugs or translation keys, as written. */
  readonly relatedPins?: readonly string[];
  /** Where the fields that must be unique across posts were written, for diagnostics about clashes. */
  readonly positions: Readonly<Partial<Record<UniqueField, SourcePosition>>>;
}

export type UniqueField = 'slug' | 'id' | 'translationKey' | 'related';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The time an item last changed: `updated` when given, else `date`. */
export function lastModified(post: Post): Date {
  return post.updated ?? post.date;
}

/** Newest first; ties broken by id so that order never depends on file order. */
export function byNewest(a: Post, b: Post): number {
  return b.date.getTime() - a.date.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
