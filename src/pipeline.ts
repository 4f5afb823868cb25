import type { SiteConfig } from './config.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { composeFeeds, relateLivePosts, type Renderer } from './feeds/compose.js';
import { RELATED_FILE, renderRelatedIndex } from './feeds/relatedIndex.js';
import type { FeedDocument } from './feeds/document.js';
import { renderAtom, renderJsonFeed, renderRss } from './feeds/feedAdapter.js';
import { FEED_FORMATS, STYLESHEET_FILE, type FeedFormatName } from './feeds/formats.js';
import { assembleCollection } from './load/collection.js';
import { parsePost, type SourceFile } from './load/parsePost.js';
import type { Post } from './model.js';
import { renderBody, renderSummary } from './render/article.js';
import { resolvePins } from './relate/pins.js';
import { isLive } from './schedule/embargo.js';
import type { FeedListing } from './site/listing.js';
import { renderIndexPage } from './site/indexPage.js';
import { renderOpml } from './site/opml.js';
import { renderFeedStylesheet } from './site/stylesheet.js';

/** A file to write, relative to the output directory. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export interface BuildResult {
  readonly outputs: OutputFile[];
  readonly diagnostics: Diagnostic[];
  /** Valid posts, live or not. */
  readonly posts: Post[];
  /** Live posts per language. */
  readonly livePerLanguage: Record<string, number>;
  /** Files that failed validation and were left out. */
  readonly skippedFiles: string[];
}

const SERIALIZERS: Record<FeedFormatName, (document: FeedDocument) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

export const OPML_FILE = 'opml.xml';
export const INDEX_FILE = 'index.html';

/** How discovery pages list a feed document: one listing per format. */
function listingsOf(document: FeedDocument): FeedListing[] {
  return FEED_FORMATS.map((format) => ({
    lang: document.lang,
    direction: document.direction,
    scope: document.scope,
    format: format.name,
    mediaType: format.mediaType,
    path: document.basePath + format.fileName,
    url: document.links[format.name],
    title: document.title,
  }));
}

export interface LoadResult {
  readonly posts: Post[];
  readonly diagnostics: Diagnostic[];
  readonly skippedFiles: string[];
}

/** The load stage: every file validated, then checked as a set. */
export function loadPosts(files: readonly SourceFile[], config: SiteConfig): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const valid: Post[] = [];
  for (const file of files) {
    if (!(file.lang in config.languages)) {
      diagnostics.push({ file: file.path, line: 1, column: 1, severity: 'error', field: 'language', message: `language "${file.lang}" is not configured (languages: ${Object.keys(config.languages).join(', ')}); this post is skipped` });
      continue;
    }
    const parsed = parsePost(file, config);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.post) valid.push(parsed.post);
  }
  const collection = assembleCollection(valid);
  diagnostics.push(...collection.diagnostics, ...resolvePins(collection.posts).diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  const failed = new Set(sorted.filter((d) => d.severity === 'error').map((d) => d.file));
  return { posts: collection.posts, diagnostics: sorted, skippedFiles: [...failed].sort() };
}

export interface SitePlan extends Omit<BuildResult, 'outputs'> {
  /**
   * The files to write, produced one at a time as they are consumed, so a
   * large archive never holds every output in memory at once.
   */
  readonly outputs: Iterable<OutputFile>;
}

/**
 * The whole pipeline, pure: source files, config and the build's clock in;
 * diagnostics at once and feed files on demand out. No disk, no real clock.
 */
export function planSite(files: readonly SourceFile[], config: SiteConfig, now: Date, onRender?: (done: number) => void): SitePlan {
  const loaded = loadPosts(files, config);
  const live = loaded.posts.filter((post) => isLive(post, now));
  const livePerLanguage = Object.fromEntries(Object.keys(config.languages).map((lang) => [lang, live.filter((post) => post.lang === lang).length]));
  return {
    outputs: { [Symbol.iterator]: () => generateOutputs(live, config, onRender) },
    diagnostics: loaded.diagnostics,
    posts: loaded.posts,
    livePerLanguage,
    skippedFiles: loaded.skippedFiles,
  };
}

/** `planSite` with every output produced: for tests and small sites. */
export function buildSite(files: readonly SourceFile[], config: SiteConfig, now: Date, onRender?: (done: number) => void): BuildResult {
  const plan = planSite(files, config, now, onRender);
  return { ...plan, outputs: [...plan.outputs] };
}

function* generateOutputs(live: readonly Post[], config: SiteConfig, onRender?: (done: number) => void): Generator<OutputFile> {
  let rendered = 0;
  const memo = (work: (post: Post) => string) => {
    const results = new Map<Post, string>();
    return (post: Post): string => {
      let result = results.get(post);
      if (result === undefined) {
        result = work(post);
        results.set(post, result);
        onRender?.(++rendered);
      }
      return result;
    };
  };
  const render: Renderer = { body: memo(renderBody), summary: memo((post) => renderSummary(post, config)) };
  const relatedness = relateLivePosts(live, config);
  const documents = composeFeeds(live, config, render, relatedness);
  for (const document of documents) {
    for (const format of FEED_FORMATS) yield { path: document.basePath + format.fileName, content: SERIALIZERS[format.name](document) };
  }
  for (const lang of Object.keys(config.languages)) yield { path: `${lang}/${RELATED_FILE}`, content: renderRelatedIndex(lang, live, relatedness, render) };
  const listings = documents.filter((document) => document.archive?.role !== 'page').flatMap((document) => listingsOf(document));
  yield { path: OPML_FILE, content: renderOpml(listings, config) };
  yield { path: INDEX_FILE, content: renderIndexPage(listings, config) };
  yield { path: STYLESHEET_FILE, content: renderFeedStylesheet() };
}

export { hasErrors };
