import { z } from 'zod';
import { plainText } from '../render/plainText.js';
import { DATE_ALIASES, type AliasedField } from './dateAliases.js';
import { itemIdProblem } from './itemId.js';
import { parseIsoDate } from './isoDate.js';

/** What a slug may be: it becomes one segment of the article's URL. */
export const SLUG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}_.-]*$/u;
export const SLUG_RULE = 'must be letters, digits, hyphens, dots or underscores (no slashes or spaces)';
/** The words of the schema's own problems: keys of `diagnostics.schema` (see schemaIssues.ts). */
const SAID = {
  required: 'diagnostics.schema.required',
  text: 'diagnostics.schema.text',
  empty: 'diagnostics.schema.empty',
  isoDate: 'diagnostics.schema.isoDate',
  dateInvalid: 'diagnostics.schema.dateInvalid',
  absoluteUrl: 'diagnostics.schema.absoluteUrl',
  linkUrl: 'diagnostics.schema.linkUrl',
  onlyMarkup: 'diagnostics.schema.onlyMarkup',
  listWords: 'diagnostics.schema.listWords',
  renderWords: 'diagnostics.schema.renderWords',
  boolean: 'diagnostics.schema.boolean',
  slug: 'diagnostics.schema.slug',
  imageType: 'diagnostics.schema.imageType',
  collections: 'diagnostics.schema.collections',
} as const;

/**
 * The one schema of a post's front matter. Dates are strings in YAML's core
 * schema; they are read here in the site's time zone when they carry no offset.
 */
export function frontMatterSchema(timeZone: string): FrontMatterSchema {
  let schema = schemas.get(timeZone);
  if (!schema) {
    schema = createFrontMatterSchema(timeZone);
    schemas.set(timeZone, schema);
  }
  return schema;
}

type FrontMatterSchema = ReturnType<typeof createFrontMatterSchema>;
const schemas = new Map<string, FrontMatterSchema>();

function createFrontMatterSchema(timeZone: string) {
  const text = z.string({ error: (issue) => (issue.input === undefined ? SAID.required : SAID.text) }).trim();
  const nonEmptyText = text.min(1, SAID.empty);
  const isoDate = z
    .union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? SAID.required : SAID.isoDate) })
    .transform((value, ctx) => {
      const parsed = parseIsoDate(String(value), timeZone);
      if (parsed) return parsed;
      ctx.addIssue({ code: 'custom', message: SAID.dateInvalid, params: { value: String(value) } });
      return z.NEVER;
    });
  const absoluteUrl = nonEmptyText.refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), SAID.absoluteUrl);
  /** Relative to the article page, or absolute http(s); resolved as a browser would, so no trick yields a script URL. */
  const linkUrl = nonEmptyText.refine((value) => isWebUrl(value), SAID.linkUrl);
  /**
   * Fields shown as text (title, name, category, tag, alt text): markup pasted
   * into them is removed here, once for every output (see `plainText`). A tag
   * or category that was only markup is left out (the loader warns); a title
   * or a name must keep some text.
   */
  const plain = text.transform(plainText);
  const nonEmptyPlain = nonEmptyText.transform(plainText).pipe(z.string().min(1, SAID.onlyMarkup));
  /** `tags:`, `tags: ""` and `tags: []` all mean no tags, as the editor who cleared the list means; so does a blank entry. */
  const oneOrMany = <T extends z.ZodType>(item: T) =>
    z.preprocess(
      (value) => (isBlank(value) ? [] : Array.isArray(value) ? value.filter((entry) => !isBlank(entry)) : value),
      z.union([z.array(item), item.transform((value): z.output<T>[] => [value])]),
    );
  /** A person or an organisation: a name, or `{ name, url }`. Authors and signatories are written alike. */
  const namedParty = z.union([
    nonEmptyPlain.transform((name) => ({ name })),
    z.object({ name: nonEmptyPlain, url: absoluteUrl.optional() }).strict(),
  ]);
  /** Hugo's build options (`_build` before Hugo 0.123), in its words or the booleans it took before them; any other key is refused, since a misspelt `list` would show a hidden page. */
  const hugoBuild = z
    .object({
      list: z.union([z.enum(['always', 'local', 'never']), z.boolean()], { error: SAID.listWords }).optional(),
      render: z.union([z.enum(['always', 'link', 'never']), z.boolean()], { error: SAID.renderWords }).optional(),
      publishResources: z.boolean({ error: SAID.boolean }).optional(),
    })
    .strict();
  const category = nonEmptyText.transform((value) => plainText(value).split('/').map((part) => part.trim()).filter((part) => part.length > 0));

  return z.object({
    /** Plain text; its longest length is a site setting, `limits.titleLength`, checked by the loader on the text that is published. */
    title: nonEmptyText.pipe(nonEmptyPlain),
    date: isoDate,
    updated: isoDate.optional(),
    translationKey: z.union([nonEmptyText, z.number().transform(String)]).optional(),
    slug: nonEmptyText.regex(SLUG_PATTERN, SAID.slug).optional(),
    id: nonEmptyText
      .check((ctx) => {
        const problem = itemIdProblem(ctx.value);
        if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
      })
      .optional(),
    summary: text.optional(),
    /** Hugo's and Jekyll's summary fields: the summary when `summary` is not given. */
    description: text.optional(),
    excerpt: text.optional(),
    categories: oneOrMany(category).optional(),
    tags: oneOrMany(nonEmptyText.transform(plainText))
      .transform((tags) => tags.filter((tag) => tag.length > 0))
      .optional(),
    author: oneOrMany(namedParty).optional(),
    /** The organisations that sign a joint statement, named in the post's language. */
    signatories: oneOrMany(namedParty).optional(),
    image: z
      .object({
        url: linkUrl,
        /** Missing alt text is a warning, not a lost article: the image is published with an empty alt. */
        alt: plain.nullish(),
        type: nonEmptyText.regex(/^image\/[a-z0-9.+-]+$/i, SAID.imageType).optional(),
        size: z.number().int().nonnegative().optional(),
        /** A smaller version for lists and timelines (Media RSS `media:thumbnail`); the image itself when not given. */
        thumbnail: linkUrl.optional(),
      })
      .strict()
      .optional(),
    draft: z.boolean({ error: SAID.boolean }).default(false),
    /** Jekyll's way to hide a post: `published: false` is `draft: true`. */
    published: z.boolean({ error: SAID.boolean }).optional(),
    publishAt: isoDate.optional(),
    expires: isoDate.optional(),
    // Hugo's names for publishAt, expires and updated (see DATE_ALIASES).
    publishDate: isoDate.optional(),
    publishdate: isoDate.optional(),
    expiryDate: isoDate.optional(),
    expirydate: isoDate.optional(),
    lastmod: isoDate.optional(),
    // Hugo's other names for them (its `frontmatter` defaults).
    pubdate: isoDate.optional(),
    unpublishdate: isoDate.optional(),
    modified: isoDate.optional(),
    /** Jekyll's (jekyll-last-modified-at, jekyll-seo-tag). */
    last_modified_at: isoDate.optional(),
    /** Hugo's and Eleventy's ways to keep a page out of the site's lists, and so out of its feeds: each hides the post (see `keptOutOfLists`). */
    headless: z.boolean({ error: SAID.boolean }).optional(),
    build: hugoBuild.optional(),
    _build: hugoBuild.optional(),
    eleventyExcludeFromCollections: z.union([z.boolean(), z.array(z.string())], { error: SAID.collections }).optional(),
    canonical: absoluteUrl.optional(),
    /** Articles to list first among the related ones: slugs or translation keys. */
    related: oneOrMany(nonEmptyText).optional(),
  });
}

export type FrontMatter = z.output<FrontMatterSchema>;

/** Other tools' names for the summary, read in this order when `summary` is not given. */
export const SUMMARY_ALIASES = ['description', 'excerpt'] as const;

export const KNOWN_FIELDS = [
  'title', 'date', 'updated', 'translationKey', 'slug', 'id', 'summary', 'categories', 'tags', 'author', 'signatories', 'image', 'draft', 'publishAt', 'expires', 'canonical', 'related',
  'published', ...Object.values(DATE_ALIASES).flat(), ...SUMMARY_ALIASES, 'lang', 'permalink', 'url', 'category', 'headless', 'build', '_build', 'eleventyExcludeFromCollections',
] as const;

/**
 * Fields that hide a post or hold it back. A misspelt one would publish what
 * its author hid, so a near miss of these refuses the post rather than warns.
 */
export const HIDING_FIELDS: readonly string[] = ['draft', 'published', 'publishAt', 'expires', ...DATE_ALIASES.publishAt, ...DATE_ALIASES.expires, 'headless', 'eleventyExcludeFromCollections'];

/**
 * The key by which Hugo or Eleventy would keep this page out of the site's
 * lists (so out of its feeds), if any: Hugo's `headless: true` and
 * `build: { list: never | local }` (`local`: not in the site-wide lists a
 * feed is made from), Eleventy's `eleventyExcludeFromCollections` and
 * `permalink: false` (no page is written). nashra holds such a post back.
 */
export function keptOutOfLists(fm: FrontMatter, permalink: unknown): string | undefined {
  if (fm.headless === true) return 'headless';
  for (const key of ['build', '_build'] as const) {
    const list = fm[key]?.list;
    if (list === 'never' || list === 'local' || list === false) return key;
  }
  const excluded = fm.eleventyExcludeFromCollections;
  if (excluded === true || (Array.isArray(excluded) && excluded.length > 0)) return 'eleventyExcludeFromCollections';
  return permalink === false ? 'permalink' : undefined;
}

/** A date given twice, under our name and another tool's, with different values. */
export interface AliasConflict {
  /** The field as written first: ours when present. */
  readonly field: string;
  /** The key that disagrees with it. */
  readonly alias: string;
}

export interface ResolvedDates {
  readonly dates: Partial<Record<AliasedField, Date>>;
  /** The key each date was read from, so a diagnostic names what the author wrote. */
  readonly writtenAs: Record<AliasedField, string>;
  readonly conflicts: readonly AliasConflict[];
}

/**
 * Our dates, each from our key or its Hugo alias. Two keys that give one date
 * different values are a conflict: the post is refused rather than published
 * at a moment its author may not have meant.
 */
export function resolveDateAliases(fm: FrontMatter): ResolvedDates {
  const dates: Partial<Record<AliasedField, Date>> = {};
  const writtenAs = { publishAt: 'publishAt', expires: 'expires', updated: 'updated' };
  const conflicts: AliasConflict[] = [];
  for (const field of Object.keys(DATE_ALIASES) as AliasedField[]) {
    for (const key of [field, ...DATE_ALIASES[field]]) {
      const value = fm[key];
      if (value === undefined) continue;
      const first = dates[field];
      if (first === undefined) {
        dates[field] = value;
        writtenAs[field] = key;
      } else if (first.getTime() !== value.getTime()) {
        conflicts.push({ field: writtenAs[field], alias: key });
      }
    }
  }
  return { dates, writtenAs, conflicts };
}

function isBlank(value: unknown): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

/** Whether `value`, resolved against any http(s) page, is an http(s) URL. */
export function isWebUrl(value: string, base = 'https://site.invalid/'): boolean {
  if (!URL.canParse(value, base)) return false;
  const { protocol } = new URL(value, base);
  return protocol === 'http:' || protocol === 'https:';
}

