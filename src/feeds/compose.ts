import { directionOf, siteTranslator, type SiteConfig } from '../config.js';
import { formatDate, languageName } from '../i18n/index.js';
import { lastModified, type Post } from '../model.js';
import { readingMinutes } from '../render/article.js';
import { isWebUrl } from '../load/frontMatter.js';
import {
  articleKey,
  explainRelated,
  groupArticles,
  relateArticles,
  versionFor,
  type Article,
  type ExplainedRelation,
  type Relation,
  type RelateOptions,
} from '../relate/related.js';
import type { TermIndex } from '../relate/terms.js';
import { escapeHtml } from '../text.js';
import { absoluteUrl, languageHomeUrl, outputUrl } from '../urls.js';
import type { FeedCategory, FeedDocument, FeedEntry, FeedLinks, FeedImage, RelatedItem, TranslationLink } from './document.js';
import { feedLinks, STYLESHEET_FILE } from './formats.js';
import type { FeedPlan } from './plan.js';
import { resolvePins } from '../relate/pins.js';

/** Renders bodies; the pipeline passes a memoised one so no body is rendered twice. Summaries come with the posts. */
export interface Renderer {
  /** Safe HTML of the whole body: only for items that carry full content. */
  body(post: Post): string;
}

/**
 * The feed documents of the plans (see `plan.ts`), composed one at a time as
 * they are consumed, so only one document's entries are in memory at once.
 * Bodies are rendered only for the documents that carry full content.
 */
export function* composeFeeds(plans: readonly FeedPlan[], config: SiteConfig, render: Renderer, relatedness: Relatedness): Generator<FeedDocument> {
  const unrelated: Relatedness = { articleByKey: relatedness.articleByKey, relations: new Map() };
  for (const plan of plans) {
    // An archive page must not change once written (RFC 5005), and related lists are ranked anew as the
    // archive grows: they stay in the subscription feeds and related.json, out of archive pages.
    const related = plan.archive?.role === 'page' ? unrelated : relatedness;
    yield composeDocument(plan, plan.posts.map((post) => composeEntry(post, related, plan.fullContent, config, render)), config);
  }
}

function linksOf(config: SiteConfig, basePath: string): FeedLinks {
  return feedLinks((fileName) => outputUrl(config, basePath + fileName));
}

function scopeTitle(plan: FeedPlan, site: string, config: SiteConfig): { title: string; description: string } {
  const t = siteTranslator(config, plan.lang);
  switch (plan.scope.kind) {
    case 'main':
      return { title: t('feed.title', { site }), description: t('feed.description', { site }) };
    case 'category': {
      const category = plan.scope.path.join(' › ');
      return { title: t('feed.categoryTitle', { site, category }), description: t('feed.categoryDescription', { site, category }) };
    }
    case 'tag':
      return { title: t('feed.tagTitle', { site, tag: plan.scope.tag }), description: t('feed.tagDescription', { site, tag: plan.scope.tag }) };
  }
}

function composeDocument(plan: FeedPlan, entries: FeedEntry[], config: SiteConfig): FeedDocument {
  const { lang, archive } = plan;
  const settings = config.languages[lang];
  const site = settings?.siteName ?? config.baseUrl;
  // An empty feed is dated at the epoch; a feed of posts from before 1970 by its newest one all the same.
  const newest = entries.length === 0 ? 0 : Math.max(...entries.map((entry) => entry.updated.getTime()));
  const depth = plan.basePath.split('/').length - 1;
  return {
    lang,
    scope: plan.scope,
    basePath: plan.basePath,
    direction: directionOf(config, lang),
    ...scopeTitle(plan, site, config),
    homeUrl: languageHomeUrl(config, lang),
    publisher: { name: site, url: languageHomeUrl(config, lang) },
    links: linksOf(config, plan.basePath),
    complete: plan.complete,
    ...(archive
      ? {
          archive: {
            role: archive.role,
            current: linksOf(config, archive.current),
            ...(archive.older ? { older: linksOf(config, archive.older) } : {}),
            ...(archive.newer ? { newer: linksOf(config, archive.newer) } : {}),
          },
        }
      : {}),
    stylesheet: `${'../'.repeat(depth)}${STYLESHEET_FILE}`,
    rights: settings?.rights,
    licenseUrl: config.licenseUrl,
    generator: config.generator,
    hub: config.websub?.hub,
    updated: new Date(newest),
    entries,
  };
}

function composeEntry(post: Post, relatedness: Relatedness, withContent: boolean, config: SiteConfig, render: Renderer): FeedEntry {
  const article = relatedness.articleByKey.get(articleKey(post));
  const translations = article ? [...article.versions.values()].filter((other) => other.lang !== post.lang).sort((a, b) => (a.lang < b.lang ? -1 : 1)) : [];
  const related = relatedItems(relatedness, post);
  const translationLinks: TranslationLink[] = translations.map((other) => ({ lang: other.lang, id: other.id, url: other.url, title: other.title }));
  const minutes = readingMinutes(post.wordCount);
  return {
    id: post.id,
    url: post.url,
    title: post.title,
    lang: post.lang,
    summaryHtml: inItsLanguage(post.summaryHtml, post.lang, config),
    summaryText: post.summaryText,
    contentHtml: withContent ? contentHtml(post, render.body(post), translationLinks, related, minutes, config) : undefined,
    published: post.date,
    updated: lastModified(post),
    categories: post.categories.map((path) => ({
      term: path.join('/'),
      label: path[path.length - 1] ?? path.join('/'),
      scheme: absoluteUrl(config, `/${post.lang}/categories/`),
    })),
    tags: post.tags.map((tag): FeedCategory => ({ term: tag, label: tag, scheme: absoluteUrl(config, `/${post.lang}/tags/`) })),
    authors: post.authors,
    image: post.image ? feedImage(post) : undefined,
    translations: translationLinks,
    related: related.map((item) => ({ ...item, summaryHtml: inItsLanguage(item.summaryHtml, item.lang, config) })),
    readingMinutes: minutes,
    canonical: post.canonical,
  };
}

/** Related articles of every live article, computed once per build and shared by every output. */
export interface Relatedness {
  readonly articleByKey: ReadonlyMap<string, Article>;
  readonly relations: ReadonlyMap<string, readonly Relation[]>;
}

export function relateLivePosts(livePosts: readonly Post[], config: SiteConfig, terms: TermIndex): Relatedness {
  const articles = groupArticles(livePosts);
  const relations = relateArticles(articles, config.feeds.relatedCount, relateOptions(livePosts, config, terms));
  return { articleByKey: new Map(articles.map((article) => [article.key, article])), relations };
}

/** One live post's related list, as `relateLivePosts` ranks it, with the reasons: for `nashra related`. */
export function explainLivePost(livePosts: readonly Post[], config: SiteConfig, terms: TermIndex, post: Post): ExplainedRelation[] {
  return explainRelated(groupArticles(livePosts), articleKey(post), config.feeds.relatedCount, relateOptions(livePosts, config, terms)) ?? [];
}

function relateOptions(livePosts: readonly Post[], config: SiteConfig, terms: TermIndex): RelateOptions {
  return { terms, halfLifeDays: config.related.halfLifeDays, pins: resolvePins(livePosts).pins };
}

/** A post's related articles, each in the post's language where a version exists. */
export function relatedItems(relatedness: Relatedness, post: Post): RelatedItem[] {
  return (relatedness.relations.get(articleKey(post)) ?? []).map((relation) => relatedItem(relation, post.lang));
}

function relatedItem(relation: Relation, lang: string): RelatedItem {
  const post = versionFor(relation.article, lang);
  return {
    id: post.id,
    url: post.url,
    title: post.title,
    summaryHtml: post.summaryHtml,
    summaryText: post.summaryText,
    lang: post.lang,
    date: post.date,
    score: relation.score,
  };
}

/**
 * The article as a reader sees it on the organisation's pages: reading time
 * and the "Available in" line first, the body, then "Related articles",
 * wrapped in the post's language and direction.
 */
function contentHtml(
  post: Post,
  bodyHtml: string,
  translations: readonly TranslationLink[],
  related: readonly RelatedItem[],
  minutes: number,
  config: SiteConfig,
): string {
  const t = siteTranslator(config, post.lang);
  const direction = directionOf(config, post.lang);
  const meta = [escapeHtml(t('content.readingTime', { count: minutes }))];
  if (config.feeds.translationLine && translations.length > 0) {
    const links = translations.map((link) => `<a href="${escapeHtml(link.url)}" hreflang="${link.lang}" lang="${link.lang}" dir="${directionOf(config, link.lang)}">${escapeHtml(languageName(link.lang))}</a>`);
    meta.push(`${escapeHtml(t('content.availableIn'))} ${links.join(' / ')}`);
  }
  const parts = [`<p>${meta.join(' · ')}</p>`, bodyHtml];
  if (config.feeds.relatedInContent && related.length > 0) {
    const items = related.map((item) => {
      const foreign = item.lang !== post.lang;
      const attributes = foreign ? ` hreflang="${item.lang}" lang="${item.lang}" dir="${directionOf(config, item.lang)}"` : '';
      const note = foreign ? ` ${escapeHtml(t('content.inLanguage', { language: languageName(item.lang) }))}` : '';
      const date = escapeHtml(formatDate(item.date, post.lang, config.timeZone));
      return `<li><a href="${escapeHtml(item.url)}"${attributes}>${escapeHtml(item.title)}</a>${note} · ${date}</li>`;
    });
    parts.push(`<section><h2>${escapeHtml(t('content.related'))}</h2><ul>${items.join('')}</ul></section>`);
  }
  return `<div lang="${post.lang}" dir="${direction}">${parts.join('\n')}</div>`;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml',
};

function feedImage(post: Post): FeedImage | undefined {
  const image = post.image;
  if (!image || !isWebUrl(image.url, post.url)) return undefined;
  const url = new URL(image.url, post.url);
  const extension = url.pathname.split('.').pop()?.toLowerCase() ?? '';
  return { url: url.href, alt: image.alt, type: image.type ?? IMAGE_TYPES[extension] ?? 'application/octet-stream', size: image.size };
}

/**
 * An HTML field wrapped in its language and direction, as the content is:
 * a reader that shows the summary alone must still set Arabic right to left.
 */
function inItsLanguage(html: string, lang: string, config: SiteConfig): string {
  return `<div lang="${lang}" dir="${directionOf(config, lang)}">${html}</div>`;
}
