import { extname } from 'node:path';
import { contentType } from 'mime-types';
import { FEED_FORMATS } from '../feeds/formats.js';

const UTF8 = '; charset=utf-8';

/**
 * Media types of the files nashra writes, by exact file name: the feed
 * formats come from their descriptors, so a new format is served right
 * without touching the server.
 */
const BY_FILE_NAME: ReadonlyMap<string, string> = new Map([
  ...FEED_FORMATS.map((format): [string, string] => [format.fileName, `${format.mediaType}${UTF8}`]),
  ['opml.xml', `text/x-opml${UTF8}`],
]);

/**
 * Extensions whose mime-db answer is not what a feed site needs: XSLT must be
 * an XML type for browsers to apply it, and our text is always UTF-8.
 */
const BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['.xml', `application/xml${UTF8}`],
  ['.json', `application/json${UTF8}`],
  ['.xsl', `application/xslt+xml${UTF8}`],
  ['.xslt', `application/xslt+xml${UTF8}`],
  ['.html', `text/html${UTF8}`],
]);

const XML_FEED_TYPES = new Set(FEED_FORMATS.filter((format) => format.mediaType.endsWith('+xml')).map((format) => `${format.mediaType}${UTF8}`));

/**
 * The media type to send for a request. Chromium shows `application/rss+xml`
 * and `application/atom+xml` as source text and applies the feed's XSL
 * stylesheet only to `application/xml`; so a browser navigating to a feed
 * (it asks for text/html first) gets `application/xml`, and feed readers get
 * the feed's own type. Responses carry `Vary: Accept`.
 */
export function negotiatedMediaType(fileName: string, accept: string | undefined): string {
  const mediaType = mediaTypeFor(fileName);
  if (!XML_FEED_TYPES.has(mediaType) || accept === undefined) return mediaType;
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept) ? `application/xml${UTF8}` : mediaType;
}

/** The Content-Type of a file, from its name; anything unknown is opaque bytes. */
function mediaTypeFor(fileName: string): string {
  const name = fileName.toLowerCase();
  return BY_FILE_NAME.get(name) ?? BY_EXTENSION.get(extname(name)) ?? (contentType(name) || 'application/octet-stream');
}
