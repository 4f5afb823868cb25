import { DateTime, IANAZone } from 'luxon';
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { diagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { RTL_LANGUAGES, translator, type Translate } from './i18n/index.js';
import { message, type Message } from './i18n/message.js';
import { schemaProblems } from './load/schemaIssues.js';
import { parseYamlMapping } from './load/yamlData.js';
import { nearMiss } from './text.js';

/** A BCP 47 language tag as used in feeds (`en`, `ar`, `fr`, `pt-BR`). */
const LanguageTag = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'diagnostics.schema.languageTag');

const AbsoluteHttpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'diagnostics.schema.absoluteUrl');

/**
 * An image the config names for the feeds (logo, icon): an absolute http(s)
 * URL, or a path resolved under `baseUrl` like every other site path.
 */
const SiteImageUrl = z
  .string()
  .min(1)
  .refine((value) => (URL.canParse(value) ? /^https?:$/.test(new URL(value).protocol) : !value.startsWith('//')), 'diagnostics.schema.siteImage');

/**
 * The feed's images: `logo` is the wide one (Atom `logo`, RSS `<image>`), `icon`
 * the square one (Atom `icon`, JSON Feed `icon` and `favicon`; RSS `<image>`
 * when there is no logo). Atom wants a logo twice as wide as high and a square
 * icon; JSON Feed an icon of 512 by 512 and a favicon of at least 64 by 64.
 */
const FeedImageSettings = {
  logo: SiteImageUrl.optional(),
  icon: SiteImageUrl.optional(),
};

const LanguageSettings = z
  .object({
    /** The site's name in this language, used in feed titles. */
    siteName: z.string().min(1),
    /**
     * Where an article of this language lives, relative to `baseUrl`.
     * Tokens: {lang}, {section} (slug of the first top-level category), {slug}, {year}, {month}.
     */
    urlPattern: z.string().default('/{lang}/{section}/{slug}/'),
    /**
     * Where a category's page lives, relative to `baseUrl`: feeds link each
     * category of an item to it. Tokens: {lang}, {categoryPath} (the slug of
     * every level, joined by "/": `statements/joint-statements`) and
     * {category} (the slug of the last level). Slugs come from `categorySlugs`.
     * The default puts a top-level category where the default `urlPattern`
     * puts its section (`/en/statements/`).
     */
    categoryUrlPattern: z
      .string()
      .default('/{lang}/{categoryPath}/')
      .refine((pattern) => /\{(categoryPath|category)\}/.test(pattern), 'diagnostics.schema.categoryPattern'),
    /** Home page of this language, relative to `baseUrl`. */
    homePath: z.string().optional(),
    /** Copyright or licence statement carried by every feed of this language. */
    rights: z.string().optional(),
    /** Writing direction; right to left for Arabic, Hebrew, Persian and Urdu unless set. */
    direction: z.enum(['ltr', 'rtl']).optional(),
    /**
     * Interface text for this language, in the shape of the bundled i18next
     * resources (`feed.title`, `content.related`, …): a language nashra does not
     * ship is a config entry, not a code change.
     */
    strings: z.record(z.string(), z.unknown()).optional(),
    /** This language's own logo and icon, in place of `feeds.logo` and `feeds.icon`. */
    ...FeedImageSettings,
  })
  .strict();

const FeedSettings = z
  .object({
    /** Most items in one feed, newest first. */
    limit: z.number().int().positive().default(50),
    /** Length of a derived summary, in characters of visible text. */
    summaryLength: z.number().int().min(40).default(300),
    /** Whether items carry the full article, not only the summary. */
    fullContent: z.boolean().default(true),
    /** Whether full content opens with the reading time ("3-minute read"). */
    readingTime: z.boolean().default(true),
    /** Whether full content opens with an "Available in" line linking the translation. */
    translationLine: z.boolean().default(true),
    /** Whether the full content of a joint statement lists its signatories (the `signatories` field) after the body. */
    signatoriesInContent: z.boolean().default(true),
    /** Whether full content ends with a "Related articles" list. */
    relatedInContent: z.boolean().default(true),
    /** Length of each item's related-articles list. */
    relatedCount: z.number().int().min(0).max(50).default(5),
    /** Whether each language also gets the whole-file `related.json` of earlier versions (tens of megabytes for a big archive); the per-article files under `related/` are always written. */
    relatedWholeFile: z.boolean().default(false),
    /** A feed for every level of every category, such as Statements and Statements/Joint Statements. */
    categoryFeeds: z.boolean().default(true),
    /** Tags that get a feed of their own, or "all". */
    tagFeeds: z.union([z.literal('all'), z.array(z.string().min(1))]).default([]),
    /** Whether archive pages carry full content (else summaries, which keeps big archives small). */
    archiveFullContent: z.boolean().default(false),
    /**
     * Whether a build that sees a published article's text (title, summary or
     * body) changed without a new `updated` dates the correction itself, at
     * the moment it builds for, so monitors see it. Off, such a change is a
     * warning at every build until `updated` is set. The date set is kept in
     * the state directory, so later builds give the same bytes.
     */
    setUpdatedOnCorrection: z.boolean().default(false),
    /**
     * How many days an expired, withdrawn or deleted article stays announced
     * as deleted (an RFC 6721 tombstone in the Atom feeds it was in, an entry
     * in the JSON Feed's `_nashra.deleted`), and how many days of additions,
     * updates and deletions `<lang>/changes.json` lists. 0 keeps none.
     */
    tombstoneDays: z.number().int().min(0).max(3660).default(30),
    /**
     * For a site that upgrades from a nashra whose default item id was the
     * article URL: articles dated before this moment keep their URL as their
     * default id even when the state directory is lost (with it, every
     * published article keeps the id it was published with anyway). Set it
     * to the moment of the upgrade.
     */
    urlIdsBefore: z
      .string()
      .refine((value) => DateTime.fromISO(value).isValid, 'diagnostics.schema.urlIdsBefore')
      .optional(),
    ...FeedImageSettings,
  })
  .strict();

/**
 * A folder of files published at the site as they are, as Hugo's `static/`
 * maps to the site's root: an image whose URL falls under `url` is read from
 * `dir` for its byte size, width, height and type.
 */
const StaticSettings = z
  .object({
    /** The folder, relative to the config file. */
    dir: z.string().min(1),
    /** Where its files are published, relative to `baseUrl`: "/" is the site's root. */
    url: z.string().default('/'),
  })
  .strict();

const ScheduleSettings = z
  .object({
    /** When `nashra schedule` rebuilds, as a cron expression (seconds field optional). */
    cron: z.string().default('*/5 * * * *').refine((expression) => validateCron(expression), 'diagnostics.schema.cron'),
    /** Quiet time after a change under posts/ or to the config before rebuilding. */
    debounceMs: z.number().int().min(0).max(60_000).default(300),
  })
  .strict();

const WebSubSettings = z
  .object({
    /** The WebSub hub to announce in feeds and to notify after a build that changed a feed. */
    hub: AbsoluteHttpUrl,
  })
  .strict();

const RelatedSettings = z
  .object({
    /** Age at which an article's recency bonus halves; 0 turns recency off. */
    halfLifeDays: z.number().min(0).default(365),
  })
  .strict();

const LimitSettings = z
  .object({
    /** Largest post file read, in bytes; a larger file is skipped with an error. */
    fileBytes: z.number().int().positive().default(2 * 1024 * 1024),
    /** Longest title, in characters; a longer one is an error rather than a title cut short without its author's word. */
    titleLength: z.number().int().positive().default(500),
    /** Most tags on one post; more is an error, as each tag may carry a feed of its own. */
    tags: z.number().int().positive().default(100),
    /**
     * Deepest nesting of quotes and lists rendered; deeper markers are
     * flattened into the deepest level (with a warning), since thousands of
     * levels would overflow the Markdown parser's call stack. HTML elements
     * are held to what that depth renders to (twice it, a list level being
     * `<ul><li>`, plus ten for a paragraph's inline markup): deeper raw HTML
     * elements are unwrapped, their text kept, with a warning.
     */
    nestingDepth: z.number().int().min(1).max(500).default(50),
    /**
     * Longest time, in milliseconds, that rendering one post's full text may
     * take; a post over it is published with its summary in place of the full
     * text, with an error. Ordinary posts take a few milliseconds; Markdown
     * shaped to make the parser's work grow with the square of its length
     * would otherwise hold the build for minutes.
     */
    renderMs: z.number().int().positive().default(2000),
  })
  .strict();

export type Limits = z.infer<typeof LimitSettings>;

/** A folder inside the output directory, such as `partners/` or `syndication/google/`. */
const OutputFolder = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*\/?$/, 'diagnostics.schema.outputFolder')
  .transform((value) => (value.endsWith('/') ? value : `${value}/`));

/**
 * A feed profile: an extra set of feeds (RSS, Atom and JSON Feed per
 * language, with RFC 5005 archive pages) that carries only the article, for
 * partners that republish it: the body, the lead image, the byline, the
 * rights and the canonical URL; no reading time, "Available in" line or
 * related list.
 */
const ProfileSettings = z
  .object({
    /** Where the profile's feeds go in the output: `<path><lang>/rss.xml`, archive pages under `<path><lang>/archive/`. */
    path: OutputFolder,
    /** Only these languages (default: every language of the site). */
    languages: z.array(LanguageTag).min(1).optional(),
    /**
     * Only posts in one of these categories or below it: a category path such
     * as "Statements" or "Statements/Joint Statements", each level given by
     * its name or by its slug (`statements`), so one entry serves every language.
     */
    categories: z.array(z.string().min(1)).min(1).optional(),
    /** Only posts with one of these tags. */
    tags: z.array(z.string().min(1)).min(1).optional(),
    /** Most items in one of the profile's feeds (default: `feeds.limit`). */
    limit: z.number().int().positive().optional(),
    /**
     * Largest size of one feed file in bytes (Google News reads at most 2 MB).
     * Items that would pass it go to the archive pages; the build warns when a
     * feed passes 90% of it.
     */
    maxBytes: z.number().int().min(4096).optional(),
  })
  .strict();

export type ProfileConfig = z.infer<typeof ProfileSettings>;

/** A profile's name: its key under `profiles`, also the feed title's suffix. */
const ProfileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]*$/, 'diagnostics.schema.profileName');

/**
 * How post files written for Jekyll are read. Both are off by default since
 * each changes what an existing file means: its URL, or its categories.
 */
const ContentSettings = z
  .object({
    /**
     * Jekyll's file names: `2026-03-04-my-post.md` is the post `my-post`
     * (its slug, so its URL), dated 2026-03-04 in `timeZone` when its front
     * matter gives no `date`. Item ids stay as they were (see `nameParts`).
     */
    fileNameDates: z.boolean().default(false),
    /**
     * Jekyll's lists written as one string: `categories: news statements`
     * and `tags: a b` are two categories and two tags. A list is read as
     * written, so a name with spaces (an Arabic one, `Joint Statements`)
     * stays whole in a list.
     */
    spaceSeparatedLists: z.boolean().default(false),
  })
  .strict();

export type ContentSettings = z.infer<typeof ContentSettings>;

export const ConfigSchema = z
  .object({
    /** Root of the site; article URLs and feed URLs are built under it. */
    baseUrl: AbsoluteHttpUrl.transform((value) => (value.endsWith('/') ? value : `${value}/`)),
    /** Where feeds are published, relative to `baseUrl` (the `out` directory maps to it). */
    feedsPath: z.string().default('feeds/'),
    /** Time zone in which a date or date-time without an offset is read. */
    timeZone: z.string().default('UTC').refine((zone) => IANAZone.isValidZone(zone), 'diagnostics.schema.timeZone'),
    /**
     * Whether a post dated in the future is published at once. Off, as in Hugo
     * (`buildFuture`) and Jekyll (`future`): it waits for its date, and
     * `nashra schedule` publishes it at that second.
     */
    publishFuture: z.boolean().default(false),
    languages: z.record(LanguageTag, LanguageSettings).refine((value) => Object.keys(value).length > 0, 'diagnostics.schema.oneLanguage'),
    feeds: FeedSettings.default(FeedSettings.parse({})),
    /** Stable URL slugs for category names, so that retyping a title never changes a URL. */
    categorySlugs: z.record(z.string(), z.string().regex(/^[a-z0-9-]+$/, 'diagnostics.schema.categorySlug')).default({}),
    /** Licence URL carried next to the rights statement. */
    licenseUrl: AbsoluteHttpUrl.optional(),
    static: StaticSettings.optional(),
    generator: z.string().default('nashra'),
    schedule: ScheduleSettings.default(ScheduleSettings.parse({})),
    related: RelatedSettings.default(RelatedSettings.parse({})),
    websub: WebSubSettings.optional(),
    /**
     * The largest share of a language's published posts that one build may
     * drop because their files vanished from the posts folder; a build that
     * would drop more, or all of them, writes nothing (`--allow-shrink` overrides).
     */
    maxShrink: z.number().min(0).max(1).default(0.5),
    /** What one post may ask of a build; past a limit the post is shortened with a warning or skipped with an error. */
    limits: LimitSettings.default(LimitSettings.parse({})),
    /** Extra feed sets for partners that republish articles (see `ProfileSettings`); none unless named. */
    profiles: z.record(ProfileName, ProfileSettings).optional(),
    /** How post files written for other tools are read where their meaning would change an existing site's posts. */
    content: ContentSettings.default(ContentSettings.parse({})),
  })
  .strict()
  .superRefine((config, context) => {
    for (const problem of profileProblems(config.profiles ?? {}, Object.keys(config.languages))) context.addIssue({ code: 'custom', path: problem.path, message: problem.message.key, params: problem.message.params });
  });

/**
 * What the schema of one profile cannot see: its languages must be the
 * site's, and its folder must not be, or hold, another feed's folder.
 */
function profileProblems(profiles: Readonly<Record<string, ProfileConfig>>, languages: readonly string[]): { path: (string | number)[]; message: Message }[] {
  const problems: { path: (string | number)[]; message: Message }[] = [];
  const reserved = new Set([...languages, 'archive']);
  const entries = Object.entries(profiles);
  for (const [name, profile] of entries) {
    profile.languages?.forEach((lang, index) => {
      if (!languages.includes(lang)) problems.push({ path: ['profiles', name, 'languages', index], message: message('diagnostics.schema.profileLanguage', { lang, languages: [...languages] }) });
    });
    const first = profile.path.split('/')[0] ?? '';
    if (reserved.has(first)) problems.push({ path: ['profiles', name, 'path'], message: message('diagnostics.schema.profileReserved', { first }) });
    for (const [other, otherProfile] of entries) {
      if (other !== name && profile.path.startsWith(otherProfile.path) && (profile.path !== otherProfile.path || name > other)) {
        problems.push({ path: ['profiles', name, 'path'], message: message('diagnostics.schema.profileNested', { path: profile.path, other, otherPath: otherProfile.path }) });
      }
    }
  }
  return problems;
}

export type SiteConfig = z.infer<typeof ConfigSchema>;
export type LanguageConfig = z.infer<typeof LanguageSettings>;

export const DEFAULT_CONFIG_FILE = 'nashra.config.yaml';

export interface ConfigResult {
  readonly config?: SiteConfig;
  readonly diagnostics: Diagnostic[];
}

/** Validates a config file's text; every problem is a diagnostic pointing at its line. */
export function parseConfig(text: string, file: string): ConfigResult {
  const yaml = parseYamlMapping(text);
  const diagnostics = yaml.problems.map((p) => diagnostic(file, p.position, 'error', p.field, saidOfConfig(p.message)));
  if (diagnostics.length > 0) return { diagnostics };
  const parsed = ConfigSchema.safeParse(yaml.data);
  if (parsed.success) return { config: parsed.data, diagnostics };
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
      for (const key of issue.keys) {
        const field = [...path, key].join('.');
        const position = (path.length === 0 ? yaml.keys.find((entry) => entry.name === key)?.position : undefined) ?? yaml.positionOf([...path, key]);
        diagnostics.push(diagnostic(file, position, 'error', field, unknownSetting(key, settingsAt(ConfigSchema, path))));
      }
      continue;
    }
    for (const problem of schemaProblems([issue])) {
      const field = problem.path.join('.') || 'config';
      diagnostics.push(diagnostic(file, yaml.positionOf(problem.path), 'error', field, message(problem.message.key, { ...problem.message.params, field })));
    }
  }
  return { diagnostics: sortDiagnostics(diagnostics) };
}

/** "unknown setting "feed"; did you mean "feeds"?", or the settings that exist there when none is close. */
function unknownSetting(key: string, known: readonly string[]): Message {
  const suggestion = nearMiss(key, known, (meant) => Math.max(1, Math.min(3, Math.floor(meant.length / 3))));
  if (suggestion !== undefined) return message('diagnostics.config.unknownNear', { key, suggestion });
  return known.length > 0 ? message('diagnostics.config.unknownListed', { key, known: known.map((name) => `"${name}"`) }) : message('diagnostics.config.unknown', { key });
}

/** The YAML reader words its problems for posts, whose YAML is their front matter; these are said of a config file instead. */
const CONFIG_WORDING: Readonly<Record<string, string>> = {
  'diagnostics.frontMatter.notMapping': 'diagnostics.config.notMapping',
  'diagnostics.frontMatter.tagNotAllowed': 'diagnostics.config.tagNotAllowed',
};

function saidOfConfig(text: Message): Message {
  return message(CONFIG_WORDING[text.key] ?? text.key, text.params);
}

interface SchemaShape {
  readonly _zod: { readonly def: { readonly type: string; readonly shape?: Readonly<Record<string, SchemaShape>>; readonly innerType?: SchemaShape; readonly valueType?: SchemaShape; readonly in?: SchemaShape } };
}

/** The setting names a config object accepts at `path` (a record's keys, such as a language tag, are stepped over). */
function settingsAt(schema: SchemaShape, path: readonly (string | number)[]): string[] {
  const def = schema._zod.def;
  const inner = def.innerType ?? def.in;
  if (inner) return settingsAt(inner, path);
  if (def.type === 'record' && def.valueType) return path.length === 0 ? [] : settingsAt(def.valueType, path.slice(1));
  if (def.type !== 'object' || !def.shape) return [];
  if (path.length === 0) return Object.keys(def.shape);
  const next = def.shape[String(path[0])];
  return next ? settingsAt(next, path.slice(1)) : [];
}

const RTL: ReadonlySet<string> = new Set(RTL_LANGUAGES);

export function directionOf(config: SiteConfig, lang: string): 'ltr' | 'rtl' {
  return config.languages[lang]?.direction ?? (RTL.has(lang.split('-')[0] ?? lang) ? 'rtl' : 'ltr');
}

/** The interface text of one language of this site: bundled resources plus the config's `strings`. */
export function siteTranslator(config: SiteConfig, lang: string): Translate {
  return translator(lang, config.languages[lang]?.strings);
}

/** The logo and icon of one language's feeds: the language's own, else the site's. */
export function feedImagesOf(config: SiteConfig, lang: string): { logo?: string; icon?: string } {
  const own = config.languages[lang];
  const logo = own?.logo ?? config.feeds.logo;
  const icon = own?.icon ?? config.feeds.icon;
  return { ...(logo === undefined ? {} : { logo }), ...(icon === undefined ? {} : { icon }) };
}

export function languagesOf(config: SiteConfig): string[] {
  return Object.keys(config.languages);
}
