/**
 * A deletion is published, not silent: an article that expired, was
 * withdrawn or whose file was removed leaves an RFC 6721 tombstone in every
 * Atom feed it was in and an entry in the JSON Feed's `_nashra.deleted`, for
 * `feeds.tombstoneDays`; `<lang>/changes.json` lists what was added, updated
 * and deleted. Each moment is recorded in the state directory, so every later
 * build writes the same bytes; the safety rules of publishing still hold.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild, type BuildPaths } from '../src/build.js';
import { startServer } from '../src/serve/server.js';
import { atomSchemaErrors, atomSchematronProblems, atomTextProblems } from './support/atomSchema.js';
import { feedparser, jsonFeedErrors, parseWithFeedExtractor, parseWithRssParser, skipWithout, xmllint, xpath } from './support/consumers.js';
import { post, runCli, siteOnDisk, snapshot } from './support/site.js';

const FIRST = new Date('2026-03-01T00:00:00Z');
const SECOND = new Date('2026-03-02T09:30:00Z');
const THIRD = new Date('2026-03-03T00:00:00Z');

const paths = (site: string, out = 'feeds', state = '.nashra'): BuildPaths => ({ config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, out), state: join(site, state) });

async function build(site: string, now: Date, out?: string, state?: string) {
  const outcome = await runBuild(paths(site, out, state), now);
  expect(outcome.failed, JSON.stringify(outcome.diagnostics)).toBe(false);
  expect(outcome.refusals).toEqual([]);
  return outcome;
}

const HEARING = 'title: Hearing postponed\ndate: 2026-01-05T10:00:00Z\ncategories: [Statements/Joint Statements]\ntags: [courts]';
const RELEASE = 'title: Journalist released\ndate: 2026-01-04T10:00:00Z\ncategories: [News]';
const VISIT = 'title: Prison visit\ndate: 2026-01-03T10:00:00Z\ncategories: [Reports]';
const HEARING_ID = 'tag:rights.example.org,2026-01-05:en/hearing';
const HEARING_URL = 'https://rights.example.org/en/statements/hearing/';

const site3 = () => siteOnDisk({ 'en/hearing.md': post(HEARING), 'en/release.md': post(RELEASE), 'en/visit.md': post(VISIT) }, { feeds: { tagFeeds: ['courts'] } });

interface Tombstone {
  readonly ref: string;
  readonly when: string;
  readonly link?: string;
  readonly comment: string;
}

/** The tombstones of an Atom file, as a consumer reads them: the XML through xmllint's XPath. */
function tombstonesIn(file: string): Tombstone[] {
  const deleted = "/*[local-name()='feed']/*[local-name()='deleted-entry' and namespace-uri()='http://purl.org/atompub/tombstones/1.0']";
  const refs = xpath(file, `${deleted}/@ref`);
  return refs.map((ref, index) => {
    const nth = `(${deleted})[${index + 1}]`;
    const link = xpath(file, `${nth}/*[local-name()='link']/@href`)[0];
    return { ref, when: xpath(file, `${nth}/@when`)[0] ?? '', ...(link ? { link } : {}), comment: xpath(file, `string(${nth}/*[local-name()='comment'])`)[0] ?? '' };
  });
}

interface JsonFeed {
  items: { id: string }[];
  _nashra?: { changes_url?: string; deleted?: { id: string; url?: string; title?: string; when: string; reason: string; comment: string }[] };
}
interface ChangesList {
  language: string;
  retention_days: number;
  changes: { type: string; id: string; url?: string; title?: string; when: string; reason?: string }[];
}
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

describe.skipIf(skipWithout('xmllint'))('an article withdrawn after publication', () => {
  it('leaves a tombstone in the language feed and in its category and tag feeds, dated by the build that saw it go', async () => {
    const site = await site3();
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\ndraft: true`));
    await build(site, SECOND);

    const expected: Tombstone = { ref: HEARING_ID, when: '2026-03-02T09:30:00Z', link: HEARING_URL, comment: 'This article was withdrawn.' };
    for (const feed of ['en/atom.xml', 'en/categories/statements/atom.xml', 'en/categories/statements/joint-statements/atom.xml', 'en/tags/courts/atom.xml']) {
      expect(tombstonesIn(join(site, 'feeds', feed)), feed).toEqual([expected]);
    }
    // Not in feeds it was never in.
    expect(tombstonesIn(join(site, 'feeds/en/categories/news/atom.xml'))).toEqual([]);
    expect(await readFile(join(site, 'feeds/en/atom.xml'), 'utf8')).toContain('xmlns:at="http://purl.org/atompub/tombstones/1.0"');

    // A later build gives the same moment: it is recorded, not the clock.
    await build(site, THIRD);
    expect(tombstonesIn(join(site, 'feeds/en/atom.xml'))).toEqual([expected]);
  });

  it('is announced in the JSON Feed as _nashra.deleted, and the feed stays valid JSON Feed 1.1', async () => {
    const site = await site3();
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\ndraft: true`));
    await build(site, SECOND);
    for (const feed of ['en/feed.json', 'en/tags/courts/feed.json']) {
      const text = await readFile(join(site, 'feeds', feed), 'utf8');
      expect(jsonFeedErrors(text)).toEqual([]);
      const json = JSON.parse(text) as JsonFeed;
      expect(json._nashra?.deleted).toEqual([{ id: HEARING_ID, url: HEARING_URL, title: 'Hearing postponed', when: '2026-03-02T09:30:00Z', reason: 'withdrawn', comment: 'This article was withdrawn.' }]);
      expect(json._nashra?.changes_url).toBe('https://rights.example.org/feeds/en/changes.json');
      expect(json.items.map((item) => item.id)).not.toContain(HEARING_ID);
    }
  });
});

describe.skipIf(skipWithout('xmllint'))('an expired article', () => {
  it('is dated at its expires instant, however late the build that sees it', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': post(`${HEARING}\nexpires: 2026-03-01T12:00:00Z`), 'en/release.md': post(RELEASE) });
    await build(site, FIRST);
    await build(site, SECOND);
    expect(tombstonesIn(join(site, 'feeds/en/atom.xml'))).toEqual([{ ref: HEARING_ID, when: '2026-03-01T12:00:00Z', link: HEARING_URL, comment: 'This article has expired and is no longer published.' }]);
    const changes = await readJson<ChangesList>(join(site, 'feeds/en/changes.json'));
    expect(changes.changes).toEqual([{ type: 'deleted', id: HEARING_ID, url: HEARING_URL, title: 'Hearing postponed', when: '2026-03-01T12:00:00Z', reason: 'expired' }]);
  });

  it('is explained in the feed\'s language: Arabic in an Arabic feed', async () => {
    const site = await siteOnDisk({ 'ar/hearing.md': post('title: تأجيل الجلسة\ndate: 2026-01-05T10:00:00Z\nexpires: 2026-03-01T12:00:00Z'), 'ar/other.md': post('title: خبر\ndate: 2026-01-04T10:00:00Z') });
    await build(site, FIRST);
    await build(site, SECOND);
    expect(tombstonesIn(join(site, 'feeds/ar/atom.xml')).map((tombstone) => tombstone.comment)).toEqual(['انتهت مدة نشر هذا المقال ولم يعد منشورًا.']);
  });
});

describe.skipIf(skipWithout('xmllint'))('an article whose file was removed', () => {
  it('keeps its page and title from the published text, and goes after feeds.tombstoneDays', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': post(HEARING), 'en/release.md': post(RELEASE), 'en/visit.md': post(VISIT) }, { feeds: { tombstoneDays: 7 } });
    await build(site, FIRST);
    await rm(join(site, 'posts/en/hearing.md'));
    await build(site, SECOND);
    const removed = { ref: HEARING_ID, when: '2026-03-02T09:30:00Z', link: HEARING_URL, comment: 'This article was removed.' };
    expect(tombstonesIn(join(site, 'feeds/en/atom.xml'))).toEqual([removed]);
    // The category feed it alone was in stays, holding its tombstone.
    expect(tombstonesIn(join(site, 'feeds/en/categories/statements/atom.xml'))).toEqual([removed]);

    await build(site, new Date('2026-03-09T09:30:00Z'));
    expect(tombstonesIn(join(site, 'feeds/en/atom.xml'))).toEqual([removed]);
    await build(site, new Date('2026-03-09T09:30:01Z'));
    expect(tombstonesIn(join(site, 'feeds/en/atom.xml'))).toEqual([]);
    expect((await readJson<ChangesList>(join(site, 'feeds/en/changes.json'))).changes).toEqual([]);
  });
});

describe('changes.json', () => {
  it('lists added, updated and deleted articles with ids, URLs, titles and times, newest first', async () => {
    const site = await site3();
    await build(site, FIRST);
    expect(await readJson<ChangesList>(join(site, 'feeds/en/changes.json'))).toEqual({
      version: 1,
      language: 'en',
      retention_days: 30,
      changes: [],
    });

    await writeFile(join(site, 'posts/en/appeal.md'), post('title: Appeal filed\ndate: 2026-03-01T08:00:00Z\ncategories: [News]'));
    await build(site, SECOND);
    await writeFile(join(site, 'posts/en/release.md'), post(`${RELEASE}\nupdated: 2026-03-02T20:00:00Z`));
    await writeFile(join(site, 'posts/en/visit.md'), post(`${VISIT}\ndraft: true`));
    await build(site, THIRD);

    const { changes } = await readJson<ChangesList>(join(site, 'feeds/en/changes.json'));
    // Changes of the same moment in the order of their ids.
    expect(changes).toEqual([
      { type: 'deleted', id: 'tag:rights.example.org,2026-01-03:en/visit', url: 'https://rights.example.org/en/reports/visit/', title: 'Prison visit', when: '2026-03-03T00:00:00Z', reason: 'withdrawn' },
      { type: 'updated', id: 'tag:rights.example.org,2026-01-04:en/release', url: 'https://rights.example.org/en/news/release/', title: 'Journalist released', when: '2026-03-03T00:00:00Z' },
      { type: 'added', id: 'tag:rights.example.org,2026-03-01:en/appeal', url: 'https://rights.example.org/en/news/appeal/', title: 'Appeal filed', when: '2026-03-02T09:30:00Z' },
    ]);
    // Each language its own list.
    expect((await readJson<ChangesList>(join(site, 'feeds/ar/changes.json'))).changes).toEqual([]);
  });

  it('is served by nashra serve as JSON', async () => {
    const site = await site3();
    await build(site, FIRST);
    const server = await startServer({ root: join(site, 'feeds'), port: 0 });
    try {
      const response = await fetch(new URL('en/changes.json', server.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await response.json()) as ChangesList).language).toBe('en');
    } finally {
      await server.close();
    }
  });
});

describe('the safety rules of publishing still hold', () => {
  it('a published article whose file broke stays published: no tombstone, no deletion', async () => {
    const site = await site3();
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), '---\ntitle: [unclosed\n---\nBody\n');
    const outcome = await runBuild(paths(site), SECOND);
    expect(outcome.failed).toBe(true);
    expect(await readFile(join(site, 'feeds/en/atom.xml'), 'utf8')).not.toContain('deleted-entry');
    expect((await readJson<JsonFeed>(join(site, 'feeds/en/feed.json'))).items.map((item) => item.id)).toContain(HEARING_ID);
    expect((await readJson<ChangesList>(join(site, 'feeds/en/changes.json'))).changes).toEqual([]);
  });

  it('a vanished folder beyond maxShrink stops the build (exit 5) and records nothing; allowed, it is published as deletions', async () => {
    const site = await site3();
    expect((await runCli(['build', '--now', FIRST.toISOString()], site)).code).toBe(0);
    const record = await readFile(join(site, '.nashra/published.json'), 'utf8');
    const feeds = await snapshot(join(site, 'feeds'));
    await rm(join(site, 'posts/en'), { recursive: true });
    await mkdir(join(site, 'posts/en'));
    expect((await runCli(['build', '--now', SECOND.toISOString()], site)).code).toBe(5);
    expect(await readFile(join(site, '.nashra/published.json'), 'utf8')).toBe(record);
    expect(await snapshot(join(site, 'feeds'))).toEqual(feeds);

    expect((await runCli(['build', '--allow-shrink', '--now', THIRD.toISOString()], site)).code).toBe(0);
    const { changes } = await readJson<ChangesList>(join(site, 'feeds/en/changes.json'));
    expect(changes.map((change) => [change.type, change.reason, change.when])).toEqual(Array.from({ length: 3 }, () => ['deleted', 'removed', '2026-03-03T00:00:00Z']));
  });

  it('an article that comes back is live again: its tombstone goes, and changes.json says it was added', async () => {
    const site = await site3();
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\ndraft: true`));
    await build(site, SECOND);
    await writeFile(join(site, 'posts/en/hearing.md'), post(HEARING));
    await build(site, THIRD);

    expect(await readFile(join(site, 'feeds/en/atom.xml'), 'utf8')).not.toContain('deleted-entry');
    expect((await readJson<JsonFeed>(join(site, 'feeds/en/feed.json')))._nashra?.deleted).toBeUndefined();
    const { changes } = await readJson<ChangesList>(join(site, 'feeds/en/changes.json'));
    expect(changes.map((change) => [change.type, change.id, change.when])).toEqual([
      ['added', HEARING_ID, '2026-03-03T00:00:00Z'],
      ['deleted', HEARING_ID, '2026-03-02T09:30:00Z'],
    ]);
  });
});

describe.skipIf(skipWithout('jing') || skipWithout('feedparser') || skipWithout('xmllint'))('feeds with tombstones', () => {
  it('stay valid Atom (RFC 4287 RELAX NG, its Schematron rules and text), and feedparser, rss-parser and feed-extractor read their entries', async () => {
    const site = await site3();
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\ndraft: true`));
    await rm(join(site, 'posts/en/visit.md'));
    await build(site, SECOND);
    const files = ['en/atom.xml', 'en/categories/statements/atom.xml', 'en/tags/courts/atom.xml', 'en/categories/reports/atom.xml'].map((file) => join(site, 'feeds', file));
    for (const file of files) expect(tombstonesIn(file).length, file).toBeGreaterThan(0);
    for (const [file, errors] of atomSchemaErrors(files)) expect(errors, file).toEqual([]);
    for (const file of files) {
      const xml = await readFile(file, 'utf8');
      expect(xmllint(file)).toBe('');
      expect(atomSchematronProblems(xml)).toEqual([]);
      expect(atomTextProblems(xml)).toEqual([]);
    }
    const parsed = feedparser(join(site, 'feeds/en/atom.xml'));
    expect(parsed.bozo).toBe(false);
    expect(parsed.entries.map((entry) => entry.title)).toEqual(['Journalist released']);
    const atom = await readFile(join(site, 'feeds/en/atom.xml'), 'utf8');
    expect((await parseWithRssParser(atom)).items.map((item) => item.title)).toEqual(['Journalist released']);
    expect((parseWithFeedExtractor(atom, 'xml').entries ?? []).map((entry) => entry.title)).toEqual(['Journalist released']);
    expect((parseWithFeedExtractor(await readFile(join(site, 'feeds/en/feed.json'), 'utf8'), 'json').entries ?? []).map((entry) => entry.title)).toEqual(['Journalist released']);
  });
});

describe.skipIf(skipWithout('xmllint'))('the record of deletions', () => {
  it('gives the same bytes when the same state and posts are built again, in place or into a clean output', async () => {
    const site = await site3();
    await build(site, FIRST);
    await rm(join(site, 'posts/en/visit.md'));
    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\ndraft: true`));
    await build(site, SECOND);
    const written = await snapshot(join(site, 'feeds'));
    expect(written['en/atom.xml']?.match(/<at:deleted-entry /g)).toHaveLength(2);

    await cp(join(site, '.nashra/published.json'), join(site, 'copied-state/published.json'));
    await build(site, THIRD, 'clean-feeds', 'copied-state');
    expect(await snapshot(join(site, 'clean-feeds'))).toEqual(written);
    await build(site, THIRD);
    expect(await snapshot(join(site, 'feeds'))).toEqual(written);
  });

  it('reads the record of a nashra that kept no changes, and a record of an unknown version does not fail the build', async () => {
    const site = await site3();
    await build(site, FIRST);
    const record = await readJson<{ version: number; changes?: unknown; posts: { path: string }[] }>(join(site, '.nashra/published.json'));
    expect(record.version).toBe(4);
    // Named from the working directory, as records before version 4 named the files.
    const previousVersion = { ...record, changes: undefined, posts: record.posts.map((post) => ({ ...post, path: relative(process.cwd(), join(site, 'posts', post.path)) })) };
    await writeFile(join(site, '.nashra/published.json'), JSON.stringify({ ...previousVersion, version: 2 }));
    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\ndraft: true`));
    const outcome = await build(site, SECOND);
    expect(outcome.diagnostics.filter((d) => d.field === 'state')).toEqual([]);
    expect(tombstonesIn(join(site, 'feeds/en/atom.xml')).map((tombstone) => tombstone.ref)).toEqual([HEARING_ID]);

    await writeFile(join(site, '.nashra/published.json'), JSON.stringify({ ...previousVersion, version: 99, changes: [{ something: 'else' }] }));
    const later = await runBuild(paths(site), THIRD);
    expect(later.failed).toBe(false);
    expect(later.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('is not a record this nashra can read'));
  });
});

describe('a deletion in the feeds of a partner profile', () => {
  it('leaves a tombstone in an uncapped profile whose filters the article passed; none in one it did not pass, nor in a capped one', async () => {
    const site = await siteOnDisk(
      { 'en/hearing.md': post(HEARING), 'en/release.md': post(RELEASE), 'en/visit.md': post(VISIT) },
      { profiles: { statements: { path: 'partners/statements/', categories: ['Statements'] }, news: { path: 'partners/news/', categories: ['News'] }, capped: { path: 'partners/capped/', maxBytes: 200000 } } },
    );
    await build(site, FIRST);
    await rm(join(site, 'posts/en/hearing.md'));
    await build(site, SECOND);
    expect(tombstonesIn(join(site, 'feeds/partners/statements/en/atom.xml')).map((tombstone) => tombstone.ref)).toEqual([HEARING_ID]);
    const json = JSON.parse(await readFile(join(site, 'feeds/partners/statements/en/feed.json'), 'utf8')) as JsonFeed;
    expect(json._nashra?.deleted?.map((entry) => entry.id)).toEqual([HEARING_ID]);
    expect(tombstonesIn(join(site, 'feeds/partners/news/en/atom.xml'))).toEqual([]);
    expect(tombstonesIn(join(site, 'feeds/partners/capped/en/atom.xml'))).toEqual([]);
  });
});
