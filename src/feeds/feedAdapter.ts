/**
 * The one place that knows the `feed` package. It turns a FeedDocument into
 * `feed`'s options and items, then corrects what `feed` 6 cannot express or
 * gets wrong, on a parsed DOM rather than by string patches:
 * - titles go in as text (feed writes them as CDATA HTML, broken by a second `]]>`);
 * - categories, enclosures and Media RSS are written here (feed leaves `<` and
 *   `&` raw in attribute values and guesses `image/jpg` from extensions);
 * - RSS `guid` is a permalink when the id is the URL (feed always says false);
 * - RSS authors become `dc:creator` (RSS `author` must be an e-mail address);
 * - Atom gets `xml:lang`, `hreflang` alternates for translations, a license link;
 * - feed-level elements added here go before the first item or entry, where
 *   RFC 4287's schema and the RSS Profile want them;
 * - JSON Feed output is upgraded from feed's 1.0 to 1.1 (`authors`, `language`,
 *   required ids) with a `_nashra` extension for translations and related articles.
 * The DOM serialiser escapes every value, so no input can make the XML ill-formed.
 */
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import { Feed, type Item } from 'feed';
import type { FeedCategory, FeedDocument, FeedEntry } from './document.js';

const NS = {
  atom: 'http://www.w3.org/2005/Atom',
  dc: 'http://purl.org/dc/elements/1.1/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  media: 'http://search.yahoo.com/mrss/',
  fh: 'http://purl.org/syndication/history/1.0',
  xml: 'http://www.w3.org/XML/1998/namespace',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const;

const INDENT = '    ';

export function renderRss(document: FeedDocument): string {
  const dom = parseXml(toFeed(document).rss2());
  const root = dom.documentElement as Element;
  for (const prefix of ['atom', 'dc', 'content', 'media', 'fh'] as const) root.setAttributeNS(NS.xmlns, `xmlns:${prefix}`, NS[prefix]);
  const channel = firstChild(root, 'channel');
  setText(firstChild(channel, 'title'), document.title);
  setText(firstChild(channel, 'description'), document.description);
  // Channel elements go before the first item: the RSS Profile and the W3C validator ("Misplaced Item") want them there.
  const addToChannel = (name: string, attributes: Record<string, string>, namespace: string) => insertBeforeFirst(channel, 'item', name, attributes, namespace);
  if (document.licenseUrl) addToChannel('atom:link', { rel: 'license', href: document.licenseUrl }, NS.atom);
  addHistory(document, 'rss', addToChannel, (attributes) => addToChannel('atom:link', attributes, NS.atom));
  children(channel, 'item').forEach((item, index) => fixRssItem(item, entryAt(document, index)));
  return serialize(dom);
}

export function renderAtom(document: FeedDocument): string {
  const dom = parseXml(toFeed(document).atom1());
  const root = dom.documentElement as Element;
  root.setAttributeNS(NS.xml, 'xml:lang', document.lang);
  root.setAttributeNS(NS.xmlns, 'xmlns:media', NS.media);
  root.setAttributeNS(NS.xmlns, 'xmlns:fh', NS.fh);
  setText(firstChild(root, 'title'), document.title);
  setText(firstChild(root, 'updated'), rfc3339(document.updated));
  // RFC 4287 section 4.1.1 (and its schema, Appendix B): the feed's metadata, extensions included, precedes its entries.
  const addToFeed = (name: string, attributes: Record<string, string>, namespace: string) => insertBeforeFirst(root, 'entry', name, attributes, namespace);
  if (document.licenseUrl) addToFeed('link', { rel: 'license', href: document.licenseUrl }, NS.atom);
  addHistory(document, 'atom', addToFeed, (attributes) => addToFeed('link', attributes, NS.atom));
  children(root, 'entry').forEach((entry, index) => fixAtomEntry(entry, entryAt(document, index)));
  return serialize(dom);
}

/** JSON Feed 1.1 from feed's 1.0 output, with nashra's extension object. */
export function renderJsonFeed(document: FeedDocument): string {
  const legacy = JSON.parse(toFeed(document).json1()) as { items: Record<string, unknown>[] } & Record<string, unknown>;
  const feed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: document.title,
    home_page_url: legacy.home_page_url,
    feed_url: document.links.json,
    description: document.description,
    language: document.lang,
    ...(document.archive?.older ? { next_url: document.archive.older.json } : {}),
    authors: [{ name: document.publisher.name, ...(document.publisher.url ? { url: document.publisher.url } : {}) }],
    ...(document.hub ? { hubs: [{ type: 'WebSub', url: document.hub }] } : {}),
    ...(document.rights === undefined ? {} : { _nashra: { rights: document.rights, ...(document.licenseUrl ? { license: document.licenseUrl } : {}) } }),
    items: legacy.items.map((_legacyItem, index) => jsonItem(entryAt(document, index))),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
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
    ...(entry.authors.length > 0 ? { authors: entry.authors.map((author) => ({ name: author.name, ...(author.url ? { url: author.url } : {}) })) } : {}),
    ...(entry.categories.length + entry.tags.length > 0 ? { tags: [...entry.categories, ...entry.tags].map((category) => category.term) } : {}),
    language: entry.lang,
    ...(entry.image
      ? { attachments: [{ url: entry.image.url, mime_type: entry.image.type, ...(entry.image.alt ? { title: entry.image.alt } : {}), ...(entry.image.size === undefined ? {} : { size_in_bytes: entry.image.size }) }] }
      : {}),
    _nashra: {
      summary_html: entry.summaryHtml,
      categories: entry.categories.map((category) => category.term),
      tags: entry.tags.map((tag) => tag.term),
      reading_time_minutes: entry.readingMinutes,
      ...(entry.image ? { image_alt: entry.image.alt } : {}),
      ...(entry.canonical ? { canonical: entry.canonical } : {}),
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

/** `feed`'s view of the document: structure only; the fix-ups below own every fragile value. */
function toFeed(document: FeedDocument): Feed {
  const feed = new Feed({
    id: document.links.atom,
    title: cdataSafe(document.title),
    description: document.description,
    link: document.homeUrl,
    language: document.lang,
    updated: document.updated,
    generator: document.generator,
    docs: 'https://www.rssboard.org/rss-specification',
    copyright: document.rights,
    author: { name: document.publisher.name, link: document.publisher.url },
    hub: document.hub,
    feedLinks: { rss: document.links.rss, atom: document.links.atom, json: document.links.json },
    stylesheet: document.stylesheet,
  });
  for (const entry of document.entries) feed.addItem(toFeedItem(entry));
  return feed;
}

function toFeedItem(entry: FeedEntry): Item {
  return {
    id: entry.id,
    link: entry.url,
    title: cdataSafe(entry.title),
    date: entry.updated,
    published: entry.published,
    description: cdataSafe(entry.summaryHtml),
    content: entry.contentHtml === undefined ? undefined : cdataSafe(entry.contentHtml),
    // feed's JSON output reads author[0] of any array, so an empty list must be left out.
    author: entry.authors.length === 0 ? undefined : entry.authors.map((author) => ({ name: author.name, link: author.url })),
  };
}

/**
 * RFC 5005 feed history: a complete feed says so; a subscription feed with
 * archives links to the newest archive page; an archive page says it is one
 * and links to the subscription feed and its older and newer neighbours.
 */
function addHistory(
  document: FeedDocument,
  format: 'rss' | 'atom',
  add: (name: string, attributes: Record<string, string>, namespace: string) => void,
  link: (attributes: Record<string, string>) => void,
): void {
  const type = format === 'rss' ? 'application/rss+xml' : 'application/atom+xml';
  if (document.complete) add('fh:complete', {}, NS.fh);
  const archive = document.archive;
  if (!archive) return;
  if (archive.role === 'page') {
    add('fh:archive', {}, NS.fh);
    link({ rel: 'current', type, href: archive.current[format] });
  }
  if (archive.older) link({ rel: 'prev-archive', type, href: archive.older[format] });
  if (archive.newer) link({ rel: 'next-archive', type, href: archive.newer[format] });
}

function fixRssItem(item: Element, entry: FeedEntry): void {
  setText(firstChild(item, 'title'), entry.title);
  firstChild(item, 'guid').setAttribute('isPermaLink', entry.id === entry.url ? 'true' : 'false');
  for (const author of children(item, 'author')) removeWithIndent(author);
  for (const author of entry.authors) appendElement(item, 'dc:creator', {}, NS.dc, author.name);
  for (const category of [...entry.categories, ...entry.tags]) appendElement(item, 'category', { domain: category.scheme }, undefined, category.term);
  if (entry.image) {
    appendElement(item, 'enclosure', { url: entry.image.url, length: String(entry.image.size ?? 0), type: entry.image.type });
    appendMediaContent(item, entry);
  }
  // Translations go before the item's own <link>: feedparser keeps the last alternate as `link`.
  const ownLink = firstChild(item, 'link');
  for (const link of entry.translations) {
    insertElement(item, 'atom:link', { rel: 'alternate', type: 'text/html', hreflang: link.lang, href: link.url, title: link.title }, NS.atom, undefined, ownLink.previousSibling);
  }
}

function fixAtomEntry(element: Element, entry: FeedEntry): void {
  const title = firstChild(element, 'title');
  title.removeAttribute('type');
  setText(title, entry.title);
  setText(firstChild(element, 'updated'), rfc3339(entry.updated));
  setText(firstChild(element, 'published'), rfc3339(entry.published));
  const ownLink = children(element, 'link').find((link) => !link.hasAttribute('rel'));
  if (!ownLink) throw new Error('feed output has an entry without its link');
  ownLink.setAttribute('rel', 'alternate');
  ownLink.setAttribute('type', 'text/html');
  // Consumers disagree on which alternate is "the" link: rss-parser takes the
  // first, feedparser the last. The entry's own page is both: first without
  // hreflang, last with it (as in an HTML hreflang cluster), translations between.
  // Each (type, hreflang) pair appears once, as RFC 4287 requires.
  const ownLinkSibling = ownLink.nextSibling;
  for (const link of entry.translations) {
    insertElement(element, 'link', { rel: 'alternate', type: 'text/html', hreflang: link.lang, href: link.url, title: link.title }, NS.atom, undefined, ownLinkSibling);
  }
  if (entry.translations.length > 0) {
    insertElement(element, 'link', { rel: 'alternate', type: 'text/html', hreflang: entry.lang, href: entry.url }, NS.atom, undefined, ownLinkSibling);
  } else {
    ownLink.setAttribute('hreflang', entry.lang);
  }
  for (const category of [...entry.categories, ...entry.tags]) {
    appendElement(element, 'category', atomCategory(category), NS.atom);
  }
  if (entry.image) {
    const { url, type, size, alt } = entry.image;
    appendElement(element, 'link', { rel: 'enclosure', href: url, type, ...(size === undefined ? {} : { length: String(size) }), ...(alt ? { title: alt } : {}) }, NS.atom);
    appendMediaContent(element, entry);
  }
}

function atomCategory(category: FeedCategory): Record<string, string> {
  return { term: category.term, scheme: category.scheme, ...(category.label === category.term ? {} : { label: category.label }) };
}

function appendMediaContent(parent: Element, entry: FeedEntry): void {
  if (!entry.image) return;
  const { url, type, size } = entry.image;
  const media = appendElement(parent, 'media:content', { url, medium: 'image', type, ...(size === undefined ? {} : { fileSize: String(size) }) }, NS.media);
  // An image without alt text has no description to give.
  if (entry.image.alt) appendElement(media, 'media:description', { type: 'plain' }, NS.media, entry.image.alt);
}

// --- DOM helpers -----------------------------------------------------------

function parseXml(xml: string): Document {
  const parser = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`feed produced invalid XML: ${message}`);
    },
  });
  return parser.parseFromString(xml, 'text/xml');
}

function serialize(dom: Document): string {
  return `${new XMLSerializer().serializeToString(dom)}\n`;
}

function children(parent: Element, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE && (node as Element).tagName === name) found.push(node as Element);
  }
  return found;
}

function firstChild(parent: Element, name: string): Element {
  const [child] = children(parent, name);
  if (!child) throw new Error(`feed output has no <${name}> in <${parent.tagName}>`);
  return child;
}

function setText(element: Element, text: string): void {
  while (element.firstChild) element.removeChild(element.firstChild);
  element.appendChild((element.ownerDocument as Document).createTextNode(text));
}

function depthOf(element: Element): number {
  let depth = 0;
  for (let node = element.parentNode; node && node.nodeType === node.ELEMENT_NODE; node = node.parentNode) depth++;
  return depth;
}

/** Appends a child element, indented like `feed`'s own output so the file stays readable. */
function appendElement(parent: Element, name: string, attributes: Record<string, string>, namespace?: string, text?: string): Element {
  return insertElement(parent, name, attributes, namespace, text);
}

/** Adds a child element after the others but before the first `<entryName>` (and its indent), or last when there is none. */
function insertBeforeFirst(parent: Element, entryName: string, name: string, attributes: Record<string, string>, namespace: string): Element {
  const [firstEntry] = children(parent, entryName);
  if (!firstEntry) return appendElement(parent, name, attributes, namespace);
  const indent = firstEntry.previousSibling;
  const before = indent && indent.nodeType === indent.TEXT_NODE && /^\s*$/.test(indent.nodeValue ?? '') ? indent : firstEntry;
  return insertElement(parent, name, attributes, namespace, undefined, before);
}

/** Inserts a child element before `before` (a whitespace node), or last; indented like `feed`'s own output. */
function insertElement(
  parent: Element,
  name: string,
  attributes: Record<string, string>,
  namespace?: string,
  text?: string,
  before?: Node | null,
): Element {
  const dom = parent.ownerDocument as Document;
  const element = namespace ? dom.createElementNS(namespace, name) : dom.createElement(name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.appendChild(dom.createTextNode(text));
  const depth = depthOf(parent);
  if (before) {
    parent.insertBefore(dom.createTextNode(`\n${INDENT.repeat(depth + 1)}`), before);
    parent.insertBefore(element, before);
    return element;
  }
  const closing = parent.lastChild;
  const closingIsIndent = closing !== null && closing.nodeType === closing.TEXT_NODE && /^\s*$/.test(closing.nodeValue ?? '');
  const indent = dom.createTextNode(`\n${INDENT.repeat(depth + 1)}`);
  if (closingIsIndent) {
    parent.insertBefore(indent, closing);
    parent.insertBefore(element, closing);
  } else {
    parent.appendChild(indent);
    parent.appendChild(element);
    parent.appendChild(dom.createTextNode(`\n${INDENT.repeat(depth)}`));
  }
  return element;
}

function removeWithIndent(element: Element): void {
  const before = element.previousSibling;
  if (before && before.nodeType === before.TEXT_NODE && /^\s*$/.test(before.nodeValue ?? '')) element.parentNode?.removeChild(before);
  element.parentNode?.removeChild(element);
}

function entryAt(document: FeedDocument, index: number): FeedEntry {
  const entry = document.entries[index];
  if (!entry) throw new Error(`feed output has more items than the document (${index})`);
  return entry;
}

/** `feed` writes these strings inside CDATA sections; a literal `]]>` would end one early. */
function cdataSafe(text: string): string {
  return text.replaceAll(']]>', ']]&gt;');
}

/** RFC 3339 without milliseconds, in UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
