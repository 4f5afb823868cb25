/**
 * The names a post gives the output: its slug names its related file, each
 * level of a category a folder of feeds and archive pages, each tag the
 * folder of its feed. One longer than a file system allows (255 bytes of
 * UTF-8) failed the whole build at the write with ENAMETOOLONG, exit 3, every
 * other post unpublished; it is now an error at its own post, file, line and
 * field, before anything is written.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { parsePost } from '../src/load/parsePost.js';
import { runCli, siteOnDisk, testConfig } from './support/site.js';

const NOW = '2026-11-01T00:00:00Z';

const post = (title: string, fields = 'categories: News\n'): string => `---\ntitle: ${JSON.stringify(title)}\ndate: 2026-01-05T10:00:00Z\n${fields}---\n\nA statement of the centre.\n`;
const LONG_FILE_NAME = `${'f'.repeat(240)}.md`;

const POSTS: Record<string, string> = {
  'en/good.md': post('A statement that publishes'),
  'ar/good.md': post('بيان يُنشر'),
  'en/long-category.md': post('A category of 300 letters', `categories: [${'c'.repeat(300)}]\n`),
  'ar/long-category.md': post('تصنيف طويل', `categories: [${'ت'.repeat(130)}]\n`),
  'en/long-slug.md': post('A slug of 300 letters', `slug: ${'s'.repeat(300)}\n`),
  [`en/${LONG_FILE_NAME}`]: post('A file name of 240 letters'),
  'en/long-tag.md': post('A tag of 300 letters', `tags: [${'t'.repeat(300)}]\n`),
};

/** The compiler-style lines of a run's standard error. */
function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^\S+:\d+:\d+ (error|warning) /.test(line));
}

describe('a name a post gives the output, too long for a file system', () => {
  it('is an error at its post, file, line and field; every other post publishes', async () => {
    const dir = await siteOnDisk(POSTS, { feeds: { tagFeeds: 'all' } });
    const build = await runCli(['build', '--now', NOW], dir);
    expect(build.stderr).not.toMatch(/ENAMETOOLONG/);
    expect(build.code).toBe(1);
    expect(problemLines(build.stderr)).toEqual([
      expect.stringMatching(/^posts\/ar\/long-category\.md:4:\d+ error the category "ت{40}…" makes a folder name of 260 bytes.* \[categories\]$/),
      expect.stringMatching(/^posts\/en\/f{240}\.md:1:1 error the file's name gives the slug "f{40}…", 240 bytes long.*at most 222 bytes.* \[slug\]$/),
      expect.stringMatching(/^posts\/en\/long-category\.md:4:\d+ error the category "c{40}…" makes a folder name of 300 bytes.* \[categories\]$/),
      expect.stringMatching(/^posts\/en\/long-slug\.md:4:\d+ error slug "s{40}…" is 300 bytes long.* \[slug\]$/),
      expect.stringMatching(/^posts\/en\/long-tag\.md:4:\d+ error the tag "t{40}…" makes a folder name of 300 bytes.* \[tags\]$/),
    ]);
    const english = JSON.parse(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')) as { items: { title: string }[] };
    const arabic = JSON.parse(await readFile(join(dir, 'feeds/ar/feed.json'), 'utf8')) as { items: { title: string }[] };
    expect(english.items.map((item) => item.title)).toEqual(['A statement that publishes']);
    expect(arabic.items.map((item) => item.title)).toEqual(['بيان يُنشر']);
  });

  it('leaves the version published before it in the feeds, with a line saying so', async () => {
    const dir = await siteOnDisk({ 'en/good.md': post('A statement that publishes'), 'en/renamed.md': post('A statement filed again') });
    expect((await runCli(['build', '--now', NOW], dir)).code).toBe(0);
    await writeFile(join(dir, 'posts/en/renamed.md'), post('A statement filed again', `categories: [${'c'.repeat(300)}]\n`));
    const build = await runCli(['build', '--now', NOW], dir);
    expect(build.code).toBe(1);
    expect(problemLines(build.stderr)).toEqual([
      expect.stringMatching(/^posts\/en\/renamed\.md:4:\d+ error the category "c{40}…" makes a folder name of 300 bytes.* \[categories\]$/),
      expect.stringMatching(/^posts\/en\/renamed\.md:\d+:\d+ error .*stays published.* \[published\]$/),
    ]);
    const feed = JSON.parse(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')) as { items: { title: string }[] };
    expect(feed.items.map((item) => item.title).sort()).toEqual(['A statement filed again', 'A statement that publishes']);
  });
});

describe('a category or tag without a letter or digit to name its folder', () => {
  const raw = (fields: string) => parsePost({ path: 'posts/en/x.md', lang: 'en', text: post('A statement', fields) }, testConfig());
  const lines = (fields: string) => raw(fields).diagnostics.map(formatDiagnostic);

  it('is a warning at its post: it would share its folder with every such name, silently', () => {
    expect(lines('categories: ["!!!"]\ntags: [Courts, "..."]\n')).toEqual([
      'posts/en/x.md:4:14 warning the category "!!!" has no letter or digit to make its address of, and shares categories/category/ with every such name; write it in words, or give it a slug under categorySlugs in the config [categories]',
      'posts/en/x.md:5:16 warning the tag "..." has no letter or digit to make its address of, and shares tags/tag/ with every such tag; write it in words [tags]',
    ]);
    expect(raw('categories: ["!!!"]\n').post?.categories).toEqual([['!!!']]);
  });

  it('is a warning too when a category is only slashes: the post is filed under none', () => {
    expect(lines('categories: [News, " / "]\n')).toEqual(['posts/en/x.md:4:20 warning the category " / " names no category (it is only slashes), so the post is not filed under it [categories]']);
  });

  it('is no warning for a name in any script, or one given a slug in the config', () => {
    expect(lines('categories: ["بيانات / مشتركة", "¡Justicia!"]\ntags: [محاكم, "2026"]\n')).toEqual([]);
    const config = { ...testConfig(), categorySlugs: { '!!!': 'alerts' } };
    expect(parsePost({ path: 'posts/en/x.md', lang: 'en', text: post('A statement', 'categories: ["!!!"]\n') }, config).diagnostics).toEqual([]);
  });
});

describe('a file name that makes a slug a URL must escape', () => {
  const lines = (path: string, fields = '') => parsePost({ path, lang: 'en', text: post('A statement', fields) }, testConfig()).diagnostics.map(formatDiagnostic);

  it('is a warning at the file: the post publishes at its escaped URL, and the editor is told how to mend it', () => {
    const warning = (name: string) =>
      `posts/en/${name}.md:1:1 warning the file name gives the slug "${name}", which slug: would refuse (it must start with a letter or digit, then letters, digits, hyphens, dots or underscores); its URL carries it as written, escaped where a URL needs it. Rename the file, or give the post a slug: (either moves the URL of a post already published) [slug]`;
    expect(lines('posts/en/annual report.md')).toEqual([warning('annual report')]);
    expect(lines('posts/en/a"><img src=x onerror=alert(1)>.md')).toEqual([warning('a"><img src=x onerror=alert(1)>')]);
    expect(lines('posts/en/report\u202Egpj.md')).toEqual([warning('report\u202Egpj')]);
    expect(lines('posts/en/_draft-notes.md')).toEqual([warning('_draft-notes')]);
  });

  it('is no warning for a slug in any script, with a Jekyll date, or one the front matter gives', () => {
    expect(lines('posts/en/2026-03-04-annual_report.v2.md')).toEqual([]);
    expect(lines('posts/en/التقرير-السنوي.md')).toEqual([]);
    expect(lines('posts/en/annual report.md', 'slug: annual-report\n')).toEqual([]);
  });
});
