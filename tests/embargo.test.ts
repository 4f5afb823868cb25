/** publishAt and expires, judged against the build's clock (`--now`). */
import { describe, expect, it } from 'vitest';
import { nextPublicationChange, timedAfter } from '../src/schedule/embargo.js';
import { nextPublicationOf } from '../src/schedule/status.js';
import { buildInMemory, outputOf, post, runCli, siteOnDisk, sourceFiles, testConfig } from './support/site.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const posts = {
  'en/always.md': post('title: Always here\ndate: 2026-01-01T00:00:00Z'),
  'en/embargoed.md': post('title: Under embargo\ndate: 2026-03-01T09:00:00+03:00\npublishAt: 2026-03-01T09:00:00+03:00\nexpires: 2026-03-31T00:00:00+03:00'),
  'en/draft.md': post('title: Still a draft\ndate: 2026-01-02\ndraft: true'),
};

const titlesAt = (now: string): string[] => {
  const result = buildInMemory(sourceFiles(posts), testConfig(), new Date(now));
  const feed = JSON.parse(outputOf(result, 'en/feed.json')) as { items: { title: string }[] };
  return feed.items.map((item) => item.title);
};

describe('embargo and expiry', () => {
  it('leaves a post out before publishAt, includes it from that second, and drops it at expires', () => {
    expect(titlesAt('2026-03-01T05:59:59Z')).toEqual(['Always here']);
    expect(titlesAt('2026-03-01T06:00:00Z')).toEqual(['Under embargo', 'Always here']);
    expect(titlesAt('2026-03-30T20:59:59Z')).toEqual(['Under embargo', 'Always here']);
    expect(titlesAt('2026-03-30T21:00:00Z')).toEqual(['Always here']);
  });

  it('never publishes a draft', () => {
    expect(titlesAt('2030-01-01T00:00:00Z')).not.toContain('Still a draft');
  });

  it('knows the next moment a post enters or leaves the feeds', () => {
    const result = buildInMemory(sourceFiles(posts), testConfig(), new Date('2026-01-01T00:00:00Z'));
    expect(nextPublicationChange(result.posts, new Date('2026-02-01T00:00:00Z'))?.toISOString()).toBe('2026-03-01T06:00:00.000Z');
    expect(nextPublicationChange(result.posts, new Date('2026-03-02T00:00:00Z'))?.toISOString()).toBe('2026-03-30T21:00:00.000Z');
    expect(nextPublicationChange(result.posts, new Date('2026-04-01T00:00:00Z'))).toBeUndefined();
  });

  it("plans from the posts a daemon's build thread sends back as it would from every post, at the build's moment or later", () => {
    const many = {
      ...posts,
      'en/later.md': post('title: Published later\ndate: 2026-01-05T00:00:00Z\npublishAt: 2026-02-10T08:00:00Z'),
      'en/gone.md': post('title: Expired long ago\ndate: 2025-01-01T00:00:00Z\nexpires: 2025-06-01T00:00:00Z'),
      'en/future-draft.md': post('title: A draft for later\ndate: 2026-01-03\npublishAt: 2026-02-01T00:00:00Z\ndraft: true'),
    };
    const built = new Date('2026-01-15T00:00:00Z');
    const all = buildInMemory(sourceFiles(many), testConfig(), built).posts;
    const sent = timedAfter(all, built);
    expect(sent.map((one) => one.title).sort()).toEqual(['Published later', 'Under embargo']);
    // Nothing but what planning reads: no summary, no body, no URL.
    for (const one of sent) expect(Object.keys(one).sort()).toEqual(expect.arrayContaining(['draft', 'lang', 'sourcePath', 'title']));
    for (const one of sent) expect(Object.keys(one).every((key) => ['sourcePath', 'lang', 'title', 'draft', 'publishAt', 'expires'].includes(key))).toBe(true);
    for (const clock of ['2026-01-15T00:00:00Z', '2026-02-10T08:00:00Z', '2026-03-02T00:00:00Z', '2026-04-01T00:00:00Z']) {
      const at = new Date(clock);
      const next = nextPublicationChange(all, at);
      expect(nextPublicationChange(sent, at)).toEqual(next);
      expect(nextPublicationOf(sent, next, 'Asia/Amman')).toEqual(nextPublicationOf(all, next, 'Asia/Amman'));
    }
  });

  it('honours --now on the command line: absent, present, absent', async () => {
    const site = await siteOnDisk(posts);
    const titles = async (now: string) => {
      const run = await runCli(['build', '--now', now], site);
      expect(run.code).toBe(0);
      return (JSON.parse(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')) as { items: { title: string }[] }).items.map((item) => item.title);
    };
    expect(await titles('2026-02-28T12:00:00+03:00')).not.toContain('Under embargo');
    expect(await titles('2026-03-01T09:00:00+03:00')).toContain('Under embargo');
    expect(await titles('2026-04-01')).not.toContain('Under embargo');
  });
});

describe('a clock set back behind the last build', () => {
  const site = () =>
    siteOnDisk({
      'en/always.md': post('title: Always here\ndate: 2026-01-01T00:00:00Z'),
      'en/embargoed.md': post('title: Under embargo\ndate: 2026-03-01T06:00:00Z\npublishAt: 2026-03-01T06:00:00Z'),
      'en/expiring.md': post('title: Withdrawn at noon\ndate: 2026-01-02T00:00:00Z\nexpires: 2026-03-01T12:00:00Z'),
    });
  const feedTitles = async (dir: string) => (JSON.parse(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')) as { items: { title: string }[] }).items.map((item) => item.title);
  const warnings = (stderr: string) => stderr.split('\n').filter((line) => / warning /.test(line));

  it('neither withdraws what the last build published nor brings back what it withdrew, and says so', async () => {
    const dir = await site();
    expect((await runCli(['build', '--now', '2026-03-01T13:00:00Z'], dir)).code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Under embargo', 'Always here']);
    // An hour and a half earlier, as NTP might step a clock that ran fast.
    const behind = await runCli(['build', '--now', '2026-03-01T05:30:00Z'], dir);
    expect(behind.code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Under embargo', 'Always here']);
    expect(warnings(behind.stderr)).toEqual([
      'posts/en/embargoed.md:4:12 warning the clock reads 2026-03-01T05:30:00.000Z, before this post\'s publishAt 2026-03-01T06:00:00Z, but the last build, at 2026-03-01T13:00:00.000Z, was past it and published the post: it stays published, not withdrawn until then. Is the machine\'s clock right? [publishAt]',
      'posts/en/expiring.md:4:10 warning the clock reads 2026-03-01T05:30:00.000Z, before this post\'s expires 2026-03-01T12:00:00Z, but the last build, at 2026-03-01T13:00:00.000Z, was past it and withdrew the post: it stays withdrawn. Is the machine\'s clock right? [expires]',
    ]);
    const changes = await readFile(join(dir, 'feeds/en/changes.json'), 'utf8');
    expect(changes).not.toContain('embargoed');
  });

  it('still holds a post the last build did not publish until its own embargo by the clock', async () => {
    const dir = await site();
    expect((await runCli(['build', '--now', '2026-03-01T13:00:00Z'], dir)).code).toBe(0);
    await writeFile(join(dir, 'posts/en/new.md'), post('title: Embargoed since\ndate: 2026-03-01T07:00:00Z\npublishAt: 2026-03-01T07:00:00Z'));
    expect((await runCli(['build', '--now', '2026-03-01T05:30:00Z'], dir)).code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Under embargo', 'Always here']);
    expect((await runCli(['build', '--now', '2026-03-01T07:00:00Z'], dir)).code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Embargoed since', 'Under embargo', 'Always here']);
  });
});
