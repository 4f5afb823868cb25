import { createHash } from 'node:crypto';
import { directionOf, siteTranslator, type SiteConfig } from '../config.js';
import { lastModified, type Post } from '../model.js';
import { readingMinutes } from '../render/article.js';
import { ARTICLE_ONLY, contentHtml, feedContentSwitches, type ContentSwitches } from '../render/content.js';
import { isWebUrl } from '../load/frontMatter.js';
import { shownDigest } from '../load/postDigest.js';
import type { SiteImages } from '../media/images.js';
import { articleKey, versionFor, type Relatedness, type Relation } from '../relate/index.js';
import { absoluteUrl, categoryUrl, languageHomeUrl, outputUrl } from '../urls.js';
import type { Change } from '../state/changes.js';
import { changesUrl } from './changes.js';
import type { DeletedEntry, FeedCategory, FeedCategoryPath, FeedDocument, FeedEntry, FeedLinks, FeedImage, RelatedItem, TranslationLink } from './document.js';
import { FEED_FORMATS, feedLinks, STYLESHEET_FILE } from './formats.js';
import type { ByteBudget, FeedPlan, ProfileSelection } from './plan.js';

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
export function* composeFeeds(plans: readonly FeedPlan[], config: SiteConfig, render: Renderer, relatedness: Relatedness, siteImages: SiteImages = {}): Generator<FeedDocument> {
  for (const plan of plans) yield composeFeed(plan, config, render, relatedness, siteImages);
}

/** The feed document of one plan. Everything it reads of the posts is named by `feedSource`. */
export function composeFeed(plan: FeedPlan, config: SiteConfig, render: Renderer, relatedness: Relatedness, siteImages: SiteImages = {}): FeedDocument {
  const related = carriesRelated(plan) ? relatedness : { articleByKey: relatedness.articleByKey, relations: new Map() };
  const style = plan.scope.kind === 'profile' ? PARTNER_STYLE : { switches: feedContentSwitches(config), forPartners: false };
  const entries = plan.posts.map((post) => composeEntry(post, related, plan.fullContent, config, render, style));
  return { ...composeDocument(plan, entries, config), ...siteImages[plan.lang] };
}

/**
 * The document of a plan without its entries: its title, links and scope, for
 * listing the feed (OPML, index page) without composing its items.
 */
export function feedShell(plan: FeedPlan, config: SiteConfig): FeedDocument {
  return composeDocument(plan, [], config);
}

/**
 * An archive page must not change once written (RFC 5005), and related lists
 * are ranked anew as the archive grows: they stay in the subscription feeds
 * and the related files, out of archive pages. A profile's feeds carry no
 * related list at all.
 */
function carriesRelated(plan: FeedPlan): boolean {
  return plan.archive?.role !== 'page' && plan.scope.kind !== 'profile';
}

/**
 * What a plan's document is made from besides the code, the config and the
 * site's images (which `settings` stands for): the plan itself, and for each
 * entry the post, its other versions (the translation links) and, where the
 * document carries related lists, each related article's version in the
 * plan's language with its score: of those other posts, only what the entry
 * shows of them (see `entrySources`). Two plans with the same source compose the
 * same document, so a file written from it need not be composed again.
 */
export function feedSource(plan: FeedPlan, settings: string, entrySource: EntrySources): string {
  const hash = createHash('sha256').update(settings).update('\0').update(JSON.stringify({ ...plan, posts: plan.posts.length }));
  const related = carriesRelated(plan);
  for (const post of plan.posts) hash.update(entrySource(post, related));
  return hash.digest('base64url');
}

/** What an entry of a post puts into its document's source (see `feedSource`), with or without its related list. */
export type EntrySources = (post: Post, related: boolean) => string;

/**
 * Each post's part of `feedSource`, worked out once per post and build: an
 * article's entry is in its archive page and in every feed of its categories
 * and tags, a few hundred documents of thousands of entries at archive scale.
 * `digestOf` identifies a post by everything loading gave of it, its text by hash.
 */
export function entrySources(relatedness: Relatedness, digestOf: (post: Post) => string): EntrySources {
  const alone = new Map<Post, string>();
  const withRelated = new Map<Post, string>();
  const aloneOf = (post: Post): string => {
    let source = alone.get(post);
    if (source === undefined) {
      source = `\0${digestOf(post)}${translationsOf(post, relatedness).map((other) => `\u0001${shownDigest(other)}`).join('')}`;
      alone.set(post, source);
    }
    return source;
  };
  return (post, related) => {
    if (!related) return aloneOf(post);
    let source = withRelated.get(post);
    if (source === undefined) {
      const relations = relatedness.relations.get(articleKey(post)) ?? [];
      source = aloneOf(post) + relations.map((relation) => `\u0002${relation.score} ${relation.pinned}${shownDigest(versionFor(relation.article, post.lang))}`).join('');
      withRelated.set(post, source);
    }
    return source;
  };
}

/** How an item is written: which additions go around the body, and whether it is a partner's copy. */
interface EntryStyle {
  readonly switches: ContentSwitches;
  /**
   * A partner's copy (a profile's feeds): the item links to the canonical URL
   * (the post's `canonical`, else its page) and carries the rights itself,
   * since a republished item travels without its feed.
   */
  readonly forPartners: boolean;
}

const PARTNER_STYLE: EntryStyle = { switches: ARTICLE_ONLY, forPartners: true };

/** Bytes a document may need beyond what one measured takes: archive links of other page numbers, separators between items. */
const DOCUMENT_SLACK = 512;
const ITEM_SLACK = 16;

/**
 * What a profile's feed documents weigh in each format, for `maxBytes`: the
 * document without items (with every archive link it may carry) and each
 * item's share, both measured by serialising, each a little over the truth.
 */
export function profileBudget(selection: ProfileSelection, config: SiteConfig, render: Renderer, relatedness: Relatedness, siteImages: SiteImages = {}): ByteBudget | undefined {
  const max = selection.profile.maxBytes;
  if (max === undefined) return undefined;
  const { lang, root, name } = selection;
  const farPage = `${root}archive/999999999/`;
  const measured = (posts: readonly Post[]): number[] => {
    const plan: FeedPlan = { lang, scope: { kind: 'profile', name }, basePath: farPage, posts, deleted: [], fullContent: true, complete: true, archive: { role: 'page', current: root, older: farPage, newer: farPage } };
    const [document] = [...composeFeeds([plan], config, render, relatedness, siteImages)];
    if (!document) throw new Error('a feed plan composed no document');
    return FEED_FORMATS.map((format) => format.serialise(document).reduce((bytes, part) => bytes + Buffer.byteLength(part, 'utf8'), 0));
  };
  const empty = measured([]);
  const sizes = new Map<Post, readonly number[]>();
  return {
    max,
    overhead: empty.map((bytes) => bytes + DOCUMENT_SLACK),
    sizeOf(post) {
      let size = sizes.get(post);
      if (!size) {
        size = measured([post]).map((bytes, format) => bytes - (empty[format] ?? 0) + ITEM_SLACK);
        sizes.set(post, size);
      }
      return size;
    },
  };
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
      const category = categoryLabel(plan.scope.path);
      return { title: t('feed.categoryTitle', { site, category }), description: t('feed.categoryDescription', { site, category }) };
    }
    case 'tag':
      return { title: t('feed.tagTitle', { site, tag: plan.scope.tag }), description: t('feed.tagDescription', { site, tag: plan.scope.tag }) };
    case 'profile':
      return { title: t('feed.profileTitle', { site, profile: plan.scope.name }), description: t('feed.profileDescription', { site }) };
  }
}

function composeDocument(plan: FeedPlan, entries: FeedEntry[], config: SiteConfig): FeedDocument {
  const { lang, archive } = plan;
  const settings = config.languages[lang];
  const site = settings?.siteName ?? config.baseUrl;
  const deleted = plan.deleted.map((change) => deletedEntry(change, config));
  // An empty feed is dated at the epoch; a feed of posts from before 1970 by its newest one all the same. A deletion changes the feed too.
  const moments = [...entries.map((entry) => entry.updated.getTime()), ...deleted.map((entry) => entry.when.getTime())];
  const newest = moments.length === 0 ? 0 : Math.max(...moments);
  const depth = plan.basePath.split('/').length - 1;
  return {
    lang,
    scope: plan.scope,
    basePath: plan.basePath,
    direction: directionOf(config, lang),
    ...scopeTitle(plan, site, config),
    homeUrl: languageHomeUrl(config, lang),
    ...(archive?.role === 'page' ? {} : { pageUrl: outputUrl(config, plan.basePath) }),
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
    deleted,
    ...(archive?.role === 'page' ? {} : { changesUrl: changesUrl(config, lang) }),
  };
}

/** A deleted article as its feeds announce it, the reason in the feed's language. */
function deletedEntry(change: Change, config: SiteConfig): DeletedEntry {
  const reason = change.reason ?? 'removed';
  return {
    id: change.id,
    ...(change.url === undefined ? {} : { url: change.url }),
    ...(change.title === undefined ? {} : { title: change.title }),
    when: new Date(change.when),
    reason,
    comment: siteTranslator(config, change.lang)(`feed.deleted.${reason}`),
  };
}

function composeEntry(post: Post, relatedness: Relatedness, withContent: boolean, config: SiteConfig, render: Renderer, style: EntryStyle): FeedEntry {
  const translations = translationsOf(post, relatedness);
  const related = relatedItems(relatedness, post);
  const translationLinks: TranslationLink[] = translations.map((other) => ({ lang: other.lang, id: other.id, url: other.url, title: other.title }));
  const minutes = readingMinutes(post.wordCount);
  const image = post.image ? feedImage(post) : undefined;
  const content = () =>
    contentHtml(
      { lang: post.lang, bodyHtml: render.body(post), readingMinutes: minutes, translations: translationLinks, signatories: post.signatories ?? [], related, authors: post.authors.map((author) => author.name), ...(image ? { leadImage: image } : {}) },
      config,
      style.switches,
    );
  const canonical = style.forPartners ? (post.canonical ?? post.url) : post.canonical;
  return {
    id: post.id,
    url: style.forPartners ? (canonical ?? post.url) : post.url,
    title: post.title,
    lang: post.lang,
    summaryHtml: inItsLanguage(post.summaryHtml, post.lang, config),
    summaryText: post.summaryText,
    contentHtml: withContent ? content() : undefined,
    published: post.date,
    updated: lastModified(post),
    categories: post.categories.map((path): FeedCategoryPath => ({ term: path.join('/'), path, label: categoryLabel(path), url: categoryUrl(config, post.lang, path) })),
    tags: post.tags.map((tag): FeedCategory => ({ term: tag, label: tag, scheme: absoluteUrl(config, `/${post.lang}/tags/`) })),
    authors: post.authors,
    signatories: post.signatories ?? [],
    image,
    translations: translationLinks,
    related: related.map((item) => ({ ...item, summaryHtml: inItsLanguage(item.summaryHtml, item.lang, config) })),
    readingMinutes: minutes,
    canonical,
    ...(style.forPartners ? partnerRights(post.lang, config) : {}),
  };
}

/**
 * What an article's related file is made from (see `relatedFiles`): what it
 * shows of the article (its id, URL and title) and, in order, of each related
 * article's version in its language. The same source gives the same file;
 * the caller hashes it.
 */
export function relatedListSource(relatedness: Relatedness, post: Post): string {
  const shown = (relatedness.relations.get(articleKey(post)) ?? []).map((relation) => shownDigest(versionFor(relation.article, post.lang)));
  return [JSON.stringify([post.id, post.url, post.title]), ...shown].join('\0');
}


/** The other versions of a post's article, by language. */
function translationsOf(post: Post, relatedness: Relatedness): Post[] {
  const article = relatedness.articleByKey.get(articleKey(post));
  return article ? [...article.versions.values()].filter((other) => other.lang !== post.lang).sort((a, b) => (a.lang < b.lang ? -1 : 1)) : [];
}

/** The rights statement and licence that a partner's copy of an item carries with it. */
function partnerRights(lang: string, config: SiteConfig): Pick<FeedEntry, 'rights' | 'licenseUrl'> {
  const rights = config.languages[lang]?.rights;
  return { ...(rights === undefined ? {} : { rights }), ...(config.licenseUrl ? { licenseUrl: config.licenseUrl } : {}) };
}

/**
 * A category path as the organisation's breadcrumb reads it. The names are
 * the editor's, in the post's language; nothing is translated. In right-to-left
 * text the separator is mirrored, so it points the way the path reads.
 */
export function categoryLabel(path: readonly string[]): string {
  return path.join(' › ');
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

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', avif: 'image/avif', svg: 'image/svg+xml',
};

function feedImage(post: Post): FeedImage | undefined {
  const image = post.image;
  if (!image || !isWebUrl(image.url, post.url)) return undefined;
  const url = new URL(image.url, post.url);
  const extension = url.pathname.split('.').pop()?.toLowerCase() ?? '';
  const pixels = image.width === undefined || image.height === undefined ? {} : { width: image.width, height: image.height };
  return {
    url: url.href,
    alt: image.alt,
    type: image.type ?? IMAGE_TYPES[extension] ?? 'application/octet-stream',
    ...(image.size === undefined ? {} : { size: image.size }),
    ...pixels,
    ...(image.thumbnail ? { thumbnail: image.thumbnail } : {}),
  };
}

/**
 * An HTML field wrapped in its language and direction, as the content is:
 * a reader that shows the summary alone must still set Arabic right to left.
 */
function inItsLanguage(html: string, lang: string, config: SiteConfig): string {
  return `<div lang="${lang}" dir="${directionOf(config, lang)}">${html}</div>`;
}
