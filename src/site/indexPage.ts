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
import { languageName, type Translate } from '../i18n/index.js';
import { escapeHtml } from '../text.js';
import { feedLinkTitle, formatLabel, type FeedListing, type FeedScope } from './listing.js';

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
  const name = feedName(entry);
  const rows = entry.formats.map((listing, row) => {
    const id = idFor(lang, index, row);
    const label = formatLabel(t, listing);
    const address = t('page.index.address', { format: label, feed: listing.title });
    return [
      '<li>',
      `<a class="format" href="${escapeHtml(listing.url)}" type="${escapeHtml(listing.mediaType)}" hreflang="${escapeHtml(listing.lang)}">${escapeHtml(label)}</a>`,
      `<input id="${id}" class="address" type="url" dir="ltr" readonly value="${escapeHtml(listing.url)}" aria-label="${escapeHtml(address)}">`,
      `<button type="button" class="copy" data-copy="${id}" aria-describedby="${id}" hidden>${escapeHtml(t('page.index.copy'))}</button>`,
      '</li>',
    ].join('');
  });
  return `<li class="feed depth-${depth}"><h4>${escapeHtml(name)}</h4><ul class="formats">${rows.join('')}</ul></li>`;
}

function renderGroup(t: Translate, lang: string, heading: string, entries: readonly FeedEntry[], counter: { next: number }): string {
  if (entries.length === 0) return '';
  const items = entries.map((entry) => renderEntry(t, lang, entry, (counter.next += 1)));
  return `<h3>${escapeHtml(heading)}</h3>\n<ul class="feeds">\n${items.join('\n')}\n</ul>`;
}

function renderLanguage(feeds: LanguageFeeds, config: SiteConfig): string {
  const t = siteTranslator(config, feeds.lang);
  const site = config.languages[feeds.lang]?.siteName ?? feeds.lang;
  const counter = { next: 0 };
  const sectionId = `feeds-${anchorOf(feeds.lang)}`;
  const snippet = feeds.main.flatMap((entry) => entry.formats.map((listing) => alternateLinkAsText(t, listing))).join('\n');
  return [
    `<section id="${sectionId}" lang="${escapeHtml(feeds.lang)}" dir="${feeds.direction}" aria-labelledby="${sectionId}-title">`,
    `<h2 id="${sectionId}-title">${escapeHtml(t('page.index.title', { site }))}</h2>`,
    `<p>${escapeHtml(t('page.index.intro'))}</p>`,
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

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1b1b1b; font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif; }
header, main { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 0.5rem; }
h2 { font-size: 1.5rem; margin: 0 0 0.5rem; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1rem; margin: 0 0 0.35rem; }
a { color: #0b50c0; }
a:visited { color: #5b2d9c; }
:focus-visible { outline: 3px solid #0b50c0; outline-offset: 2px; }
.languages ul { display: flex; gap: 1rem; list-style: none; margin: 0 0 1rem; padding: 0; }
section { margin: 1.5rem 0 2.5rem; padding: 1.25rem 1.5rem; border: 1px solid #c5d3e8; border-radius: 0.6rem; background: #fbfcfe; }
.feeds { list-style: none; margin: 0; padding: 0; }
.feed { margin: 0 0 1rem; padding: 0.75rem 1rem; border: 1px solid #dde3ec; border-radius: 0.4rem; background: #ffffff; }
.depth-2 { margin-inline-start: 1.5rem; }
.depth-3 { margin-inline-start: 3rem; }
.depth-4 { margin-inline-start: 4.5rem; }
.formats { list-style: none; margin: 0; padding: 0; }
.formats li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.3rem 0; }
.format { flex: 0 0 6.5rem; font-weight: 600; }
.address { flex: 1 1 18rem; min-width: 0; padding: 0.3rem 0.5rem; border: 1px solid #8a9bb5; border-radius: 0.3rem; background: #f6f8fb; color: #1b1b1b; font: 0.9rem ui-monospace, "DejaVu Sans Mono", monospace; }
.copy { padding: 0.3rem 0.9rem; border: 1px solid #0b50c0; border-radius: 0.3rem; background: #0b50c0; color: #ffffff; font: inherit; font-size: 0.9rem; cursor: pointer; }
.copy:hover { background: #083d93; }
.snippet { margin: 0; padding: 0.75rem 1rem; border: 1px solid #c5d3e8; border-radius: 0.4rem; background: #f6f8fb; white-space: pre-wrap; overflow-wrap: anywhere; font: 0.85rem/1.5 ui-monospace, "DejaVu Sans Mono", monospace; text-align: left; }
p code { padding: 0 0.2em; border-radius: 0.2em; background: #eef2f8; font: 0.92em ui-monospace, "DejaVu Sans Mono", monospace; }
.copy-status { min-height: 1.5em; margin: 0.5rem 0 0; color: #1f5f2a; font-weight: 600; }
`;

/**
 * Shows the Copy buttons (they are hidden without a script) and copies the
 * address next to each one, announcing the result in the section's language.
 */
const SCRIPT = `
for (const button of document.querySelectorAll('button[data-copy]')) {
  const input = document.getElementById(button.dataset.copy);
  const status = button.closest('section')?.querySelector('.copy-status');
  if (!input || !status) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    input.focus();
    input.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      copied = document.execCommand('copy');
    }
    status.textContent = copied ? status.dataset.copied : status.dataset.failed;
  });
}
`;

/** The complete `feeds/index.html`. */
export function renderIndexPage(listings: readonly FeedListing[], config: SiteConfig): string {
  const languages = groupByLanguage(listings, config);
  const pageLang = languages[0]?.lang ?? languagesOf(config)[0] ?? 'en';
  const pageDirection = languages[0]?.direction ?? directionOf(config, pageLang);
  const titles = languages.map((feeds) => siteTranslator(config, feeds.lang)('page.index.title', { site: config.languages[feeds.lang]?.siteName ?? feeds.lang }));
  const discovery = languages.flatMap((feeds) => feeds.main.flatMap((entry) => entry.formats.map((listing) => alternateLinkElement(siteTranslator(config, feeds.lang), listing))));
  const headings = languages.map((feeds) => `<span lang="${escapeHtml(feeds.lang)}" dir="${feeds.direction}">${escapeHtml(siteTranslator(config, feeds.lang)('page.index.heading'))}</span>`);
  const navigation = languages.map(
    (feeds) => `<li><a href="#feeds-${anchorOf(feeds.lang)}" lang="${escapeHtml(feeds.lang)}" dir="${feeds.direction}">${escapeHtml(languageName(feeds.lang))}</a></li>`,
  );
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(pageLang)}" dir="${pageDirection}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(titles.join(' · '))}</title>`,
    `<meta name="generator" content="${escapeHtml(config.generator)}">`,
    '<link rel="icon" href="data:,">',
    ...discovery,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>${headings.join(' <span aria-hidden="true">·</span> ')}</h1>`,
    languages.length > 1 ? `<nav class="languages"><ul>${navigation.join('')}</ul></nav>` : '',
    '</header>',
    '<main>',
    ...languages.map((feeds) => renderLanguage(feeds, config)),
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
