/**
 * Output formats as data, the way Hugo describes them: a name, a file name,
 * a media type and the serialiser that writes a feed document in it. The set
 * of feeds written is languages x formats; adding a format or a scope is an
 * entry here, not a new code path.
 */
import type { FeedDocument, FeedLinks } from './document.js';
import { atomParts, jsonFeedParts, rssParts } from './feedAdapter.js';

const FORMATS = [
  { name: 'rss', fileName: 'rss.xml', mediaType: 'application/rss+xml', serialise: rssParts, opmlVersion: 'RSS' },
  { name: 'atom', fileName: 'atom.xml', mediaType: 'application/atom+xml', serialise: atomParts },
  { name: 'json', fileName: 'feed.json', mediaType: 'application/feed+json', serialise: jsonFeedParts },
] as const;

export type FeedFormatName = (typeof FORMATS)[number]['name'];

export interface FeedFormat {
  readonly name: FeedFormatName;
  readonly fileName: string;
  readonly mediaType: string;
  /**
   * The whole file, from the format-independent document, in parts to be
   * written one after another: a feed's full texts are not copied into one
   * string on their way to the disk.
   */
  readonly serialise: (document: FeedDocument) => readonly string[];
  /** OPML 2.0's outline `version` for feeds of this format, where the specification has one. */
  readonly opmlVersion?: string;
}

export const FEED_FORMATS: readonly FeedFormat[] = FORMATS;

export function formatNamed(name: FeedFormatName): FeedFormat {
  const descriptor = FEED_FORMATS.find((candidate) => candidate.name === name);
  if (!descriptor) throw new Error(`unknown feed format ${name}`);
  return descriptor;
}

export function mediaTypeOf(format: FeedFormatName): string {
  return formatNamed(format).mediaType;
}

/** A feed's URL in every format, from the URL of a file name in its directory. */
export function feedLinks(urlOf: (fileName: string) => string): FeedLinks {
  return Object.fromEntries(FEED_FORMATS.map((format) => [format.name, urlOf(format.fileName)])) as FeedLinks;
}

/** Path of a language's main feed inside the output directory, such as `ar/atom.xml`. */
export function feedPath(lang: string, format: FeedFormatName): string {
  return `${lang}/${formatNamed(format).fileName}`;
}

/** A feed's HTML page in the feed's directory (see site/feedPage.ts), which servers show for the directory itself. */
export const FEED_PAGE_FILE = 'index.html';

/** The XSL stylesheet that shows RSS and Atom feeds as a page in a browser, at the output's root. */
export const STYLESHEET_FILE = 'feed.xsl';
