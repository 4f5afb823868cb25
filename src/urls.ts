import type { SiteConfig } from './config.js';

/** A URL path segment from a name: lower case, words joined by hyphens, any script kept. */
export function slugify(name: string): string {
  return name
    .normalize('NFKC')
    .toLocaleLowerCase('en')
    .replace(/[\p{M}\u0640]/gu, '') // diacritics and Arabic tatweel do not belong in a URL
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** The configured stable slug of a category name, else one derived from the name. */
export function categorySlug(config: Pick<SiteConfig, 'categorySlugs'>, name: string): string {
  return config.categorySlugs[name] ?? (slugify(name) || 'category');
}

export interface ArticleUrlParts {
  readonly lang: string;
  readonly slug: string;
  readonly topCategory?: string;
  readonly date: Date;
}

/** The article page's absolute URL from the language's pattern; non-ASCII is percent-encoded. */
export function articleUrl(config: Pick<SiteConfig, 'baseUrl' | 'categorySlugs'> & { readonly languages: Readonly<Record<string, Pick<SiteConfig['languages'][string], 'urlPattern'>>> }, parts: ArticleUrlParts): string {
  const pattern = config.languages[parts.lang]?.urlPattern ?? '/{lang}/{section}/{slug}/';
  const tokens: Record<string, string> = {
    lang: parts.lang,
    section: parts.topCategory === undefined ? 'posts' : categorySlug(config, parts.topCategory),
    slug: parts.slug,
    year: String(parts.date.getUTCFullYear()),
    month: String(parts.date.getUTCMonth() + 1).padStart(2, '0'),
  };
  const path = pattern.replace(/\{(\w+)\}/g, (whole, token: string) => (token in tokens ? encodeURIComponent(tokens[token] ?? '') : whole));
  return absoluteUrl(config, path);
}

/**
 * A category's page on the site, from the language's `categoryUrlPattern`:
 * each level becomes its stable slug (`categorySlugs`), percent-encoded.
 */
export function categoryUrl(config: SiteConfig, lang: string, path: readonly string[]): string {
  const pattern = config.languages[lang]?.categoryUrlPattern ?? '/{lang}/{categoryPath}/';
  const slugs = path.map((name) => encodeURIComponent(categorySlug(config, name)));
  const tokens: Record<string, string> = { lang: encodeURIComponent(lang), categoryPath: slugs.join('/'), category: slugs[slugs.length - 1] ?? '' };
  return absoluteUrl(config, pattern.replace(/\{(\w+)\}/g, (whole, token: string) => tokens[token] ?? whole));
}

/** Resolves a site path (leading slash or not) under the base URL, keeping the base's own path. */
export function absoluteUrl(config: Pick<SiteConfig, 'baseUrl'>, path: string): string {
  return new URL(path.replace(/^\/+/, ''), config.baseUrl).href;
}

/** Public URL of a file in the output directory, such as `en/rss.xml`. */
export function outputUrl(config: SiteConfig, outputPath: string): string {
  return absoluteUrl(config, config.feedsPath.replace(/\/?$/, '/') + outputPath);
}

export function languageHomeUrl(config: SiteConfig, lang: string): string {
  return absoluteUrl(config, config.languages[lang]?.homePath ?? `/${lang}/`);
}
