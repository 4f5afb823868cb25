/** A third language is configuration and translations, not code. */
import { describe, expect, it } from 'vitest';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

const french = {
  siteName: 'Centre des droits',
  strings: {
    feed: { title: '{{site}}', description: 'Déclarations, rapports et actualités de {{site}}, en français.', categoryTitle: '{{site}} : {{category}}' },
    content: { availableIn: 'Disponible en :', related: 'Articles liés', readingTime_one: '{{count}} minute de lecture', readingTime_other: '{{count}} minutes de lecture' },
  },
};

describe('a third language', () => {
  const config = testConfig({
    languages: {
      en: { siteName: 'Rights Centre' },
      ar: { siteName: 'مركز الحقوق' },
      fr: french,
    },
  });
  const result = buildInMemory(
    sourceFiles({
      'en/detention.md': post('title: Detention report\ndate: 2026-03-01\ntranslationKey: detention\ncategories: Reports\ntags: [detention]'),
      'fr/detention.md': post('title: Rapport sur la détention\ndate: 2026-03-01\ntranslationKey: detention\ncategories: Rapports\ntags: [détention]'),
      'fr/prisons.md': post('title: Conditions dans les prisons\ndate: 2026-02-01\ncategories: Rapports\ntags: [détention]'),
    }),
    config,
  );

  it('gets its own feeds in every format and scope from the config alone', () => {
    const paths = result.outputs.map((output) => output.path);
    expect(paths).toEqual(expect.arrayContaining(['fr/rss.xml', 'fr/atom.xml', 'fr/feed.json', 'fr/categories/rapports/rss.xml']));
    expect(result.diagnostics).toEqual([]);
  });

  it('speaks French in the feed and its items, and links the translations both ways', () => {
    const feed = JSON.parse(outputOf(result, 'fr/feed.json')) as {
      language: string;
      description: string;
      items: { title: string; content_html: string; _nashra: { translations: { language: string }[] } }[];
    };
    expect(feed.language).toBe('fr');
    expect(feed.description).toBe('Déclarations, rapports et actualités de Centre des droits, en français.');
    const report = feed.items.find((item) => item.title === 'Rapport sur la détention');
    expect(report?._nashra.translations.map((link) => link.language)).toEqual(['en']);
    expect(report?.content_html).toContain('Disponible en : <a href="https://rights.example.org/en/reports/detention/" hreflang="en" lang="en" dir="ltr">English</a>');
    expect(report?.content_html).toContain('<h2>Articles liés</h2>');
    expect(outputOf(result, 'fr/atom.xml')).toContain('xml:lang="fr"');
    expect(outputOf(result, 'fr/categories/rapports/atom.xml')).toContain('<title>Centre des droits : Rapports</title>');
    // The English version offers the French one by its own name.
    expect(outputOf(result, 'en/feed.json')).toContain('hreflang=\\"fr\\" lang=\\"fr\\" dir=\\"ltr\\">français</a>');
  });

  it('is listed on the index page in its own words', () => {
    const withHeading = testConfig({
      languages: { en: { siteName: 'Rights Centre' }, ar: { siteName: 'مركز الحقوق' }, fr: { ...french, strings: { ...french.strings, page: { index: { heading: 'Nos fils d’actualité' } } } } },
    });
    const page = outputOf(buildInMemory(sourceFiles({ 'fr/a.md': post('title: Un article\ndate: 2026-03-01') }), withHeading), 'index.html');
    expect(page).toContain('Nos fils d’actualité');
    expect(page).toContain('https://rights.example.org/feeds/fr/rss.xml');
  });

  it('appears in the OPML list', () => {
    expect(outputOf(result, 'opml.xml')).toContain('https://rights.example.org/feeds/fr/rss.xml');
  });
});
