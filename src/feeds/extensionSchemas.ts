/**
 * JSON Schemas (draft 2020-12) of everything nashra-specific in its JSON
 * output: the `_nashra` extension objects of JSON Feed, and the related
 * files. Written from what `feedAdapter.ts` and `relatedIndex.ts` produce, and
 * closed (`additionalProperties: false`) wherever the shape is ours, so a
 * field added to the output without its schema fails the tests that
 * validate every build's output against these.
 *
 * Each build publishes them under `schemas/` with an absolute `$id`; the
 * repository keeps the same documents under `schemas/` with a relative one.
 */

/** A JSON Schema, as plain data. */
export type JsonSchema = { readonly [keyword: string]: JsonValue };
type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The folder of the schemas, in the output and in the repository. */
export const SCHEMA_DIR = 'schemas';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

const text: JsonSchema = { type: 'string' };
const nonEmpty: JsonSchema = { type: 'string', minLength: 1 };
const uri: JsonSchema = { type: 'string', format: 'uri' };
const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
const language: JsonSchema = { type: 'string', minLength: 1, description: 'A language code of the site config (`en`, `ar`).' };
const itemId: JsonSchema = { ...nonEmpty, description: 'The article\'s stable item id, as in the feeds (a tag: URI by default).' };
const deletionReason: JsonSchema = { enum: ['expired', 'withdrawn', 'removed'] };
const score: JsonSchema = { type: 'number', minimum: 0, description: 'How related, as ranked by nashra (pinned articles come first whatever their score).' };

/** A closed object: every property named, those in `required` always present. */
function object(properties: Readonly<Record<string, JsonSchema>>, required: readonly string[], more: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: [...required], ...more, additionalProperties: false };
}

function arrayOf(items: JsonSchema, description?: string): JsonSchema {
  return { type: 'array', ...(description ? { description } : {}), items };
}

/** A related article as the per-article related files list it: no score, so that an unchanged list keeps its bytes. */
const relatedEntryUnscored = {
  id: itemId,
  url: uri,
  title: text,
  summary: { ...text, description: 'The related article\'s summary as plain text.' },
  language: { ...language, description: 'The related article\'s language: the reader\'s where a version exists, else the only one.' },
  date_published: dateTime,
} as const satisfies Record<string, JsonSchema>;

/** A related article as the feeds and the whole file list it. */
const relatedEntryProperties = { ...relatedEntryUnscored, score } as const satisfies Record<string, JsonSchema>;
const relatedEntryRequired = Object.keys(relatedEntryProperties);

/** One article's related list, with its entries of the given shape. */
function relatedArticlePropertiesOf(entry: Readonly<Record<string, JsonSchema>>): Record<string, JsonSchema> {
  return {
    id: itemId,
    url: { ...uri, description: 'The article page.' },
    title: text,
    related: arrayOf(object(entry, Object.keys(entry)), 'Best first, `feeds.relatedCount` at most: the same list as the article\'s feed items.'),
  };
}

interface SchemaSource {
  /** The file name under `schemas/`, without `.json`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly body: JsonSchema;
}

const SOURCES: readonly SchemaSource[] = [
  {
    name: 'json-feed-extension',
    title: 'nashra JSON Feed extension (feed)',
    description: 'The top-level `_nashra` object of a JSON Feed written by nashra; present when there is anything to say.',
    body: object(
      {
        rights: { ...text, description: 'The copyright or licence statement of the feed\'s language.' },
        license: { ...uri, description: 'The site\'s `licenseUrl`.' },
        changes_url: { ...uri, description: 'The language\'s changes list, `{lang}/changes.json`.' },
        deleted: {
          ...arrayOf(
            object({ id: itemId, url: uri, title: text, when: dateTime, reason: deletionReason, comment: { ...text, description: 'The reason, in the feed\'s language.' } }, ['id', 'when', 'reason', 'comment']),
            'Articles of this feed deleted within `feeds.tombstoneDays`: the JSON Feed counterpart of Atom tombstones.',
          ),
          minItems: 1,
        },
      },
      [],
      { minProperties: 1, dependentRequired: { license: ['rights'] } },
    ),
  },
  {
    name: 'json-feed-item-extension',
    title: 'nashra JSON Feed extension (item)',
    description: 'The `_nashra` object of every item of a JSON Feed written by nashra.',
    body: object(
      {
        summary_html: { ...text, description: 'The summary as sanitised HTML, in the item\'s language and direction.' },
        categories: arrayOf(
          object(
            {
              term: { ...nonEmpty, description: 'Stable term: the names of its levels as written, joined by `/` ("Statements/Joint Statements").' },
              path: { ...arrayOf(nonEmpty, 'Each level\'s name as the editor wrote it, in the item\'s language.'), minItems: 1 },
              label: { ...nonEmpty, description: 'The path as read, for a breadcrumb ("Statements › Joint Statements").' },
              url: { ...uri, description: 'The category\'s page on the site.' },
            },
            ['term', 'path', 'label', 'url'],
          ),
          'The item\'s categories, each with its label path and page.',
        ),
        signatories: {
          ...arrayOf(object({ name: nonEmpty, url: uri }, ['name']), 'The organisations that signed a joint statement, in the item\'s language; present when there are any.'),
          minItems: 1,
        },
        tags: arrayOf(text),
        reading_time_minutes: { type: 'integer', minimum: 1 },
        image_alt: { ...text, description: 'The lead image\'s alternative text; present when the item has an image.' },
        image_width: { type: 'integer', minimum: 1, description: 'The lead image\'s width in pixels, when nashra could measure it (a file in the static folder).' },
        image_height: { type: 'integer', minimum: 1, description: 'The lead image\'s height in pixels, given with its width.' },
        canonical: { ...uri, description: 'The address of an original published elsewhere; in a feed profile\'s items, always the address to link to (the original, else the article\'s page).' },
        rights: { ...text, description: 'In a feed profile\'s items: the copyright or licence statement the item carries with it when republished.' },
        license: { ...uri, description: 'In a feed profile\'s items: the licence URL the item carries with it.' },
        translations: arrayOf(object({ language, id: itemId, url: uri, title: text }, ['language', 'id', 'url', 'title']), 'The article in the site\'s other languages.'),
        related: arrayOf(
          object({ ...relatedEntryProperties, summary_html: { ...text, description: 'The related article\'s summary as sanitised HTML, marked with its language and direction.' } }, [...relatedEntryRequired, 'summary_html']),
          'Related articles, best first (empty on archive pages).',
        ),
      },
      ['summary_html', 'categories', 'tags', 'reading_time_minutes', 'translations', 'related'],
      { dependentRequired: { image_width: ['image_height', 'image_alt'], image_height: ['image_width', 'image_alt'] } },
    ),
  },
  {
    name: 'changes',
    title: 'nashra changes list',
    description: '`{lang}/changes.json`: articles added, updated and deleted in a language\'s feeds, newest first, over the last `feeds.tombstoneDays`.',
    body: object(
      {
        version: { const: 1 },
        language,
        retention_days: { type: 'integer', minimum: 0 },
        changes: arrayOf(
          object(
            { type: { enum: ['added', 'updated', 'deleted'] }, id: itemId, url: uri, title: text, when: dateTime, reason: deletionReason },
            ['type', 'id', 'when'],
          ),
        ),
      },
      ['version', 'language', 'retention_days', 'changes'],
    ),
  },
  {
    name: 'related-article',
    title: 'nashra related articles of one article',
    description: '`{lang}/related/{key}.json`: the related list of one published article, in its language.',
    body: object({ version: { const: 1 }, language, ...relatedArticlePropertiesOf(relatedEntryUnscored) }, ['version', 'language', 'id', 'url', 'title', 'related']),
  },
  {
    name: 'related-index',
    title: 'nashra index of related files',
    description: '`{lang}/related/index.json`: every published article of a language by the key of its related file.',
    body: object(
      {
        version: { const: 1 },
        language,
        articles: {
          type: 'object',
          description: 'By key: the article\'s slug, or `{slug}~{digest}` when another article of the language shares its slug (or the slug is `index`).',
          propertyNames: { pattern: '^[^/\\\\]+$' },
          additionalProperties: object(
            {
              file: { type: 'string', pattern: '^[^/\\\\]+\\.json$', description: 'The related file, relative to this index.' },
              url: { ...uri, description: 'The article page: how a page that does not know its key finds its file.' },
            },
            ['file', 'url'],
          ),
        },
      },
      ['version', 'language', 'articles'],
    ),
  },
  {
    name: 'related-whole-file',
    title: 'nashra related articles of every article (whole file)',
    description: '`{lang}/related.json`, written only with `feeds.relatedWholeFile: true`: every published article\'s related list, sorted by id.',
    body: object({ version: { const: 1 }, language, articles: arrayOf(object(relatedArticlePropertiesOf(relatedEntryProperties), ['id', 'url', 'title', 'related'])) }, ['version', 'language', 'articles']),
  },
];

/** The names of the published schemas. */
export const SCHEMA_NAMES: readonly string[] = SOURCES.map((source) => source.name);

/** The schema `name` as a document whose `$id` is `id` (the published file's URL, or a relative name). */
export function schemaDocument(name: string, id: string): JsonSchema {
  const source = SOURCES.find((candidate) => candidate.name === name);
  if (!source) throw new Error(`no schema named ${name}`);
  return { $schema: DIALECT, $id: id, title: source.title, description: source.description, ...source.body };
}

/** Every schema as the file `schemas/{name}.json`, its `$id` from `idOf` (given the file's path under the output). */
export function schemaFiles(idOf: (path: string) => string): { path: string; content: string }[] {
  return SCHEMA_NAMES.map((name) => {
    const path = `${SCHEMA_DIR}/${name}.json`;
    return { path, content: `${JSON.stringify(schemaDocument(name, idOf(path)), null, 2)}\n` };
  });
}

/** The schemas as the repository keeps them: each `$id` its own file name, so they work from a checkout or a copy. */
export function repositorySchemaFiles(): { path: string; content: string }[] {
  return schemaFiles((path) => path.slice(SCHEMA_DIR.length + 1));
}
