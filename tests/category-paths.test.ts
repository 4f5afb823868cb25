/**
 * Every category of an item, as the organisation's breadcrumb shows it: its
 * path of names in the post's language ("Statements › Joint Statements") and
 * its page on the site (the language's `categoryUrlPattern`, built from the
 * stable `categorySlugs`), in all three formats. The term stays the path as
 * written ("Statements/Joint Statements"), as partners already read it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import type { BuildResult } from '../src/pipeline.js';
import { writeOutputs } from '../src/write/output.js';
import { feedparser, parseWithRssParser, skipWithout } from './support/consumers.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

const POSTS = sourceFiles({
  'en/wadi-safi-reporters.md': post(`
title: "Joint statement: Free the Wadi Safi reporters"
date: 2026-03-14T09:00:00+03:00
translationKey: wadi-safi-reporters
categories: ["Statements/Joint Statements", "News"]
tags: [journalists]
`),
  'ar/wadi-safi-reporters.md': post(`
title: "بيان مشترك: أفرجوا عن مراسلي وادي صافي"
date: 2026-03-14T09:00:00+03:00
translationKey: wadi-safi-reporters
slug: wadi-safi-reporters
categories: "بيانات/بيانات مشتركة"
tags: [صحفيون]
`),
});

const SLUGS = { categorySlugs: { Statements: 'statements', 'Joint Statements': 'joint-statements', بيانات: 'statements', 'بيانات مشتركة': 'joint-statements' } };
const config = testConfig(SLUGS);

interface JsonItem {
  readonly tags?: string[];
  readonly _nashra: { readonly categories: unknown[]; readonly tags: string[] };
}
const jsonItem = (result: BuildResult, lang: string): JsonItem | undefined => (JSON.parse(outputOf(result, `${lang}/feed.json`)) as { items: JsonItem[] }).items[0];

describe('category paths in the feeds', () => {
  let result: BuildResult;
  let outDir: string;

  beforeAll(async () => {
    result = buildInMemory(POSTS, config);
    expect(result.diagnostics).toEqual([]);
    outDir = await mkdtemp(join(tmpdir(), 'nashra-category-paths-'));
    await writeOutputs(outDir, result.outputs);
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('are Atom categories: the path as term, the page as scheme, the whole path as label, as feedparser reads them', ({ skip }) => {
    if (skipWithout('feedparser')) skip();
    expect(feedparser(join(outDir, 'en/atom.xml')).entries[0]?.tags).toEqual([
      { term: 'Statements/Joint Statements', scheme: 'https://rights.example.org/en/statements/joint-statements/', label: 'Statements › Joint Statements' },
      { term: 'News', scheme: 'https://rights.example.org/en/news/', label: 'News' },
      { term: 'journalists', scheme: 'https://rights.example.org/en/tags/', label: null },
    ]);
    expect(feedparser(join(outDir, 'ar/atom.xml')).entries[0]?.tags).toEqual([
      { term: 'بيانات/بيانات مشتركة', scheme: 'https://rights.example.org/ar/statements/joint-statements/', label: 'بيانات › بيانات مشتركة' },
      { term: 'صحفيون', scheme: 'https://rights.example.org/ar/tags/', label: null },
    ]);
  });

  it('are RSS categories: the "/" path in the domain of the category page, as feedparser and rss-parser read them', async ({ skip }) => {
    const parsed = await parseWithRssParser(outputOf(result, 'en/rss.xml'));
    expect(parsed.items[0]?.categories).toEqual([
      { _: 'Statements/Joint Statements', $: { domain: 'https://rights.example.org/en/statements/joint-statements/' } },
      { _: 'News', $: { domain: 'https://rights.example.org/en/news/' } },
      { _: 'journalists', $: { domain: 'https://rights.example.org/en/tags/' } },
    ]);
    if (skipWithout('feedparser')) skip();
    expect(feedparser(join(outDir, 'ar/rss.xml')).entries[0]?.tags).toEqual([
      { term: 'بيانات/بيانات مشتركة', scheme: 'https://rights.example.org/ar/statements/joint-statements/', label: null },
      { term: 'صحفيون', scheme: 'https://rights.example.org/ar/tags/', label: null },
    ]);
  });

  it('are the JSON Feed extension _nashra.categories (term, path, label, page), tags staying in tags', () => {
    const english = jsonItem(result, 'en');
    expect(english?._nashra.categories).toEqual([
      { term: 'Statements/Joint Statements', path: ['Statements', 'Joint Statements'], label: 'Statements › Joint Statements', url: 'https://rights.example.org/en/statements/joint-statements/' },
      { term: 'News', path: ['News'], label: 'News', url: 'https://rights.example.org/en/news/' },
    ]);
    expect(english?._nashra.tags).toEqual(['journalists']);
    expect(english?.tags).toEqual(['Statements/Joint Statements', 'News', 'journalists']);
    expect(jsonItem(result, 'ar')?._nashra.categories).toEqual([
      { term: 'بيانات/بيانات مشتركة', path: ['بيانات', 'بيانات مشتركة'], label: 'بيانات › بيانات مشتركة', url: 'https://rights.example.org/ar/statements/joint-statements/' },
    ]);
  });
});

describe('a category page URL', () => {
  it('follows the language’s categoryUrlPattern, with {lang}, {categoryPath} and {category}', () => {
    const patterned = buildInMemory(
      POSTS,
      testConfig({
        ...SLUGS,
        languages: {
          en: { siteName: 'Example Rights Centre', categoryUrlPattern: '/{lang}/topics/{categoryPath}.html' },
          ar: { siteName: 'مركز الحقوق النموذجي', categoryUrlPattern: '/{lang}/section/{category}/' },
        },
      }),
    );
    expect(jsonItem(patterned, 'en')?._nashra.categories).toContainEqual(expect.objectContaining({ url: 'https://rights.example.org/en/topics/statements/joint-statements.html' }));
    expect(jsonItem(patterned, 'ar')?._nashra.categories).toEqual([expect.objectContaining({ url: 'https://rights.example.org/ar/section/joint-statements/' })]);
  });

  it('uses a slug made from the name, percent-encoded, for a category categorySlugs does not name; the label keeps the name as written', () => {
    const unmapped = buildInMemory(POSTS, testConfig());
    expect(jsonItem(unmapped, 'ar')?._nashra.categories).toEqual([
      {
        term: 'بيانات/بيانات مشتركة',
        path: ['بيانات', 'بيانات مشتركة'],
        label: 'بيانات › بيانات مشتركة',
        url: `https://rights.example.org/ar/${encodeURIComponent('بيانات')}/${encodeURIComponent('بيانات-مشتركة')}/`,
      },
    ]);
  });

  it('needs a pattern that tells categories apart: one without {categoryPath} or {category} is a config error', () => {
    const { config: refused, diagnostics } = parseConfig(
      JSON.stringify({ baseUrl: 'https://rights.example.org/', languages: { en: { siteName: 'Example', categoryUrlPattern: '/{lang}/categories/' } } }),
      'nashra.config.yaml',
    );
    expect(refused).toBeUndefined();
    expect(diagnostics.map((d) => `${d.field}: ${d.message}`)).toEqual([
      'languages.en.categoryUrlPattern: languages.en.categoryUrlPattern must hold {categoryPath} or {category}, or every category would share one page',
    ]);
  });
});
