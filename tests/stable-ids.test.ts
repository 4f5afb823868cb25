/**
 * An item's id is how readers and partners know they have seen it: it must
 * not change when an editor re-files an article, nor on the day a site
 * upgrades to a nashra that makes ids differently.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild, type BuildPaths } from '../src/build.js';
import { parseConfig } from '../src/config.js';
import { defaultItemId, itemIdProblem } from '../src/load/itemId.js';
import { feedparser, skipWithout } from './support/consumers.js';
import { post, siteOnDisk, snapshot } from './support/site.js';

const NOW = new Date('2026-03-01T00:00:00Z');

function pathsOf(site: string): BuildPaths {
  return { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, '.nashra') };
}

async function build(site: string, now = NOW): Promise<void> {
  const outcome = await runBuild(pathsOf(site), now);
  expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
}

interface Seen {
  readonly link: string;
  readonly rss: string;
  readonly atom: string;
  readonly json: string;
}

/** The one English item as feedparser reads the RSS and Atom feeds and a JSON Feed reader reads `id`. */
async function itemOf(site: string, title: string): Promise<Seen> {
  const rss = feedparser(join(site, 'feeds/en/rss.xml')).entries.find((entry) => entry.title === title);
  const atom = feedparser(join(site, 'feeds/en/atom.xml')).entries.find((entry) => entry.title === title);
  const json = (JSON.parse(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')) as { items: { id: string; title: string }[] }).items.find((item) => item.title === title);
  if (!rss || !atom || !json) throw new Error(`${title} is missing from a feed`);
  return { link: atom.link, rss: rss.id, atom: atom.id, json: json.id };
}

function hearing(category: string, extra = ''): string {
  return post(`title: Hearing postponed\ndate: 2026-01-05T10:00:00+02:00\ntranslationKey: hearing\ncategories: [${category}]\n${extra}`);
}

const setCategory = (site: string, category: string, extra = '') => writeFile(join(site, 'posts/en/hearing.md'), hearing(category, extra));

/** The state a nashra that kept no ids (record version 1) would have left after the same build. */
async function asWrittenByEarlierVersion(site: string): Promise<void> {
  const file = join(site, '.nashra/published.json');
  const record = JSON.parse(await readFile(file, 'utf8')) as { at: string; posts: { path: string; lang: string; hash: string }[] };
  // Named from the working directory, as records before version 4 named the files.
  const posts = record.posts.map(({ path, lang, hash }) => ({ path: relative(process.cwd(), join(site, 'posts', path)), lang, hash }));
  await writeFile(file, JSON.stringify({ version: 1, at: record.at, posts }));
}

describe.skipIf(skipWithout('feedparser'))('item ids', () => {
  it('stay the same in RSS, Atom and JSON Feed when an article moves from News to Reports', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': hearing('News') });
    await build(site);
    const before = await itemOf(site, 'Hearing postponed');
    await setCategory(site, 'Reports');
    await build(site);
    const after = await itemOf(site, 'Hearing postponed');

    expect(after.link).not.toBe(before.link);
    expect(after.link).toContain('/reports/');
    expect(after).toEqual({ ...before, link: after.link });
  });

  it('are by default a tag URI from the host, the day of first publication in the site time zone, the language and the article key', async () => {
    const site = await siteOnDisk({
      'en/hearing.md': hearing('News'),
      'en/no-key.md': post('title: Without a key\ndate: 2026-01-06T22:30:00Z\ncategories: [News]'),
    });
    await build(site);
    const seen = await itemOf(site, 'Hearing postponed');
    expect(seen).toMatchObject({ rss: 'tag:rights.example.org,2026-01-05:en/hearing', atom: 'tag:rights.example.org,2026-01-05:en/hearing', json: 'tag:rights.example.org,2026-01-05:en/hearing' });
    // 22:30 UTC is 01:30 the next day in Amman, the site's time zone, where its days are counted.
    expect((await itemOf(site, 'Without a key')).json).toBe('tag:rights.example.org,2026-01-07:en/no-key');
    // Not a web address: RSS says so, so readers do not follow it as a link.
    expect(await readFile(join(site, 'feeds/en/rss.xml'), 'utf8')).toContain('<guid isPermaLink="false">tag:rights.example.org,2026-01-05:en/hearing</guid>');
  });

  it('keep, for articles published before the upgrade, the URL they were published with, even when the article moves on the day of the upgrade', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': hearing('News') });
    await build(site);
    const newsUrl = (await itemOf(site, 'Hearing postponed')).link;
    await asWrittenByEarlierVersion(site);

    await setCategory(site, 'Reports');
    await writeFile(join(site, 'posts/en/release.md'), post('title: Journalists released\ndate: 2026-02-01T09:00:00Z\ncategories: [News]'));
    await build(site);
    expect(await itemOf(site, 'Hearing postponed')).toMatchObject({ rss: newsUrl, atom: newsUrl, json: newsUrl });
    // An article first published under this version gets the stable default.
    expect((await itemOf(site, 'Journalists released')).json).toBe('tag:rights.example.org,2026-02-01:en/release');

    // Kept from then on, through further moves.
    await setCategory(site, 'Statements');
    await build(site);
    expect(await itemOf(site, 'Hearing postponed')).toMatchObject({ rss: newsUrl, atom: newsUrl, json: newsUrl });
  });

  it('keep, with feeds.urlIdsBefore, the URL for articles dated before the upgrade even when the state directory is lost', async () => {
    const site = await siteOnDisk(
      { 'en/hearing.md': hearing('News'), 'en/release.md': post('title: Journalists released\ndate: 2026-02-05T09:00:00Z\ncategories: [News]') },
      { feeds: { urlIdsBefore: '2026-02-01' } },
    );
    await build(site);
    await rm(join(site, '.nashra'), { recursive: true });
    await build(site);
    const old = await itemOf(site, 'Hearing postponed');
    expect(old).toMatchObject({ rss: old.link, atom: old.link, json: old.link });
    expect((await itemOf(site, 'Journalists released')).json).toBe('tag:rights.example.org,2026-02-05:en/release');
  });

  it('given in front matter win, and stay when the state directory is lost', async () => {
    const pinned = 'urn:uuid:6f1c1d4e-8a57-4a53-9d1e-0c1b2b8e7a10';
    const site = await siteOnDisk({ 'en/hearing.md': hearing('News', `id: ${pinned}`) });
    await build(site);
    await setCategory(site, 'Reports', `id: ${pinned}`);
    await rm(join(site, '.nashra'), { recursive: true });
    await build(site);
    expect(await itemOf(site, 'Hearing postponed')).toMatchObject({ rss: pinned, atom: pinned, json: pinned });
  });

  it('are the same bytes for the same posts and the same state, and for the same posts without a state', async () => {
    const posts = { 'en/hearing.md': hearing('News'), 'en/release.md': post('title: Journalists released\ndate: 2026-02-01T09:00:00Z\ncategories: [News]') };
    const first = await siteOnDisk(posts);
    const second = await siteOnDisk(posts);
    await build(first);
    await build(second);
    expect(await snapshot(join(second, 'feeds'))).toEqual(await snapshot(join(first, 'feeds')));
    const feeds = await snapshot(join(first, 'feeds'));
    await build(first);
    expect(await snapshot(join(first, 'feeds'))).toEqual(feeds);
    await rm(join(first, '.nashra'), { recursive: true });
    await build(first);
    expect(await snapshot(join(first, 'feeds'))).toEqual(feeds);
  });
});

describe('the default id', () => {
  it('is a valid tag URI for any key, Arabic and spaces included', () => {
    const id = defaultItemId({ host: 'Rights.Example.org', timeZone: 'Asia/Amman', lang: 'ar', key: 'بيان مشترك/2', date: new Date('2026-01-05T08:00:00Z') });
    expect(id).toBe('tag:rights.example.org,2026-01-05:ar/%D8%A8%D9%8A%D8%A7%D9%86%20%D9%85%D8%B4%D8%AA%D8%B1%D9%83%2F2');
    expect(itemIdProblem(id)).toBeUndefined();
  });
});

describe('feeds.urlIdsBefore', () => {
  it('must be an ISO 8601 date', () => {
    const { diagnostics } = parseConfig(JSON.stringify({ baseUrl: 'https://rights.example.org/', languages: { en: { siteName: 'Centre' } }, feeds: { urlIdsBefore: 'last spring' } }), 'nashra.config.yaml');
    expect(diagnostics.map((d) => d.field)).toEqual(['feeds.urlIdsBefore']);
  });
});
