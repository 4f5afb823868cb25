import type { SiteConfig } from '../config.js';

/**
 * What of the config a post's load record is made from: where its URL goes,
 * how its dates and file name are read, its limits and its summary's length.
 * The load cache is keyed on these alone (see `cacheKey`), not on the whole
 * config: a site name, a rights statement, a language's strings, a feed's
 * settings, the schedule or a partner profile changed in the config keep
 * every record, where each such change loaded every post again (a cold
 * build's load, about half of its 20 s at 5,000 articles).
 *
 * The load stage takes this type, not the config, so that a setting read
 * there does not compile until it is named here, and so reaches the key.
 */
export interface LoadSettings {
  readonly baseUrl: SiteConfig['baseUrl'];
  readonly timeZone: SiteConfig['timeZone'];
  readonly publishFuture: SiteConfig['publishFuture'];
  readonly categorySlugs: SiteConfig['categorySlugs'];
  readonly limits: SiteConfig['limits'];
  readonly content: SiteConfig['content'];
  readonly languages: Readonly<Record<string, Pick<SiteConfig['languages'][string], 'urlPattern'>>>;
  readonly feeds: Pick<SiteConfig['feeds'], 'summaryLength' | 'urlIdsBefore'>;
}

/** The load settings of `config`, and nothing else of it: what the load cache's key is made from. */
export function loadSettingsOf(config: SiteConfig): LoadSettings {
  const { urlIdsBefore } = config.feeds;
  return {
    baseUrl: config.baseUrl,
    timeZone: config.timeZone,
    publishFuture: config.publishFuture,
    categorySlugs: config.categorySlugs,
    limits: config.limits,
    content: config.content,
    languages: Object.fromEntries(Object.entries(config.languages).map(([lang, settings]) => [lang, { urlPattern: settings.urlPattern }])),
    feeds: { summaryLength: config.feeds.summaryLength, ...(urlIdsBefore === undefined ? {} : { urlIdsBefore }) },
  };
}
