import type { Author, ImageRef, Signatory } from '../model.js';
import type { FeedScope } from '../site/listing.js';
import type { FeedFormatName } from './formats.js';

/** A feed's own URL in each format (see `formats.ts`). */
export type FeedLinks = Readonly<Record<FeedFormatName, string>>;

/**
 * What a feed says, independent of its format. Every builder (RSS, Atom,
 * JSON Feed) reads only this, so a field's origin is found in one step:
 * `compose.ts` fills it from posts.
 */
export interface FeedDocument {
  readonly lang: string;
  readonly scope: FeedScope;
  /** Directory of this feed's files in the output, such as `en/categories/reports/`. */
  readonly basePath: string;
  readonly direction: 'ltr' | 'rtl';
  readonly title: string;
  readonly description: string;
  readonly homeUrl: string;
  /** The feed shown as an HTML page (site/feedPage.ts), for a subscription feed; archive pages have none. */
  readonly pageUrl?: string;
  /** The organisation, as the feed-level author: Atom requires one when an entry has none. */
  readonly publisher: Author;
  /** This feed's own URL in each format. */
  readonly links: FeedLinks;
  /** The feed holds every item of its scope (RFC 5005 complete feed). */
  readonly complete: boolean;
  /** RFC 5005 archive chain: the subscription feed and older/newer archive pages. */
  readonly archive?: {
    readonly role: 'current' | 'page';
    readonly current: FeedLinks;
    readonly older?: FeedLinks;
    readonly newer?: FeedLinks;
  };
  /** Relative href of the XSL stylesheet that makes the feed readable in a browser. */
  readonly stylesheet?: string;
  readonly rights?: string;
  readonly licenseUrl?: string;
  readonly generator: string;
  /** The wide image that stands for the feed (Atom `logo`, RSS `<image>`), from the config. */
  readonly logo?: ImageRef;
  /** The square one (Atom `icon`, JSON Feed `icon` and `favicon`). */
  readonly icon?: ImageRef;
  /** WebSub hub that subscribers may use for push updates. */
  readonly hub?: string;
  /** Newest update time of its items: never the clock, so unchanged content gives unchanged bytes. */
  readonly updated: Date;
  readonly entries: readonly FeedEntry[];
  /** Articles this feed carried that were deleted within the tombstone period, newest first (RFC 6721 tombstones). */
  readonly deleted?: readonly DeletedEntry[];
  /** The language's list of added, updated and deleted articles (`changes.json`), on subscription feeds. */
  readonly changesUrl?: string;
}

/** An article gone from the feeds: expired, withdrawn, or its file removed. */
export interface DeletedEntry {
  /** The id its entry had. */
  readonly id: string;
  readonly url?: string;
  readonly title?: string;
  /** When it left the feeds: its `expires` instant, else the build that first saw it gone. */
  readonly when: Date;
  readonly reason: 'expired' | 'withdrawn' | 'removed';
  /** The reason, in the feed's language. */
  readonly comment: string;
}

/** A tag, as every format writes it. */
export interface FeedCategory {
  readonly term: string;
  readonly label: string;
  readonly scheme: string;
}

/** A category of an item: the breadcrumb the organisation's pages show, and where it leads. */
export interface FeedCategoryPath {
  /** Stable term: the names of its levels as written, joined by "/" ("Statements/Joint Statements"). */
  readonly term: string;
  /** Each level's name as the editor wrote it, in the post's language. */
  readonly path: readonly string[];
  /** The path as read: "Statements › Joint Statements". */
  readonly label: string;
  /** The category's page on the site (the language's `categoryUrlPattern`). */
  readonly url: string;
}

export interface FeedImage {
  readonly url: string;
  readonly alt: string;
  readonly type: string;
  /** Bytes, when known: without it there is no RSS enclosure, which needs a length. */
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
  /** The post's thumbnail; the image itself when absent. */
  readonly thumbnail?: ImageRef;
}

export interface TranslationLink {
  readonly lang: string;
  readonly id: string;
  readonly url: string;
  readonly title: string;
}

export interface RelatedItem {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly summaryHtml: string;
  readonly summaryText: string;
  readonly lang: string;
  readonly date: Date;
  readonly score: number;
}

export interface FeedEntry {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly lang: string;
  readonly summaryHtml: string;
  readonly summaryText: string;
  /** Full content, wrapped with the language and direction, when the config asks for it. */
  readonly contentHtml?: string;
  readonly published: Date;
  readonly updated: Date;
  readonly categories: readonly FeedCategoryPath[];
  readonly tags: readonly FeedCategory[];
  readonly authors: readonly Author[];
  /** The organisations that sign a joint statement; none for other posts. */
  readonly signatories: readonly Signatory[];
  readonly image?: FeedImage;
  readonly translations: readonly TranslationLink[];
  readonly related: readonly RelatedItem[];
  readonly readingMinutes: number;
  readonly canonical?: string;
  /** Rights and licence carried by the item itself (a profile's feeds, whose items are republished on their own). */
  readonly rights?: string;
  readonly licenseUrl?: string;
}
