/**
 * The JSON Schemas nashra publishes for everything of its own in its JSON
 * output: every such object of a build validates against the schemas that
 * build published, a wrong shape does not, and the repository keeps the same
 * schemas for the README to point at.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { plantedCorpus } from '../src/bench/plantedCorpus.js';
import type { SiteConfig } from '../src/config.js';
import { repositorySchemaFiles, SCHEMA_NAMES } from '../src/feeds/extensionSchemas.js';
import type { BuildResult } from '../src/pipeline.js';
import { buildInMemory, outputOf, post, projectConfig, ROOT, samplePosts, sourceFiles, testConfig } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');

/** One nashra-specific JSON value of an output, and the schema that must describe it. */
interface ExtensionObject {
  readonly where: string;
  readonly schema: string;
  readonly value: unknown;
}

interface JsonFeed {
  _nashra?: unknown;
  items: { id: string; _nashra?: unknown }[];
}

/** The build's own published schemas, compiled as a consumer would (strict, with formats checked). */
function publishedValidators(result: BuildResult): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return new Map(SCHEMA_NAMES.map((name) => [name, ajv.compile(JSON.parse(outputOf(result, `schemas/${name}.json`)) as object)]));
}

/**
 * Every nashra-specific JSON value of a build: the `_nashra` objects of
 * every JSON Feed (subscription, category, tag and archive feeds) and every
 * other JSON file. A JSON file nobody described is an error: a new kind of
 * output must come with its schema.
 */
function extensionObjects(result: BuildResult): ExtensionObject[] {
  return result.outputs.flatMap((output): ExtensionObject[] => {
    const { path, content } = output;
    if (!path.endsWith('.json') || path.startsWith('schemas/')) return [];
    const value = JSON.parse(content) as unknown;
    if (path.endsWith('feed.json')) {
      const feed = value as JsonFeed;
      return [
        ...(feed._nashra === undefined ? [] : [{ where: `${path} _nashra`, schema: 'json-feed-extension', value: feed._nashra }]),
        ...feed.items.map((item) => ({ where: `${path} item ${item.id} _nashra`, schema: 'json-feed-item-extension', value: item._nashra })),
      ];
    }
    if (/^[^/]+\/changes\.json$/.test(path)) return [{ where: path, schema: 'changes', value }];
    if (/^[^/]+\/related\/index\.json$/.test(path)) return [{ where: path, schema: 'related-index', value }];
    if (/^[^/]+\/related\/[^/]+\.json$/.test(path)) return [{ where: path, schema: 'related-article', value }];
    if (/^[^/]+\/related\.json$/.test(path)) return [{ where: path, schema: 'related-whole-file', value }];
    return [{ where: path, schema: 'none: a JSON output without a schema', value }];
  });
}

/** Where a build's extension objects fail their schemas: empty when every one is valid. */
function schemaErrors(result: BuildResult): string[] {
  const validators = publishedValidators(result);
  return extensionObjects(result).flatMap(({ where, schema, value }) => {
    const validate = validators.get(schema);
    if (!validate) return [`${where}: ${schema}`];
    return validate(value) ? [] : (validate.errors ?? []).map((error) => `${where}${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  });
}

function withWholeFile(config: SiteConfig): SiteConfig {
  return { ...config, feeds: { ...config.feeds, relatedWholeFile: true } };
}

/** Posts that reach every optional field: an image, a canonical address, translations, a shared slug, categories and tags. */
const EDGE_POSTS = {
  'en/with-image.md': post('title: Evictions in pictures\ndate: 2026-04-01\ntranslationKey: evictions\ncategories: [Reports/Housing]\ntags: [housing]\nimage: { url: /images/evictions.jpg, alt: A demolished house, size: 48213 }\ncanonical: https://partner.example.net/evictions'),
  'ar/with-image.md': post('title: الإخلاء بالصور\ndate: 2026-04-01\ntranslationKey: evictions\ncategories: [تقارير]\ntags: [سكن]\nimage: { url: /images/evictions.jpg, alt: "" }'),
  'en/joint.md': post('title: Joint statement on evictions\ndate: 2026-04-04\ncategories: [Statements/Joint Statements]\ntags: [housing]\nsignatories:\n  - name: Housing Rights Network\n    url: https://housing.example.net/\n  - name: Tenants Union'),
  'en/clash-a.md': post('title: Housing news\ndate: 2026-04-02\nslug: housing\ncategories: [News]\ntags: [housing]'),
  'en/clash-b.md': post('title: Housing report\ndate: 2026-04-03\nslug: housing\ncategories: [Reports]\ntags: [housing]'),
};

describe('the published JSON Schemas', () => {
  it('describe every _nashra object and related file of the sample site', async () => {
    const result = buildInMemory(await samplePosts(), withWholeFile(await projectConfig()));
    const objects = extensionObjects(result);
    expect(new Set(objects.map((object) => object.schema))).toEqual(new Set(SCHEMA_NAMES));
    const items = objects.filter((object) => object.schema === 'json-feed-item-extension').map((object) => object.value as Record<string, unknown>);
    for (const field of ['image_width', 'signatories']) expect(items.some((item) => field in item), field).toBe(true);
    expect(schemaErrors(result)).toEqual([]);
  });

  it('describe every _nashra object and related file of a generated archive, with images, canonical addresses and shared slugs', () => {
    const corpus = plantedCorpus(300, 11);
    const result = buildInMemory([...corpus.files, ...sourceFiles(EDGE_POSTS)], withWholeFile(testConfig({ feeds: { limit: 20, tagFeeds: 'all' }, licenseUrl: 'https://creativecommons.org/licenses/by/4.0/' })), NOW);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const objects = extensionObjects(result);
    expect(objects.length).toBeGreaterThan(1000);
    const items = objects.filter((object) => object.schema === 'json-feed-item-extension').map((object) => object.value as Record<string, unknown>);
    for (const field of ['image_alt', 'canonical', 'signatories']) expect(items.some((item) => field in item), field).toBe(true);
    expect(objects.some((object) => object.schema === 'related-article' && object.where.includes('~'))).toBe(true);
    expect(schemaErrors(result)).toEqual([]);
  });

  it("describe every _nashra object of partner profiles' feeds, uncapped and capped by size, with their rights", () => {
    const config = testConfig({
      licenseUrl: 'https://creativecommons.org/licenses/by/4.0/',
      profiles: { partners: { path: 'partners/' }, wire: { path: 'wire/', languages: ['en'], maxBytes: 20000 } },
    });
    const result = buildInMemory([...plantedCorpus(40, 3).files, ...sourceFiles(EDGE_POSTS)], config, NOW);
    const objects = extensionObjects(result).filter((object) => /^(partners|wire)\//.test(object.where));
    expect(objects.some((object) => object.where.startsWith('wire/'))).toBe(true);
    const items = objects.filter((object) => object.schema === 'json-feed-item-extension').map((object) => object.value as Record<string, unknown>);
    for (const field of ['rights', 'license', 'signatories', 'image_alt']) expect(items.some((item) => field in item), field).toBe(true);
    expect(schemaErrors(result)).toEqual([]);
  });

  it('refuse a wrong shape: a field of no schema, a missing field, a wrong type, a file name with a folder', async () => {
    const result = buildInMemory(await samplePosts(), await projectConfig());
    const validators = publishedValidators(result);
    const item = (JSON.parse(outputOf(result, 'en/feed.json')) as { items: { _nashra: Record<string, unknown> }[] }).items[0]?._nashra ?? {};
    const article = JSON.parse(outputOf(result, 'en/related/annual-report-2025.json')) as { related: Record<string, unknown>[] };
    const index = JSON.parse(outputOf(result, 'en/related/index.json')) as { articles: Record<string, Record<string, unknown>> };
    const valid = (schema: string, value: unknown) => validators.get(schema)?.(value);
    expect(valid('json-feed-item-extension', item)).toBe(true);
    expect(valid('json-feed-item-extension', { ...item, surprise: true })).toBe(false);
    expect(valid('json-feed-item-extension', { ...item, related: undefined })).toBe(false);
    expect(valid('json-feed-item-extension', { ...item, reading_time_minutes: '2' })).toBe(false);
    expect(valid('json-feed-item-extension', { ...item, image_alt: 'A map', image_width: 640 })).toBe(false);
    expect(valid('json-feed-extension', { license: 'https://creativecommons.org/licenses/by/4.0/' })).toBe(false);
    const tombstone = { id: 'tag:wahat.example.org,2026-01-01:en/x', when: '2026-10-01T00:00:00Z', reason: 'withdrawn', comment: 'Withdrawn' };
    expect(valid('json-feed-extension', { deleted: [tombstone] })).toBe(true);
    expect(valid('json-feed-extension', { deleted: [{ ...tombstone, reason: 'forgotten' }] })).toBe(false);
    expect(valid('related-article', article)).toBe(true);
    expect(valid('related-article', { ...article, related: article.related.map((entry) => ({ ...entry, score: 'high' })) })).toBe(false);
    expect(valid('related-article', { ...article, related: article.related.map((entry) => ({ ...entry, date_published: 'yesterday' })) })).toBe(false);
    expect(valid('related-index', index)).toBe(true);
    expect(valid('related-index', { ...index, articles: { a: { file: '../a.json', url: 'https://wahat.example.org/en/a/' } } })).toBe(false);
  });

  it('are published with an $id at their own address, and kept in the repository as published, with relative $ids', async () => {
    const result = buildInMemory(await samplePosts(), await projectConfig());
    for (const file of repositorySchemaFiles()) {
      const published = JSON.parse(outputOf(result, file.path)) as { $id: string };
      expect(published.$id).toBe(`https://wahat.example.org/feeds/${file.path}`);
      const kept = await readFile(join(ROOT, file.path), 'utf8').catch(() => `missing ${file.path}`);
      expect(kept, `${file.path} is stale: run npm run build:ts && node scripts/write-schemas.mjs`).toBe(file.content);
      expect(JSON.parse(kept)).toEqual({ ...published, $id: file.path.replace('schemas/', '') });
    }
  });
});
