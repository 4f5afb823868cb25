/**
 * The rules of the RSS Advisory Board's RSS Profile (https://www.rssboard.org/rss-profile)
 * that feed parsers depend on, checked on one RSS 2.0 document:
 * one channel; its required elements, each once; every channel element before
 * the first item; RFC 822 dates with a four-digit year; channel and item links
 * that are absolute http(s) URLs; a guid in every item, unique in the document
 * (readers tell items apart by it), and one that claims to be a permalink
 * (isPermaLink "true" or absent) is an http(s) URL; at most one enclosure, with
 * a URL, a byte length and a type; description before content:encoded (some
 * readers keep the last one); no relative URL in either (a reader has no base
 * to resolve it against); an `atom:link rel="self"` naming the feed.
 * Returns the problems found, empty when none.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Parser } from 'htmlparser2';

const ATOM = 'http://www.w3.org/2005/Atom';
const REQUIRED_CHANNEL = ['title', 'link', 'description'];
/** Channel and item elements that the RSS 2.0 specification allows at most once. */
const SINGLE_CHANNEL = [...REQUIRED_CHANNEL, 'language', 'copyright', 'managingEditor', 'webMaster', 'pubDate', 'lastBuildDate', 'docs', 'generator', 'ttl', 'image', 'rating', 'textInput', 'skipHours', 'skipDays', 'cloud'];
const SINGLE_ITEM = ['title', 'link', 'description', 'guid', 'pubDate', 'comments', 'source', 'enclosure'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** HTML attributes whose value is a URL a reader would fetch or follow. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'poster', 'cite']);
const CONTENT = 'http://purl.org/rss/1.0/modules/content/';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 822 section 5, with the Profile's four-digit year: `Tue, 06 Oct 2026 09:00:00 GMT`. */
const RFC822 = /^(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? (GMT|UT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[+-]\d{4})$/;

export function rssProfileProblems(xml: string): string[] {
  const problems: string[] = [];
  const root = new DOMParser({ onError: (level, message) => void (level !== 'warning' && problems.push(`not well-formed: ${message}`)) }).parseFromString(xml, 'text/xml')
    .documentElement as Element | null;
  if (!root || root.tagName !== 'rss' || root.getAttribute('version') !== '2.0') return [...problems, 'the root element is not <rss version="2.0">'];
  const channels = childElements(root).filter((element) => element.tagName === 'channel');
  if (channels.length !== 1) return [...problems, `${channels.length} channels where the profile wants exactly one`];
  const channel = channels[0] as Element;
  problems.push(...channelProblems(channel));
  const items = childElements(channel).filter((element) => element.tagName === 'item');
  items.forEach((item, index) => problems.push(...itemProblems(item).map((problem) => `item ${index + 1}: ${problem}`)));
  problems.push(...duplicateGuids(items));
  return problems;
}

function channelProblems(channel: Element): string[] {
  const problems: string[] = [];
  const elements = childElements(channel);
  for (const name of REQUIRED_CHANNEL) if (!elements.some((element) => element.tagName === name)) problems.push(`the channel has no <${name}>`);
  problems.push(...repeated(elements, SINGLE_CHANNEL, 'the channel'));
  problems.push(...linkProblems(elements, 'the channel'));
  const firstItem = elements.findIndex((element) => element.tagName === 'item');
  if (firstItem >= 0) {
    for (const misplaced of elements.slice(firstItem).filter((element) => element.tagName !== 'item')) {
      problems.push(`<${misplaced.tagName}${describeRel(misplaced)}> comes after the first item`);
    }
  }
  const self = elements.filter((element) => element.namespaceURI === ATOM && element.localName === 'link' && element.getAttribute('rel') === 'self');
  if (self.length !== 1) problems.push(`${self.length} atom:link rel="self" where the profile wants one`);
  else if (!isHttpUrl(self[0]?.getAttribute('href') ?? '') || self[0]?.getAttribute('type') !== 'application/rss+xml') problems.push('atom:link rel="self" lacks an http(s) href or type="application/rss+xml"');
  problems.push(...dateProblems(elements, 'the channel'));
  return problems;
}

function itemProblems(item: Element): string[] {
  const problems: string[] = [];
  const elements = childElements(item);
  if (!elements.some((element) => element.tagName === 'title' || element.tagName === 'description')) problems.push('neither <title> nor <description>');
  problems.push(...repeated(elements, SINGLE_ITEM, 'the item'));
  problems.push(...linkProblems(elements, 'the item'));
  const guids = elements.filter((element) => element.tagName === 'guid');
  if (guids.length === 0) problems.push('no <guid>');
  for (const guid of guids) problems.push(...guidProblems(guid));
  problems.push(...contentProblems(elements));
  for (const enclosure of elements.filter((element) => element.tagName === 'enclosure')) {
    if (!isHttpUrl(enclosure.getAttribute('url') ?? '') || !/^\d+$/.test(enclosure.getAttribute('length') ?? '') || !/.+\/.+/.test(enclosure.getAttribute('type') ?? '')) {
      problems.push('an <enclosure> without an http(s) url, a byte length and a MIME type');
    }
  }
  problems.push(...dateProblems(elements, 'the item'));
  return problems;
}

/** The channel's or item's own <link> (not atom:link) is where a reader sends its user: an absolute http(s) URL. */
function linkProblems(elements: Element[], where: string): string[] {
  return elements
    .filter((element) => element.namespaceURI === null && element.tagName === 'link' && !isHttpUrl(element.textContent ?? ''))
    .map((element) => `${where}'s <link> "${element.textContent ?? ''}" is not an absolute http(s) URL`);
}

/** Both the description and content:encoded hold HTML that a reader shows away from the site: only absolute URLs resolve there. */
function contentProblems(elements: Element[]): string[] {
  const problems: string[] = [];
  const description = elements.findIndex((element) => element.namespaceURI === null && element.tagName === 'description');
  const encoded = elements.findIndex((element) => element.namespaceURI === CONTENT && element.localName === 'encoded');
  if (encoded >= 0 && !(description >= 0 && description < encoded)) problems.push('<content:encoded> without a <description> before it');
  for (const index of [description, encoded].filter((found) => found >= 0)) {
    const element = elements[index] as Element;
    for (const url of relativeUrls(element.textContent ?? '')) problems.push(`<${element.tagName}> links to the relative URL "${url}"`);
  }
  return problems;
}

function relativeUrls(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser({ onattribute: (name, value) => void (URL_ATTRIBUTES.has(name.toLowerCase()) && !URL.canParse(value.trim()) && found.push(value)) }, { decodeEntities: true });
  parser.end(html);
  return found;
}

/** Readers tell items apart by guid: two items with one guid are shown as one, or the second is never shown. */
function duplicateGuids(items: Element[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const guid of items.flatMap((item) => childElements(item).filter((element) => element.tagName === 'guid'))) {
    const text = (guid.textContent ?? '').trim();
    if (seen.has(text)) problems.push(`guid "${text}" is given to more than one item`);
    seen.add(text);
  }
  return problems;
}

/** isPermaLink "true" (the default) promises a URL a reader can open. */
function guidProblems(guid: Element): string[] {
  const permaLink = guid.getAttribute('isPermaLink');
  if (guid.hasAttribute('isPermaLink') && permaLink !== 'true' && permaLink !== 'false') return [`guid isPermaLink="${permaLink ?? ''}" is neither true nor false`];
  const text = guid.textContent ?? '';
  if (text.trim() === '') return ['an empty <guid>'];
  if (permaLink !== 'false' && !isHttpUrl(text)) return [`guid "${text}" is a permalink but not an http(s) URL`];
  return [];
}

function dateProblems(elements: Element[], where: string): string[] {
  return elements
    .filter((element) => element.namespaceURI === null && (element.tagName === 'pubDate' || element.tagName === 'lastBuildDate'))
    .flatMap((element) => (isRfc822(element.textContent ?? '') ? [] : [`${where}'s <${element.tagName}> "${element.textContent ?? ''}" is not an RFC 822 date`]));
}

/** An RFC 822 date that names a real moment, whose weekday (when given) is that date's. */
export function isRfc822(text: string): boolean {
  const match = RFC822.exec(text);
  if (!match) return false;
  const [, day, date, month, year, hours, minutes, seconds] = match;
  const moment = new Date(Date.UTC(2000, MONTHS.indexOf(month ?? ''), Number(date), Number(hours), Number(minutes), Number(seconds ?? 0)));
  // Set apart: Date.UTC reads the years 0-99 as 1900-1999, which would give year 0099 the weekday of 1999.
  moment.setUTCFullYear(Number(year), MONTHS.indexOf(month ?? ''), Number(date));
  const real = moment.getUTCDate() === Number(date) && moment.getUTCHours() === Number(hours) && moment.getUTCMinutes() === Number(minutes) && Number(seconds ?? 0) < 60;
  return real && (day === undefined || DAYS[moment.getUTCDay()] === day);
}

function repeated(elements: Element[], single: readonly string[], where: string): string[] {
  return single.filter((name) => elements.filter((element) => element.namespaceURI === null && element.tagName === name).length > 1).map((name) => `${where} has more than one <${name}>`);
}

function describeRel(element: Element): string {
  return element.hasAttribute('rel') ? ` rel="${element.getAttribute('rel') ?? ''}"` : '';
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

function childElements(parent: Element): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === node.ELEMENT_NODE) found.push(node as Element);
  return found;
}
