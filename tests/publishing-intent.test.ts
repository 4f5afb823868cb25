/**
 * nashra publishes exactly what its author intended: a post dated in the
 * future waits for its date, the Hugo and Jekyll ways of hiding a post are
 * honoured, and a missing alt text costs a warning, not the article.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { parsePost } from '../src/load/parsePost.js';
import type { BuildResult } from '../src/pipeline.js';
import { isLive, nextPublicationChange } from '../src/schedule/embargo.js';
import { jsonFeedErrors } from './support/consumers.js';
import { buildInMemory, outputOf, post, runCli, siteOnDisk, sourceFiles, testConfig } from './support/site.js';

const BEFORE = new Date('2026-11-01T00:00:00Z');

interface JsonFeed {
  date_modified?: string;
  items: { title: string; date_modified: string; image?: string; attachments?: { title?: string }[]; _nashra: { image_alt?: string; translations: unknown[] } }[];
}

const build = (posts: Record<string, string>, now = BEFORE, config = testConfig()) => buildInMemory(sourceFiles(posts), config, now);
const titles = (result: BuildResult, lang = 'en') => (JSON.parse(outputOf(result, `${lang}/feed.json`)) as JsonFeed).items.map((item) => item.title);
const messages = (text: string, config = testConfig()) => parsePost({ path: 'posts/en/example.md', lang: 'en', text }, config).diagnostics.map(formatDiagnostic);
const parsed = (text: string) => parsePost({ path: 'posts/en/example.md', lang: 'en', text }, testConfig()).post;
/** Whether any output file mentions `text`: feeds, archives, related index, OPML, index page. */
const anyOutputMentions = (result: BuildResult, text: string) => result.outputs.filter((output) => output.content.includes(text)).map((output) => output.path);

const today = post('title: Published today\ndate: 2026-10-30T09:00:00Z');
const tomorrow = post('title: Dated tomorrow\ndate: 2026-12-01T09:00:00+02:00');

describe('a post dated in the future', () => {
  it('waits for its date, then appears from that second', () => {
    const posts = { 'en/today.md': today, 'en/tomorrow.md': tomorrow };
    expect(titles(build(posts))).toEqual(['Published today']);
    expect(titles(build(posts, new Date('2026-12-01T06:59:59Z')))).toEqual(['Published today']);
    expect(titles(build(posts, new Date('2026-12-01T07:00:00Z')))).toEqual(['Dated tomorrow', 'Published today']);
  });

  it('does not move the feeds\' dates ahead to its own', () => {
    const result = build({ 'en/today.md': today, 'en/tomorrow.md': tomorrow });
    expect(outputOf(result, 'en/rss.xml')).toContain('<lastBuildDate>Fri, 30 Oct 2026 09:00:00 GMT</lastBuildDate>');
    expect(outputOf(result, 'en/atom.xml')).toMatch(/<feed[^>]*>[\s\S]*?<updated>2026-10-30T09:00:00Z<\/updated>/);
    expect(anyOutputMentions(result, '2026-12-01')).toEqual([]);
  });

  it('wakes the daemon at its date, as an embargo does', () => {
    const result = build({ 'en/today.md': today, 'en/tomorrow.md': tomorrow });
    expect(nextPublicationChange(result.posts, BEFORE)?.toISOString()).toBe('2026-12-01T07:00:00.000Z');
  });

  it('goes live at the later of its date and its publishAt', () => {
    const dateLater = parsed(post('title: T\ndate: 2026-12-01T09:00:00Z\npublishAt: 2026-11-15T09:00:00Z'));
    const publishAtLater = parsed(post('title: T\ndate: 2026-12-01T09:00:00Z\npublishAt: 2026-12-05T09:00:00Z'));
    expect(dateLater?.publishAt?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(publishAtLater?.publishAt?.toISOString()).toBe('2026-12-05T09:00:00.000Z');
    expect(dateLater && isLive(dateLater, new Date('2026-11-20T00:00:00Z'))).toBe(false);
  });

  it('is published at once when the site sets publishFuture', () => {
    const config = testConfig({ publishFuture: true });
    expect(titles(build({ 'en/today.md': today, 'en/tomorrow.md': tomorrow }, BEFORE, config))).toEqual(['Dated tomorrow', 'Published today']);
    const embargoed = parsePost({ path: 'posts/en/x.md', lang: 'en', text: post('title: T\ndate: 2026-12-01\npublishAt: 2026-12-05T09:00:00Z') }, config).post;
    expect(embargoed?.publishAt?.toISOString()).toBe('2026-12-05T09:00:00.000Z');
  });

  it('leaves its translation alone until then: no "Available in", no related link, no mention anywhere', () => {
    const posts = {
      'ar/statement.md': post('title: بيان اليوم\ndate: 2026-10-30T09:00:00Z\ntranslationKey: statement\ntags: [detention]'),
      'en/statement.md': post('title: The statement in English\ndate: 2026-12-01T09:00:00Z\ntranslationKey: statement\ntags: [detention]'),
      'en/other.md': post('title: Another statement\ndate: 2026-10-01T09:00:00Z\ntags: [detention]'),
    };
    const held = build(posts);
    const arabic = JSON.parse(outputOf(held, 'ar/feed.json')) as JsonFeed;
    expect(arabic.items.map((item) => item.title)).toEqual(['بيان اليوم']);
    expect(arabic.items[0]?._nashra.translations).toEqual([]);
    expect(anyOutputMentions(held, 'The statement in English')).toEqual([]);
    expect(anyOutputMentions(held, '/en/statement/')).toEqual([]);

    const live = build(posts, new Date('2026-12-01T09:00:00Z'));
    expect((JSON.parse(outputOf(live, 'ar/feed.json')) as JsonFeed).items[0]?._nashra.translations).toHaveLength(1);
    expect(anyOutputMentions(live, 'The statement in English')).not.toEqual([]);
  });

  it('keeps a future updated as written, as Hugo keeps lastmod: the post is not held and the dates are not clamped to the clock', () => {
    const result = build({ 'en/revised.md': post('title: Revised\ndate: 2026-10-30T09:00:00Z\nupdated: 2026-12-24T09:00:00Z') });
    expect(titles(result)).toEqual(['Revised']);
    expect((JSON.parse(outputOf(result, 'en/feed.json')) as JsonFeed).items[0]?.date_modified).toBe('2026-12-24T09:00:00Z');
    expect(outputOf(result, 'en/rss.xml')).toContain('<lastBuildDate>Thu, 24 Dec 2026 09:00:00 GMT</lastBuildDate>');
  });
});

describe('posts hidden the Hugo or Jekyll way', () => {
  it('holds a post until its Hugo publishDate, in either spelling', () => {
    for (const key of ['publishDate', 'publishdate']) {
      const posts = { 'en/later.md': post(`title: Later\ndate: 2026-10-01T09:00:00Z\n${key}: 2030-01-01T00:00:00Z`) };
      expect(titles(build(posts)), key).toEqual([]);
      expect(titles(build(posts, new Date('2030-01-01T00:00:00Z'))), key).toEqual(['Later']);
    }
  });

  it('drops a post at its Hugo expiryDate, in either spelling', () => {
    for (const key of ['expiryDate', 'expirydate']) {
      const posts = { 'en/gone.md': post(`title: Gone\ndate: 2026-01-01T09:00:00Z\n${key}: 2026-06-01T00:00:00Z`) };
      expect(titles(build(posts, new Date('2026-05-31T23:59:59Z'))), key).toEqual(['Gone']);
      expect(titles(build(posts)), key).toEqual([]);
    }
  });

  it('never publishes a post with Jekyll\'s published: false, whatever draft says', () => {
    const posts = {
      'en/hidden.md': post('title: Hidden\ndate: 2026-01-01\npublished: false'),
      'en/both.md': post('title: Hidden twice over\ndate: 2026-01-01\npublished: false\ndraft: false'),
      'en/draft.md': post('title: Draft\ndate: 2026-01-01\npublished: true\ndraft: true'),
      'en/shown.md': post('title: Shown\ndate: 2026-01-01\npublished: true\ndraft: false'),
    };
    expect(titles(build(posts, new Date('2031-01-01T00:00:00Z')))).toEqual(['Shown']);
    expect(nextPublicationChange(build(posts).posts, BEFORE)).toBeUndefined();
  });

  it('reads Hugo\'s lastmod as updated', () => {
    const result = build({ 'en/revised.md': post('title: Revised\ndate: 2026-10-01T09:00:00Z\nlastmod: 2026-10-20T09:00:00Z') });
    expect((JSON.parse(outputOf(result, 'en/feed.json')) as JsonFeed).items[0]?.date_modified).toBe('2026-10-20T09:00:00Z');
  });

  it('prints no "did you mean" warning for these keys', () => {
    expect(messages(post('title: T\ndate: 2026-01-01\npublishDate: 2026-01-02\nexpiryDate: 2026-02-01\nlastmod: 2026-01-03\npublished: true'))).toEqual([]);
    expect(messages(post('title: T\ndate: 2026-01-01\npublishdate: 2026-01-02\nexpirydate: 2026-02-01'))).toEqual([]);
  });

  it('refuses a post whose hiding field is misspelt, rather than publish it with a warning', () => {
    const misspelt = {
      'en/draft.md': post('title: Draft\ndate: 2026-01-01\nDraft: true'),
      'en/hugo.md': post('title: Hugo\ndate: 2026-01-01\nPublishDate: 2030-01-01'),
      'en/embargo.md': post('title: Embargo\ndate: 2026-01-01\npublisAt: 2030-01-01'),
      'en/jekyll.md': post('title: Jekyll\ndate: 2026-01-01\nPublished: false'),
      'en/expiry.md': post('title: Expiry\ndate: 2026-01-01\nexpire: 2026-02-01'),
    };
    const result = build(misspelt);
    expect(titles(result)).toEqual([]);
    expect(result.skippedFiles).toHaveLength(5);
    expect(messages(misspelt['en/hugo.md'])).toEqual([
      'posts/en/example.md:4:1 error unknown field "PublishDate": did you mean "publishDate"? The post is not published until the name is fixed, as it may be meant to stay hidden [PublishDate]',
    ]);
  });

  it('refuses a post whose date is given twice with different values, at the alias\'s line', () => {
    expect(messages(post('title: T\ndate: 2026-01-01\npublishAt: 2026-03-01\npublishDate: 2026-02-01'))).toEqual([
      'posts/en/example.md:5:14 error publishDate and publishAt give different times; keep one of them, so the post appears when its author means [publishDate]',
    ]);
    expect(messages(post('title: T\ndate: 2026-01-01\nexpirydate: 2026-03-01\nexpires: 2026-02-01'))).toEqual([
      'posts/en/example.md:4:13 error expirydate and expires give different times; keep one of them, so the post appears when its author means [expirydate]',
    ]);
    expect(messages(post('title: T\ndate: 2026-01-01\nupdated: 2026-03-01\nlastmod: 2026-02-01'))).toEqual([
      'posts/en/example.md:5:10 error lastmod and updated give different times; keep one of them, so the post appears when its author means [lastmod]',
    ]);
    const refused = build({ 'en/twice.md': post('title: Twice\ndate: 2026-01-01\npublishAt: 2026-03-01\npublishDate: 2026-02-01') });
    expect(refused.skippedFiles).toEqual(['posts/en/twice.md']);
    expect(titles(refused)).toEqual([]);
  });

  it('accepts the same date given under both names', () => {
    expect(messages(post('title: T\ndate: 2026-01-01\npublishAt: 2026-02-01T00:00:00+03:00\npublishDate: 2026-02-01'))).toEqual([]);
  });

  it('refuses a value of the wrong type at its line', () => {
    expect(messages(post('title: T\ndate: 2026-01-01\npublished: "no"'))).toEqual(['posts/en/example.md:4:12 error published must be true or false [published]']);
    expect(messages(post('title: T\ndate: 2026-01-01\nexpiryDate: soon'))).toEqual([
      'posts/en/example.md:4:13 error expiryDate "soon" is not a valid date (expected ISO 8601, such as 2026-03-14 or 2026-03-14T09:00:00+03:00) [expiryDate]',
    ]);
    expect(messages(post('title: T\ndate: 2026-01-01\nlastmod: [2026-01-02]'))).toEqual(['posts/en/example.md:4:10 error lastmod must be an ISO 8601 date [lastmod]']);
  });

  it('refuses an expiry that comes before the post could appear', () => {
    expect(messages(post('title: T\ndate: 2026-12-01\nexpiryDate: 2026-11-15'))).toEqual(['posts/en/example.md:4:13 error expiryDate must be later than date [expiryDate]']);
  });
});

describe('an image without alt text', () => {
  const withImage = post('title: Vigil\ndate: 2026-10-01T09:00:00Z\nimage:\n  url: /images/vigil.jpg\n  type: image/jpeg');

  it('is published, with a warning at the image line', () => {
    expect(messages(withImage)).toEqual([
      'posts/en/example.md:4:1 warning image.alt is missing: the image is published with an empty text alternative; describe it for readers who cannot see it [image.alt]',
    ]);
    const result = build({ 'en/vigil.md': withImage });
    expect(titles(result)).toEqual(['Vigil']);
    expect(result.skippedFiles).toEqual([]);
  });

  it('carries an empty alt and no empty titles, in feeds that still validate', () => {
    const result = build({ 'en/vigil.md': withImage });
    const json = outputOf(result, 'en/feed.json');
    const item = (JSON.parse(json) as JsonFeed).items[0];
    expect(item?.image).toBe('https://rights.example.org/images/vigil.jpg');
    expect(item?._nashra.image_alt).toBe('');
    expect(item?.attachments?.[0]).not.toHaveProperty('title');
    expect(jsonFeedErrors(json)).toEqual([]);
    expect(outputOf(result, 'en/atom.xml')).toMatch(/<link rel="enclosure" href="https:\/\/rights.example.org\/images\/vigil.jpg" type="image\/jpeg"\/>/);
    for (const path of ['en/atom.xml', 'en/rss.xml']) {
      expect(outputOf(result, path)).toContain('<media:content url="https://rights.example.org/images/vigil.jpg" medium="image" type="image/jpeg"/>');
    }
  });
});

describe('the other commands agree with the build about what is live', () => {
  const posts = {
    'en/today.md': post('title: Published today\ndate: 2026-10-30T09:00:00Z\ntags: [detention]'),
    'en/tomorrow.md': post('title: Dated tomorrow\ndate: 2026-12-01T09:00:00Z\ntags: [detention]'),
    'en/hugo.md': post('title: Hugo embargo\ndate: 2026-10-01T09:00:00Z\npublishDate: 2026-12-01T09:00:00Z\ntags: [detention]'),
    'en/jekyll.md': post('title: Jekyll hidden\ndate: 2026-10-01T09:00:00Z\npublished: false\ntags: [detention]'),
  };

  it('nashra related --now finds only what the build published, and lists nothing held', async () => {
    const site = await siteOnDisk(posts);
    for (const slug of ['tomorrow', 'hugo', 'jekyll']) {
      const run = await runCli(['related', slug, '--now', '2026-11-01T00:00:00Z'], site);
      expect(run.code, slug).toBe(1);
      expect(run.stderr).toContain(`no published post with slug or translationKey "${slug}"`);
    }
    const related = await runCli(['related', 'today', '--now', '2026-11-01T00:00:00Z'], site);
    expect(related.code).toBe(0);
    expect(related.stdout).not.toMatch(/Dated tomorrow|Hugo embargo|Jekyll hidden/);
    const later = await runCli(['related', 'today', '--now', '2026-12-01T09:00:00Z'], site);
    expect(later.stdout).toMatch(/Dated tomorrow/);
    expect(later.stdout).toMatch(/Hugo embargo/);
  });

  it('nashra check refuses the same posts the build skips', async () => {
    const site = await siteOnDisk({ ...posts, 'en/twice.md': post('title: Twice\ndate: 2026-01-01\npublishAt: 2026-03-01\npublishDate: 2026-02-01') });
    const check = await runCli(['check'], site);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('posts/en/twice.md:5:14 error publishDate and publishAt give different times');
    expect(check.stderr).not.toContain('did you mean');
    const build = await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site);
    expect(build.code).toBe(1);
    expect(build.stderr).toContain('posts/en/twice.md:5:14 error publishDate and publishAt');
  });
});
