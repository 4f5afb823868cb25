/** Typed data passed between the stages. Plain values only, so any stage can run in a worker or a cache. */

export interface Author {
  readonly name: string;
  readonly url?: string;
}

/** An organisation that signs a joint statement, named in the post's language. */
export interface Signatory {
  readonly name: string;
  readonly url?: string;
}

export interface PostImage {
  readonly url: string;
  readonly alt: string;
  /** The media type: as written, else the file's when it was measured. */
  readonly type?: string;
  /** Bytes: the file's when it was measured, else as written. */
  readonly size?: number;
  /** Pixels, when the file was measured (see media/). */
  readonly width?: number;
  readonly height?: number;
  /** A smaller version for lists (`media:thumbnail`); the image itself when not given. */
  readonly thumbnail?: ImageRef;
  /** Where `image:` was written, for diagnostics about the image. */
  readonly position?: SourcePosition;
}

/** An image by its URL, with its pixel size when known. */
export interface ImageRef {
  readonly url: string;
  readonly width?: number;
  readonly height?: number;
}

/** A validated post: front matter checked, with what the later stages need of its body. */
export interface Post {
  /** Path as given to the loader, used in diagnostics (`posts/ar/x.md`). */
  readonly sourcePath: string;
  readonly lang: string;
  readonly slug: string;
  /**
   * Stable item id: the front-matter `id`, else the id the article was first
   * published with (kept in the state directory), else a tag URI from the
   * site's host, the day of first publication and the article's key (see load/itemId.ts).
   */
  readonly id: string;
  /** Absolute URL of the article page. */
  readonly url: string;
  readonly title: string;
  readonly date: Date;
  readonly updated?: Date;
  readonly translationKey?: string;
  /** The author's own summary. */
  readonly summaryMarkdown?: string;
  /**
   * The safe HTML summary (the author's, else the opening of the body),
   * rendered as the post is loaded: every live post is summarised somewhere
   * (archive pages, related lists), and the summary is much smaller than the
   * Markdown it comes from.
   */
  readonly summaryHtml: string;
  /** The summary as plain text (JSON Feed `summary`, related lists), made once as the post is loaded. */
  readonly summaryText: string;
  /** Words in the body, for the reading time. */
  readonly wordCount: number;
  /**
   * Identifies the file text the post was loaded from. The body itself is not
   * kept (it is the bulk of an archive): stages that need it read it back
   * through a `BodyOf`, which checks the file is still this text.
   */
  readonly sourceHash: string;
  /** Identifies what readers read (title, summary, body), to notice a correction published without a new `updated`. */
  readonly contentHash: string;
  /**
   * When the build set `updated` itself, having seen the content change
   * without a new `updated` (`feeds.setUpdatedOnCorrection`); kept in the
   * state directory so every later build gives the same `updated`.
   */
  readonly correctedAt?: Date;
  /**
   * The content digest that the post's `updated` still dates, when its text
   * changed since without a new `updated`: kept in the state so every build
   * warns until the correction is dated.
   */
  readonly datedContentHash?: string;
  /** Each category as its path of names, such as ["Statements", "Joint Statements"]. */
  readonly categories: readonly (readonly string[])[];
  readonly tags: readonly string[];
  readonly authors: readonly Author[];
  /** The organisations that sign a joint statement, in the order given; absent when there are none. */
  readonly signatories?: readonly Signatory[];
  readonly image?: PostImage;
  /** Hidden for good: `draft: true` or Jekyll's `published: false`. */
  readonly draft: boolean;
  /**
   * Not seen before this moment: the later of `publishAt` (Hugo's `publishDate`)
   * and, unless the site sets `publishFuture`, the post's `date`.
   */
  readonly publishAt?: Date;
  readonly expires?: Date;
  readonly canonical?: string;
  /** Related articles the author pins first: slugs or translation keys, as written. */
  readonly relatedPins?: readonly string[];
  /** Where the fields that must be unique across posts were written, for diagnostics about clashes. */
  readonly positions: Readonly<Partial<Record<UniqueField, SourcePosition>>>;
  /** Every date as its author wrote it, for checks that need the build's clock. */
  readonly writtenDates?: readonly WrittenDate[];
}

/** A date field as written: its key (ours or Hugo's), its text, its value and where it is. */
export interface WrittenDate {
  readonly field: string;
  readonly text: string;
  readonly date: Date;
  readonly position: SourcePosition;
}

export type UniqueField = 'slug' | 'id' | 'translationKey' | 'related';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A post's Markdown body, read back when a stage needs it. */
export type BodyOf = (post: Post) => string;

/** The time an item last changed: `updated` when given, else `date`. */
export function lastModified(post: Post): Date {
  return post.updated ?? post.date;
}

/** Newest first; ties broken by id so that order never depends on file order. */
export function byNewest(a: Post, b: Post): number {
  return b.date.getTime() - a.date.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
