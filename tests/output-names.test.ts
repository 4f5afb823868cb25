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
import { runCli, siteOnDisk } from './support/site.js';

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
