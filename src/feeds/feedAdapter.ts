/**
 * The one place that knows the `feed` package and writes the feed formats.
 * `feed` builds the structure of RSS and Atom (element order, dates, URLs,
 * namespaces); every value from a post or the config goes to it as a marker
 * (see `slots.ts`) and is written here, escaped by `escapeXml`. What `feed` 6
 * cannot express is added at known points of its output, found by string
 * search while that output still holds no outside data:
 * - titles go in as text (feed writes them as CDATA HTML, broken by a second `]]>`);
 * - categories, enclosures and Media RSS are written here (feed leaves `<` and
 *   `&` raw in attribute values and guesses `image/jpg` from extensions);
 * - RSS `guid` is a permalink when the id is the URL (feed always says false);
 * - RSS authors become `dc:creator` (RSS `author` must be an e-mail address),
 *   and a joint statement's signatories `dc:contributor` (Atom `contributor`);
 * - an RSS enclosure only for an image whose byte size is known, `media:content`
 *   with what is known, and a `media:thumbnail`;
 * - the RSS channel `<image>` (feed reuses the title marker and has no width
 *   or height); Atom `logo` and `icon` go through feed's `image` and `favicon`;
 * - Atom gets `xml:lang`, `hreflang` alternates for translations, a license link,
 *   and RFC 3339 dates without milliseconds;
 * - feed-level elements added here go before the first item or entry, where
 *   RFC 4287's schema and the RSS Profile want them;
 * - Atom gets an RFC 6721 tombstone (`at:deleted-entry`) for each article
 *   deleted within the tombstone period, among the feed's metadata;
 * - JSON Feed 1.1 (`authors`, `language`, required ids, and a `_nashra`
 *   extension for categories, signatories, translations, related articles,
 *   deleted articles and the changes list) is written from the document
 *   directly, as `feed` writes only JSON Feed 1.0.
 * RSS 2.0 has no way to say an item was deleted: `changes.json` says it.
 */
import { Feed, type Author as FeedAuthor, type FeedOptions, type Item } from 'feed';
import type { Author, ImageRef, Signatory } from '../model.js';
import type { DeletedEntry, FeedCategory, FeedDocument, FeedEntry } from './document.js';
import { mediaTypeOf, type FeedFormatName } from './formats.js';
import { Slots } from './slots.js';
import { xmlAttributes, xmlElement } from './xml.js';

const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  dc: 'http://purl.org/dc/elements/1.1/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  media: 'http://search.yahoo.com/mrss/',
  fh: 'http://purl.org/syndication/history/1.0',
  at: 'http://purl.org/atompub/tombstones/1.0',
} as const;

/** Known points of `feed`'s RSS output (xml-js, four spaces a level). */
const RSS = { root: '<rss ', firstItem: '\n        <item>', itemEnd: '\n        </item>', channelEnd: '\n    </channel>' } as const;
/** Known points of `feed`'s Atom output. */
const ATOM = {
  root: `<feed xmlns="${NS.atom}">`,
  firstEntry: '\n    <entry>',
  entryEnd: '\n    </entry>',
  feedEnd: '\n</feed>',
  ownLink: /\n {8}<link href="([^"]*)"\/>/,
  millisecondDates: /(T\d{2}:\d{2}:\d{2})\.\d{3}Z</g,
} as const;

/** The RSS file in parts, to be written one after another (see `FeedFormat.serialise`). */
export function rssParts(document: FeedDocument): string[] {
  const slots = new Slots();
  const feed = toFeed(document, slots, (entry) => ({
    ...entryContent(entry, slots),
    title: slots.text(entry.title, { after: entry.translations.map((link) => translationLink(3, 'atom:link', link)).join('') }),
    guid: slots.text(entry.id, { attributes: ` isPermaLink="${entry.id === entry.url}"` }),
  }));
  let xml = withNamespaces(feed.rss2(), RSS.root, ['atom', 'dc', 'content', 'media', 'fh']);
  // Channel elements go before the first item: the RSS Profile and the W3C validator ("Misplaced Item") want them there.
  const head = [
    ...rssImage(document),
    ...(document.licenseUrl ? [xmlElement(2, 'atom:link', { rel: 'license', href: document.licenseUrl })] : []),
    ...history(document, 'rss', 2, 'fh:', 'atom:link'),
  ];
  xml = insertBefore(xml, [RSS.firstItem, RSS.channelEnd], head.join(''));
  xml = appendToEach(xml, RSS.itemEnd, document.entries.map(rssItemTail));
  return [...slots.fill(xml), '\n'];
}

/** The Atom file in parts, to be written one after another (see `FeedFormat.serialise`). */
export function atomParts(document: FeedDocument): string[] {
  const slots = new Slots();
  const feed = toFeed(document, slots, (entry) => ({
    ...entryContent(entry, slots),
    title: slots.text(entry.title, { attributes: '' }),
    ...(entry.rights === undefined ? {} : { copyright: slots.text(entry.rights) }),
    author: entry.authors.length === 0 ? undefined : entry.authors.map((author) => feedAuthor(author, slots)),
    contributor: entry.signatories.length === 0 ? undefined : entry.signatories.map((signatory) => feedAuthor(signatory, slots)),
  }), { author: feedAuthor(document.publisher, slots), image: document.logo && slots.text(document.logo.url), favicon: document.icon && slots.text(document.icon.url), ...(document.pageUrl ? { link: undefined } : {}) });
  let xml = feed.atom1().replace(ATOM.millisecondDates, '$1Z<');
  const deleted = document.deleted ?? [];
  const tombstones = deleted.length > 0 ? { 'xmlns:at': NS.at } : {};
  xml = xml.replace(ATOM.root, `<feed xmlns="${NS.atom}"${xmlAttributes({ 'xml:lang': document.lang, 'xmlns:media': NS.media, 'xmlns:fh': NS.fh, ...tombstones })}>`);
  // RFC 4287 section 4.1.1 (and its schema, Appendix B): the feed's metadata, extensions included, precedes its entries.
  const head = [
    ...pageLinks(document),
    ...(document.licenseUrl ? [xmlElement(1, 'link', { rel: 'license', href: document.licenseUrl })] : []),
    ...history(document, 'atom', 1, 'fh:', 'link'),
    ...deleted.map(tombstone),
  ];
  xml = insertBefore(xml, [ATOM.firstEntry, ATOM.feedEnd], head.join(''));
  xml = appendToEach(xml, ATOM.entryEnd, document.entries.map(atomEntryTail), (part, index) => withAtomLinks(part, entryAt(document, index)));
  return [...slots.fill(xml), '\n'];
}

/**
 * A subscription feed's HTML page is its alternate (RFC 4287 allows one per
 * type and language, so the site's home becomes a related link); RSS's
 * `link` and JSON Feed's `home_page_url` stay the site, as those formats define them.
 */
function pageLinks(document: FeedDocument): string[] {
  if (!document.pageUrl) return [];
  return [xmlElement(1, 'link', { rel: 'alternate', type: 'text/html', href: document.pageUrl }), xmlElement(1, 'link', { rel: 'related', type: 'text/html', href: document.homeUrl })];
}

/** JSON Feed 1.1, with nashra's extension object, in parts (see `FeedFormat.serialise`). */
export function jsonFeedParts(document: FeedDocument): string[] {
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: document.title,
    home_page_url: document.homeUrl,
    feed_url: document.links.json,
    description: document.description,
    language: document.lang,
    ...(document.archive?.older ? { next_url: document.archive.older.json } : {}),
    authors: [{ name: document.publisher.name, ...(document.publisher.url ? { url: document.publisher.url } : {}) }],
    // JSON Feed's icon (512 by 512) and favicon (64 by 64 or more) are both square: the config's icon serves both.
    ...(document.icon ? { icon: document.icon.url, favicon: document.icon.url } : {}),
    ...(document.hub ? { hubs: [{ type: 'WebSub', url: document.hub }] } : {}),
    ...jsonFeedExtension(document),
    items: document.entries.map(jsonItem),
  };
  return [JSON.stringify(feed, null, 2), '\n'];
}

/** The feed-level `_nashra` object, when there is anything to say: rights and licence, the changes list, deleted articles. */
function jsonFeedExtension(document: FeedDocument): { _nashra?: Record<string, unknown> } {
  const extension = {
    ...(document.rights === undefined ? {} : { rights: document.rights, ...(document.licenseUrl ? { license: document.licenseUrl } : {}) }),
    ...(document.changesUrl === undefined ? {} : { changes_url: document.changesUrl }),
    ...(document.deleted === undefined || document.deleted.length === 0
      ? {}
      : {
          deleted: document.deleted.map((entry) => ({
            id: entry.id,
            ...(entry.url === undefined ? {} : { url: entry.url }),
            ...(entry.title === undefined ? {} : { title: entry.title }),
            when: rfc3339(entry.when),
            reason: entry.reason,
            comment: entry.comment,
          })),
        }),
  };
  return Object.keys(extension).length === 0 ? {} : { _nashra: extension };
}

function jsonItem(entry: FeedEntry) {
  return {
    id: entry.id,
    url: entry.url,
    title: entry.title,
    content_html: entry.contentHtml ?? entry.summaryHtml,
    summary: entry.summaryText,
    ...(entry.image ? { image: entry.image.url } : {}),
    date_published: rfc3339(entry.published),
    date_modified: rfc3339(entry.updated),
    ...(entry.authors.length > 0 ? { authors: entry.authors.map((author) => ({ name: author.name, ...(author.url ? { url: asUri(author.url) } : {}) })) } : {}),
    ...(entry.categories.length + entry.tags.length > 0 ? { tags: [...entry.categories, ...entry.tags].map((category) => category.term) } : {}),
    language: entry.lang,
    ...(entry.image
      ? { attachments: [{ url: entry.image.url, mime_type: entry.image.type, ...(entry.image.alt ? { title: entry.image.alt } : {}), ...(entry.image.size === undefined ? {} : { size_in_bytes: entry.image.size }) }] }
      : {}),
    _nashra: {
      summary_html: entry.summaryHtml,
      categories: entry.categories.map(({ term, path, label, url }) => ({ term, path, label, url })),
      ...(entry.signatories.length > 0 ? { signatories: entry.signatories.map(({ name, url }) => ({ name, ...(url ? { url: asUri(url) } : {}) })) } : {}),
      tags: entry.tags.map((tag) => tag.term),
      reading_time_minutes: entry.readingMinutes,
      ...(entry.image ? { image_alt: entry.image.alt, ...(entry.image.width === undefined ? {} : { image_width: entry.image.width, image_height: entry.image.height }) } : {}),
      ...(entry.canonical ? { canonical: asUri(entry.canonical) } : {}),
      ...(entry.rights === undefined ? {} : { rights: entry.rights }),
      ...(entry.licenseUrl ? { license: entry.licenseUrl } : {}),
      translations: entry.translations.map((link) => ({ language: link.lang, id: link.id, url: link.url, title: link.title })),
      related: entry.related.map((item) => ({
        id: item.id,
        url: item.url,
        title: item.title,
        summary: item.summaryText,
        summary_html: item.summaryHtml,
        language: item.lang,
        date_published: rfc3339(item.date),
        score: item.score,
      })),
    },
  };
}

/**
 * An absolute URL as JSON Feed wants it, a URI (RFC 3986): as written when it
 * is one, else as a browser serialises it, as `feed` writes it in Atom (a
 * space, `<`, `>`, a quote or a letter outside ASCII percent-encoded). An
 * author's address written with a space made the JSON Feed fail its schema.
 */
function asUri(url: string): string {
  return URI_AS_WRITTEN.test(url) ? url : new URL(url).href;
}

/** Only characters a URI may hold as they are (RFC 3986: unreserved, reserved, and `%`). */
const URI_AS_WRITTEN = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

/** `feed`'s view of the document: structure, dates and URLs; every text is a marker filled by `slots`. */
function toFeed(document: FeedDocument, slots: Slots, toItem: (entry: FeedEntry) => Item, options: Partial<FeedOptions> = {}): Feed {
  const feed = new Feed({
    id: document.links.atom,
    title: slots.text(document.title),
    description: document.description === '' ? '' : slots.text(document.description),
    link: document.homeUrl,
    language: document.lang,
    updated: document.updated,
    generator: document.generator,
    docs: 'https://www.rssboard.org/rss-specification',
    copyright: document.rights ? slots.text(document.rights) : undefined,
    hub: document.hub,
    feedLinks: { rss: document.links.rss, atom: document.links.atom, json: document.links.json },
    stylesheet: document.stylesheet,
    ...options,
  });
  for (const entry of document.entries) feed.addItem(toItem(entry));
  return feed;
}

/** What RSS and Atom items share; `feed` leaves out an empty summary or content. */
function entryContent(entry: FeedEntry, slots: Slots): Item {
  return {
    id: entry.id,
    link: entry.url,
    title: '',
    date: entry.updated,
    published: entry.published,
    description: entry.summaryHtml === '' ? undefined : slots.cdata(entry.summaryHtml),
    content: entry.contentHtml ? slots.cdata(entry.contentHtml) : undefined,
  };
}

function feedAuthor(author: Author | Signatory, slots: Slots): FeedAuthor {
  return { name: slots.text(author.name), link: author.url };
}

/** `xmlns:` declarations for the prefixes the root element does not declare yet, in the order given. */
function withNamespaces(xml: string, rootStart: string, prefixes: readonly (keyof typeof NS)[]): string {
  const start = xml.indexOf(rootStart);
  const end = xml.indexOf('>', start);
  if (start < 0 || end < 0) throw new Error(`feed output has no ${rootStart.trim()} element`);
  const tag = xml.slice(start, end);
  const missing = prefixes.filter((prefix) => !tag.includes(` xmlns:${prefix}=`));
  return xml.slice(0, end) + xmlAttributes(Object.fromEntries(missing.map((prefix) => [`xmlns:${prefix}`, NS[prefix]]))) + xml.slice(end);
}

/** `fragment` inserted before the first of `points` found. */
function insertBefore(xml: string, points: readonly string[], fragment: string): string {
  for (const point of points) {
    const index = xml.indexOf(point);
    if (index >= 0) return xml.slice(0, index) + fragment + xml.slice(index);
  }
  throw new Error(`feed output has none of ${points.join(', ').trim()}`);
}

/** Each element ending at `end` gets its tail before it (after an optional rewrite of the text up to it); one tail per element. */
function appendToEach(xml: string, end: string, tails: readonly string[], rewrite: (part: string, index: number) => string = (part) => part): string {
  const parts = xml.split(end);
  if (parts.length !== tails.length + 1) throw new Error(`feed output has ${parts.length - 1} items for ${tails.length} entries`);
  return parts.map((part, index) => (index < tails.length ? rewrite(part, index) + (tails[index] ?? '') : part)).join(end);
}

/**
 * RFC 5005 feed history: a complete feed says so; a subscription feed with
 * archives links to the newest archive page; an archive page says it is one
 * and links to the subscription feed and its older and newer neighbours.
 */
function history(document: FeedDocument, format: FeedFormatName, depth: number, fh: string, link: string): string[] {
  const type = mediaTypeOf(format);
  const lines: string[] = [];
  if (document.complete) lines.push(xmlElement(depth, `${fh}complete`, {}));
  const archive = document.archive;
  if (!archive) return lines;
  if (archive.role === 'page') {
    lines.push(xmlElement(depth, `${fh}archive`, {}));
    lines.push(xmlElement(depth, link, { rel: 'current', type, href: archive.current[format] }));
  }
  if (archive.older) lines.push(xmlElement(depth, link, { rel: 'prev-archive', type, href: archive.older[format] }));
  if (archive.newer) lines.push(xmlElement(depth, link, { rel: 'next-archive', type, href: archive.newer[format] }));
  return lines;
}

/** RFC 6721: the entry's id as `ref`, when it was deleted, its page, and the reason as a comment. */
function tombstone(entry: DeletedEntry): string {
  const link = entry.url === undefined ? [] : [xmlElement(2, 'link', { rel: 'alternate', type: 'text/html', href: entry.url })];
  return xmlElement(1, 'at:deleted-entry', { ref: entry.id, when: rfc3339(entry.when) }, [...link, xmlElement(2, 'at:comment', { type: 'text' }, entry.comment)]);
}

function rssItemTail(entry: FeedEntry): string {
  const lines = [
    ...entry.authors.map((author) => xmlElement(3, 'dc:creator', {}, author.name)),
    ...entry.signatories.map((signatory) => xmlElement(3, 'dc:contributor', {}, signatory.name)),
    // RSS 2.0: the text is a "/"-separated path in the taxonomy the domain names, here the category's own page.
    ...entry.categories.map((category) => xmlElement(3, 'category', { domain: category.url }, category.term)),
    ...entry.tags.map((tag) => xmlElement(3, 'category', { domain: tag.scheme }, tag.term)),
    ...(entry.rights === undefined ? [] : [xmlElement(3, 'dc:rights', {}, entry.rights)]),
  ];
  if (entry.image) {
    // The enclosure needs the length in bytes; an image whose size is unknown (a warning says so) is
    // described by Media RSS alone rather than by a length="0" that podcast clients take for an empty file.
    if (entry.image.size !== undefined) lines.push(xmlElement(3, 'enclosure', { url: entry.image.url, length: String(entry.image.size), type: entry.image.type }));
    lines.push(mediaContent(3, entry.image), mediaThumbnail(3, entry.image));
  }
  return lines.join('');
}

function atomEntryTail(entry: FeedEntry): string {
  const lines = [
    // The label is the whole path, written even for a top-level category, so a reader builds the breadcrumb from one attribute.
    ...entry.categories.map((category) => xmlElement(2, 'category', { term: category.term, scheme: category.url, label: category.label })),
    ...entry.tags.map((tag) => xmlElement(2, 'category', atomCategory(tag))),
  ];
  // RFC 4946: an entry's own licence, for an entry republished away from its feed.
  if (entry.licenseUrl) lines.push(xmlElement(2, 'link', { rel: 'license', href: entry.licenseUrl }));
  if (entry.image) {
    const { url, type, size, alt } = entry.image;
    lines.push(xmlElement(2, 'link', { rel: 'enclosure', href: url, type, length: size === undefined ? undefined : String(size), title: alt || undefined }));
    lines.push(mediaContent(2, entry.image), mediaThumbnail(2, entry.image));
  }
  return lines.join('');
}

/**
 * Consumers disagree on which alternate is "the" link: rss-parser takes the
 * first, feedparser the last. The entry's own page is both: first without
 * hreflang, last with it (as in an HTML hreflang cluster), translations between.
 * Each (type, hreflang) pair appears once, as RFC 4287 requires.
 */
function withAtomLinks(entryXml: string, entry: FeedEntry): string {
  if (!ATOM.ownLink.test(entryXml)) throw new Error('feed output has an entry without its link');
  const translated = entry.translations.length > 0;
  return entryXml.replace(ATOM.ownLink, (_link, href: string) => {
    const own = `\n${' '.repeat(8)}<link href="${href}"${xmlAttributes({ rel: 'alternate', type: 'text/html', hreflang: translated ? undefined : entry.lang })}/>`;
    const translations = entry.translations.map((link) => translationLink(2, 'link', link)).join('');
    return own + translations + (translated ? xmlElement(2, 'link', { rel: 'alternate', type: 'text/html', hreflang: entry.lang, href: entry.url }) : '');
  });
}

/** Translations go before an RSS item's own `<link>` (feedparser keeps the last alternate as `link`), and after an Atom entry's. */
function translationLink(depth: number, name: string, link: FeedEntry['translations'][number]): string {
  return xmlElement(depth, name, { rel: 'alternate', type: 'text/html', hreflang: link.lang, href: link.url, title: link.title });
}

function atomCategory(category: FeedCategory): Record<string, string | undefined> {
  return { term: category.term, scheme: category.scheme, label: category.label === category.term ? undefined : category.label };
}

function mediaContent(depth: number, image: NonNullable<FeedEntry['image']>): string {
  const { url, type, size, alt } = image;
  const attributes = { url, medium: 'image', type, fileSize: optionalNumber(size), width: optionalNumber(image.width), height: optionalNumber(image.height) };
  // An image without alt text has no description to give.
  return xmlElement(depth, 'media:content', attributes, alt ? [xmlElement(depth + 1, 'media:description', { type: 'plain' }, alt)] : undefined);
}

/** The item's `media:thumbnail`: the post's thumbnail, else the image itself. */
function mediaThumbnail(depth: number, image: NonNullable<FeedEntry['image']>): string {
  const thumbnail: ImageRef = image.thumbnail ?? image;
  return xmlElement(depth, 'media:thumbnail', { url: thumbnail.url, width: optionalNumber(thumbnail.width), height: optionalNumber(thumbnail.height) });
}

function optionalNumber(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** RSS 2.0 caps a channel image at 144 pixels wide and 400 high. */
const RSS_IMAGE_MAX = { width: 144, height: 400 } as const;

/**
 * The channel's `<image>`: the logo, else the icon, titled and linked as the
 * channel is (the RSS Profile asks for the same title and link). Its width
 * and height, when known, are the image's, scaled down to fit RSS's limits.
 */
function rssImage(document: FeedDocument): string[] {
  const image = document.logo ?? document.icon;
  if (!image) return [];
  const lines = [xmlElement(3, 'url', {}, image.url), xmlElement(3, 'title', {}, document.title), xmlElement(3, 'link', {}, document.homeUrl)];
  if (image.width !== undefined && image.height !== undefined && image.width > 0 && image.height > 0) {
    const scale = Math.min(1, RSS_IMAGE_MAX.width / image.width, RSS_IMAGE_MAX.height / image.height);
    lines.push(xmlElement(3, 'width', {}, String(Math.max(1, Math.floor(image.width * scale)))), xmlElement(3, 'height', {}, String(Math.max(1, Math.floor(image.height * scale)))));
  }
  return [xmlElement(2, 'image', {}, lines)];
}

function entryAt(document: FeedDocument, index: number): FeedEntry {
  const entry = document.entries[index];
  if (!entry) throw new Error(`feed output has more items than the document (${index})`);
  return entry;
}

/** RFC 3339 without milliseconds, in UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
