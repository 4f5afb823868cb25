/**
 * Posts written for Hugo or Jekyll carry fields nashra names otherwise: a
 * `description` (Hugo, Jekyll) or `excerpt` (Jekyll) is the summary when no
 * `summary` is given, and a `lang` or `permalink` that nashra does not follow
 * is said at its line rather than ignored in silence. Jekyll's dates
 * (`2026-03-04 10:00:00 +0300`) are read as written.
 */
import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { LoadCache } from '../src/load/cache.js';
import { loadPosts } from '../src/load/loadPosts.js';
import { parsePost, postBody } from '../src/load/parsePost.js';
import { diskSource, readPostFiles } from '../src/load/readPosts.js';
import { TermIndex } from '../src/relate/terms.js';
import { runBuild } from '../src/build.js';
import { parseConfig } from '../src/config.js';
import { buildSite } from '../src/pipeline.js';
import { outputOf, post, ROOT, siteOnDisk, sourceFiles, testConfig } from './support/site.js';

const load = (frontMatter: string, path = 'posts/en/x.md') => parsePost({ path, lang: path.split('/')[1] ?? 'en', text: post(frontMatter, 'The body opens with a sentence that is not the summary.\n') }, testConfig());

describe('fields of other tools', () => {
  it('takes description, then excerpt, as the summary when summary is not given', () => {
    expect(load('title: T\ndate: 2026-03-04\ndescription: Written for Hugo.').post?.summaryText).toBe('Written for Hugo.');
    expect(load('title: T\ndate: 2026-03-04\nexcerpt: Written for Jekyll.').post?.summaryText).toBe('Written for Jekyll.');
    const both = load('title: T\ndate: 2026-03-04\nsummary: Ours.\ndescription: Theirs.');
    expect(both.post?.summaryText).toBe('Ours.');
    expect(both.diagnostics.map(formatDiagnostic)).toEqual(['posts/en/x.md:5:14 warning description is ignored: the summary is taken from summary [description]']);
  });

  it('says that a lang other than the folder\'s, and a permalink, are not followed', () => {
    const loaded = load('title: T\ndate: 2026-03-04\nlang: fr\npermalink: /2026/03/x.html', 'posts/ar/x.md');
    expect(loaded.post).toBeDefined();
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/ar/x.md:4:7 warning lang "fr" is ignored: a post\'s language is its folder\'s (posts/ar/) [lang]',
      "posts/ar/x.md:5:12 warning permalink is ignored: article URLs come from the language's urlPattern and the post's slug; set slug, or canonical for the address of an original published elsewhere [permalink]",
    ]);
    expect(load('title: T\ndate: 2026-03-04\nlang: en').diagnostics).toEqual([]);
    expect(load('title: T\ndate: 2026-03-04\nurl: /custom/x/').diagnostics.map(formatDiagnostic)).toEqual([
      "posts/en/x.md:4:6 warning url is ignored: article URLs come from the language's urlPattern and the post's slug; set slug, or canonical for the address of an original published elsewhere [url]",
    ]);
  });

  it('reads a Jekyll date, with a space before its offset, as the instant it names', () => {
    expect(load('title: T\ndate: 2026-03-04 10:00:00 +0300').post?.date.toISOString()).toBe('2026-03-04T07:00:00.000Z');
    expect(load('title: T\ndate: 2026-03-04 10:00:00 -0500').post?.date.toISOString()).toBe('2026-03-04T15:00:00.000Z');
  });
});

const raw = (text: string, path = 'posts/en/x.md', config = testConfig()) => parsePost({ path, lang: path.split('/')[1] ?? 'en', text }, config);
const lines = (loaded: { diagnostics: Parameters<typeof formatDiagnostic>[0][] }) => loaded.diagnostics.map(formatDiagnostic);

describe("Hugo's TOML and JSON front matter", () => {
  const toml = (fields: string) => `+++\n${fields}\n+++\nThe body opens here.\n`;

  it('reads TOML between +++ lines, with its tables and arrays, and keeps it out of the body', () => {
    const loaded = raw(toml('title = "From Hugo"\ndate = 2026-03-04T10:00:00+03:00\ntags = ["courts", "trials"]\ncategories = ["Statements/Joint Statements"]\n\n[image]\nurl = "photo.jpg"\nalt = "A courtroom"'));
    expect(lines(loaded)).toEqual([]);
    expect(loaded.post).toMatchObject({ title: 'From Hugo', tags: ['courts', 'trials'], categories: [['Statements', 'Joint Statements']], image: { url: 'photo.jpg', alt: 'A courtroom' } });
    expect(loaded.post?.date.toISOString()).toBe('2026-03-04T07:00:00.000Z');
    expect(loaded.body).toBe('The body opens here.\n');
    expect(postBody(toml('title = "T"\ndate = 2026-03-04'))).toBe('The body opens here.\n');
  });

  it("reads TOML's local dates and date-times in the site's time zone, as Hugo does", () => {
    expect(raw(toml('title = "T"\ndate = 2026-03-04')).post?.date.toISOString()).toBe('2026-03-03T21:00:00.000Z');
    expect(raw(toml('title = "T"\ndate = 2026-03-04T10:00:00')).post?.date.toISOString()).toBe('2026-03-04T07:00:00.000Z');
    expect(raw(toml('title = "T"\ndate = 2026-03-04T10:00:00Z')).post?.date.toISOString()).toBe('2026-03-04T10:00:00.000Z');
    expect(raw(toml('title = "T"\ndate = 2026-03-04\ndraft = true')).post?.draft).toBe(true);
  });

  it('names the line and column of a TOML syntax error, and the line of the key a schema error is about', () => {
    expect(lines(raw(toml('title = "T"\ndate = \ntags = []')))).toEqual(['posts/en/x.md:3:8 error invalid TOML: invalid value [toml]']);
    expect(lines(raw(toml('title = "T"\ndate = 2026-03-04\ndraft = "yes"\n\n[image]\nurl = "javascript:alert(1)"')))).toEqual([
      'posts/en/x.md:7:7 error image.url must be an http(s) or relative URL [image.url]',
      'posts/en/x.md:4:9 error draft must be true or false [draft]',
    ]);
    expect(lines(raw(toml('date = 2026-03-04')))).toEqual(['posts/en/x.md:2:1 error title is required [title]']);
    expect(lines(raw('+++\ntitle = "T"\n'))).toEqual(['posts/en/x.md:1:1 error the TOML front matter is never closed: end it with a +++ line [front-matter]']);
  });

  it('refuses a day its month does not have, as it does in YAML, rather than read the next month', () => {
    expect(lines(raw(toml('title = "T"\ndate = 2026-02-30')))).toEqual([
      'posts/en/x.md:3:8 error date "2026-02-30" is not a valid date (expected ISO 8601, such as 2026-03-14 or 2026-03-14T09:00:00+03:00) [date]',
    ]);
    expect(lines(raw(toml('title = "T"\ndate = 2026-03-01\npublishAt = 2026-04-31T09:00:00+03:00 # embargo')))).toEqual([
      'posts/en/x.md:4:13 error publishAt "2026-04-31T09:00:00+03:00" is not a valid date (expected ISO 8601, such as 2026-03-14 or 2026-03-14T09:00:00+03:00) [publishAt]',
    ]);
    expect(raw(toml('title = "T"\ndate = 2028-02-29T09:00:00Z')).post?.date.toISOString()).toBe('2028-02-29T09:00:00.000Z');
  });

  it('refuses a TOML post whose misspelt key may be meant to hide it, at that key', () => {
    const loaded = raw(toml('title = "T"\ndate = 2026-03-04\ndraf = true'));
    expect(loaded.post).toBeUndefined();
    expect(lines(loaded)[0]).toMatch(/^posts\/en\/x\.md:4:1 error unknown field "draf": did you mean "draft"\?/);
  });

  it('reads a JSON object at the start of the file, and names the line of its problems', () => {
    const loaded = raw('{\n  "title": "From Hugo, in JSON",\n  "date": "2026-03-04",\n  "tags": ["water"]\n}\nThe body opens here.\n');
    expect(lines(loaded)).toEqual([]);
    expect(loaded.post).toMatchObject({ title: 'From Hugo, in JSON', tags: ['water'] });
    expect(loaded.body).toBe('The body opens here.\n');
    expect(lines(raw('{\n  "title": "T",\n  "date": "2026-03-04",\n  "draft": "no"\n}\nBody.\n'))).toEqual(['posts/en/x.md:4:12 error draft must be true or false [draft]']);
    expect(lines(raw('{\n  "title": "T",\n  "date": "2026-03-04",\n}\nBody.\n'))).toEqual(['posts/en/x.md:4:1 error invalid JSON: Expected double-quoted property name [json]']);
    expect(lines(raw('{\n  "title": "T",\n  "date": "2026-03-04",\n  "draft": true,\n  "draft": false\n}\nBody.\n'))).toEqual(['posts/en/x.md:5:3 error draft is given twice; keep one of them [draft]']);
  });

  it('caches a TOML or JSON post like any other: an unchanged file is not read again', async () => {
    const dir = await siteOnDisk({ 'en/a.md': toml('title = "A"\ndate = 2026-03-04'), 'en/b.md': '{ "title": "B", "date": "2026-03-05" }\nBody.\n' });
    const past = new Date('2026-01-01T00:00:00Z');
    for (const name of ['a.md', 'b.md']) utimesSync(join(dir, 'posts/en', name), past, past);
    const config = testConfig();
    const first = new LoadCache();
    const loaded = loadPosts(diskSource(join(dir, 'posts'), dir).files, config, { terms: new TermIndex(), cache: first });
    const again = new LoadCache(first.entries);
    const reloaded = loadPosts(diskSource(join(dir, 'posts'), dir).files, config, { terms: new TermIndex(), cache: again });
    expect(loaded.posts.map((p) => p.title)).toEqual(['A', 'B']);
    expect(again.reused.byStamp + again.reused.byHash).toBe(2);
    expect(reloaded.posts).toEqual(loaded.posts);
  });
});

describe("Jekyll's file names (content.fileNameDates)", () => {
  const jekyll = testConfig({ content: { fileNameDates: true } });
  const path = 'posts/en/_posts/2026-03-04-my-post.md';

  it('takes the slug after the date, and the date when the front matter gives none, in the site time zone', () => {
    const loaded = raw(post('title: T'), path, jekyll);
    expect(lines(loaded)).toEqual([]);
    expect(loaded.post?.slug).toBe('my-post');
    expect(loaded.post?.date.toISOString()).toBe('2026-03-03T21:00:00.000Z');
    expect(raw(post('title: T\ndate: 2026-03-05 09:00:00 +0300'), path, jekyll).post?.date.toISOString()).toBe('2026-03-05T06:00:00.000Z');
    expect(raw(post('title: T'), 'posts/en/_posts/2026-02-30-no-such-day.md', jekyll).post).toBeUndefined();
  });

  it('is off unless asked for, since it changes the URL of a file already named that way', () => {
    const loaded = raw(post('title: T\ndate: 2026-03-04'), path);
    expect(loaded.post?.slug).toBe('2026-03-04-my-post');
    expect(lines(raw(post('title: T'), path))).toEqual(['posts/en/_posts/2026-03-04-my-post.md:2:1 error date is required [date]']);
  });

  it('leaves the item id as it was: turning it on moves the URL, not the id readers know the article by', () => {
    const before = raw(post('title: T\ndate: 2026-03-04'), path).post;
    const after = raw(post('title: T\ndate: 2026-03-04'), path, jekyll).post;
    expect(after?.url).not.toBe(before?.url);
    expect(after?.id).toBe(before?.id);
    expect(after?.id).toBe('tag:rights.example.org,2026-03-04:en/2026-03-04-my-post');
  });
});

describe('a site that turns content.fileNameDates on after publishing', () => {
  it('keeps the id each published article was published with, even one whose id was its URL', async () => {
    const dir = await siteOnDisk({ 'en/_posts/2026-03-04-my-post.md': post('title: Published before the switch\ndate: 2026-03-04') }, { feeds: { urlIdsBefore: '2027-01-01' } });
    const config = join(dir, 'nashra.config.yaml');
    const paths = { config, posts: join(dir, 'posts'), out: join(dir, 'out'), state: join(dir, 'state') };
    const idAndUrl = async () => {
      const outcome = await runBuild(paths, new Date('2026-11-01T00:00:00Z'));
      expect(outcome.diagnostics).toEqual([]);
      const [item] = (JSON.parse(readFileSync(join(dir, 'out/en/feed.json'), 'utf8')) as { items: { id: string; url: string }[] }).items;
      return { id: item?.id, url: item?.url };
    };
    const before = await idAndUrl();
    const settings = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    writeFileSync(config, JSON.stringify({ ...settings, content: { fileNameDates: true } }));
    const after = await idAndUrl();
    expect(before).toEqual({ id: 'https://rights.example.org/en/posts/2026-03-04-my-post/', url: 'https://rights.example.org/en/posts/2026-03-04-my-post/' });
    expect(after).toEqual({ id: before.id, url: 'https://rights.example.org/en/posts/my-post/' });
  });
});

describe("Jekyll's space-separated categories and tags (content.spaceSeparatedLists)", () => {
  const jekyll = testConfig({ content: { spaceSeparatedLists: true } });

  it('reads a string of words as one category or tag per word', () => {
    const loaded = raw(post('title: T\ndate: 2026-03-04\ncategories: news statements\ntags: courts journalists'), 'posts/en/x.md', jekyll);
    expect(lines(loaded)).toEqual([]);
    expect(loaded.post?.categories).toEqual([['news'], ['statements']]);
    expect(loaded.post?.tags).toEqual(['courts', 'journalists']);
  });

  it('keeps a name with spaces whole in a list, so Arabic names and category paths keep working', () => {
    const loaded = raw(post('title: T\ndate: 2026-03-04\ncategories:\n  - بيانات صحفية\n  - Statements/Joint Statements'), 'posts/ar/x.md', jekyll);
    expect(loaded.post?.categories).toEqual([['بيانات صحفية'], ['Statements', 'Joint Statements']]);
  });

  it('says how it read a string that looks like a category path with spaces', () => {
    const loaded = raw(post('title: T\ndate: 2026-03-04\ncategories: Statements/Joint Statements'), 'posts/en/x.md', jekyll);
    expect(loaded.post?.categories).toEqual([['Statements', 'Joint'], ['Statements']]);
    expect(lines(loaded)).toEqual([
      'posts/en/x.md:4:13 warning categories "Statements/Joint Statements" is read as Jekyll reads it, one category per word: "Statements/Joint", "Statements"; write a list (categories: ["Statements/Joint Statements"]) to keep a name with spaces whole [categories]',
    ]);
  });

  it('is off unless asked for: a string is one category, as an Arabic name with spaces needs', () => {
    expect(raw(post('title: T\ndate: 2026-03-04\ncategories: بيانات صحفية'), 'posts/ar/x.md').post?.categories).toEqual([['بيانات صحفية']]);
    expect(raw(post('title: T\ndate: 2026-03-04\ncategories: news statements')).post?.categories).toEqual([['news statements']]);
  });

  it("reads Jekyll's one category, category:, before the others", () => {
    const loaded = raw(post('title: T\ndate: 2026-03-04\ncategory: Reports\ncategories: [News]'));
    expect(lines(loaded)).toEqual([]);
    expect(loaded.post?.categories).toEqual([['Reports'], ['News']]);
  });
});

describe("Hugo's page bundles and Jekyll's drafts folder", () => {
  it("names a leaf bundle's post by its folder, so two bundles do not collide", () => {
    const files = sourceFiles({
      'en/first-report/index.md': post('title: First\ndate: 2026-03-04'),
      'en/second-report/index.md': post('title: Second\ndate: 2026-03-04'),
      'en/index.md': post('title: Index\ndate: 2026-03-04'),
    });
    const loaded = loadPosts(files, testConfig());
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(loaded.posts.map((p) => [p.slug, p.id])).toEqual([
      ['first-report', 'tag:rights.example.org,2026-03-04:en/first-report'],
      ['index', 'tag:rights.example.org,2026-03-04:en/index'],
      ['second-report', 'tag:rights.example.org,2026-03-04:en/second-report'],
    ]);
  });

  it("lists neither a section's _index.md nor the files of a bundle beside its index.md, and says nothing of them", async () => {
    const dir = await siteOnDisk({
      'en/_index.md': '+++\ntitle = "Home"\n+++\n',
      'en/news/_index.md': post('title: News'),
      'en/news/report/index.md': post('title: Report\ndate: 2026-03-04'),
      'en/news/report/transcript.md': post('title: Transcript'),
      'en/news/report/annex/notes.md': 'no front matter',
      'en/news/plain.md': post('title: Plain\ndate: 2026-03-04'),
    });
    expect(readPostFiles(join(dir, 'posts'), dir).map((file) => file.path)).toEqual(['posts/en/news/plain.md', 'posts/en/news/report/index.md']);
  });

  it('asks whether a file was published only of those it would leave out, and keeps those that were', async () => {
    const dir = await siteOnDisk({
      'en/_index.md': post('title: Home'),
      'en/news/report/index.md': post('title: Report\ndate: 2026-03-04'),
      'en/news/report/transcript.md': post('title: Transcript\ndate: 2026-03-04'),
      'en/news/plain.md': post('title: Plain\ndate: 2026-03-04'),
    });
    const asked: string[] = [];
    const source = diskSource(join(dir, 'posts'), dir, (path) => {
      asked.push(path);
      return path.endsWith('transcript.md');
    });
    expect(asked.sort()).toEqual(['posts/en/_index.md', 'posts/en/news/report/transcript.md']);
    expect([...source.files].map((file) => file.path)).toEqual(['posts/en/news/plain.md', 'posts/en/news/report/index.md', 'posts/en/news/report/transcript.md']);
  });

  it("leaves out hidden files and folders, as Jekyll does: an editor's lock file is no post, nor is a name that makes no URL", async () => {
    const dir = await siteOnDisk({
      'en/plain.md': post('title: Plain\ndate: 2026-03-04'),
      'en/.hidden.md': post('title: Hidden\ndate: 2026-03-04'),
      'en/...md': post('title: Dots\ndate: 2026-03-04'),
      'en/.drafts/old.md': post('title: Old\ndate: 2026-03-04'),
    });
    // What Emacs leaves beside a file being edited: a link to nowhere.
    symlinkSync('editor@host.4242', join(dir, 'posts/en/.#plain.md'));
    expect(readPostFiles(join(dir, 'posts'), dir).map((file) => file.path)).toEqual(['posts/en/plain.md']);
    // One an earlier build published stays a post.
    const kept = diskSource(join(dir, 'posts'), dir, (path) => path === 'posts/en/.hidden.md');
    expect([...kept.files].map((file) => file.path)).toEqual(['posts/en/.hidden.md', 'posts/en/plain.md']);
  });

  it('lists the posts of a folder linked into the language folder, and those of a link back to it once', async () => {
    const dir = await siteOnDisk({ 'en/news/plain.md': post('title: Plain\ndate: 2026-03-04') });
    mkdirSync(join(dir, 'shared/reports'), { recursive: true });
    writeFileSync(join(dir, 'shared/reports/annual.md'), post('title: Annual\ndate: 2026-03-04'));
    symlinkSync(join(dir, 'shared'), join(dir, 'posts/en/shared'));
    symlinkSync('..', join(dir, 'posts/en/news/up'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'posts/en/gone'));
    expect(readPostFiles(join(dir, 'posts'), dir).map((file) => file.path)).toEqual(['posts/en/news/plain.md', 'posts/en/shared/reports/annual.md']);
  });

  it("holds back a post in Jekyll's _drafts folder, as Jekyll does without --drafts", () => {
    expect(raw(post('title: T\ndate: 2026-03-04'), 'posts/en/_drafts/x.md').post?.draft).toBe(true);
    expect(raw(post('title: T\ndate: 2026-03-04'), 'posts/en/_posts/x.md').post?.draft).toBe(false);
  });
});

describe('keys by which Hugo and Eleventy keep a page out of their lists, so out of their feeds', () => {
  const hidden = (fields: string) => raw(post(`title: T\ndate: 2026-03-04\n${fields}`)).post?.draft;

  it('holds back a post that Hugo or Eleventy would leave out of the site', () => {
    expect(hidden('headless: true')).toBe(true);
    expect(hidden('build:\n  list: never')).toBe(true);
    expect(hidden('build:\n  list: local')).toBe(true);
    expect(hidden('_build:\n  list: false')).toBe(true);
    expect(hidden('eleventyExcludeFromCollections: true')).toBe(true);
    expect(hidden('eleventyExcludeFromCollections: [post]')).toBe(true);
    expect(hidden('permalink: false')).toBe(true);
    expect(hidden('build:\n  list: always')).toBe(false);
    expect(hidden('eleventyExcludeFromCollections: false')).toBe(false);
  });

  it("refuses a build option it cannot read, rather than show a page its author hid", () => {
    expect(lines(raw(post('title: T\ndate: 2026-03-04\nbuild:\n  lsit: never')))).toEqual(['posts/en/x.md:5:3 error build has unknown field "lsit" [build]']);
  });

  it("reads Hugo's pubdate, unpublishdate and modified, and Jekyll's last_modified_at, as publishAt, expires and updated", () => {
    const loaded = raw(post('title: T\ndate: 2026-03-04\npubdate: 2026-03-05T09:00:00+03:00\nunpublishdate: 2026-04-01T00:00:00+03:00\nmodified: 2026-03-06T09:00:00+03:00'));
    expect(lines(loaded)).toEqual([]);
    expect(loaded.post?.publishAt?.toISOString()).toBe('2026-03-05T06:00:00.000Z');
    expect(loaded.post?.expires?.toISOString()).toBe('2026-03-31T21:00:00.000Z');
    expect(raw(post('title: T\ndate: 2026-03-04\nlast_modified_at: 2026-03-06 09:00:00 +0300')).post?.updated?.toISOString()).toBe('2026-03-06T06:00:00.000Z');
    expect(lines(raw(post('title: T\ndate: 2026-03-04\npublishDate: 2026-03-05\npubdate: 2026-03-06')))).toEqual([
      'posts/en/x.md:5:10 error pubdate and publishDate give different times; keep one of them, so the post appears when its author means [pubdate]',
    ]);
  });
});

/** A fixture site built as it is: its config, and its content folder as nashra's posts folder. */
function buildFixture(site: string, postsFolder: string) {
  const dir = join(ROOT, 'tests/fixtures', site);
  const { config, diagnostics } = parseConfig(readFileSync(join(dir, 'nashra.config.yaml'), 'utf8'), 'nashra.config.yaml');
  if (!config) throw new Error(JSON.stringify(diagnostics));
  const result = buildSite(readPostFiles(join(dir, postsFolder), dir), config, new Date('2026-11-01T00:00:00Z'));
  const items = (path: string) =>
    (JSON.parse(outputOf(result, path)) as { items: { id: string; url: string; title: string; summary: string; date_published: string; date_modified: string; tags?: string[]; content_html: string }[] }).items;
  return { result, items };
}

describe('a Hugo content folder and a Jekyll _posts folder, built as they are', () => {
  it('builds the Hugo site: TOML, JSON and YAML front matter, page bundles, no section pages, no drafts', () => {
    const { result, items } = buildFixture('hugo-site', 'content');
    // The one warning: the bundle's image is not in a static folder, so its size is unknown (see the media settings).
    expect(result.diagnostics.filter((d) => d.severity === 'error' || d.field !== 'image').map(formatDiagnostic)).toEqual([]);
    expect(items('en/feed.json').map(({ id, url, title, summary, date_published, date_modified, tags }) => ({ id, url, title, summary, date_published, date_modified, tags }))).toEqual([
      {
        id: 'tag:rights.example.org,2026-03-04:en/hearing-report',
        url: 'https://rights.example.org/en/posts/hearing-report/',
        title: 'Observers report on the third hearing',
        summary: 'What our observers saw in court on 4 March.',
        date_published: '2026-03-04T07:00:00Z',
        date_modified: '2026-03-05T06:30:00Z',
        tags: ['Statements/Joint Statements', 'trial monitoring', 'courts'],
      },
      {
        id: 'tag:rights.example.org,2026-02-20:en/water-rights',
        url: 'https://rights.example.org/en/posts/water-rights/',
        title: 'Water rights in the valley',
        summary: 'A short report on access to water.',
        date_published: '2026-02-19T21:00:00Z',
        date_modified: '2026-02-19T21:00:00Z',
        tags: ['Reports', 'water'],
      },
      {
        id: 'tag:rights.example.org,2026-01-15:en/annual-letter',
        url: 'https://rights.example.org/en/posts/annual-letter/',
        title: 'A letter to our members',
        summary: 'The year ahead, in one page.',
        date_published: '2026-01-15T06:00:00Z',
        date_modified: '2026-01-15T06:00:00Z',
        tags: ['Letters'],
      },
    ]);
    const [bundle] = items('en/feed.json');
    expect(bundle?.content_html).toContain('<p>The transcript is attached to this page.</p>');
    expect(bundle?.content_html).not.toContain('+++');
    expect(bundle?.content_html).toContain('href="https://rights.example.org/ar/posts/hearing-report/"');
    expect(items('ar/feed.json').map((item) => [item.url, item.title])).toEqual([['https://rights.example.org/ar/posts/hearing-report/', 'المراقبون يقدمون تقريرهم عن الجلسة الثالثة']]);
    expect(result.outputs.map((output) => output.path)).toContain('ar/categories/بيانات/بيانات-مشتركة/feed.json');
  });

  it('builds the Jekyll site: dates and slugs from file names, space-separated categories, category:, no drafts', () => {
    const { result, items } = buildFixture('jekyll-site', 'posts');
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(items('en/feed.json').map(({ id, url, title, summary, date_published, tags }) => ({ id, url, title, summary, date_published, tags }))).toEqual([
      {
        id: 'tag:rights.example.org,2026-03-04:en/2026-03-04-court-hearing',
        url: 'https://rights.example.org/en/2026/03/court-hearing.html',
        title: 'Court hears the appeal of the detained journalists',
        summary: 'The appeal was heard in a closed session.',
        date_published: '2026-03-04T07:00:00Z',
        tags: ['news', 'statements', 'courts', 'journalists'],
      },
      {
        id: 'tag:rights.example.org,2026-02-10:en/2026-02-10-annual-report',
        url: 'https://rights.example.org/en/2026/02/annual-report.html',
        title: 'Our annual report is out',
        summary: 'The annual report covers every case we followed this year.',
        date_published: '2026-02-09T21:00:00Z',
        tags: ['reports'],
      },
    ]);
    expect(items('ar/feed.json').map((item) => [item.url, item.tags])).toEqual([['https://rights.example.org/ar/2026/03/court-hearing.html', ['أخبار', 'بيانات صحفية']]]);
  });
});
