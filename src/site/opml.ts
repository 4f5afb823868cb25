import { siteTranslator, type SiteConfig } from '../config.js';
import { languageName } from '../i18n/index.js';
import { escapeHtml } from '../text.js';
import { languageHomeUrl } from '../urls.js';
import { feedLinkTitle, type FeedListing } from './listing.js';

const VERSION: Record<FeedListing['format'], string> = { rss: 'RSS2', atom: 'ATOM', json: 'JSONFEED1.1' };

/**
 * OPML 2.0 subscription list of every feed (archive pages excepted), grouped
 * by language, so a monitoring team imports all of them at once.
 */
export function renderOpml(listings: readonly FeedListing[], config: SiteConfig): string {
  const languages = [...new Set(listings.map((listing) => listing.lang))];
  const attribute = (name: string, value: string) => ` ${name}="${escapeHtml(value)}"`;
  const groups = languages.map((lang) => {
    const t = siteTranslator(config, lang);
    const home = languageHomeUrl(config, lang);
    const outlines = listings
      .filter((listing) => listing.lang === lang)
      .map((listing) => {
        const label = feedLinkTitle(t, listing);
        return `      <outline${attribute('type', 'rss')}${attribute('text', label)}${attribute('title', label)}${attribute('xmlUrl', listing.url)}${attribute('htmlUrl', home)}${attribute('language', lang)}${attribute('version', VERSION[listing.format])}/>`;
      });
    return `    <outline${attribute('text', languageName(lang))}${attribute('title', languageName(lang))}${attribute('language', lang)}>\n${outlines.join('\n')}\n    </outline>`;
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
