/**
 * What the static folder says of the images the feeds name, applied to the
 * posts and the feed logo and icon. Pure: the facts come from an
 * `ImageLookup` that the edge (`staticFolder.ts`) provides, so the pipeline
 * reads no disk and tests can hand it any facts.
 */
import { feedImagesOf, languagesOf, type SiteConfig } from '../config.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message } from '../i18n/message.js';
import { isWebUrl } from '../load/frontMatter.js';
import type { ImageRef, Post, PostImage } from '../model.js';
import { absoluteUrl } from '../urls.js';

/** What a file of the static folder is: its bytes always, its pixels and type when its format could be read. */
export interface ImageFacts {
  readonly bytes: number;
  readonly width?: number;
  readonly height?: number;
  /** Media type, such as image/png. */
  readonly type?: string;
  /** Why the width and height could not be read (a truncated or unknown file). */
  readonly problem?: string;
}

/** An image URL as the static folder sees it. */
export type ImageFinding =
  /** Not under the static folder's URL (another host, another path, or no static folder). */
  | { readonly kind: 'elsewhere' }
  /** Under its URL, but no such file: `file` as a diagnostic shows it. */
  | { readonly kind: 'missing'; readonly file: string }
  | { readonly kind: 'found'; readonly file: string; readonly facts: ImageFacts };

/** Looks an absolute image URL up in the static folder. */
export type ImageLookup = (url: string) => ImageFinding;

/** For builds without a static folder (and tests): every image is elsewhere. */
export const NO_STATIC_FILES: ImageLookup = () => ({ kind: 'elsewhere' });

/**
 * The path of a URL's file inside the static folder, `/`-separated and
 * decoded, or undefined when the URL is not under the folder's URL. A
 * segment that would leave the folder (`..`, an encoded slash) is not a file
 * of it.
 */
export function staticFileOf(config: SiteConfig, url: string): string | undefined {
  if (!config.static || !URL.canParse(url)) return undefined;
  const root = new URL(absoluteUrl(config, config.static.url.replace(/\/?$/, '/')));
  const target = new URL(url);
  if (target.origin !== root.origin || !target.pathname.startsWith(root.pathname)) return undefined;
  const segments = target.pathname.slice(root.pathname.length).split('/').map(decodedSegment);
  if (segments.some((segment) => segment === undefined || segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment))) return undefined;
  return segments.join('/');
}

function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** An image URL as published: resolved against the page it belongs to; undefined when it is not a web URL. */
export function publishedImageUrl(url: string, pageUrl: string): string | undefined {
  return isWebUrl(url, pageUrl) ? new URL(url, pageUrl).href : undefined;
}

/**
 * Every post with the facts of its image (and thumbnail) that the static
 * folder holds: byte size, width, height, and type when not written. The
 * file's size wins over a written `size`, as the file is what is published.
 * An image whose size is known neither way is a warning at its `image:` line:
 * its feeds can say only what is known (no RSS enclosure, which needs a length).
 */
export function withImageFacts(posts: readonly Post[], lookup: ImageLookup): { posts: Post[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let before = measuredBefore.get(lookup);
  if (!before) measuredBefore.set(lookup, (before = new WeakMap()));
  const measured = posts.map((post) => {
    if (!post.image) return post;
    const known = before.get(post);
    if (known && 'problems' in known) {
      diagnostics.push(...known.problems);
      return known.post;
    }
    if (known) return known;
    const problems: Diagnostic[] = [];
    const image = measuredImage(post, post.image, lookup, problems);
    const withFacts = image === post.image ? post : { ...post, image };
    before.set(post, problems.length > 0 ? { post: withFacts, problems } : withFacts);
    diagnostics.push(...problems);
    return withFacts;
  });
  return { posts: measured, diagnostics };
}

/**
 * Each post as measured with a lookup (a build's): a plan decided again from
 * another record (see `SitePlan.decidedFrom`) gets the very post objects it
 * got, whose digests are then not worked out again.
 */
const measuredBefore = new WeakMap<ImageLookup, WeakMap<Post, Post | { readonly post: Post; readonly problems: readonly Diagnostic[] }>>();

function measuredImage(post: Post, image: PostImage, lookup: ImageLookup, diagnostics: Diagnostic[]): PostImage {
  const url = publishedImageUrl(image.url, post.url);
  if (url === undefined) return image;
  const finding = lookup(url);
  const at = image.position ?? { line: 1, column: 1 };
  const { thumbnail: written, ...asWritten } = image;
  const thumbnail = written ? measuredThumbnail(written, post.url, lookup) : undefined;
  // The image as written when there is nothing to add: the post stays the same object, whose digest is known.
  const withThumbnail = thumbnail ? { ...asWritten, thumbnail } : written ? asWritten : image;
  if (finding.kind === 'found') {
    const { facts } = finding;
    if (facts.problem !== undefined) {
      diagnostics.push(diagnostic(post.sourcePath, at, 'warning', 'image', message('diagnostics.image.sizeUnreadable', { file: finding.file, problem: facts.problem })));
    }
    const type = image.type ?? facts.type;
    return { ...withThumbnail, size: facts.bytes, ...pixelsOf(facts), ...(type === undefined ? {} : { type }) };
  }
  if (image.size === undefined) {
    const unknown = finding.kind === 'missing' ? message('diagnostics.image.sizeUnknownMissing', { url, file: finding.file }) : message('diagnostics.image.sizeUnknownOutside', { url });
    diagnostics.push(diagnostic(post.sourcePath, at, 'warning', 'image', unknown));
  }
  return withThumbnail;
}

function measuredThumbnail(thumbnail: ImageRef, pageUrl: string, lookup: ImageLookup): ImageRef | undefined {
  const url = publishedImageUrl(thumbnail.url, pageUrl);
  if (url === undefined) return undefined;
  const finding = lookup(url);
  return { url, ...(finding.kind === 'found' ? pixelsOf(finding.facts) : {}) };
}

function pixelsOf(facts: ImageFacts): { width?: number; height?: number } {
  return facts.width === undefined || facts.height === undefined ? {} : { width: facts.width, height: facts.height };
}

/** The logo and icon of each language's feeds, measured where the static folder holds them. */
export type SiteImages = Readonly<Record<string, { readonly logo?: ImageRef; readonly icon?: ImageRef }>>;

/**
 * Each language's logo and icon (see `feedImagesOf`), with their pixel sizes
 * when they are files of the static folder. A configured image the folder
 * should hold and does not, or cannot be read, is a warning on that file.
 */
export function siteImagesOf(config: SiteConfig, lookup: ImageLookup): { images: SiteImages; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const measured = new Map<string, ImageRef>();
  const measure = (setting: string, path: string): ImageRef => {
    const url = absoluteUrl(config, path);
    const known = measured.get(url);
    if (known) return known;
    const finding = lookup(url);
    if (finding.kind === 'missing') diagnostics.push(diagnostic(finding.file, { line: 1, column: 1 }, 'warning', setting, message('diagnostics.image.siteImageMissing', { setting, url })));
    if (finding.kind === 'found' && finding.facts.problem !== undefined) diagnostics.push(diagnostic(finding.file, { line: 1, column: 1 }, 'warning', setting, message('diagnostics.image.siteImageUnreadable', { setting, problem: finding.facts.problem })));
    const facts = { url, ...(finding.kind === 'found' ? pixelsOf(finding.facts) : {}) };
    measured.set(url, facts);
    return facts;
  };
  const images = Object.fromEntries(
    languagesOf(config).map((lang) => {
      const { logo, icon } = feedImagesOf(config, lang);
      return [lang, { ...(logo === undefined ? {} : { logo: measure('feeds.logo', logo) }), ...(icon === undefined ? {} : { icon: measure('feeds.icon', icon) }) }];
    }),
  );
  return { images, diagnostics };
}
