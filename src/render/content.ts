import { directionOf, siteTranslator, type SiteConfig } from '../config.js';
import { formatDate, languageName, type Translate } from '../i18n/index.js';
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

/** The lead image, shown above the body where the content carries it. */
export interface LeadImage {
  readonly url: string;
  readonly alt: string;
}

/** Which additions go around the body: each has its own switch. */
export interface ContentSwitches {
  /** "3-minute read" at the top. */
  readonly readingTime: boolean;
  /** "Available in: العربية" at the top. */
  readonly translationLine: boolean;
  /** The signatories of a joint statement, listed after the body. */
  readonly signatories: boolean;
  /** "Related articles" at the end. */
  readonly related: boolean;
  /** The authors ("By …") above the body. */
  readonly byline: boolean;
  /** The lead image, with its alt text, above the body. */
  readonly leadImage: boolean;
}

/** The additions a site's feeds carry, as `feeds` sets them. */
export function feedContentSwitches(config: SiteConfig): ContentSwitches {
  const { readingTime, translationLine, signatoriesInContent, relatedInContent } = config.feeds;
  return { readingTime, translationLine, signatories: signatoriesInContent, related: relatedInContent, byline: false, leadImage: false };
}

/** What a partner republishes: the article alone, with its byline, lead image and signatories (a joint statement's are part of it). */
export const ARTICLE_ONLY: ContentSwitches = { readingTime: false, translationLine: false, signatories: true, related: false, byline: true, leadImage: true };

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
  readonly authors?: readonly string[];
  readonly leadImage?: LeadImage;
}

/**
 * The article as a reader sees it on the organisation's pages: reading time
 * and the "Available in" line first, the body, the signatories of a joint
 * statement, then "Related articles", wrapped in the post's language and direction. Each addition is switched on
 * or off on its own (`switches`, by default the config's `feeds` settings).
 */
export function contentHtml(parts: ContentParts, config: SiteConfig, switches: ContentSwitches = feedContentSwitches(config)): string {
  const { lang, bodyHtml } = parts;
  const t = siteTranslator(config, lang);
  const meta = metaLine(parts, switches, config, t);
  const html = [
    ...(meta ? [`<p>${meta}</p>`] : []),
    ...(switches.byline && parts.authors && parts.authors.length > 0 ? [`<p>${escapeHtml(t('content.byline', { authors: listOf(parts.authors, lang) }))}</p>`] : []),
    ...(switches.leadImage && parts.leadImage ? [`<figure><img src="${escapeHtml(parts.leadImage.url)}" alt="${escapeHtml(parts.leadImage.alt)}"></figure>`] : []),
    bodyHtml,
    ...(switches.signatories && parts.signatories && parts.signatories.length > 0 ? [signatoriesSection(parts.signatories, t('content.signatories'))] : []),
    ...(switches.related && parts.related.length > 0 ? [relatedSection(parts, config, t)] : []),
  ];
  return `<div lang="${lang}" dir="${directionOf(config, lang)}">${html.join('\n')}</div>`;
}

/** Reading time and the "Available in" line, as switched on; empty when neither is. */
function metaLine({ readingMinutes, translations }: ContentParts, switches: ContentSwitches, config: SiteConfig, t: Translate): string {
  const meta: string[] = [];
  if (switches.readingTime) meta.push(escapeHtml(t('content.readingTime', { count: readingMinutes })));
  if (switches.translationLine && translations.length > 0) {
    const links = translations.map((link) => `<a href="${escapeHtml(link.url)}" hreflang="${link.lang}" lang="${link.lang}" dir="${directionOf(config, link.lang)}">${escapeHtml(languageName(link.lang))}</a>`);
    meta.push(`${escapeHtml(t('content.availableIn'))} ${links.join(' / ')}`);
  }
  return meta.join(' · ');
}

function relatedSection({ lang, related }: ContentParts, config: SiteConfig, t: Translate): string {
  const items = related.map((item) => {
    const foreign = item.lang !== lang;
    const attributes = foreign ? ` hreflang="${item.lang}" lang="${item.lang}" dir="${directionOf(config, item.lang)}"` : '';
    const note = foreign ? ` ${escapeHtml(t('content.inLanguage', { language: languageName(item.lang, lang) }))}` : '';
    const date = escapeHtml(formatDate(item.date, lang, config.timeZone));
    return `<li><a href="${escapeHtml(item.url)}"${attributes}>${escapeHtml(item.title)}</a>${note} · ${date}</li>`;
  });
  return `<section><h2>${escapeHtml(t('content.related'))}</h2><ul>${items.join('')}</ul></section>`;
}

/** The signatories as a list under their heading; an organisation with a URL links to it. */
function signatoriesSection(signatories: readonly Signatory[], heading: string): string {
  const items = signatories.map(({ name, url }) => `<li>${url ? `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>` : escapeHtml(name)}</li>`);
  return `<section><h2>${escapeHtml(heading)}</h2><ul>${items.join('')}</ul></section>`;
}

/** "A, B and C" in the language's own way. */
function listOf(names: readonly string[], lang: string): string {
  return new Intl.ListFormat(lang, { type: 'conjunction' }).format(names);
}
