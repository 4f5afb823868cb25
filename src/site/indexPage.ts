/**
 * `feeds/index.html`: the page that lists every feed, one section per
 * language (in that language and direction), with subscribe links, the
 * addresses to copy into a reader, and the `<link rel="alternate">` elements
 * a site owner puts in a page's head. The page's own head carries those links
 * too, so browsers and readers discover the feeds from it.
 *
 * Pure and deterministic: listings and config in, HTML out; every value is
 * escaped. The only script is a small progressive enhancement that shows the
 * Copy buttons; without it the addresses are still there to select.
 */
import { directionOf, languagesOf, siteTranslator, type SiteConfig } from '../config.js';
import { FEED_FORMATS } from '../feeds/formats.js';
import { formatDate, languageName, type Translate } from '../i18n/index.js';
import { escapeHtml } from '../text.js';
import { feedLinkTitle, type FeedListing, type FeedScope, type LatestArticle } from './listing.js';
import { addressRow, renderPage } from './page.js';

/** One feed (a language and a scope) in its formats, in FEED_FORMATS order. */
interface FeedEntry {
  readonly scope: FeedScope;
  readonly formats: readonly FeedListing[];
}

interface LanguageFeeds {
  readonly lang: string;
  readonly direction: 'ltr' | 'rtl';
  readonly main: readonly FeedEntry[];
  readonly categories: readonly FeedEntry[];
  readonly tags: readonly FeedEntry[];
  readonly profiles: readonly FeedEntry[];
}

function scopeKey(scope: FeedScope): string {
  switch (scope.kind) {
    case 'main':
      return 'main';
    case 'category':
      return `category\u0000${scope.path.join('\u0000')}`;
    case 'tag':
      return `tag\u0000${scope.tag}`;
    case 'profile':
      return `profile\u0000${scope.name}`;
  }
}

const FORMAT_ORDER: ReadonlyMap<string, number> = new Map(FEED_FORMATS.map((format, index) => [format.name, index]));

/** Parents before their children, siblings in the language's alphabetical order. */
function compareCategoryPaths(a: readonly string[], b: readonly string[], collator: Intl.Collator): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const order = compareText(a[i] ?? '', b[i] ?? '', collator);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareText(a: string, b: string, collator: Intl.Collator): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A language tag as it may appear in an element id. */
function anchorOf(lang: string): string {
  return lang.replace(/[^A-Za-z0-9-]/g, '_');
}

/** Languages in the config's order, then any others a listing names, sorted. */
function orderedLanguages(listings: readonly FeedListing[], config: SiteConfig): string[] {
  const present = new Set(listings.map((listing) => listing.lang));
  const configured = languagesOf(config).filter((lang) => present.has(lang));
  const others = [...present].filter((lang) => !configured.includes(lang)).sort();
  return [...configured, ...others];
}

function groupByLanguage(listings: readonly FeedListing[], config: SiteConfig): LanguageFeeds[] {
  return orderedLanguages(listings, config).map((lang) => {
    const collator = new Intl.Collator(lang);
    const entries = new Map<string, FeedListing[]>();
    for (const listing of listings) {
      if (listing.lang !== lang) continue;
      const key = scopeKey(listing.scope);
      const formats = entries.get(key) ?? [];
      formats.push(listing);
      entries.set(key, formats);
    }
    const feeds: FeedEntry[] = [...entries.values()].map((formats) => {
      const sorted = [...formats].sort((a, b) => (FORMAT_ORDER.get(a.format) ?? 99) - (FORMAT_ORDER.get(b.format) ?? 99) || compareText(a.path, b.path, collator));
      return { scope: sorted[0]?.scope ?? { kind: 'main' }, formats: sorted };
    });
    const categoryPath = (entry: FeedEntry): readonly string[] => (entry.scope.kind === 'category' ? entry.scope.path : []);
    const tagName = (entry: FeedEntry): string => (entry.scope.kind === 'tag' ? entry.scope.tag : '');
    return {
      lang,
      direction: directionOf(config, lang),
      main: feeds.filter((entry) => entry.scope.kind === 'main'),
      categories: feeds.filter((entry) => entry.scope.kind === 'category').sort((a, b) => compareCategoryPaths(categoryPath(a), categoryPath(b), collator)),
      tags: feeds.filter((entry) => entry.scope.kind === 'tag').sort((a, b) => compareText(tagName(a), tagName(b), collator)),
      profiles: feeds.filter((entry) => entry.scope.kind === 'profile'),
    };
  });
}

/** The feed's name in a list: its title for the main feed, the category path or the tag otherwise. */
function feedName(entry: FeedEntry): string {
  switch (entry.scope.kind) {
    case 'main':
      return entry.formats[0]?.title ?? '';
    case 'category':
      return entry.scope.path.join(' / ');
    case 'tag':
      return entry.scope.tag;
    case 'profile':
      return entry.formats[0]?.title ?? entry.scope.name;
  }
}

/**
 * `<link rel="alternate">` for one feed file, what a page's head carries for
 * auto-discovery, as HTML source in three pieces: the title attribute's value
 * apart, so that the page can isolate it when it shows the element as text.
 */
function alternateLink(t: Translate, listing: FeedListing): { readonly before: string; readonly title: string; readonly after: string } {
  return {
    before: `<link rel="alternate" type="${escapeHtml(listing.mediaType)}" hreflang="${escapeHtml(listing.lang)}" title="`,
    title: escapeHtml(feedLinkTitle(t, listing)),
    after: `" href="${escapeHtml(listing.url)}">`,
  };
}

/** The element itself, for the page's head. */
function alternateLinkElement(t: Translate, listing: FeedListing): string {
  const { before, title, after } = alternateLink(t, listing);
  return `${before}${title}${after}`;
}

/** The element shown as code; the title in <bdi>, so an Arabic title does not reorder the markup around it. */
function alternateLinkAsText(t: Translate, listing: FeedListing): string {
  const { before, title, after } = alternateLink(t, listing);
  return `${escapeHtml(before)}<bdi>${escapeHtml(title)}</bdi>${escapeHtml(after)}`;
}

/** Escaped text in which element names such as `<head>` are set as left-to-right code. */
function withCode(text: string): string {
  return escapeHtml(text).replace(/&lt;([a-z][a-z0-9]*)&gt;/g, '<code dir="ltr">&lt;$1&gt;</code>');
}

/** Ids must be unique and stable: the section's language, the feed's number in it, the row's. */
function idFor(lang: string, index: number, row: number): string {
  return `feed-${anchorOf(lang)}-${index}-${row + 1}`;
}

function renderEntry(t: Translate, lang: string, entry: FeedEntry, index: number): string {
  const depth = entry.scope.kind === 'category' ? Math.min(entry.scope.path.length, 4) : 1;
  const page = entry.formats[0]?.pagePath;
  const name = page === undefined ? escapeHtml(feedName(entry)) : `<a href="${escapeHtml(page)}">${escapeHtml(feedName(entry))}</a>`;
  const rows = entry.formats.map((listing, row) => addressRow(t, listing, idFor(lang, index, row), listing.path));
  return `<li class="feed depth-${depth}"><h4>${name}</h4><ul class="formats">${rows.join('')}</ul></li>`;
}

/** The newest articles of a language, linked to their pages on the site, dated in the site's time zone. */
function renderLatest(t: Translate, lang: string, articles: readonly LatestArticle[], config: SiteConfig): string {
  if (articles.length === 0) return '';
  const items = articles.map(
    (article) => `<li><a href="${escapeHtml(article.url)}">${escapeHtml(article.title)}</a> <span class="meta"><time datetime="${article.published.toISOString()}">${escapeHtml(formatDate(article.published, lang, config.timeZone))}</time></span></li>`,
  );
  return `<h3>${escapeHtml(t('page.index.latest'))}</h3>\n<ul class="latest">\n${items.join('\n')}\n</ul>`;
}

function renderGroup(t: Translate, lang: string, heading: string, entries: readonly FeedEntry[], counter: { next: number }): string {
  if (entries.length === 0) return '';
  const items = entries.map((entry) => renderEntry(t, lang, entry, (counter.next += 1)));
  return `<h3>${escapeHtml(heading)}</h3>\n<ul class="feeds">\n${items.join('\n')}\n</ul>`;
}

function renderLanguage(feeds: LanguageFeeds, config: SiteConfig, latest: readonly LatestArticle[]): string {
  const t = siteTranslator(config, feeds.lang);
  const site = config.languages[feeds.lang]?.siteName ?? feeds.lang;
  const counter = { next: 0 };
  const sectionId = `feeds-${anchorOf(feeds.lang)}`;
  const snippet = feeds.main.flatMap((entry) => entry.formats.map((listing) => alternateLinkAsText(t, listing))).join('\n');
  return [
    `<section id="${sectionId}" lang="${escapeHtml(feeds.lang)}" dir="${feeds.direction}" aria-labelledby="${sectionId}-title">`,
    `<h2 id="${sectionId}-title">${escapeHtml(t('page.index.title', { site }))}</h2>`,
    `<p>${escapeHtml(t('page.index.intro'))}</p>`,
    renderLatest(t, feeds.lang, latest, config),
    renderGroup(t, feeds.lang, t('page.index.main'), feeds.main, counter),
    renderGroup(t, feeds.lang, t('page.index.categories'), feeds.categories, counter),
    renderGroup(t, feeds.lang, t('page.index.tags'), feeds.tags, counter),
    renderGroup(t, feeds.lang, t('page.index.profiles'), feeds.profiles, counter),
    snippet === ''
      ? ''
      : [
          `<h3>${escapeHtml(t('page.index.owners'))}</h3>`,
          `<p>${withCode(t('page.index.ownersIntro'))}</p>`,
          `<pre class="snippet" dir="ltr"><code>${snippet}</code></pre>`,
        ].join('\n'),
    `<p class="copy-status" role="status" data-copied="${escapeHtml(t('page.index.copied'))}" data-failed="${escapeHtml(t('page.index.copyFailed'))}"></p>`,
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}



/**
 * The complete `feeds/index.html`, with each language's newest articles
 * (`latest`, newest first). Links to feed files are relative, so the page
 * works wherever the output is served; the addresses to copy are public.
 */
export function renderIndexPage(listings: readonly FeedListing[], config: SiteConfig, latest: ReadonlyMap<string, readonly LatestArticle[]> = new Map()): string {
  const languages = groupByLanguage(listings, config);
  const pageLang = languages[0]?.lang ?? languagesOf(config)[0] ?? 'en';
  const pageDirection = languages[0]?.direction ?? directionOf(config, pageLang);
  const titles = languages.map((feeds) => siteTranslator(config, feeds.lang)('page.index.title', { site: config.languages[feeds.lang]?.siteName ?? feeds.lang }));
  const discovery = languages.flatMap((feeds) => feeds.main.flatMap((entry) => entry.formats.map((listing) => alternateLinkElement(siteTranslator(config, feeds.lang), listing))));
  const headings = languages.map((feeds) => `<span lang="${escapeHtml(feeds.lang)}" dir="${feeds.direction}">${escapeHtml(siteTranslator(config, feeds.lang)('page.index.heading'))}</span>`);
  const navigation = languages.map(
    (feeds) => `<li><a href="#feeds-${anchorOf(feeds.lang)}" lang="${escapeHtml(feeds.lang)}" dir="${feeds.direction}">${escapeHtml(languageName(feeds.lang))}</a></li>`,
  );
  return renderPage({
    lang: pageLang,
    direction: pageDirection,
    title: titles.join(' · '),
    generator: config.generator,
    head: discovery,
    body: [
      '<header>',
      `<h1>${headings.join(' <span aria-hidden="true">·</span> ')}</h1>`,
      languages.length > 1 ? `<nav class="languages"><ul>${navigation.join('')}</ul></nav>` : '',
      '</header>',
      '<main>',
      ...languages.map((feeds) => renderLanguage(feeds, config, latest.get(feeds.lang) ?? [])),
      '</main>',
    ],
  });
}
