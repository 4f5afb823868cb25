/**
 * Output formats as data, the way Hugo describes them: a name, a media type
 * and a file name. The set of feeds written is languages x formats; adding a
 * format or a scope is an entry here, not a new code path.
 */
export type FeedFormatName = 'rss' | 'atom' | 'json';

export interface FeedFormat {
  readonly name: FeedFormatName;
  readonly fileName: string;
  readonly mediaType: string;
}

export const FEED_FORMATS: readonly FeedFormat[] = [
  { name: 'rss', fileName: 'rss.xml', mediaType: 'application/rss+xml' },
  { name: 'atom', fileName: 'atom.xml', mediaType: 'application/atom+xml' },
  { name: 'json', fileName: 'feed.json', mediaType: 'application/feed+json' },
];

export function fileNameOf(format: FeedFormatName): string {
  const descriptor = FEED_FORMATS.find((candidate) => candidate.name === format);
  if (!descriptor) throw new Error(`unknown feed format ${format}`);
  return descriptor.fileName;
}

/** Path of a language's main feed inside the output directory, such as `ar/atom.xml`. */
export function feedPath(lang: string, format: FeedFormatName): string {
  return `${lang}/${fileNameOf(format)}`;
}

/** The XSL stylesheet that shows RSS and Atom feeds as a page in a browser, at the output's root. */
export const STYLESHEET_FILE = 'feed.xsl';
