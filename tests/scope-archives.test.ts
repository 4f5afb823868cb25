/**
 * Every feed scope keeps every post within reach, as the main feed does: a
 * category or tag feed that holds only the newest `feeds.limit` posts links
 * to RFC 5005 archive pages (`prev-archive` in RSS and Atom, `next_url` in
 * JSON Feed) that hold the rest, each post exactly once; a feed that holds
 * its whole scope says so (`fh:complete`); and a new post leaves every
 * archive page but the newest as it was, so monitors and the incremental
 * build can rely on them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfig } from '../src/config.js';
import { readPostFiles } from '../src/load/readPosts.js';
import { memorySource } from '../src/load/source.js';
import type { Post } from '../src/model.js';
import { planSite, type PlannedOutput } from '../src/pipeline.js';
import { categorySlug, slugify } from '../src/urls.js';
import { writeOutputs } from '../src/write/output.js';
import { feedparserHistories, jsonFeedErrors, skipWithout, xpath, type FeedHistory } from './support/consumers.js';
import { post, projectConfig, ROOT, samplePosts, sourceFiles, testConfig } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const XML_FORMATS = ['rss.xml', 'atom.xml'] as const;
const FEED_FILE = /(rss\.xml|atom\.xml|feed\.json)$/;

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'nashra-scope-archives-'));
});
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface WrittenSite {
  readonly dir: string;
  readonly live: readonly Post[];
  readonly paths: readonly string[];
}

async function writeSite(name: string, files: Parameters<typeof memorySource>[0], config: SiteConfig): Promise<WrittenSite> {
  const plan = planSite(memorySource(files), config, NOW);
  const dir = join(workDir, name);
  const report = await writeOutputs(dir, plan.outputs);
  return { dir, live: plan.live, paths: [...report.written, ...report.unchanged].sort() };
}

/** The ids of a scope's posts, as each feed directory should hold them across its chain. */
function expectedScopes(live: readonly Post[], config: SiteConfig): Map<string, string[]> {
  const scopes = new Map<string, Set<string>>();
  const add = (basePath: string, id: string) => scopes.set(basePath, (scopes.get(basePath) ?? new Set()).add(id));
  for (const item of live) {
    for (const path of item.categories) {
      for (let depth = 1; depth <= path.length; depth++) add(`${item.lang}/categories/${path.slice(0, depth).map((name) => categorySlug(config, name)).join('/')}/`, item.id);
    }
    for (const tag of item.tags) add(`${item.lang}/tags/${slugify(tag)}/`, item.id);
  }
  return new Map([...scopes].map(([basePath, ids]) => [basePath, [...ids].sort()]));
}

/** Follows `prev-archive` from a subscription feed, as a feed-history client does; every page it meets must have been parsed. */
function walkXml(histories: ReadonlyMap<string, FeedHistory>, dir: string, start: string, feedsUrl: string): { ids: string[]; pages: number } {
  const ids: string[] = [];
  let pages = 0;
  let path: string | undefined = start;
  while (path !== undefined) {
    const history = histories.get(join(dir, path));
    if (!history) throw new Error(`${start}: the chain leads to ${path}, which is not there`);
    expect(history.bozo, `${path}: ${history.bozo_exception}`).toBe(false);
    ids.push(...history.ids);
    pages++;
    const older: string | undefined = history.links.find((link) => link.rel === 'prev-archive')?.href;
    if (older !== undefined && !older.startsWith(feedsUrl)) throw new Error(`${path}: prev-archive ${older} is outside the feeds`);
    path = older === undefined ? undefined : decodeURIComponent(older.slice(feedsUrl.length));
  }
  return { ids, pages };
}

/** Follows JSON Feed's `next_url`, checking each page against the JSON Feed 1.1 schema. */
async function walkJson(dir: string, start: string, feedsUrl: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let path: string | undefined = start;
  while (path !== undefined) {
    const text = await readFile(join(dir, path), 'utf8');
    expect(jsonFeedErrors(text), path).toEqual([]);
    const feed = JSON.parse(text) as { items: { id: string }[]; next_url?: string };
    ids.push(...feed.items.map((item) => item.id));
    pages++;
    path = feed.next_url === undefined ? undefined : decodeURIComponent(feed.next_url.slice(feedsUrl.length));
  }
  return { ids, pages };
}

describe('the Statements feed of the sample site with feeds.limit: 3', () => {
  const feedsUrl = 'https://wahat.example.org/feeds/';
  let site: WrittenSite;
  let config: SiteConfig;
  let histories: Map<string, FeedHistory>;
  let statements: string[];
  beforeAll(async () => {
    const project = await projectConfig();
    config = { ...project, feeds: { ...project.feeds, limit: 3 } };
    site = await writeSite('sample', await samplePosts(), config);
    statements = expectedScopes(site.live, config).get('en/categories/statements/') ?? [];
    histories = skipWithout('feedparser') ? new Map() : feedparserHistories(site.paths.filter((path) => path.endsWith('.xml') && path.includes('categories/')).map((path) => join(site.dir, path)));
  });

  it('has more posts than the feed holds', () => {
    expect(statements).toHaveLength(7);
  });

  it.skipIf(skipWithout('feedparser'))('leads feedparser through prev-archive to all seven posts, each once, in RSS and in Atom', () => {
    for (const format of XML_FORMATS) {
      const walked = walkXml(histories, site.dir, `en/categories/statements/${format}`, feedsUrl);
      expect(walked.ids.slice(0, 3), format).toHaveLength(3);
      expect([...walked.ids].sort(), format).toEqual(statements);
      expect(walked.pages, format).toBe(3);
    }
  });

  it('leads through next_url to all seven posts, each once, in JSON Feed', async () => {
    const walked = await walkJson(site.dir, 'en/categories/statements/feed.json', feedsUrl);
    expect([...walked.ids].sort()).toEqual(statements);
  });

  it.skipIf(skipWithout('xmllint'))('is not marked complete, and its pages are marked as archives; a category that fits is marked complete', () => {
    const count = (path: string, name: string) => xpath(join(site.dir, path), `count(/*/*[local-name()='${name}'] | /rss/channel/*[local-name()='${name}'])`);
    for (const format of XML_FORMATS) {
      expect(count(`en/categories/statements/${format}`, 'complete'), format).toEqual(['0']);
      expect(count(`en/archive/categories/statements/1/${format}`, 'archive'), format).toEqual(['1']);
      // Joint Statements: two posts, one document.
      expect(count(`en/categories/statements/joint-statements/${format}`, 'complete'), format).toEqual(['1']);
    }
  });

  it('lists archive pages in no discovery document: the OPML and the index page name only subscription feeds', async () => {
    for (const file of ['opml.xml', 'index.html']) expect(await readFile(join(site.dir, file), 'utf8')).not.toContain('/archive/');
  });
});

describe('every category and tag feed of a generated archive', () => {
  const feedsUrl = 'https://rights.example.org/feeds/';
  const config = testConfig({ feeds: { limit: 10, tagFeeds: 'all', relatedCount: 0, fullContent: false } });
  let site: WrittenSite;
  let expected: Map<string, string[]>;
  beforeAll(async () => {
    const corpus = join(workDir, 'corpus');
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/generate-corpus.mjs'), '--articles', '1500', '--out', corpus, '--seed', 'scope-archives']);
    site = await writeSite('generated', await readPostFiles(join(corpus, 'posts'), corpus), config);
    expected = expectedScopes(site.live, config);
  }, 300_000);

  it('is a large archive: thousands of posts, scopes of hundreds, many pages', () => {
    expect(site.live.length).toBeGreaterThan(2000);
    expect(Math.max(...[...expected.values()].map((ids) => ids.length))).toBeGreaterThan(200);
    expect(site.paths.filter((path) => /^(en|ar)\/archive\/(categories|tags)\/.*\/rss\.xml$/.test(path)).length).toBeGreaterThan(300);
  });

  it('has a feed for every category level and tag of each language, and no other', () => {
    const scopes = site.paths.filter((path) => /^(en|ar)\/(categories|tags)\/.*rss\.xml$/.test(path)).map((path) => path.slice(0, -'rss.xml'.length))
      .sort();
    expect(scopes).toEqual([...expected.keys()].sort());
  });

  it.skipIf(skipWithout('feedparser'))('leads feedparser from each RSS and Atom feed through prev-archive to every post of its scope exactly once', () => {
    const histories = feedparserHistories(site.paths.filter((path) => /\/(categories|tags)\/.*\.xml$/.test(path)).map((path) => join(site.dir, path)));
    for (const [basePath, ids] of expected) {
      for (const format of XML_FORMATS) {
        const walked = walkXml(histories, site.dir, basePath + format, feedsUrl);
        expect([...walked.ids].sort(), basePath + format).toEqual(ids);
        expect(walked.pages, basePath + format).toBe(Math.max(1, Math.ceil(ids.length / 10)));
      }
    }
  }, 300_000);

  it('leads from each JSON feed through next_url to every post of its scope exactly once', async () => {
    for (const [basePath, ids] of expected) {
      const walked = await walkJson(site.dir, `${basePath}feed.json`, feedsUrl);
      expect([...walked.ids].sort(), basePath).toEqual(ids);
    }
  }, 300_000);
});

describe('archive pages of a scope, as posts are added', () => {
  const config = testConfig({ feeds: { limit: 3, tagFeeds: 'all' } });
  const CATEGORIES = ['Statements/Joint Statements', 'Reports', 'Statements', 'News'];
  const TAGS = ['detention', 'fair trial', 'press freedom'];
  const posts = (count: number) =>
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [
        `en/p${String(i).padStart(3, '0')}.md`,
        post(`title: Post ${i}\ndate: ${new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString()}\ncategories: [${CATEGORIES[i % 4]}]\ntags: [${TAGS[i % 3]}]`),
      ]),
    );
  const outputs = (count: number): Map<string, PlannedOutput> => new Map([...planSite(memorySource(sourceFiles(posts(count))), config, NOW).outputs].map((output) => [output.path, output]));
  const content = (output: PlannedOutput | undefined) => (output ? [...output.chunks].join('') : undefined);
  const isScopeArchive = (path: string) => /^en\/archive\/(categories|tags)\//.test(path) && FEED_FILE.test(path);
  const isArchive = (path: string) => path.startsWith('en/archive/') && FEED_FILE.test(path);
  /** A scope's newest archive page: the highest page number in its archive directory. */
  const newestPages = (paths: Iterable<string>) => {
    const newest = new Map<string, number>();
    for (const path of paths) {
      const [, directory = '', page = '0'] = /^(.*\/)(\d+)\/[^/]+$/.exec(path) ?? [];
      newest.set(directory, Math.max(newest.get(directory) ?? 0, Number(page)));
    }
    return newest;
  };

  it('exist for categories and tags', () => {
    const paths = [...outputs(30).keys()].filter(isScopeArchive);
    expect(paths.some((path) => path.startsWith('en/archive/categories/statements/joint-statements/'))).toBe(true);
    expect(paths.some((path) => path.startsWith('en/archive/tags/fair-trial/'))).toBe(true);
  });

  it('never change but for the newest page of a scope the new post joins, whether it fills that page or opens a new one', () => {
    let before = outputs(30);
    let opened = 0;
    for (let count = 31; count <= 42; count++) {
      const after = outputs(count);
      const newest = newestPages([...before.keys()].filter(isArchive));
      for (const [path, output] of before) {
        if (!isArchive(path)) continue;
        const [, directory = '', page = ''] = /^(.*\/)(\d+)\/[^/]+$/.exec(path) ?? [];
        if (Number(page) === newest.get(directory)) continue;
        expect(content(after.get(path)), `${path} after post ${count - 1}`).toBe(content(output));
      }
      opened += [...after.keys()].filter((path) => isScopeArchive(path) && !before.has(path)).length;
      before = after;
    }
    expect(opened).toBeGreaterThan(0);
  });

  it('carry no related lists, which change as the archive grows; the subscription feeds do', () => {
    const site = outputs(30);
    const related = (path: string) => (JSON.parse(content(site.get(path)) ?? '{}') as { items: { _nashra?: { related?: unknown[] } }[] }).items.flatMap((item) => item._nashra?.related ?? []);
    expect(related('en/categories/news/feed.json').length).toBeGreaterThan(0);
    expect(related('en/archive/categories/news/1/feed.json')).toEqual([]);
    expect(related('en/archive/1/feed.json')).toEqual([]);
  });

  it('are written before the feeds that link to them, so no reader meets a dangling prev-archive link', () => {
    const site = outputs(30);
    const feedTier = site.get('en/categories/reports/rss.xml')?.tier ?? -1;
    const pageTier = site.get('en/archive/categories/reports/1/rss.xml')?.tier ?? Infinity;
    expect(pageTier).toBeLessThan(feedTier);
  });
});
