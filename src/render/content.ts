import { directionOf, siteTranslator, type SiteConfig } from '../config.js';
import { formatDate, languageName } from '../i18n/index.js';
import type { Signatory } from '../model.js';
import { escapeHtml } from '../text.js';

/** Another language's version of the article, as the "Available in" line links it. */
export interface LinkedVersion {
  readonly lang: string;
  readonly url: string;
}

/** A related article, as the "Related articles" list shows it. */
export interface LinkedArticle {
  readonly lang: string;
  readonly url: string;
  readonly title: string;
  readonly date: Date;
}

/** What goes around a post's rendered body in a full-content feed item. */
export interface ContentParts {
  /** The post's language: the wrapper's `lang` and `dir`, and the language of every line it adds. */
  readonly lang: string;
  /** The body as safe HTML. */
  readonly bodyHtml: string;
  readonly readingMinutes: number;
  readonly translations: readonly LinkedVersion[];
  /** The organisations that sign a joint statement, listed after the body. */
  readonly signatories?: readonly Signatory[];
  readonly related: readonly LinkedArticle[];
}

/**
 * The article as a reader sees it on the organisation's pages: reading time
 * and the "Available in" line first, the body, the signatories of a joint
 * statement, then "Related articles", wrapped in the post's language and direction.
 */
export function contentHtml({ lang, bodyHtml, readingMinutes, translations, signatories = [], related }: ContentParts, config: SiteConfig): string {
  const t = siteTranslator(config, lang);
  const direction = directionOf(config, lang);
  const meta = [escapeHtml(t('content.readingTime', { count: readingMinutes }))];
  if (config.feeds.translationLine && translations.length > 0) {
    const links = translations.map((link) => `<a href="${escapeHtml(link.url)}" hreflang="${link.lang}" lang="${link.lang}" dir="${directionOf(config, link.lang)}">${escapeHtml(languageName(link.lang))}</a>`);
    meta.push(`${escapeHtml(t('content.availableIn'))} ${links.join(' / ')}`);
  }
  const parts = [`<p>${meta.join(' · ')}</p>`, bodyHtml];
  if (config.feeds.signatoriesInContent && signatories.length > 0) parts.push(signatoriesSection(signatories, t('content.signatories')));
  if (config.feeds.relatedInContent && related.length > 0) {
    const items = related.map((item) => {
      const foreign = item.lang !== lang;
      const attributes = foreign ? ` hreflang="${item.lang}" lang="${item.lang}" dir="${directionOf(config, item.lang)}"` : '';
      const note = foreign ? ` ${escapeHtml(t('content.inLanguage', { language: languageName(item.lang, lang) }))}` : '';
      const date = escapeHtml(formatDate(item.date, lang, config.timeZone));
      return `<li><a href="${escapeHtml(item.url)}"${attributes}>${escapeHtml(item.title)}</a>${note} · ${date}</li>`;
    });
    parts.push(`<section><h2>${escapeHtml(t('content.related'))}</h2><ul>${items.join('')}</ul></section>`);
  }
  return `<div lang="${lang}" dir="${direction}">${parts.join('\n')}</div>`;
}

/** The signatories as a list under their heading; an organisation with a URL links to it. */
function signatoriesSection(signatories: readonly Signatory[], heading: string): string {
  const items = signatories.map(({ name, url }) => `<li>${url ? `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>` : escapeHtml(name)}</li>`);
  return `<section><h2>${escapeHtml(heading)}</h2><ul>${items.join('')}</ul></section>`;
}
