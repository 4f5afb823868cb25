import { siteTranslator, type SiteConfig } from '../config.js';
import { languageName } from '../i18n/index.js';
import { escapeHtml } from '../text.js';
import { languageHomeUrl } from '../urls.js';
import { feedLinkTitle, type FeedListing } from './listing.js';

/**
 * OPML 2.0's outline `version`: "RSS" stands for RSS 0.91 to 2.0, and the
 * specification knows no value for Atom or JSON Feed, so those outlines carry none.
 */
const VERSION: Partial<Record<FeedListing['format'], string>> = { rss: 'RSS' };

/**
 * OPML 2.0 subscription list of every feed (archive pages excepted), grouped
 * by language, so a monitoring team imports all of them at once.
 */
export function renderOpml(listings: readonly FeedListing[], config: SiteConfig): string {
  const languages = [...new Set(listings.map((listing) => listing.lang))];
  const attribute = (name: string, value: string) => ` ${name}="${escapeHtml(value)}"`;
  const version = (format: FeedListing['format']) => (VERSION[format] === undefined ? '' : attribute('version', VERSION[format]));
  const groups = languages.map((lang) => {
    const t = siteTranslator(config, lang);
    const home = languageHomeUrl(config, lang);
    const outlines = listings
      .filter((listing) => listing.lang === lang)
      .map((listing) => {
        const label = feedLinkTitle(t, listing);
        return `      <outline${attribute('type', 'rss')}${attribute('text', label)}${attribute('title', label)}${attribute('xmlUrl', listing.url)}${attribute('htmlUrl', home)}${attribute('language', lang)}${version(listing.format)}/>`;
      });
    // A folder: OPML 2.0 gives an outline without a type only its text.
    return `    <outline${attribute('text', languageName(lang))}>\n${outlines.join('\n')}\n    </outline>`;
  });
  const title = Object.values(config.languages)
    .map((settings) => settings.siteName)
    .join(' / ');
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${escapeHtml(title)}</title>
    <ownerName>${escapeHtml(title)}</ownerName>
    <docs>http://opml.org/spec2.opml</docs>
  </head>
  <body>
${groups.join('\n')}
  </body>
</opml>
`;
}
