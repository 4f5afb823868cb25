import { siteTranslator, type SiteConfig } from '../config.js';
import { languageName } from '../i18n/index.js';
import { formatNamed } from '../feeds/formats.js';
import { escapeHtml } from '../text.js';
import { languageHomeUrl } from '../urls.js';
import { feedLinkTitle, type FeedListing } from './listing.js';

/**
 * OPML 2.0 subscription list of every feed (archive pages excepted), grouped
 * by language, so a monitoring team imports all of them at once.
 */
export function renderOpml(listings: readonly FeedListing[], config: SiteConfig): string {
  const languages = [...new Set(listings.map((listing) => listing.lang))];
  const attribute = (name: string, value: string) => ` ${name}="${escapeHtml(value)}"`;
  // OPML 2.0 knows a `version` for RSS only ("RSS" stands for 0.91 to 2.0); Atom and JSON Feed outlines carry none.
  const version = (format: FeedListing['format']) => {
    const opmlVersion = formatNamed(format).opmlVersion;
    return opmlVersion === undefined ? '' : attribute('version', opmlVersion);
  };
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
