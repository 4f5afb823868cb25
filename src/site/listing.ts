import type { FeedFormatName } from '../feeds/formats.js';
import type { Translate } from '../i18n/index.js';

/** What a feed is about: the language's main feed, one category (any level), one tag, or a feed profile (`profiles` in the config). */
export type FeedScope =
  | { readonly kind: 'main' }
  | { readonly kind: 'category'; readonly path: readonly string[] }
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'profile'; readonly name: string };

/** One published feed file, as discovery pages (index.html, OPML) list it. */
export interface FeedListing {
  readonly lang: string;
  readonly direction: 'ltr' | 'rtl';
  readonly scope: FeedScope;
  readonly format: FeedFormatName;
  readonly mediaType: string;
  /** Path inside the output directory, such as `ar/categories/statements/rss.xml`. */
  readonly path: string;
  /** Public absolute URL. */
  readonly url: string;
  /** Title in the feed's language, such as "Wahat Centre for Human Rights: Reports". */
  readonly title: string;
  /** Path of the feed's HTML page inside the output directory, such as `ar/categories/statements/index.html`. */
  readonly pagePath?: string;
}

/** An article as the index page lists it among a language's newest. */
export interface LatestArticle {
  readonly title: string;
  readonly url: string;
  readonly published: Date;
}

/** A format's name in the interface language, such as "JSON Feed". */
export function formatLabel(t: Translate, listing: FeedListing): string {
  return t(`page.formats.${listing.format}`);
}

/** How a feed file is titled where it is linked: "Wahat Centre for Human Rights (RSS)". */
export function feedLinkTitle(t: Translate, listing: FeedListing): string {
  return t('page.index.linkTitle', { feed: listing.title, format: formatLabel(t, listing) });
}
