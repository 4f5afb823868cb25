/** publishAt and expires, judged against the build's clock (`--now`). */
import { describe, expect, it } from 'vitest';
import { nextPublicationChange } from '../src/schedule/embargo.js';
import { buildInMemory, outputOf, post, runCli, siteOnDisk, sourceFiles, testConfig } from './support/site.js';
import { readFile } from 'node:fs/promises';
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
