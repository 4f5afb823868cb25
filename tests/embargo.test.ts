/** publishAt and expires, judged against the build's clock (`--now`). */
import { describe, expect, it } from 'vitest';
import { nextPublicationChange, timedAfter } from '../src/schedule/embargo.js';
import { nextPublicationOf } from '../src/schedule/status.js';
import { buildInMemory, outputOf, post, runCli, siteOnDisk, sourceFiles, testConfig } from './support/site.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
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
  const changes = async (dir: string) => (JSON.parse(await readFile(join(dir, 'feeds/en/changes.json'), 'utf8')) as { changes: { type: string; title?: string; when?: string }[] }).changes;
  /** Built at 11:00 (the embargo passed, the expiry not yet), then at 13:00 (the expiry passed): the site's last build. */
  const builtUntil1300 = async () => {
    const dir = await site();
    expect((await runCli(['build', '--now', '2026-03-01T11:00:00Z'], dir)).code).toBe(0);
    expect((await runCli(['build', '--now', '2026-03-01T13:00:00Z'], dir)).code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Under embargo', 'Always here']);
    return dir;
  };

  it('neither withdraws what the last build published nor brings back what it withdrew, and says so', async () => {
    const dir = await builtUntil1300();
    // Seven and a half hours earlier, as NTP might step a clock that ran fast.
    const behind = await runCli(['build', '--now', '2026-03-01T05:30:00Z'], dir);
    expect(behind.code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Under embargo', 'Always here']);
    expect(warnings(behind.stderr)).toEqual([
      'posts/en/embargoed.md:4:12 warning the clock reads 2026-03-01T05:30:00.000Z, before this post\'s publishAt 2026-03-01T06:00:00Z, but the last build, at 2026-03-01T13:00:00.000Z, was past it and published the post: it stays published, not withdrawn until then. Is the machine\'s clock right? [publishAt]',
      'posts/en/expiring.md:4:10 warning the clock reads 2026-03-01T05:30:00.000Z, before this post\'s expires 2026-03-01T12:00:00Z, but the last build, at 2026-03-01T13:00:00.000Z, was past it and withdrew the post: it stays withdrawn. Is the machine\'s clock right? [expires]',
    ]);
    expect((await changes(dir)).filter((change) => change.title === 'Under embargo' && change.type === 'deleted')).toEqual([]);
    // Nor is it counted as held back in the summary.
    expect(`${behind.stdout}${behind.stderr}`).not.toMatch(/held back/);
  });

  it('follows the clock for what the last build did not publish as it is now: a new text, a new embargo or expiry, a new post', async () => {
    const dir = await builtUntil1300();
    // The published file replaced by another statement under embargo, and another post given an embargo.
    await writeFile(join(dir, 'posts/en/embargoed.md'), post('title: Another statement\ndate: 2026-03-01T07:00:00Z\npublishAt: 2026-03-01T07:00:00Z'));
    await writeFile(join(dir, 'posts/en/always.md'), post('title: Always here\ndate: 2026-01-01T00:00:00Z\npublishAt: 2026-03-01T06:30:00Z'));
    await writeFile(join(dir, 'posts/en/new.md'), post('title: New, expiring at ten\ndate: 2026-02-01T00:00:00Z\nexpires: 2026-03-01T10:00:00Z'));
    const behind = await runCli(['build', '--now', '2026-03-01T05:30:00Z'], dir);
    expect(behind.code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['New, expiring at ten']);
    expect(warnings(behind.stderr)).toEqual([expect.stringMatching(/^posts\/en\/expiring\.md:.* stays withdrawn/)]);
    expect((await runCli(['build', '--now', '2026-03-01T07:00:00Z'], dir)).code).toBe(0);
    expect(await feedTitles(dir)).toEqual(['Another statement', 'New, expiring at ten', 'Always here']);
  });

  it('dates the changes it records no earlier than the last build, so a monitor reading them newest first misses none', async () => {
    const dir = await builtUntil1300();
    await rm(join(dir, 'posts/en/always.md'));
    expect((await runCli(['build', '--now', '2026-03-01T05:30:00Z'], dir)).code).toBe(0);
    const deleted = (await changes(dir)).find((change) => change.title === 'Always here');
    expect(deleted?.type).toBe('deleted');
    expect(deleted?.when).toBe('2026-03-01T13:00:00Z');
  });
});
