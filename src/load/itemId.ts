/**
 * Item ids: the ones a post may give itself, and the default of a post that
 * gives none. An id ends up as an RSS `guid`, an Atom `<id>` and a JSON Feed
 * `id`, which readers may show or follow as a link, so only identifiers are
 * accepted: web addresses, URNs and tag URIs, each checked against its own
 * grammar.
 */

import { DateTime } from 'luxon';
import type { LoadSettings } from './settings.js';

/** RFC 3986 `pchar`: unreserved, percent-encoded, sub-delims, ":" and "@". */
const PCHAR = "(?:[A-Za-z0-9\\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
/** RFC 8141 section 2: `urn:NID:NSS`, then optional `?+r-component`, `?=q-component` and `#f-component`. */
const URN = new RegExp(
  `^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:${PCHAR}(?:${PCHAR}|/)*` +
    `(?:\\?\\+${PCHAR}(?:${PCHAR}|[/?])*)?(?:\\?=${PCHAR}(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
  'i',
);
/** RFC 4151 section 2.1: `tag:authority,date:specific[#fragment]`; the authority is a DNS name or an email address. */
const DNS_NAME = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*';
const TAG_DATE = '\\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\\d|3[01]))?)?';
const TAG = new RegExp(`^tag:(?:[A-Za-z0-9._-]+@)?${DNS_NAME},${TAG_DATE}:(?:${PCHAR}|[/?])*(?:#(?:${PCHAR}|[/?])*)?$`, 'i');

/** Why `id` cannot be an item id (the key of the sentence that says it, in `diagnostics.schema`), or undefined when it can. */
export function itemIdProblem(id: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(id)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'http':
    case 'https':
      return URL.canParse(id) && !/\s/.test(id) ? undefined : 'diagnostics.schema.idUrl';
    case 'urn':
      return URN.test(id) ? undefined : 'diagnostics.schema.idUrn';
    case 'tag':
      return TAG.test(id) ? undefined : 'diagnostics.schema.idTag';
    default:
      return 'diagnostics.schema.idScheme';
  }
}

/** What a default item id is made of: nothing that an editor changes when re-filing an article. */
export interface ItemIdParts {
  /** The site's host name, from `baseUrl`. */
  readonly host: string;
  /** The site's time zone, in which the day of first publication is read. */
  readonly timeZone: string;
  readonly lang: string;
  /** The article's own key: its translationKey, else its slug. */
  readonly key: string;
  /** The day the article was first published (its `date`). */
  readonly date: Date;
}

/**
 * The id of a post that gives none: a tag URI (RFC 4151) from the site's
 * host, the day it was first published and its language and key, such as
 * `tag:rights.example.org,2026-03-14:en/hearing`. Unlike the article URL, it
 * does not hold the category, section or URL pattern, so re-filing an article
 * does not make readers show it twice.
 */
export function defaultItemId(parts: ItemIdParts): string {
  const day = DateTime.fromJSDate(parts.date, { zone: parts.timeZone }).toISODate() ?? parts.date.toISOString().slice(0, 10);
  return `tag:${parts.host.toLowerCase()},${day}:${encodeURIComponent(parts.lang)}/${encodeURIComponent(parts.key)}`;
}

/**
 * The default id of a post of this site: its URL when it is dated before
 * `feeds.urlIdsBefore` (the URL was the default id before the site
 * upgraded), else `defaultItemId`.
 */
export function defaultIdOf(config: Pick<LoadSettings, 'feeds' | 'timeZone' | 'baseUrl'>, post: { readonly lang: string; readonly key: string; readonly date: Date; readonly url: string }): string {
  const before = config.feeds.urlIdsBefore;
  if (before !== undefined && post.date.getTime() < DateTime.fromISO(before, { zone: config.timeZone }).toMillis()) return post.url;
  return defaultItemId({ host: new URL(config.baseUrl).hostname, timeZone: config.timeZone, lang: post.lang, key: post.key, date: post.date });
}
