/**
 * Feeds people can find and catch up on: a feed per category level, RFC 5005
 * archives that lose nothing between polls, and an OPML list feed readers import.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../src/model.js';
import type { BuildResult } from '../src/pipeline.js';
import { writeOutputs } from '../src/write/output.js';
import { feedparser, jsonFeedErrors, skipWithout, xmllint, xpath } from './support/consumers.js';
import { buildInMemory, outputOf, post, projectConfig, samplePosts, sourceFiles, testConfig } from './support/site.js';

const writeSite = async (result: BuildResult): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'nashra-discovery-'));
  await writeOutputs(dir, result.outputs);
  return dir;
};

describe('category feeds of the sample site', () => {
  let result: BuildResult;
  let dir: string;
  beforeAll(async () => {
    result = buildInMemory(await samplePosts(), await projectConfig());
    dir = await writeSite(result);
  });

  it('exist for every level of every category, in each language and format, under stable slugs', () => {
    const paths = result.outputs.map((output) => output.path);
    for (const lang of ['en', 'ar']) {
      for (const scope of ['statements', 'statements/joint-statements', 'reports', 'reports/annual-reports', 'news']) {
        for (const file of ['rss.xml', 'atom.xml', 'feed.json']) expect(paths).toContain(`${lang}/categories/${scope}/${file}`);
      }
    }
  });

  describe.skipIf(skipWithout('feedparser'))('read by feedparser', () => {
    it('hold exactly the posts filed under that category or below it', () => {
      const inCategory = (post: Post, prefix: string[]) => post.categories.some((path) => prefix.every((name, i) => path[i] === name));
      const cases: [string, string, string[]][] = [
        ['en', 'statements', ['Statements']],
        ['en', 'statements/joint-statements', ['Statements', 'Joint Statements']],
        ['ar', 'reports', ['تقارير']],
        ['ar', 'reports/annual-reports', ['تقارير', 'تقارير سنوية']],
      ];
      for (const [lang, slug, prefix] of cases) {
        const parsed = feedparser(join(dir, lang, 'categories', slug, 'atom.xml'));
        expect(parsed.bozo).toBe(false);
        expect(parsed.feed.language).toBe(lang);
        expect(parsed.feed.title).toContain(prefix[prefix.length - 1]);
        const expected = result.posts.filter((p) => p.lang === lang && inCategory(p, prefix)).map((p) => p.id).sort();
        expect(expected.length).toBeGreaterThan(0);
        expect(parsed.entries.map((entry) => entry.id).sort()).toEqual(expected);
      }
    });
  });
});

describe('every feed of a site with categories, tags and archives', () => {
  const config = testConfig({ feeds: { limit: 4, tagFeeds: 'all' } });
  const files = sourceFiles(
    Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => {
        const lang = i % 2 === 0 ? 'en' : 'ar';
        const category = lang === 'en' ? ['Statements/Joint Statements', 'Reports', 'News'][i % 3] : ['بيانات/بيانات مشتركة', 'تقارير', 'أخبار'][i % 3];
        const tag = lang === 'en' ? ['detention', 'fair trial'][i % 2] : ['احتجاز', 'محاكمة عادلة'][i % 2];
        return [`${lang}/p${i}.md`, post(`title: Post ${i}\ndate: 2026-01-${String(i + 1).padStart(2, '0')}T10:00:00Z\ncategories: ${category}\ntags: [${tag}]`)];
      }),
    ),
  );
  let dir: string;
  let result: BuildResult;
  beforeAll(async () => {
    result = buildInMemory(files, config);
    dir = await writeSite(result);
  });
  const feedsOf = (suffix: string) => result.outputs.map((output) => output.path).filter((path) => path.endsWith(suffix));

  it('includes category, tag and archive feeds', () => {
    expect(feedsOf('rss.xml').some((path) => path.includes('/tags/'))).toBe(true);
    expect(feedsOf('rss.xml').some((path) => path.includes('/archive/'))).toBe(true);
    expect(feedsOf('rss.xml').some((path) => path.includes('/categories/'))).toBe(true);
  });

  it.skipIf(skipWithout('xmllint'))('is well-formed XML, every one', () => {
    for (const path of [...feedsOf('.xml'), ...feedsOf('.xsl')]) expect(xmllint(join(dir, path)), path).toBe('');
  });

  it.skipIf(skipWithout('feedparser'))('is read by feedparser without the bozo flag, in its language', () => {
    for (const path of [...feedsOf('rss.xml'), ...feedsOf('atom.xml')]) {
      const parsed = feedparser(join(dir, path));
      expect(parsed.bozo, `${path}: ${parsed.bozo_exception}`).toBe(false);
      expect(parsed.feed.language, path).toBe(path.slice(0, 2));
      expect(parsed.entries.length, path).toBeGreaterThan(0);
    }
  });

  it('is valid JSON Feed 1.1, every one', () => {
    for (const path of feedsOf('feed.json')) expect(jsonFeedErrors(outputOf(result, path)), path).toEqual([]);
  });
});

describe('archives', () => {
  const config = testConfig({ feeds: { limit: 3, categoryFeeds: false, relatedCount: 0 } });
  const posts = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`en/p${String(i).padStart(2, '0')}.md`, post(`title: Post ${i}\ndate: 2026-01-${String(i + 1).padStart(2, '0')}T10:00:00Z`)]));
  const base = 'https://rights.example.org/feeds/';
  let dir: string;
  let result: BuildResult;
  beforeAll(async () => {
    result = buildInMemory(sourceFiles(posts(11)), config);
    dir = await writeSite(result);
  });

  it('put the newest items in the main feed and the rest in pages filled from the oldest', () => {
    const paths = result.outputs.map((output) => output.path).filter((path) => path.startsWith('en/') && path.endsWith('rss.xml'));
    expect(paths.sort()).toEqual(['en/archive/1/rss.xml', 'en/archive/2/rss.xml', 'en/archive/3/rss.xml', 'en/rss.xml']);
  });

  describe.skipIf(skipWithout('feedparser'))('walked through prev-archive links by feedparser', () => {
    for (const file of ['rss.xml', 'atom.xml']) {
      it(`${file}: finds every published post exactly once`, () => {
        const seen: string[] = [];
        let path: string | undefined = `en/${file}`;
        let pages = 0;
        while (path) {
          const parsed = feedparser(join(dir, path));
          expect(parsed.bozo).toBe(false);
          seen.push(...parsed.entries.map((entry) => entry.title));
          const older = (parsed.feed.links ?? []).find((link) => link.rel === 'prev-archive');
          path = older?.href.replace(base, '');
          pages++;
        }
        expect(pages).toBe(4);
        expect([...seen].sort()).toEqual(Array.from({ length: 11 }, (_, i) => `Post ${i}`).sort());
        expect(new Set(seen).size).toBe(11);
      });
    }
  });

  describe.skipIf(skipWithout('xmllint'))('marked as RFC 5005 says', () => {
    it('the current feed links to the newest archive page and is not an archive', () => {
      expect(xpath(join(dir, 'en/atom.xml'), "//*[local-name()='link'][@rel='prev-archive']/@href")).toEqual([`${base}en/archive/3/atom.xml`]);
      expect(xpath(join(dir, 'en/atom.xml'), "count(//*[local-name()='archive'])")).toEqual(['0']);
    });
    it('an archive page says so and links to the current feed and its neighbours', () => {
      const page = join(dir, 'en/archive/2/rss.xml');
      expect(xpath(page, "count(/rss/channel/*[local-name()='archive'])")).toEqual(['1']);
      expect(xpath(page, "/rss/channel/*[local-name()='link'][@rel='current']/@href")).toEqual([`${base}en/rss.xml`]);
      expect(xpath(page, "/rss/channel/*[local-name()='link'][@rel='prev-archive']/@href")).toEqual([`${base}en/archive/1/rss.xml`]);
      expect(xpath(page, "/rss/channel/*[local-name()='link'][@rel='next-archive']/@href")).toEqual([`${base}en/archive/3/rss.xml`]);
    });
    it('a feed that holds everything is marked complete', () => {
      expect(xpath(join(dir, 'ar/atom.xml'), "count(//*[local-name()='complete'])")).toEqual(['1']);
    });
  });

  it('JSON Feed pages chain through next_url to every post', async () => {
    const seen: string[] = [];
    let path: string | undefined = 'en/feed.json';
    while (path) {
      const feed = JSON.parse(await readFile(join(dir, path), 'utf8')) as { items: { title: string }[]; next_url?: string };
      seen.push(...feed.items.map((item) => item.title));
      path = feed.next_url?.replace(base, '');
    }
    expect(seen.sort()).toEqual(Array.from({ length: 11 }, (_, i) => `Post ${i}`).sort());
  });

  it('a new post changes the current feed and at most one archive page', async () => {
    const next = buildInMemory(sourceFiles({ ...posts(11), 'en/new.md': post('title: New\ndate: 2026-02-01T10:00:00Z') }), config);
    const report = await writeOutputs(dir, next.outputs);
    const pages = new Set(report.written.filter((path) => path.startsWith('en/archive/')).map((path) => path.split('/').slice(0, 3).join('/')));
    const feedFiles = report.written.filter((path) => /(rss\.xml|atom\.xml|feed\.json)$/.test(path));
    expect(feedFiles.filter((path) => !path.startsWith('en/archive/')).sort()).toEqual(['en/atom.xml', 'en/feed.json', 'en/rss.xml']);
    expect(pages.size).toBeLessThanOrEqual(1);
  });
});

describe('OPML', () => {
  let result: BuildResult;
  let dir: string;
  let feedUrls: string[];
  beforeAll(async () => {
    result = buildInMemory(await samplePosts(), await projectConfig());
    dir = await writeSite(result);
    feedUrls = result.outputs
      .map((output) => output.path)
      .filter((path) => /(rss\.xml|atom\.xml|feed\.json)$/.test(path) && !path.includes('/archive/'))
      .map((path) => `https://wahat.example.org/feeds/${path}`)
      .sort();
  });

  describe.skipIf(skipWithout('xmllint'))('read by xmllint', () => {
    it('lists every feed once, with its language', () => {
      const opml = join(dir, 'opml.xml');
      expect(xpath(opml, '//outline/@xmlUrl').sort()).toEqual(feedUrls);
      const arabic = xpath(opml, "//outline[@xmlUrl][@language='ar']/@xmlUrl");
      expect(arabic.sort()).toEqual(feedUrls.filter((url) => url.includes('/feeds/ar/')));
      expect(arabic.length).toBeGreaterThan(0);
      expect(xpath(opml, 'string(/opml/@version)')).toEqual(['2.0']);
    });
  });

  describe.skipIf(skipWithout('newsboat'))('imported by newsboat', () => {
    it('newsboat -i subscribes to every feed', async () => {
      const home = await mkdtemp(join(tmpdir(), 'nashra-newsboat-'));
      const urls = join(home, 'urls');
      execFileSync('newsboat', ['-u', urls, '-c', join(home, 'cache.db'), '-i', join(dir, 'opml.xml')], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
      const imported = (await readFile(urls, 'utf8')).split('\n').filter(Boolean).map((line) => line.split(' ')[0] ?? '');
      expect(imported.sort()).toEqual(feedUrls);
    });

    it('newsboat reads the main RSS and Atom feeds and finds every post', async () => {
      const home = await mkdtemp(join(tmpdir(), 'nashra-newsboat-'));
      const urls = join(home, 'urls');
      await writeFile(urls, `file://${join(dir, 'en/rss.xml')}\nfile://${join(dir, 'ar/atom.xml')}\n`);
      const output = execFileSync('newsboat', ['-u', urls, '-c', join(home, 'cache.db'), '-x', 'reload', 'print-unread'], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
      expect(output.trim()).toBe(`${result.posts.length} unread articles`);
    });
  });
});
