/** Related articles as the site and partners read them: related.json, pins, and `nashra related`. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { buildInMemory, outputOf, post, projectConfig, runCli, ROOT, samplePosts, sourceFiles, testConfig } from './support/site.js';

interface RelatedIndex {
  language: string;
  articles: { id: string; url: string; related: { id: string; language: string; summary: string; score: number }[] }[];
}

describe('related.json', () => {
  it('covers every published article of its language, with the same lists as the feeds', async () => {
    const result = buildInMemory(await samplePosts(), await projectConfig());
    for (const lang of ['en', 'ar']) {
      const index = JSON.parse(outputOf(result, `${lang}/related.json`)) as RelatedIndex;
      expect(index.language).toBe(lang);
      expect(index.articles.map((article) => article.id)).toEqual(result.posts.filter((p) => p.lang === lang).map((p) => p.id).sort());
      const feed = JSON.parse(outputOf(result, `${lang}/feed.json`)) as { items: { id: string; _nashra: { related: { id: string }[] } }[] };
      for (const item of feed.items) {
        expect(index.articles.find((article) => article.id === item.id)?.related.map((r) => r.id)).toEqual(item._nashra.related.map((r) => r.id));
      }
      for (const article of index.articles) for (const related of article.related) expect(related.summary.length).toBeGreaterThan(0);
    }
  });
});

describe('pinned related articles', () => {
  const posts = {
    'en/a.md': post('title: Detention report\ndate: 2026-03-01\ntags: [detention]\nrelated: [housing-rights, nowhere-to-be-found]'),
    'en/b.md': post('title: Detention statement\ndate: 2026-03-02\ntags: [detention]'),
    'en/c.md': post('title: Housing evictions\ndate: 2025-01-01\ntags: [housing]\ntranslationKey: housing-rights'),
  };

  it('come first, named by translationKey or slug; a pin that names nothing is a warning at its line', () => {
    const result = buildInMemory(sourceFiles(posts), testConfig());
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/a.md:5:10 warning related "nowhere-to-be-found" names no post (expected a slug or a translationKey); it is left out [related]',
    ]);
    const feed = JSON.parse(outputOf(result, 'en/feed.json')) as { items: { title: string; _nashra: { related: { title: string }[] } }[] };
    const report = feed.items.find((item) => item.title === 'Detention report');
    expect(report?._nashra.related.map((r) => r.title)).toEqual(['Housing evictions', 'Detention statement']);
  });

  it('name the article the author meant even before it is published: a pin to an embargoed post waits for it, and does not fall to a post of another language with the same slug', () => {
    const withEmbargo = {
      'en/a.md': post('title: Detention report\ndate: 2026-03-01\ntags: [detention]\nrelated: [forthcoming]'),
      'en/b.md': post('title: Detention statement\ndate: 2026-03-02\ntags: [detention]'),
      'en/forthcoming.md': post('title: Forthcoming report\ndate: 2026-03-03\npublishAt: 2026-12-01T00:00:00Z'),
      'ar/forthcoming.md': post('title: تقرير آخر\ndate: 2026-03-03'),
    };
    const relatedOf = (now: Date) => {
      const feed = JSON.parse(outputOf(buildInMemory(sourceFiles(withEmbargo), testConfig(), now), 'en/feed.json')) as { items: { title: string; _nashra: { related: { title: string }[] } }[] };
      return feed.items.find((item) => item.title === 'Detention report')?._nashra.related.map((r) => r.title);
    };
    expect(relatedOf(new Date('2026-11-01T00:00:00Z'))).not.toContain('تقرير آخر');
    expect(relatedOf(new Date('2026-12-02T00:00:00Z'))?.[0]).toBe('Forthcoming report');
  });
});

describe('nashra related', () => {
  it('prints the list with its reasons', async () => {
    const run = await runCli(['related', 'release-al-sahil-journalists', '--lang', 'en', '--now', '2026-11-01'], ROOT);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('related to "Joint statement: Release the detained journalists of Al-Sahil" (en, posts/en/release-al-sahil-journalists.md):');
    expect(lines[1]).toMatch(/^ 1\. 0\.\d{4} {2}.+ {2}\[(en|ar)\] {2}https:\/\/wahat\.example\.org\//);
    expect(lines[2]).toMatch(/tags: .*days before the newest article$/);
  });

  it('fails with exit code 1 for an unknown post', async () => {
    const run = await runCli(['related', 'no-such-post'], ROOT);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no published post with slug or translationKey "no-such-post"');
  });
});
