import { createHash } from 'node:crypto';
import matter from 'gray-matter';
import { isMap, isNode, isScalar, isSeq, parseDocument } from 'yaml';
import type { Limits } from '../config.js';
import type { LoadSettings } from './settings.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { message, type Message } from '../i18n/message.js';
import type { Post, PostImage, Signatory, SourcePosition, WrittenDate } from '../model.js';
import { countWords, renderSummary } from '../render/article.js';
import { closeIsolatesPerParagraph, detachedCopy, forbiddenCharacters, nearMiss, normaliseLineBreaks, stripForbiddenCharacters, type ForbiddenCharacter } from '../text.js';
import { renderFailureReason } from '../render/failure.js';
import { flattenNesting } from '../render/nesting.js';
import { htmlToText } from '../render/summary.js';
import { articleUrl, categorySlug, slugify } from '../urls.js';
import { sourceHash } from './hash.js';
import { defaultIdOf } from './itemId.js';
import { frontMatterSchema, HIDING_FIELDS, keptOutOfLists, KNOWN_FIELDS, resolveDateAliases, SLUG_PATTERN, SUMMARY_ALIASES, type FrontMatter } from './frontMatter.js';
import type { AliasedField } from './dateAliases.js';
import { datesOutOfRange } from './plausibleDates.js';
import { otherFrontMatterData, splitOtherFrontMatter } from './otherFormats.js';
import { asJekyllReads } from './otherTools.js';
import { inDraftsFolder, nameParts, type NameParts } from './fileNames.js';
import { markupRemoved } from './plainFields.js';
import { schemaProblems } from './schemaIssues.js';
import { BIDI_REMOVED, ISOLATES_CLOSED, parseYamlMapping, type YamlData } from './yamlData.js';

/** One post file as read from disk: the only input of the load stage. */
export interface SourceFile {
  /** Path shown in diagnostics, such as `posts/ar/x.md`. */
  readonly path: string;
  /** Language from the directory the file lives in. */
  readonly lang: string;
  /**
   * Where the file is below its language's folder (`news/x.md`), as listed:
   * what its slug and a `_drafts` folder are read from, so that neither
   * depends on the directory a build runs from. Without it, `path`.
   */
  readonly name?: string;
  readonly text: string;
  /** Why the file could not be read (an errno code such as EACCES); `text` is then empty. */
  readonly unreadable?: string;
  /** Where in the file it stops being readable: the first byte that is not UTF-8. */
  readonly unreadableAt?: SourcePosition;
  /** `sourceHash(text)`, when the loader has already taken it to look the file up in the cache. */
  readonly hash?: string;
}

export interface ParsedPost {
  readonly post?: Post;
  /** The Markdown body, for what the loader derives from it besides the post. */
  readonly body?: string;
  readonly diagnostics: Diagnostic[];
}

/** Front matter that passed validation, with what a post is built from. */
export interface ValidFrontMatter {
  readonly data: FrontMatter;
  readonly intent: PublicationIntent;
  readonly yaml: YamlData;
  readonly body: string;
  readonly dates: readonly WrittenDate[];
  /** What the file's path says: its slug, and the name its default id is made from. */
  readonly named: NameParts;
}

const START = { line: 1, column: 1 };

/** gray-matter must never run code found in a post: its JavaScript engines are replaced by a refusal. */
const refuseCode = (): never => {
  throw new FrontMatterRefused('front matter written in JavaScript');
};
const JAVASCRIPT_REFUSED = message('diagnostics.frontMatter.javascript');
class FrontMatterRefused extends Error {}

/**
 * Splits a post file (forbidden characters already removed) into its front
 * matter and its Markdown body. YAML front matter is handed to `parseYaml`;
 * Hugo's TOML and JSON front matter are read by `readSource` instead.
 */
export function splitFrontMatter(text: string, parseYaml: (source: string) => object): string {
  const other = splitOtherFrontMatter(text);
  if (other) return other.body ?? '';
  if (!text.startsWith('---\n')) return matter(text, { language: 'yaml', engines: { yaml: parseYaml, js: refuseCode, javascript: refuseCode } }).content;
  // What gray-matter does for the usual opening, a bare --- line (no language named after it),
  // without the copy of the whole file into a buffer that it makes first.
  const rest = text.slice(3);
  const found = rest.indexOf(CLOSING);
  const close = found < 0 ? rest.length : found;
  const yaml = rest.slice(0, close);
  // Front matter of nothing but comments and white space is not handed to the parser.
  if (yaml.replace(/^\s*#[^\n]+/gm, '').trim() !== '') parseYaml(yaml);
  if (found < 0) return '';
  const body = rest.slice(close + CLOSING.length);
  const afterReturn = body.startsWith('\r') ? body.slice(1) : body;
  return afterReturn.startsWith('\n') ? afterReturn.slice(1) : afterReturn;
}

/** gray-matter's closing delimiter: the first line that starts with ---. */
const CLOSING = '\n---';

/** The Markdown body of a post file, exactly as `parsePost` saw it when it loaded the file. */
export function postBody(fileText: string): string {
  return closeIsolatesPerParagraph(splitFrontMatter(stripForbiddenCharacters(normaliseLineBreaks(fileText)), () => ({})));
}

/**
 * Reads and validates the front matter of one post file, and splits off its
 * body: all of loading a post but what is derived from the body. Pure.
 */
export function readFrontMatter(file: SourceFile, config: LoadSettings): { frontMatter?: ValidFrontMatter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (position, severity, field, text) =>
    diagnostics.push(diagnostic(file.path, position, severity, field, text));

  const bytes = Buffer.byteLength(file.text, 'utf8');
  if (bytes > config.limits.fileBytes) {
    report(START, 'error', 'file', message('diagnostics.file.tooLarge', { size: message('diagnostics.count.bytes', { count: bytes }), limit: config.limits.fileBytes }));
    return { diagnostics };
  }
  const normalised = normaliseLineBreaks(file.text);
  reportForbiddenCharacters(normalised, forbiddenCharacters(normalised), report);
  const text = stripForbiddenCharacters(normalised);
  const read = readSource(text, report);
  if (!read) return { diagnostics };
  const { body } = read;
  const below = file.name ?? file.path;
  const named = nameParts(below, file.lang, config.content.fileNameDates);
  const jekyll = asJekyllReads(read.source.data, named, config.content);
  const source: YamlData = { ...read.source, data: jekyll.data };
  for (const note of jekyll.notes) report(source.positionOf([note.field]), 'warning', note.field, note.message);
  for (const problem of source.problems) report(problem.position, 'error', problem.field, problem.message);
  for (const repair of source.repairs) report(repair.position, 'warning', repair.field, repair.message);
  if (source.problems.length > 0) return { diagnostics };

  const namesAreSafe = checkNearMissKeys(source, report);

  const result = frontMatterSchema(config.timeZone).safeParse(source.data);
  if (!result.success) {
    for (const problem of schemaProblems(result.error.issues)) {
      const field = problem.path.length > 0 ? problem.path.map(String).join('.') : 'front-matter';
      report(source.positionOf(problem.path), 'error', field, message(problem.message.key, { ...problem.message.params, field }));
    }
    return { diagnostics };
  }
  if (!withinLimits(result.data, config.limits, source, report) || !namesFitTheOutput(result.data, named, config, source, report)) return { diagnostics };
  warnAboutMissingAltText(result.data, source, report);
  warnAboutPoorAddresses(result.data, named, config, source, report);
  warnAboutOtherToolsFields(result.data, file.lang, source, report);
  for (const removed of markupRemoved(source.data)) report(source.positionOf(removed.path), 'warning', removed.field, removed.message);
  const intent = publicationIntent(result.data, config, source, report, inDraftsFolder(below));
  const dates = writtenDates(result.data, source);
  const dateProblems = datesOutOfRange(dates);
  for (const { written, severity, text } of dateProblems) report(written.position, severity, written.field, text);
  if (!intent || !namesAreSafe || dateProblems.some((problem) => problem.severity === 'error')) return { diagnostics };
  return { frontMatter: { data: result.data, intent, yaml: source, body, dates, named }, diagnostics };
}

/**
 * The front matter, read by the parser of its format (YAML between --- lines;
 * Hugo's TOML between +++ lines, or JSON object), and the Markdown body.
 */
function readSource(text: string, report: Report): { source: YamlData; body: string } | undefined {
  const other = splitOtherFrontMatter(text);
  if (other?.body !== undefined) return withBody(text, otherFrontMatterData(other), other.body, report);
  if (other) {
    report(START, 'error', 'front-matter', message(other.format === 'toml' ? 'diagnostics.frontMatter.tomlUnclosed' : 'diagnostics.frontMatter.jsonUnclosed'));
    return undefined;
  }
  if (!text.startsWith('---')) {
    report(START, 'error', 'front-matter', message('diagnostics.frontMatter.missing'));
    return undefined;
  }
  const closedAt = text.indexOf(CLOSING, 3);
  // gray-matter reads the whole file as front matter then, so a half-written post would publish with no body (Hugo refuses it too).
  if (closedAt < 0) {
    report(START, 'error', 'front-matter', message('diagnostics.frontMatter.yamlUnclosed'));
    return undefined;
  }
  // Closed at the first line that starts with ---, as gray-matter closes it: what follows on that line opens the body.
  const closing = closedAt + CLOSING.length;
  const leftOver = text.slice(closing, (text.indexOf('\n', closing) + 1 || text.length + 1) - 1);
  if (leftOver.trim() !== '') report(positionOfIndex(text, closing), 'warning', 'front-matter', message('diagnostics.frontMatter.closingLineMore', { rest: leftOver.trim() }));
  let yaml: YamlData | undefined;
  let written: string;
  try {
    written = splitFrontMatter(text, (source) => {
      yaml = parseYamlMapping(source);
      return yaml.data;
    });
  } catch (error) {
    report(START, 'error', 'front-matter', error instanceof FrontMatterRefused ? JAVASCRIPT_REFUSED : message('diagnostics.frontMatter.unreadable', { detail: String(error) }));
    return undefined;
  }
  if (!yaml) {
    report(START, 'error', 'front-matter', message('diagnostics.frontMatter.notYaml'));
    return undefined;
  }
  return withBody(text, yaml, written, report);
}

/** The front matter read, with the body as published: every paragraph's direction isolates closed. */
function withBody(text: string, source: YamlData, written: string, report: Report): { source: YamlData; body: string } {
  const body = closeIsolatesPerParagraph(written);
  if (body !== written) report(positionOfIndex(text, Math.max(0, text.length - written.length)), 'warning', 'body', ISOLATES_CLOSED);
  return { source, body };
}

/** Whether and when the author means the post to be seen. */
export interface PublicationIntent {
  /** `draft: true`, Jekyll's `published: false`, a file in Jekyll's `_drafts/`, or a key by which Hugo or Eleventy keeps a page out of lists (`keptOutOfLists`): each one hides the post. */
  readonly hidden: boolean;
  /** The first moment the post may be seen; see `Post.publishAt`. */
  readonly publishAt?: Date;
  readonly expires?: Date;
  /** Later than `date`, else absent. */
  readonly updated?: Date;
}

type Report = (position: { line: number; column: number }, severity: 'error' | 'warning', field: string, text: Message) => void;

/**
 * Reads the fields that decide when a post is seen, from ours and their Hugo
 * and Jekyll names. Anything doubtful (two values for one date, an expiry
 * before the post could appear) refuses the post: never show what was hidden.
 */
function publicationIntent(fm: FrontMatter, config: LoadSettings, source: YamlData, report: Report, inDrafts: boolean): PublicationIntent | undefined {
  const { dates, writtenAs, conflicts } = resolveDateAliases(fm);
  for (const { field, alias } of conflicts) {
    report(source.positionOf([alias]), 'error', alias, message('diagnostics.field.aliasConflict', { alias, field }));
  }
  if (conflicts.length > 0) return undefined;
  // Like Hugo (buildFuture: false) and Jekyll (future: false), a post dated in the future waits for its date.
  const heldUntilDate = !config.publishFuture && (!dates.publishAt || fm.date > dates.publishAt);
  const publishAt = heldUntilDate ? fm.date : dates.publishAt;
  if (publishAt && dates.expires && dates.expires <= publishAt) {
    const start = heldUntilDate ? 'date' : writtenAs.publishAt;
    report(source.positionOf([writtenAs.expires]), 'error', writtenAs.expires, message('diagnostics.field.expiresTooEarly', { expires: writtenAs.expires, start }));
    return undefined;
  }
  if (dates.updated && dates.updated < fm.date) {
    report(source.positionOf([writtenAs.updated]), 'warning', writtenAs.updated, message('diagnostics.field.updatedTooEarly', { updated: writtenAs.updated }));
  }
  return {
    hidden: fm.draft || fm.published === false || inDrafts || keptOutOfLists(fm, source.data.permalink) !== undefined,
    publishAt,
    expires: dates.expires,
    updated: dates.updated && dates.updated > fm.date ? dates.updated : undefined,
  };
}

/** Every date field the author wrote, under the key they wrote it with. */
function writtenDates(fm: FrontMatter, source: YamlData): WrittenDate[] {
  const { dates, writtenAs } = resolveDateAliases(fm);
  const fields: [string, Date | undefined][] = [['date', fm.date], ...(Object.keys(dates) as AliasedField[]).map((field): [string, Date | undefined] => [writtenAs[field], dates[field]])];
  return fields.flatMap(([field, date]) => (date ? [{ field, date, text: String(source.data[field]), position: source.positionOf([field]) }] : []));
}

/** Whether the title and tags are within the site's limits; each one past its limit is an error at its line. */
function withinLimits(fm: FrontMatter, limits: Limits, source: YamlData, report: Report): boolean {
  const problems: [field: string, text: Message][] = [];
  if (fm.title.length > limits.titleLength) problems.push(['title', message('diagnostics.field.titleTooLong', { limit: message('diagnostics.count.characters', { count: limits.titleLength }), length: fm.title.length })]);
  const tags = fm.tags?.length ?? 0;
  if (tags > limits.tags) problems.push(['tags', message('diagnostics.field.tooManyTags', { limit: limits.tags, tags })]);
  for (const [field, text] of problems) report(source.positionOf([field]), 'error', field, text);
  return problems.length === 0;
}

/**
 * The most bytes of UTF-8 in a name of a file or folder of the output: the
 * limit of common file systems (ext4, XFS, APFS, NTFS count 255 bytes or
 * units). A longer name failed at the write with ENAMETOOLONG and the whole
 * build with it, every other post unpublished.
 */
const NAME_BYTES = 255;
/**
 * What a related file's name adds to its article's slug, at most: `~` and a
 * 10-digit digest when two articles share a slug, `.json`, and while it is
 * written, `.` and 12 random digits and `.tmp` (see `feeds/relatedIndex.ts`,
 * `write/temporary.ts`).
 */
const RELATED_NAME_EXTRA = '~0123456789.json.0123456789ab.tmp'.length;
/** A name quoted in a diagnostic: its opening, enough to find it. */
const QUOTED_CHARACTERS = 40;

/**
 * Whether every name the post gives the output fits a file system: its slug
 * names its related file, each level of a category a folder of its feeds
 * and archive, each tag the folder of its feed. One post's name never fails
 * the build: the post is skipped with an error, or its published version stays.
 */
function namesFitTheOutput(fm: FrontMatter, named: NameParts, config: Pick<LoadSettings, 'categorySlugs'>, source: YamlData, report: Report): boolean {
  let fits = true;
  const tooLong = (position: SourcePosition, field: string, key: string, name: string, bytes: number, limit: number): void => {
    fits = false;
    report(position, 'error', field, message(key, { name: quoted(name), bytes, limit }));
  };
  const slug = fm.slug ?? named.slug;
  const slugLimit = NAME_BYTES - RELATED_NAME_EXTRA;
  const slugBytes = Buffer.byteLength(slug, 'utf8');
  if (slugBytes > slugLimit) {
    if (fm.slug === undefined) tooLong(START, 'slug', 'diagnostics.field.fileNameTooLong', slug, slugBytes, slugLimit);
    else tooLong(source.positionOf(['slug']), 'slug', 'diagnostics.field.slugTooLong', slug, slugBytes, slugLimit);
  }
  (fm.categories ?? []).forEach((path, index) => {
    for (const level of path) {
      const bytes = Buffer.byteLength(categorySlug(config, level), 'utf8');
      if (bytes > NAME_BYTES) tooLong(source.positionOf(['categories', index]), 'categories', 'diagnostics.field.categoryTooLong', level, bytes, NAME_BYTES);
    }
  });
  (fm.tags ?? []).forEach((tag, index) => {
    const bytes = Buffer.byteLength(slugify(tag), 'utf8');
    if (bytes > NAME_BYTES) tooLong(source.positionOf(['tags', index]), 'tags', 'diagnostics.field.tagTooLong', tag, bytes, NAME_BYTES);
  });
  return fits;
}

/**
 * Names that make poor addresses, told without holding the post back: a file
 * name whose slug a URL must escape (a space, a quote, an invisible mark; a
 * `slug:` so written is an error, but a published post's file name keeps its
 * URL); a category level or tag with no letter or digit ("!!!", "..."), whose
 * folder is the fallback every such name shares (see `categorySlug` and the
 * tag feeds' `tags/tag/`); a category of slashes alone, which files the post
 * under nothing.
 */
function warnAboutPoorAddresses(fm: FrontMatter, named: NameParts, config: Pick<LoadSettings, 'categorySlugs'>, source: YamlData, report: Report): void {
  if (fm.slug === undefined && !SLUG_PATTERN.test(named.slug)) report(START, 'warning', 'slug', message('diagnostics.field.fileNameEscaped', { name: quoted(named.slug) }));
  const written = source.data['categories'];
  (Array.isArray(written) ? written : [written]).forEach((entry, index) => {
    if (typeof entry === 'string' && entry.trim() !== '' && entry.split('/').every((level) => level.trim() === '')) {
      report(source.positionOf(['categories', index]), 'warning', 'categories', message('diagnostics.field.categoryEmpty', { name: quoted(entry) }));
    }
  });
  (fm.categories ?? []).forEach((path, index) => {
    for (const level of path) {
      if (config.categorySlugs[level] === undefined && slugify(level) === '') report(source.positionOf(['categories', index]), 'warning', 'categories', message('diagnostics.field.categoryNameless', { name: quoted(level) }));
    }
  });
  (fm.tags ?? []).forEach((tag, index) => {
    if (slugify(tag) === '') report(source.positionOf(['tags', index]), 'warning', 'tags', message('diagnostics.field.tagNameless', { name: quoted(tag) }));
  });
}

function quoted(name: string): string {
  const characters = [...name];
  return characters.length > QUOTED_CHARACTERS ? `${characters.slice(0, QUOTED_CHARACTERS).join('')}…` : name;
}

/** The image as written, with where it was written (the `image:` line) for later diagnostics. */
function postImage(image: NonNullable<FrontMatter['image']>, source: YamlData): PostImage {
  const { thumbnail, alt, ...rest } = image;
  return { ...rest, alt: alt ?? '', ...(thumbnail === undefined ? {} : { thumbnail: { url: thumbnail } }), position: imageLine(source) };
}

/** The `image:` line itself: for a block mapping the value starts on the line below. */
function imageLine(source: YamlData): SourcePosition {
  return source.keys.find((key) => key.name === 'image')?.position ?? source.positionOf(['image']);
}

function warnAboutMissingAltText(fm: FrontMatter, source: YamlData, report: Report): void {
  if (!fm.image || typeof fm.image.alt === 'string') return;
  report(imageLine(source), 'warning', 'image.alt', message('diagnostics.field.altMissing'));
}

/** Which field gives the summary an author wrote: `summary`, else Hugo's and Jekyll's `description`, else Jekyll's `excerpt`. */
function summaryField(fm: FrontMatter): 'summary' | (typeof SUMMARY_ALIASES)[number] {
  return fm.summary !== undefined ? 'summary' : (SUMMARY_ALIASES.find((field) => fm[field] !== undefined) ?? 'summary');
}

/**
 * Fields that Hugo and Jekyll posts carry and nashra reads otherwise: said,
 * not ignored in silence, when what they ask is not what nashra does.
 */
function warnAboutOtherToolsFields(fm: FrontMatter, lang: string, source: YamlData, report: Report): void {
  const used = summaryField(fm);
  for (const field of SUMMARY_ALIASES) {
    if (field !== used && fm[field] !== undefined && fm[field] !== fm[used]) report(source.positionOf([field]), 'warning', field, message('diagnostics.field.summaryIgnored', { field, used }));
  }
  const written = source.data.lang;
  if (written !== undefined && String(written) !== lang) report(source.positionOf(['lang']), 'warning', 'lang', message('diagnostics.field.langIgnored', { written: String(written), lang }));
  // Jekyll's and Eleventy's permalink, Hugo's url; Eleventy's `permalink: false` hides the post instead (see keptOutOfLists).
  for (const field of ['permalink', 'url'] as const) {
    if (source.data[field] === undefined || source.data[field] === false) continue;
    report(source.positionOf([field]), 'warning', field, message('diagnostics.field.urlIgnored', { field }));
  }
}

/** Validates one post file. Pure: no disk, no clock. */
export function parsePost(file: SourceFile, config: LoadSettings): ParsedPost {
  const { frontMatter, diagnostics } = readFrontMatter(file, config);
  if (!frontMatter) return { diagnostics };
  const { data: fm, intent, yaml: source, body, dates, named } = frontMatter;
  const slug = fm.slug ?? named.slug;
  const categories = (fm.categories ?? []).filter((path) => path.length > 0);
  const url = articleUrl(config, { lang: file.lang, slug, topCategory: categories[0]?.[0], date: fm.date });
  const authored = summaryField(fm);
  const summary = { summaryMarkdown: fm[authored] || undefined, url, position: source.positionOf([authored]) };
  const derived = deriveFromBody(file, body, summary, config, diagnostics);
  if (!derived) return { diagnostics };
  const post: Post = {
    sourcePath: file.path,
    lang: file.lang,
    slug,
    id: fm.id ?? defaultIdOf(config, { lang: file.lang, key: fm.translationKey ?? fm.slug ?? named.name, date: fm.date, url }),
    url,
    title: fm.title,
    date: fm.date,
    updated: intent.updated,
    translationKey: fm.translationKey,
    summaryMarkdown: fm[authored] || undefined,
    summaryHtml: derived.summaryHtml,
    summaryText: htmlToText(derived.summaryHtml),
    wordCount: derived.wordCount,
    sourceHash: file.hash ?? sourceHash(file.text),
    contentHash: contentHash(fm.title, fm[authored], body, fm.signatories ?? []),
    categories,
    tags: uniqueInOrder(fm.tags ?? []),
    authors: fm.author ?? [],
    signatories: fm.signatories && fm.signatories.length > 0 ? fm.signatories : undefined,
    image: fm.image ? postImage(fm.image, source) : undefined,
    draft: intent.hidden,
    publishAt: intent.publishAt,
    expires: intent.expires,
    canonical: fm.canonical,
    relatedPins: fm.related,
    writtenDates: dates,
    positions: Object.fromEntries(
      (['slug', 'id', 'translationKey', 'related'] as const).filter((field) => fm[field] !== undefined).map((field) => [field, source.positionOf([field])]),
    ),
  };
  // A copy whose strings share nothing with the file text: a title or a tag cut from the file
  // would otherwise keep the whole file, body included, in memory for the rest of the build.
  return { post: detachedCopy(stripUndefined(post)), body, diagnostics };
}

/**
 * The summary and word count, rendered from the body now while it is at hand.
 * A body that cannot be rendered skips its post with an error at the body's
 * first line, so one hostile or broken file never stops the others.
 */
function deriveFromBody(
  file: SourceFile,
  body: string,
  summary: { summaryMarkdown?: string; url: string; position: { line: number; column: number } },
  config: LoadSettings,
  diagnostics: Diagnostic[],
): { summaryHtml: string; wordCount: number } | undefined {
  const bodyLine = bodyStartLine(file.text, body);
  const flattenedAt = flattenNesting(body, config.limits.nestingDepth).firstFlattenedLine;
  if (flattenedAt !== undefined) {
    const text = message('diagnostics.render.nestingFlattened', { depth: message('diagnostics.count.levels', { count: config.limits.nestingDepth }) });
    diagnostics.push(diagnostic(file.path, { line: bodyLine + flattenedAt - 1, column: 1 }, 'warning', 'body', text));
  }
  try {
    const { html, warnings } = renderSummary({ ...summary, bodyMarkdown: body, lang: file.lang }, config);
    for (const warning of warnings) diagnostics.push(diagnostic(file.path, summary.position, 'warning', 'summary', warning));
    return { summaryHtml: html, wordCount: countWords(body) };
  } catch (error) {
    diagnostics.push(diagnostic(file.path, { line: bodyLine, column: 1 }, 'error', 'body', message('diagnostics.skipped', { reason: renderFailureReason(error) })));
    return undefined;
  }
}

/** The line of the file on which the body begins: the body is the file's tail. */
function bodyStartLine(fileText: string, body: string): number {
  if (!fileText.endsWith(body)) return 1;
  return positionOfIndex(fileText, fileText.length - body.length).line;
}

/**
 * Warns about unknown keys that look like a known field, so a typo is not
 * silently ignored, or like a sentence (see `readsAsSentence`). Returns false
 * when one looks like a field that hides the post.
 */
function checkNearMissKeys(yaml: YamlData, report: Report): boolean {
  const known: readonly string[] = KNOWN_FIELDS;
  let safe = true;
  for (const key of yaml.keys) {
    if (known.includes(key.name)) continue;
    if (readsAsSentence(key.name)) {
      report(key.position, 'warning', key.name, message('diagnostics.field.sentenceKey', { key: key.name }));
      continue;
    }
    const suggestion = nearMiss(key.name, known, (meant) => Math.max(1, Math.min(2, Math.floor(meant.length / 4))));
    if (suggestion === undefined) continue;
    if (HIDING_FIELDS.includes(suggestion)) {
      safe = false;
      report(key.position, 'error', key.name, message('diagnostics.field.unknownHiding', { key: key.name, suggestion }));
    } else {
      report(key.position, 'warning', key.name, message('diagnostics.field.unknown', { key: key.name, suggestion }));
    }
  }
  return safe;
}

/**
 * A key no one names a field so: three words or more, or a comma between
 * words. It is the body's opening line when front matter left open is
 * closed by a `---` rule further down (gray-matter closes it at the first
 * line that starts with ---), and would be dropped with no word.
 */
function readsAsSentence(key: string): boolean {
  return /\S,\s+\S/.test(key) || key.trim().split(/\s+/).length >= 3;
}

/**
 * Warns about the characters removed from a file: control characters once
 * for the file, bidi overrides once for each field (or the body) they were in.
 */
function reportForbiddenCharacters(text: string, found: readonly ForbiddenCharacter[], report: Report): void {
  const control = found.find((character) => character.kind === 'control');
  if (control) report(positionOfIndex(text, control.index), 'warning', 'encoding', message('diagnostics.file.controlRemoved'));
  const fields = new Set<string>();
  for (const { index } of found.filter((character) => character.kind === 'bidi')) {
    const field = fieldAt(text, index);
    if (fields.has(field)) continue;
    fields.add(field);
    report(positionOfIndex(text, index), 'warning', field, BIDI_REMOVED);
  }
}

/**
 * The front-matter field that holds `index`, named as schema errors name it
 * (`title`, `tags.0`, `author.1.name`, `image.alt`), or `body` past the
 * closing --- line. Only read for a file that holds a removed character.
 */
function fieldAt(text: string, index: number): string {
  const other = splitOtherFrontMatter(text);
  if (other) return index >= text.length - (other.body ?? '').length ? 'body' : 'front-matter';
  const start = text.indexOf('\n') + 1;
  const closing = /^(---|\.\.\.)[ \t]*$/m.exec(text.slice(start));
  const end = closing ? start + closing.index : text.length;
  if (index >= end) return 'body';
  const path = pathAt(parseDocument(text.slice(start, end)).contents, index - start);
  return path.length > 0 ? path.join('.') : 'front-matter';
}

/** The keys and indices leading from `node` to the innermost value or key written across `offset`. */
function pathAt(node: unknown, offset: number): (string | number)[] {
  const covers = (item: unknown) => isNode(item) && item.range !== null && item.range !== undefined && offset >= item.range[0] && offset < item.range[2];
  if (isMap(node)) {
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (name === undefined) continue;
      if (covers(pair.value)) return [name, ...pathAt(pair.value, offset)];
      if (covers(pair.key)) return [name];
    }
  }
  if (isSeq(node)) {
    const index = node.items.findIndex(covers);
    if (index >= 0) return [index, ...pathAt(node.items[index], offset)];
  }
  return [];
}

/**
 * What readers read of a post (title, summary, body, signatories), as a digest:
 * a change to it is a correction that `updated` should announce. A post without
 * signatories digests as it did before they existed, so no state recorded then
 * sees a correction that was never made.
 */
function contentHash(title: string, summary: string | undefined, body: string, signatories: readonly Signatory[]): string {
  const read = [title, summary ?? '', body.trim(), ...(signatories.length > 0 ? [signatories] : [])];
  return createHash('sha1').update(JSON.stringify(read)).digest('base64');
}

function uniqueInOrder(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function positionOfIndex(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Optional fields are absent rather than undefined, so posts compare and serialise cleanly. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
