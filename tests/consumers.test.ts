/**
 * The sample site's six feeds, read back by real consumers: Python feedparser,
 * xmllint, rss-parser, @extractus/feed-extractor and a JSON Feed 1.1 schema.
 * What they read must equal what the posts say, in both languages.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../src/config.js';
import { lastModified, type Post } from '../src/model.js';
import type { BuildResult } from '../src/pipeline.js';
import { writeOutputs } from '../src/write/output.js';
import {
  feedparser,
  jsonFeedErrors,
  parseWithFeedExtractor,
  parseWithRssParser,
  skipWithout,
  xmllint,
  type FeedparserEntry,
} from './support/consumers.js';
import { buildInMemory, MAIN_FEEDS, outputOf, projectConfig, samplePosts } from './support/site.js';

const LANGUAGES = ['en', 'ar'] as const;
const XML_FORMATS = ['rss.xml', 'atom.xml'] as const;
const NOW = new Date('2026-11-01T00:00:00Z');

let config: SiteConfig;
let result: BuildResult;
let outDir: string;

beforeAll(async () => {
  config = await projectConfig();
  result = buildInMemory(await samplePosts(), config, NOW);
  outDir = await mkdtemp(join(tmpdir(), 'nashra-consumers-'));
  await writeOutputs(outDir, result.outputs);
});

const postsIn = (lang: string): Post[] => result.posts.filter((post) => post.lang === lang);
const postWithId = (id: string): Post => {
  const found = result.posts.find((post) => post.id === id);
  if (!found) throw new Error(`no post with id ${id}`);
  return found;
};
const translationOf = (post: Post): Post | undefined =>
  result.posts.find((other) => other.translationKey !== undefined && other.translationKey === post.translationKey && other.lang !== post.lang);
const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
const expectedTerms = (post: Post): string[] => [...post.categories.map((path) => path.join('/')), ...post.tags];

describe('the sample site', () => {
  it('builds the six main feeds without a diagnostic', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs.map((output) => output.path)).toEqual(expect.arrayContaining(MAIN_FEEDS));
    expect(postsIn('en').length).toBeGreaterThanOrEqual(12);
    expect(postsIn('ar').length).toBeGreaterThanOrEqual(12);
  });
});

describe.skipIf(skipWithout('xmllint'))('xmllint', () => {
  it.each(LANGUAGES.flatMap((lang) => XML_FORMATS.map((format) => `${lang}/${format}`)))('finds %s well-formed', (path) => {
    expect(xmllint(join(outDir, path))).toBe('');
  });
});

describe.skipIf(skipWithout('feedparser'))('Python feedparser', () => {
  for (const lang of LANGUAGES) {
    for (const format of XML_FORMATS) {
      describe(`${lang}/${format}`, () => {
        const read = () => feedparser(join(outDir, lang, format));

        it('parses without the bozo flag, as the right format and language', () => {
          const parsed = read();
          expect(parsed.bozo_exception).toBe('');
          expect(parsed.bozo).toBe(false);
          expect(parsed.version).toBe(format === 'rss.xml' ? 'rss20' : 'atom10');
          expect(parsed.feed.language).toBe(lang);
          expect(parsed.feed.title).toBe(config.languages[lang]?.siteName);
        });

        it('links to itself and to the site; an Atom feed also to its HTML page, as its alternate', () => {
          const links = read().feed.links ?? [];
          expect(links).toContainEqual(expect.objectContaining({ rel: 'self', href: `https://wahat.example.org/feeds/${lang}/${format}` }));
          if (format === 'atom.xml') {
            expect(links).toContainEqual(expect.objectContaining({ rel: 'alternate', type: 'text/html', href: `https://wahat.example.org/feeds/${lang}/` }));
            expect(links).toContainEqual(expect.objectContaining({ rel: 'related', type: 'text/html', href: `https://wahat.example.org/${lang}/` }));
          } else {
            expect(links).toContainEqual(expect.objectContaining({ rel: 'alternate', href: `https://wahat.example.org/${lang}/` }));
          }
        });

        if (format === 'atom.xml') {
          it('names the organisation as the feed author, so entries without one stay valid Atom', () => {
            expect(read().feed.author).toBe(config.languages[lang]?.siteName);
          });
        }

        it('reads every post of the language with its id, title, link, dates, authors and categories', () => {
          const entries = read().entries;
          expect(entries.map((entry) => entry.id).sort()).toEqual(postsIn(lang).map((post) => post.id).sort());
          for (const entry of entries) {
            const post = postWithId(entry.id);
            expect(entry.title).toBe(post.title);
            expect(entry.link).toBe(post.url);
            expect(entry.published_parsed).toBe(isoSeconds(post.date));
            if (format === 'atom.xml') expect(entry.updated_parsed).toBe(isoSeconds(lastModified(post)));
            expect((entry.authors ?? []).map((author) => author.name)).toEqual(post.authors.map((author) => author.name));
            expect((entry.tags ?? []).map((tag) => tag.term)).toEqual(expectedTerms(post));
          }
        });

        it('reads the signatories of joint statements as contributors, and each category with its page and path', () => {
          const entries = read().entries;
          expect(entries.some((entry) => (entry.contributors ?? []).length > 0)).toBe(true);
          for (const entry of entries) {
            const post = postWithId(entry.id);
            const signatories = post.signatories ?? [];
            // Atom contributors carry their URL; RSS dc:contributor is a name only.
            const expected = signatories.map((signatory) => (format === 'atom.xml' && signatory.url ? { name: signatory.name, href: signatory.url } : { name: signatory.name }));
            expect(entry.contributors ?? []).toEqual(expected);
            const categories = (entry.tags ?? []).slice(0, post.categories.length);
            expect(categories).toEqual(
              post.categories.map((path) => ({
                term: path.join('/'),
                scheme: `https://wahat.example.org/${lang}/${path.map((name) => config.categorySlugs[name]).join('/')}/`,
                label: format === 'atom.xml' ? path.join(' › ') : null,
              })),
            );
          }
        });

        it('links each translated post to its translation with hreflang', () => {
          for (const entry of read().entries) {
            const post = postWithId(entry.id);
            const translation = translationOf(post);
            const alternates = entry.links.filter((link) => link.rel === 'alternate' && link.hreflang !== undefined && link.hreflang !== lang);
            expect(alternates.map((link) => [link.hreflang, link.href])).toEqual(translation ? [[translation.lang, translation.url]] : []);
          }
        });

        it('carries the image with its type and alt text', () => {
          for (const entry of read().entries) {
            const post = postWithId(entry.id);
            if (!post.image) continue;
            const media = (entry.media_content ?? [])[0];
            expect(media?.url).toBe(new URL(post.image.url, post.url).href);
            expect(media?.type).toBe(post.image.type ?? 'image/jpeg');
            const enclosure = entry.links.find((link: FeedparserEntry['links'][number]) => link.rel === 'enclosure');
            expect(enclosure?.href).toBe(media?.url);
          }
        });

        it(`marks the content ${lang === 'ar' ? 'right to left in Arabic' : 'as English'}`, () => {
          for (const entry of read().entries) {
            const opening = /^<div[^>]*>/.exec(entry.content?.[0]?.value ?? '')?.[0] ?? '';
            expect(opening).toContain(`lang="${lang}"`);
            expect(opening).toContain(lang === 'ar' ? 'dir="rtl"' : 'dir="ltr"');
          }
        });
      });
    }
  }
});

describe('rss-parser (npm)', () => {
  for (const lang of LANGUAGES) {
    for (const format of XML_FORMATS) {
      it(`reads ${lang}/${format}: titles, links and ids of every post`, async () => {
        const feed = await parseWithRssParser(outputOf(result, `${lang}/${format}`));
        expect(feed.title).toBe(config.languages[lang]?.siteName);
        const items = feed.items.map((item) => ({ title: item.title, link: item.link, id: item.guid ?? (item as { id?: string }).id }));
        const expected = postsIn(lang).map((post) => ({ title: post.title, link: post.url, id: post.id }));
        expect(items.sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
      });
    }
  }
});

describe('@extractus/feed-extractor (npm)', () => {
  for (const lang of LANGUAGES) {
    for (const file of ['rss.xml', 'atom.xml', 'feed.json'] as const) {
      it(`reads ${lang}/${file}: language, titles, ids and publication dates`, () => {
        const text = outputOf(result, `${lang}/${file}`);
        const feed = parseWithFeedExtractor(text, file.endsWith('.json') ? 'json' : 'xml');
        expect(feed.title).toBe(config.languages[lang]?.siteName);
        expect(feed.language).toBe(lang);
        const read = (feed.entries ?? []).map((entry) => ({ id: entry.id, title: entry.title, published: new Date(String(entry.published)).getTime() }));
        // feed-extractor reports an Atom entry's <updated> as its date, ahead of <published>.
        const dateOf = (post: Post): Date => (file === 'atom.xml' ? lastModified(post) : post.date);
        const expected = postsIn(lang).map((post) => ({ id: post.id, title: post.title, published: dateOf(post).getTime() }));
        expect(read.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
      });
    }
  }
});

describe('JSON Feed 1.1', () => {
  interface JsonItem {
    id: string;
    url: string;
    title: string;
    language: string;
    date_published: string;
    date_modified: string;
    tags?: string[];
    _nashra: {
      translations: { language: string; url: string; id: string }[];
      related: { id: string; url: string; title: string; summary: string; language: string; date_published: string }[];
    };
  }
  const read = (lang: string) => JSON.parse(outputOf(result, `${lang}/feed.json`)) as { language: string; feed_url: string; items: JsonItem[] };

  it.each(LANGUAGES)('%s/feed.json is valid against the JSON Feed 1.1 schema', (lang) => {
    expect(jsonFeedErrors(outputOf(result, `${lang}/feed.json`))).toEqual([]);
  });

  it.each(LANGUAGES)('%s/feed.json states its language and carries every post with its dates and tags', (lang) => {
    const feed = read(lang);
    expect(feed.language).toBe(lang);
    expect(feed.feed_url).toBe(`https://wahat.example.org/feeds/${lang}/feed.json`);
    for (const item of feed.items) {
      const post = postWithId(item.id);
      expect(item).toMatchObject({ url: post.url, title: post.title, language: lang });
      expect(new Date(item.date_published).getTime()).toBe(post.date.getTime());
      expect(new Date(item.date_modified).getTime()).toBe(lastModified(post).getTime());
      expect(item.tags ?? []).toEqual(expectedTerms(post));
      const translation = translationOf(post);
      expect(item._nashra.translations.map((link) => [link.language, link.url])).toEqual(translation ? [[translation.lang, translation.url]] : []);
    }
    expect(feed.items).toHaveLength(postsIn(lang).length);
  });

  it('gives every item related articles that exist, never itself or its translation', () => {
    for (const lang of LANGUAGES) {
      for (const item of read(lang).items) {
        const post = postWithId(item.id);
        const own = new Set([post.id, translationOf(post)?.id]);
        expect(item._nashra.related.length).toBeGreaterThan(0);
        for (const related of item._nashra.related) {
          const target = postWithId(related.id);
          expect(own.has(related.id)).toBe(false);
          expect(related).toMatchObject({ url: target.url, title: target.title, language: target.lang });
          expect(new Date(related.date_published).getTime()).toBe(target.date.getTime());
          expect(related.summary.length).toBeGreaterThan(0);
          // Shown in the reader's language whenever the related article has a version in it.
          if (target.lang !== lang) expect(translationOf(target)).toBeUndefined();
        }
      }
    }
  });

  it('lists the same related articles in the same order for both versions of a translated article', () => {
    const articleOf = (id: string): string => {
      const post = postWithId(id);
      return post.translationKey ?? `${post.lang}:${post.id}`;
    };
    const english = new Map(read('en').items.map((item) => [articleOf(item.id), item._nashra.related.map((r) => articleOf(r.id))]));
    let pairs = 0;
    for (const item of read('ar').items) {
      const key = articleOf(item.id);
      const other = english.get(key);
      if (!other) continue;
      pairs++;
      expect(item._nashra.related.map((r) => articleOf(r.id))).toEqual(other);
    }
    expect(pairs).toBeGreaterThanOrEqual(10);
  });
});

/**
 * A partner profile's feeds (`profiles` in the config), read by the same
 * consumers: each item's link is the canonical URL (here one that points
 * away from the site), each item carries the rights, the image and only the
 * article, and the JSON Feed is valid.
 */
describe('a partner profile, read by the consumers', () => {
  const CANONICAL = 'https://partner.example.net/republished/al-sahil';
  let partnerResult: BuildResult;
  let partnerDir: string;

  beforeAll(async () => {
    const files = (await samplePosts()).map((file) => (file.path.endsWith('en/release-al-sahil-journalists.md') ? { ...file, text: file.text.replace(/^canonical: .*$/m, `canonical: "${CANONICAL}"`) } : file));
    partnerResult = buildInMemory(files, { ...config, profiles: { partners: { path: 'partners/' } } }, NOW);
    partnerDir = await mkdtemp(join(tmpdir(), 'nashra-consumers-partners-'));
    await writeOutputs(partnerDir, partnerResult.outputs);
  });

  const canonicalOf = (post: Post): string => (post.url.endsWith('/release-al-sahil-journalists/') && post.lang === 'en' ? CANONICAL : (post.canonical ?? post.url));
  const partnerPost = (id: string): Post => {
    const found = partnerResult.posts.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no post with id ${id}`);
    return found;
  };

  describe.skipIf(skipWithout('feedparser'))('Python feedparser', () => {
    for (const lang of LANGUAGES) {
      for (const format of XML_FORMATS) {
        it(`reads partners/${lang}/${format}: canonical links, rights, image, and only the article`, () => {
          const parsed = feedparser(join(partnerDir, 'partners', lang, format));
          expect(parsed.bozo_exception).toBe('');
          expect(parsed.entries.map((entry) => entry.id).sort()).toEqual(postsIn(lang).map((post) => post.id).sort());
          for (const entry of parsed.entries) {
            const post = partnerPost(entry.id);
            expect(entry.link).toBe(canonicalOf(post));
            expect(entry.rights).toBe(config.languages[lang]?.rights);
            const content = entry.content?.[0]?.value ?? '';
            expect(content).not.toMatch(/minute read|قراءة في|Available in|متوفر أيضاً|Related articles|مقالات ذات صلة/);
            if (post.image) {
              expect(entry.media_content?.[0]?.url).toBe(new URL(post.image.url, post.url).href);
              expect(content).toContain(`alt="${post.image.alt}"`);
            }
          }
          expect(parsed.entries.some((entry) => entry.link === CANONICAL)).toBe(lang === 'en');
        });
      }
    }
  });

  it.each(LANGUAGES)('rss-parser and feed-extractor read partners/%s with canonical links', async (lang) => {
    const rss = await parseWithRssParser(outputOf(partnerResult, `partners/${lang}/rss.xml`));
    expect(rss.items.map((item) => [item.guid, item.link])).toEqual(expect.arrayContaining(postsIn(lang).map((post) => [post.id, canonicalOf(post)])));
    const json = parseWithFeedExtractor(outputOf(partnerResult, `partners/${lang}/feed.json`), 'json');
    expect((json.entries ?? []).map((entry) => [entry.id, entry.link]).sort()).toEqual(postsIn(lang).map((post) => [post.id, canonicalOf(post)]).sort());
  });

  it.each(LANGUAGES)('partners/%s/feed.json is valid against the JSON Feed 1.1 schema', (lang) => {
    expect(jsonFeedErrors(outputOf(partnerResult, `partners/${lang}/feed.json`))).toEqual([]);
  });
});
