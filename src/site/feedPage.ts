/**
 * `<feed dir>/index.html`: a feed shown as a page, without XSLT (which
 * browsers are removing). It lists the feed's newest items with their date in
 * the site's time zone, image, categories and translations, and says how to
 * subscribe; its head announces the feed's files, so the page's own address
 * also works in a feed reader. Arabic pages are right to left.
 *
 * Pure and deterministic: a feed document and the config in, HTML out; every
 * value is escaped, summaries are the sanitised HTML the feeds carry.
 */
import { siteTranslator, type SiteConfig } from '../config.js';
import type { FeedDocument, FeedEntry, TranslationLink } from '../feeds/document.js';
import { FEED_FORMATS, FEED_PAGE_FILE } from '../feeds/formats.js';
import { formatDate, languageName, type Translate } from '../i18n/index.js';
import { escapeHtml } from '../text.js';
import { feedLinkTitle, type FeedListing } from './listing.js';
import { addressRow, renderPage } from './page.js';

/** One item: its title linked to the article, its date in the site's time zone, categories, image, summary and translations. */
function itemOf(t: Translate, entry: FeedEntry, index: number, document: FeedDocument, config: SiteConfig): string {
  const id = `item-${index + 1}`;
  const date = `<time datetime="${entry.published.toISOString()}">${escapeHtml(formatDate(entry.published, document.lang, config.timeZone))}</time>`;
  const categories = entry.categories.map((category) => `<a href="${escapeHtml(category.url)}">${escapeHtml(category.label)}</a>`);
  const size = entry.image?.width && entry.image.height ? ` width="${entry.image.width}" height="${entry.image.height}"` : '';
  const image = entry.image ? `<img src="${escapeHtml(entry.image.url)}" alt="${escapeHtml(entry.image.alt)}"${size} loading="lazy" decoding="async">` : '';
  return [
    `<li><article lang="${escapeHtml(entry.lang)}" aria-labelledby="${id}">`,
    `<h3 id="${id}"><a href="${escapeHtml(entry.url)}">${escapeHtml(entry.title || t('page.feed.untitled'))}</a></h3>`,
    `<p class="meta">${[date, ...categories].join(' · ')}</p>`,
    image,
    `<div class="summary">${entry.summaryHtml}</div>`,
    translationsOf(t, entry.translations),
    '</article></li>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function translationsOf(t: Translate, translations: readonly TranslationLink[]): string {
  if (translations.length === 0) return '';
  const links = translations.map(
    (link) => `<a href="${escapeHtml(link.url)}" hreflang="${escapeHtml(link.lang)}" lang="${escapeHtml(link.lang)}" title="${escapeHtml(link.title)}">${escapeHtml(languageName(link.lang, link.lang))}</a>`,
  );
  return `<p class="translations">${escapeHtml(t('content.availableIn'))} ${links.join(` <span aria-hidden="true">·</span> `)}</p>`;
}

/** The document's files as the discovery pages list them. */
export function feedListings(document: FeedDocument): FeedListing[] {
  return FEED_FORMATS.map((format) => ({
    lang: document.lang,
    direction: document.direction,
    scope: document.scope,
    format: format.name,
    mediaType: format.mediaType,
    path: document.basePath + format.fileName,
    url: document.links[format.name],
    title: document.title,
    pagePath: document.basePath + FEED_PAGE_FILE,
  }));
}

/** The complete page of one subscription feed. */
export function renderFeedPage(document: FeedDocument, config: SiteConfig): string {
  const t = siteTranslator(config, document.lang);
  const listings = feedListings(document);
  const toRoot = '../'.repeat(document.basePath.split('/').length - 1);
  const rows = listings.map((listing, index) => addressRow(t, listing, `address-${index + 1}`, listing.path.slice(document.basePath.length)));
  const discovery = listings.map(
    (listing) => `<link rel="alternate" type="${escapeHtml(listing.mediaType)}" hreflang="${escapeHtml(listing.lang)}" title="${escapeHtml(feedLinkTitle(t, listing))}" href="${escapeHtml(listing.url)}">`,
  );
  const items = document.entries.map((entry, index) => itemOf(t, entry, index, document, config));
  const rights = document.rights ? `<p>${escapeHtml(document.rights)}${document.licenseUrl ? ` <a rel="license" href="${escapeHtml(document.licenseUrl)}">${escapeHtml(document.licenseUrl)}</a>` : ''}</p>` : '';
  return renderPage({
    lang: document.lang,
    direction: document.direction,
    title: document.title,
    description: document.description,
    generator: config.generator,
    head: discovery,
    bodyClass: 'feed-page',
    body: [
      '<header>',
      `<p class="badge">${escapeHtml(t('page.feed.badge'))}</p>`,
      `<h1>${escapeHtml(document.title)}</h1>`,
      document.description === '' ? '' : `<p>${escapeHtml(document.description)}</p>`,
      `<p><a href="${escapeHtml(document.homeUrl)}">${escapeHtml(t('page.feed.visitSite'))}</a> <span aria-hidden="true">·</span> <a href="${toRoot}index.html">${escapeHtml(t('page.view.allFeeds'))}</a></p>`,
      '</header>',
      '<main>',
      '<section aria-labelledby="subscribe">',
      `<h2 id="subscribe">${escapeHtml(t('page.feed.subscribe'))}</h2>`,
      `<p>${escapeHtml(t('page.view.intro'))}</p>`,
      `<p>${escapeHtml(t('page.feed.howTo'))}</p>`,
      `<ul class="formats">${rows.join('')}</ul>`,
      `<p class="copy-status" role="status" data-copied="${escapeHtml(t('page.index.copied'))}" data-failed="${escapeHtml(t('page.index.copyFailed'))}"></p>`,
      '</section>',
      `<h2>${escapeHtml(t('page.feed.latest'))}</h2>`,
      items.length === 0 ? `<p>${escapeHtml(t('page.feed.empty'))}</p>` : `<ol class="items">\n${items.join('\n')}\n</ol>`,
      document.archive?.older ? `<p>${escapeHtml(t('page.view.older'))}</p>` : '',
      '</main>',
      rights === '' ? '' : `<footer>${rights}</footer>`,
    ],
  });
}
