/**
 * A clean copy for partners that republish. Each addition nashra makes around
 * an article's body (reading time, the "Available in" line, the related list)
 * has its own switch under `feeds`. A feed profile (`profiles` in the config)
 * writes an extra set of feeds, in its own folder, that carries only the
 * article: the body, the byline, the lead image with its alt text, the
 * rights on every item and the canonical URL as the item's link, with RFC
 * 5005 archive pages that carry the full article too. A profile filters by
 * language, category and tag, and caps the size of its files: the build warns
 * before a feed reaches the cap and never writes one past it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { formatDiagnostic } from '../src/diagnostics.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

const FEEDS_URL = 'https://rights.example.org/feeds/';
const LICENSE = 'https://creativecommons.org/licenses/by/4.0/';
const BODY = 'The centre documented the detention of [three defenders](https://rights.example.org/en/news/defenders/) in the capital.\n';

function article(slug: string, options: { day: number; category?: string; tags?: string[]; canonical?: string; image?: boolean; key?: string }): string {
  const lines = [
    `title: "Article ${slug}"`,
    `date: 2026-03-${String(options.day).padStart(2, '0')}T09:00:00+03:00`,
    `slug: ${slug}`,
    `categories: ["${options.category ?? 'News'}"]`,
    `tags: [${(options.tags ?? []).join(', ')}]`,
    'author:\n  - name: "Lina Haddad"\n  - name: "Omar Said"',
  ];
  if (options.key) lines.push(`translationKey: ${options.key}`);
  if (options.canonical) lines.push(`canonical: "${options.canonical}"`);
  if (options.image) lines.push('image:\n  url: /images/vigil.jpg\n  alt: "Relatives hold photographs of the detained"\n  type: image/jpeg\n  size: 1000');
  return post(lines.join('\n'), BODY);
}

/** An English site with a translation, a related article, an image and a canonical URL elsewhere. */
const POSTS = sourceFiles({
  'en/release.md': article('release', { day: 10, category: 'Statements/Joint Statements', tags: ['detention'], canonical: 'https://partner.example.net/original/release', image: true, key: 'release' }),
  'en/trial.md': article('trial', { day: 11, category: 'Statements', tags: ['detention', 'fair trial'], key: 'trial' }),
  'en/report.md': article('report', { day: 12, category: 'Reports', tags: ['detention'] }),
  'en/news.md': article('news', { day: 13, tags: ['education'] }),
  'ar/release.md': article('release-ar', { day: 10, category: 'بيانات', tags: ['detention'], key: 'release' }),
  'ar/trial.md': article('trial-ar', { day: 11, category: 'تقارير', key: 'trial' }),
});

const SITE = {
  licenseUrl: LICENSE,
  categorySlugs: { Statements: 'statements', 'Joint Statements': 'joint-statements', Reports: 'reports', News: 'news', بيانات: 'statements', تقارير: 'reports' },
};

function build(extra: Record<string, unknown> = {}, files = POSTS) {
  return buildInMemory(files, testConfig({ ...SITE, ...extra }));
}

interface JsonFeed {
  items: { id: string; url: string; title: string; content_html: string; _nashra: Record<string, unknown> }[];
  next_url?: string;
}
const json = (result: ReturnType<typeof build>, path: string) => JSON.parse(outputOf(result, path)) as JsonFeed;
const itemsOf = (xml: string, element: 'item' | 'entry') => xml.split(`<${element}>`).slice(1);

describe('content switches', () => {
  const en = (extra: Record<string, unknown>) => json(build(extra), 'en/feed.json').items.find((item) => item.id.includes('trial'))?.content_html ?? '';

  it('put the reading time, the "Available in" line and the related list around the body by default', () => {
    const html = en({});
    expect(html).toContain('1-minute read');
    expect(html).toContain('Available in:');
    expect(html).toContain('Related articles');
  });

  it('leave out the reading time with feeds.readingTime: false, in RSS, Atom and JSON Feed', () => {
    const result = build({ feeds: { readingTime: false } });
    for (const path of ['en/rss.xml', 'en/atom.xml', 'en/feed.json']) expect(outputOf(result, path)).not.toContain('minute read');
    expect(en({ feeds: { readingTime: false } })).toContain('Available in:');
  });

  it('switch each addition on its own, and with all off leave the body alone in its language wrapper', () => {
    expect(en({ feeds: { translationLine: false } })).not.toContain('Available in:');
    expect(en({ feeds: { relatedInContent: false } })).not.toContain('Related articles');
    const bare = en({ feeds: { readingTime: false, translationLine: false, relatedInContent: false } });
    expect(bare).toMatch(/^<div lang="en" dir="ltr"><p>The centre documented[^]*<\/p>\n?<\/div>$/);
  });
});

describe('a partner profile', () => {
  let result: ReturnType<typeof build>;
  beforeAll(() => {
    result = build({ profiles: { partners: { path: 'partners/' } } });
  });

  it('writes RSS, Atom and JSON Feed (and the feed page) per language in its own folder, leaving every other feed as it was', () => {
    const paths = result.outputs.map((output) => output.path);
    for (const lang of ['en', 'ar']) for (const file of ['rss.xml', 'atom.xml', 'feed.json', 'index.html']) expect(paths).toContain(`partners/${lang}/${file}`);
    const without = build();
    for (const output of without.outputs) {
      if (output.path === 'opml.xml' || output.path === 'index.html') continue;
      expect(outputOf(result, output.path), output.path).toBe(output.content);
    }
  });

  it('carries only the article: byline, lead image with its alt text, body; no reading time, "Available in" line or related list', () => {
    for (const path of ['partners/en/rss.xml', 'partners/en/atom.xml', 'partners/en/feed.json', 'partners/ar/feed.json']) {
      const text = outputOf(result, path);
      expect(text, path).not.toMatch(/minute read|قراءة في|Available in|متوفر أيضاً|Related articles|مقالات ذات صلة/);
    }
    const release = json(result, 'partners/en/feed.json').items.find((item) => item.id.includes('release'));
    expect(release?.content_html).toBe(
      '<div lang="en" dir="ltr"><p>By Lina Haddad and Omar Said</p>\n' +
        '<figure><img src="https://rights.example.org/images/vigil.jpg" alt="Relatives hold photographs of the detained"></figure>\n' +
        '<p>The centre documented the detention of <a href="https://rights.example.org/en/news/defenders/">three defenders</a> in the capital.</p>\n</div>',
    );
    expect(json(result, 'partners/ar/feed.json').items[0]?.content_html).toContain('<p>بقلم Lina Haddad وOmar Said</p>');
    const rss = outputOf(result, 'partners/en/rss.xml');
    expect(rss).toContain('<media:content url="https://rights.example.org/images/vigil.jpg" medium="image" type="image/jpeg" fileSize="1000">');
    expect(rss).toContain('<media:description type="plain">Relatives hold photographs of the detained</media:description>');
  });

  it("keeps a joint statement's signatories, which are part of the article", () => {
    const statement = post('title: "Joint statement"\ndate: 2026-03-20T09:00:00+03:00\nslug: joint\nsignatories:\n  - "Wadi Safi Press Network"', BODY);
    const html = json(build({ profiles: { partners: { path: 'partners/' } } }, [...POSTS, ...sourceFiles({ 'en/joint.md': statement })]), 'partners/en/feed.json').items[0]?.content_html;
    expect(html).toContain('<li>Wadi Safi Press Network</li>');
  });

  it('gives every item its rights and licence: Atom rights and license link, RSS dc:rights, JSON Feed _nashra', () => {
    const atomEntries = itemsOf(outputOf(result, 'partners/en/atom.xml'), 'entry');
    const rssItems = itemsOf(outputOf(result, 'partners/en/rss.xml'), 'item');
    expect(atomEntries).toHaveLength(4);
    for (const entry of atomEntries) {
      expect(entry).toContain('<rights>CC BY 4.0</rights>');
      expect(entry).toContain(`<link rel="license" href="${LICENSE}"/>`);
    }
    for (const item of rssItems) expect(item).toContain('<dc:rights>CC BY 4.0</dc:rights>');
    for (const item of json(result, 'partners/en/feed.json').items) expect(item._nashra).toMatchObject({ rights: 'CC BY 4.0', license: LICENSE });
    // The site's own feeds carry the rights once, at the feed level.
    expect(outputOf(result, 'en/rss.xml')).not.toContain('<dc:rights>');
  });

  it('links every item to its canonical URL in all three formats: the post\'s canonical where set, else its page', () => {
    const canonical = 'https://partner.example.net/original/release';
    const rss = itemsOf(outputOf(result, 'partners/en/rss.xml'), 'item').find((item) => item.includes('release'));
    expect(rss).toContain(`<link>${canonical}</link>`);
    const atom = itemsOf(outputOf(result, 'partners/en/atom.xml'), 'entry').find((entry) => entry.includes('release'));
    expect(atom).toContain(`<link href="${canonical}" rel="alternate" type="text/html"/>`);
    const items = json(result, 'partners/en/feed.json').items;
    expect(items.find((item) => item.id.includes('release'))).toMatchObject({ url: canonical, _nashra: { canonical } });
    expect(items.find((item) => item.id.includes('trial'))).toMatchObject({ url: 'https://rights.example.org/en/statements/trial/', _nashra: { canonical: 'https://rights.example.org/en/statements/trial/' } });
    // The site's own feeds link to the post's page as before.
    expect(outputOf(result, 'en/rss.xml')).toContain('<link>https://rights.example.org/en/statements/release/</link>');
  });

  it('has RFC 5005 archive pages that carry the full article, every item once along the chain', () => {
    const capped = build({ profiles: { partners: { path: 'partners/', limit: 1, languages: ['en'] } } });
    const ids: string[] = [];
    let path: string | undefined = 'partners/en/feed.json';
    while (path) {
      const page = json(capped, path);
      for (const item of page.items) {
        ids.push(item.id);
        expect(item.content_html, `${path}: ${item.id}`).toContain('The centre documented');
      }
      path = page.next_url?.slice(FEEDS_URL.length);
    }
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(outputOf(capped, 'partners/en/archive/1/atom.xml')).toContain('<content type="html">');
    expect(outputOf(capped, 'partners/en/archive/1/rss.xml')).toContain('<content:encoded>');
    expect(capped.outputs.map((output) => output.path).filter((file) => file.startsWith('partners/ar/'))).toEqual([]);
  });

  it('is listed in the OPML subscription list and on the index page', () => {
    expect(outputOf(result, 'opml.xml')).toContain(`xmlUrl="${FEEDS_URL}partners/en/atom.xml"`);
    const page = outputOf(result, 'index.html');
    expect(page).toContain('<h3>To republish</h3>');
    expect(page).toContain(`value="${FEEDS_URL}partners/ar/feed.json"`);
  });
});

describe('a profile\'s filters', () => {
  const slugsIn = (profile: Record<string, unknown>, path: string) => json(build({ profiles: { p: { path: 'p/', ...profile } } }), path).items.map((item) => item.title.replace('Article ', ''));

  it('keep the posts of a category and the categories below it, named by name or by slug', () => {
    expect(slugsIn({ categories: ['Statements'] }, 'p/en/feed.json').sort()).toEqual(['release', 'trial']);
    expect(slugsIn({ categories: ['statements/joint-statements'] }, 'p/en/feed.json')).toEqual(['release']);
    // A slug serves every language: بيانات is `statements` too.
    expect(slugsIn({ categories: ['statements'] }, 'p/ar/feed.json')).toEqual(['release-ar']);
  });

  it('keep the posts with one of the tags, and both filters together', () => {
    expect(slugsIn({ tags: ['fair trial', 'education'] }, 'p/en/feed.json').sort()).toEqual(['news', 'trial']);
    expect(slugsIn({ tags: ['detention'], categories: ['reports'] }, 'p/en/feed.json')).toEqual(['report']);
  });

  it('keep only the languages named', () => {
    const paths = build({ profiles: { p: { path: 'p/', languages: ['ar'] } } }).outputs.map((output) => output.path);
    expect(paths.filter((path) => path.startsWith('p/'))).toEqual(['p/ar/rss.xml', 'p/ar/atom.xml', 'p/ar/feed.json', 'p/ar/index.html']);
    expect(slugsIn({ languages: ['ar'] }, 'p/ar/feed.json')).toEqual(['trial-ar', 'release-ar']);
  });
});

describe('a profile\'s size cap', () => {
  /** Twelve long articles of about 6 kB each. */
  const long = sourceFiles(
    Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [
        `en/long-${index + 1}.md`,
        post(`title: "Long report ${index + 1}"\ndate: 2026-02-${String(index + 1).padStart(2, '0')}T09:00:00+03:00\nslug: long-${index + 1}`, `${'Testimony of a detainee, recorded by the centre. '.repeat(120)}\n`),
      ]),
    ),
  );
  const MAX = 20_000;
  let capped: ReturnType<typeof buildInMemory>;
  beforeAll(() => {
    capped = buildInMemory(long, testConfig({ ...SITE, profiles: { google: { path: 'google/', languages: ['en'], maxBytes: MAX } } }));
  });

  it('never writes a feed file past maxBytes', () => {
    const profileFiles = capped.outputs.filter((output) => output.path.startsWith('google/'));
    expect(profileFiles.length).toBeGreaterThan(3);
    for (const file of profileFiles) expect(Buffer.byteLength(file.content, 'utf8'), file.path).toBeLessThanOrEqual(MAX);
  });

  it('moves the items that do not fit to the archive pages, each item once along the chain', () => {
    const ids: string[] = [];
    let path: string | undefined = 'google/en/feed.json';
    while (path) {
      const page = json(capped, path);
      ids.push(...page.items.map((item) => item.id));
      path = page.next_url?.slice(FEEDS_URL.length);
    }
    expect(json(capped, 'google/en/feed.json').items.length).toBeLessThan(12);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    for (const [file, element, link] of [['atom.xml', 'entry', 'link'], ['rss.xml', 'item', 'atom:link']] as const) {
      const xmlIds: string[] = [];
      let xmlPath: string | undefined = `google/en/${file}`;
      while (xmlPath) {
        const xml = outputOf(capped, xmlPath);
        xmlIds.push(...itemsOf(xml, element).map((item) => /<(?:id|guid)[^>]*>([^<]*)</.exec(item)?.[1] ?? ''));
        xmlPath = new RegExp(`<${link} rel="prev-archive" type="[^"]+" href="${FEEDS_URL}([^"]+)"`).exec(xml)?.[1];
      }
      expect(xmlIds.sort(), file).toEqual([...ids].sort());
    }
  });

  it('warns, naming the profile and the feed, when its feeds leave newer items to the archive to stay under the cap', () => {
    expect(capped.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^google\/en\/feed\.json:1:1 warning profile "google": google\/en\/feed\.json is about \d+ bytes, \d+% of its maxBytes 20000; it holds [1-9] of the 12 newest items, the others are in its archive pages \[profiles\.google\.maxBytes\]$/),
    ]);
  });

  it('warns before a feed passes the cap: past 90% of it, with everything still in the feed', () => {
    const size = (result: ReturnType<typeof buildInMemory>) => Buffer.byteLength(outputOf(result, 'google/en/feed.json'), 'utf8');
    const whole = size(buildInMemory(long, testConfig({ ...SITE, profiles: { google: { path: 'google/', languages: ['en'] } } })));
    const near = Math.ceil(whole / 0.95);
    const result = buildInMemory(long, testConfig({ ...SITE, profiles: { google: { path: 'google/', languages: ['en'], maxBytes: near } } }));
    expect(json(result, 'google/en/feed.json').items).toHaveLength(12);
    expect(size(result)).toBe(whole);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(new RegExp(`^google/en/feed\\.json:1:1 warning profile "google": google/en/feed\\.json is about \\d+ bytes, 9\\d% of its maxBytes ${near}; newer items that do not fit will go to its archive pages \\[profiles\\.google\\.maxBytes\\]$`)),
    ]);
  });

  it('says nothing about size when the feeds are well under the cap', () => {
    const roomy = buildInMemory(long, testConfig({ ...SITE, profiles: { google: { path: 'google/', maxBytes: 2_000_000 } } }));
    expect(roomy.diagnostics).toEqual([]);
  });

  it('leaves out, with a warning, an article too large for the cap on its own', () => {
    const huge = sourceFiles({ 'en/huge.md': post('title: "Huge"\ndate: 2026-02-20T09:00:00+03:00\nslug: huge', `${'A very long testimony. '.repeat(2000)}\n`) });
    const result = buildInMemory([...long, ...huge], testConfig({ ...SITE, profiles: { google: { path: 'google/', languages: ['en'], maxBytes: MAX } } }));
    expect(result.diagnostics.map(formatDiagnostic)).toContainEqual(
      'posts/en/huge.md:1:1 warning too large for the feeds of profile "google" (maxBytes 20000) on its own; it is left out of them [profiles.google.maxBytes]',
    );
    expect(outputOf(result, 'en/feed.json')).toContain('Huge');
    for (const file of result.outputs.filter((output) => output.path.startsWith('google/'))) expect(file.content).not.toContain('"Huge"');
  });
});

describe('profile settings', () => {
  const base = 'baseUrl: https://x.org/\nlanguages:\n  en:\n    siteName: Wahat\n';
  const problems = (text: string) => {
    const { config, diagnostics } = parseConfig(base + text, 'nashra.config.yaml');
    expect(config).toBeUndefined();
    return diagnostics.map(formatDiagnostic);
  };

  it('name a misspelt setting with the one meant', () => {
    expect(problems('profiles:\n  partners:\n    path: partners/\n    maxByte: 2000000\n')).toEqual([
      'nashra.config.yaml:8:14 error unknown setting "maxByte"; did you mean "maxBytes"? [profiles.partners.maxByte]',
    ]);
  });

  it('want a language of the site and a folder of the profile\'s own', () => {
    expect(problems('profiles:\n  a:\n    path: en/partners/\n    languages: [fr]\n  b:\n    path: en/partners/x\n')).toEqual([
      'nashra.config.yaml:7:11 error profiles.a.path must not start with "en/", where the site\'s own feeds are written [profiles.a.path]',
      'nashra.config.yaml:8:17 error profiles.a.languages.0 names "fr", which is not one of the site\'s languages (en) [profiles.a.languages.0]',
      'nashra.config.yaml:10:11 error profiles.b.path must not start with "en/", where the site\'s own feeds are written [profiles.b.path]',
      'nashra.config.yaml:10:11 error profiles.b.path "en/partners/x/" is inside the folder of profile "a" ("en/partners/"); each profile needs a folder of its own [profiles.b.path]',
    ]);
    expect(problems('profiles:\n  a:\n    path: ../outside\n')).toEqual([expect.stringContaining('error profiles.a.path must be a folder inside the output directory')]);
  });
});
