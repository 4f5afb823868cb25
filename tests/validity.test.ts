/**
 * Every feed document nashra writes passes the strict validators: each Atom
 * document is valid against RFC 4287's RELAX NG schema (Appendix B, applied by
 * jing, its two embedded Schematron rules, and the rules of the RFC's text that
 * the schema leaves out), each RSS document follows the RSS Advisory Board's RSS
 * Profile, and the OPML list uses only what OPML 2.0 defines. Checked
 * on the sample site, on a generated corpus whose small `feeds.limit` makes
 * RFC 5005 archive pages, with category and tag feeds, a licence and a WebSub
 * hub, and on the hostile posts of tests/fixtures/xss and tests/fixtures/bad,
 * partner profiles' feeds (`profiles`) included, archive pages and all.
 * Every JSON Feed document, archive pages included, is valid against the
 * JSON Feed 1.1 schema.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type SiteConfig } from '../src/config.js';
import { readPostFiles } from '../src/load/readPosts.js';
import { staticFolder } from '../src/media/staticFolder.js';
import { writeOutputs } from '../src/write/output.js';
import { atomSchemaErrors, atomSchematronProblems, atomTextProblems } from './support/atomSchema.js';
import { jsonFeedErrors, skipWithout } from './support/consumers.js';
import { isRfc822, rssProfileProblems } from './support/rssProfile.js';
import { png } from './support/png.js';
import { buildInMemory, listFiles, post, projectConfig, ROOT, samplePosts, sourceFiles, testConfig } from './support/site.js';

const GENERATED_ARTICLES = 40;

interface Site {
  readonly name: string;
  readonly outDir: string;
  readonly files: string[];
}

const sites: Site[] = [];
let workDir: string;

/** Writes a build's outputs; `expectErrors` for the hostile fixtures, whose bad posts are skipped with errors. */
async function writeSite(name: string, build: ReturnType<typeof buildInMemory>, expectErrors = false): Promise<Site> {
  if (!expectErrors) expect(build.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  const outDir = join(workDir, name);
  await writeOutputs(outDir, build.outputs);
  return { name, outDir, files: await listFiles(outDir) };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'nashra-validity-'));
  sites.push(await writeSite('sample', buildInMemory(await samplePosts(), await projectConfig())));
  const corpus = join(workDir, 'corpus');
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/generate-corpus.mjs'), '--articles', String(GENERATED_ARTICLES), '--out', corpus, '--seed', 'validity']);
  const config = testConfig({
    licenseUrl: 'https://creativecommons.org/licenses/by/4.0/',
    websub: { hub: 'https://hub.example.org/' },
    feeds: { limit: 5, tagFeeds: 'all' },
    // Two partner profiles: one capped in size (so some items are pushed to its archive pages), one filtered to one language.
    profiles: { partners: { path: 'partners/', maxBytes: 24_000 }, arabic: { path: 'syndication/arabic/', languages: ['ar'], limit: 3 } },
  });
  sites.push(await writeSite('generated', buildInMemory(await readPostFiles(join(corpus, 'posts'), corpus), config)));
  sites.push(await writeSite('media', await mediaSite()));
  // The hostile posts of the XSS and bad-input suites, whose payloads must not break a document's validity either.
  for (const fixture of ['xss', 'bad']) {
    const dir = join(ROOT, 'tests/fixtures', fixture);
    const config = { ...(await fixtureConfig(dir)), profiles: { partners: { path: 'partners/' } } };
    sites.push(await writeSite(fixture, buildInMemory(await readPostFiles(join(dir, 'posts'), dir), config), true));
  }
}, 120_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/**
 * Partner media: a measured image with a thumbnail of its own, an image of
 * unknown size (no enclosure), a broken image file, and a logo larger than
 * RSS's 144 by 400.
 */
async function mediaSite(): Promise<ReturnType<typeof buildInMemory>> {
  const staticDir = join(workDir, 'media-static');
  await mkdir(join(staticDir, 'images'), { recursive: true });
  await writeFile(join(staticDir, 'images/cover.png'), png(640, 360));
  await writeFile(join(staticDir, 'images/small.png'), png(160, 90));
  await writeFile(join(staticDir, 'images/broken.png'), png(640, 360).subarray(0, 30));
  await writeFile(join(staticDir, 'logo.png'), png(1200, 600));
  await writeFile(join(staticDir, 'icon.png'), png(512, 512));
  const config = testConfig({ static: { dir: staticDir }, feeds: { logo: '/logo.png', icon: '/icon.png' } });
  const image = (lines: string) => `image:\n${lines}`;
  const posts = sourceFiles({
    'en/measured.md': post(`title: Measured\ndate: 2026-03-01T10:00:00+03:00\n${image('  url: /images/cover.png\n  alt: A cover\n  thumbnail: /images/small.png')}`),
    'en/remote.md': post(`title: Remote\ndate: 2026-03-02T10:00:00+03:00\n${image('  url: https://cdn.example.net/photo.jpg\n  alt: A photo')}`),
    'ar/broken.md': post(`title: مكسورة\ndate: 2026-03-03T10:00:00+03:00\n${image('  url: /images/broken.png\n  alt: صورة')}`),
  });
  return buildInMemory(posts, config, undefined, { images: staticFolder(config, workDir, workDir) });
}

/** A fixture's own nashra.config.yaml when it has one, else the test config, with a feed for every tag. */
async function fixtureConfig(dir: string): Promise<SiteConfig> {
  const text = await readFile(join(dir, 'nashra.config.yaml'), 'utf8').catch(() => undefined);
  if (text === undefined) return testConfig({ feeds: { tagFeeds: 'all' } });
  const { config, diagnostics } = parseConfig(text, 'nashra.config.yaml');
  if (!config) throw new Error(`fixture config invalid: ${JSON.stringify(diagnostics)}`);
  return config;
}

const documents = (suffix: string) => sites.flatMap((site) => site.files.filter((file) => file.endsWith(suffix)).map((file) => join(site.outDir, file)));

describe('the documents checked', () => {
  it('include archive pages, category feeds, tag feeds and both languages, in both XML formats', () => {
    for (const format of ['atom.xml', 'rss.xml']) {
      const paths = documents(format).map((path) => path.slice(workDir.length + 1));
      for (const kind of [
        /^xss\/en\//,
        /^bad\/en\//,
        /^generated\/(en|ar)\/archive\/1\//,
        /^generated\/(en|ar)\/archive\/categories\/[^/]+\/1\//,
        /^generated\/(en|ar)\/archive\/tags\/[^/]+\/1\//,
        /^sample\/en\/categories\//,
        /^sample\/ar\/categories\//,
        /^generated\/en\/tags\//,
        /^generated\/ar\/[^/]+$/,
        /^generated\/partners\/(en|ar)\/[^/]+$/,
        /^generated\/partners\/(en|ar)\/archive\/1\//,
        /^generated\/syndication\/arabic\/ar\/archive\/1\//,
        /^xss\/partners\/en\//,
        /^bad\/partners\/en\//,
      ]) {
        expect(paths.some((path) => kind.test(path)), `${format} documents matching ${kind}`).toBe(true);
      }
    }
  });

  it('include items with signatories and category paths, in both languages and every format', async () => {
    for (const lang of ['en', 'ar']) {
      const [atom, rss, json] = await Promise.all(['atom.xml', 'rss.xml', 'feed.json'].map((file) => readFile(join(workDir, 'sample', lang, file), 'utf8')));
      expect(atom).toMatch(/<contributor>/);
      expect(atom).toMatch(/<category term="[^"]+\/[^"]+" scheme="https:[^"]+" label="[^"]+ › [^"]+"\/>/);
      expect(rss).toMatch(/<dc:contributor>/);
      expect(json).toMatch(/"signatories": \[/);
    }
  });

  it('include partner media: logo and icon, sized images and thumbnails, an image without an enclosure', async () => {
    const rss = await readFile(join(workDir, 'media/en/rss.xml'), 'utf8');
    const atom = await readFile(join(workDir, 'media/en/atom.xml'), 'utf8');
    expect(rss).toMatch(/<image>[\s\S]*<width>144<\/width>\s*<height>72<\/height>[\s\S]*<\/image>/);
    expect(rss).toContain('<media:thumbnail url="https://rights.example.org/images/small.png" width="160" height="90"/>');
    expect(rss).toContain('<media:content url="https://cdn.example.net/photo.jpg" medium="image" type="image/jpeg">');
    expect(rss.match(/<enclosure /g)).toHaveLength(1);
    expect(atom).toContain('<logo>https://rights.example.org/logo.png</logo>');
    expect(atom).toContain('<icon>https://rights.example.org/icon.png</icon>');
    expect(JSON.parse(await readFile(join(workDir, 'media/en/feed.json'), 'utf8'))).toMatchObject({ icon: 'https://rights.example.org/icon.png' });
  });
});

describe('JSON Feed 1.1 schema', () => {
  it('accepts the addresses of authors, signatories and a canonical original written with spaces, quotes and brackets, percent-encoded as in Atom', () => {
    const written = 'https://partner.example.org/a b<c>"d/مركز';
    const encoded = 'https://partner.example.org/a%20b%3Cc%3E%22d/%D9%85%D8%B1%D9%83%D8%B2';
    const fields = `title: Joint statement\ndate: 2026-03-01T10:00:00Z\nauthor: {name: A researcher, url: '${written}'}\nsignatories: [{name: A partner, url: '${written}'}]\ncanonical: '${written}'`;
    const { outputs } = buildInMemory(sourceFiles({ 'en/joint.md': post(fields) }), testConfig());
    const text = outputs.find((output) => output.path === 'en/feed.json')?.content ?? '';
    expect(jsonFeedErrors(text)).toEqual([]);
    const [item] = (JSON.parse(text) as { items: { authors: { url: string }[]; _nashra: { canonical: string; signatories: { url: string }[] } }[] }).items;
    expect([item?.authors[0]?.url, item?._nashra.signatories[0]?.url, item?._nashra.canonical]).toEqual([encoded, encoded, encoded]);
    expect(outputs.find((output) => output.path === 'en/atom.xml')?.content).toContain(`<uri>${encoded}</uri>`);
  });

  it('accepts every JSON Feed document, archive pages of every scope included', async () => {
    const files = documents('feed.json');
    expect(files.some((file) => /\/archive\/(categories|tags)\//.test(file))).toBe(true);
    const invalid: string[] = [];
    for (const file of files) {
      const errors = jsonFeedErrors(await readFile(file, 'utf8'));
      if (errors.length > 0) invalid.push(`${file.slice(workDir.length + 1)}: ${errors.join('; ')}`);
    }
    expect(invalid).toEqual([]);
  });
});

describe.skipIf(skipWithout('jing'))('RFC 4287 RELAX NG schema (jing)', () => {
  it('accepts every Atom document, feed-level elements before the first entry', () => {
    const errors = atomSchemaErrors(documents('atom.xml'));
    const invalid = [...errors].filter(([, list]) => list.length > 0).map(([file, list]) => `${file.slice(workDir.length + 1)}: ${list.join('; ')}`);
    expect(invalid).toEqual([]);
  });

  it('rejects an Atom document with a link after its entries (the schema can fail)', async () => {
    const [atom] = documents('atom.xml');
    if (!atom) throw new Error('no Atom document');
    const misplaced = join(workDir, 'misplaced-atom.xml');
    const text = await readFile(atom, 'utf8');
    await writeFile(misplaced, text.replace('</feed>', '<link rel="license" href="https://example.org/"/></feed>'));
    expect(atomSchemaErrors([misplaced]).get(misplaced)).toEqual([expect.stringContaining('element "link" not allowed here')]);
  });
});

describe("RFC 4287's Schematron rules", () => {
  it('hold in every Atom document: an author for every entry, an alternate link or content in each', async () => {
    const problems: string[] = [];
    for (const file of documents('atom.xml')) {
      for (const problem of atomSchematronProblems(await readFile(file, 'utf8'))) problems.push(`${file.slice(workDir.length + 1)}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('are checked: a feed without authors whose entry has none either fails', () => {
    const entry = '<entry><id>urn:uuid:2</id><title>E</title><updated>2026-01-01T00:00:00Z</updated></entry>';
    expect(atomSchematronProblems(`<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id>${entry}</feed>`)).toEqual([
      'entry 1 has neither an alternate link nor content',
      'entry 1 has no author and neither has the feed',
    ]);
  });
});

describe("RFC 4287's text, where the schema is silent", () => {
  it('holds in every Atom document: RFC 3339 dates, one alternate link per type and language', async () => {
    const problems: string[] = [];
    for (const file of documents('atom.xml')) {
      for (const problem of atomTextProblems(await readFile(file, 'utf8'))) problems.push(`${file.slice(workDir.length + 1)}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it('is checked: a date without an offset and two alternates of one type and language fail', () => {
    const alternate = '<link href="https://example.org/a" type="text/html" hreflang="en"/>';
    const entry = `<entry><id>urn:uuid:2</id><title>E</title><updated>2026-01-01T00:00:00</updated>${alternate}<link rel="alternate" href="https://example.org/b" type="text/html" hreflang="en"/></entry>`;
    expect(atomTextProblems(`<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><updated>2026-01-01T00:00:00Z</updated>${entry}</feed>`)).toEqual([
      'atom:updated "2026-01-01T00:00:00" is not an RFC 3339 date-time',
      'entry 1 has more than one alternate link with type="text/html" hreflang="en"',
    ]);
  });
});

describe('RSS Advisory Board profile', () => {
  it('finds no problem in any RSS document', async () => {
    const problems: string[] = [];
    for (const file of documents('rss.xml')) {
      for (const problem of rssProfileProblems(await readFile(file, 'utf8'))) problems.push(`${file.slice(workDir.length + 1)}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});

/**
 * OPML 2.0 (opml.org/spec2.opml, "Subscription lists"): an outline with `type="rss"`
 * may carry `version`, whose known values are RSS, RSS1 and scriptingNews (none for
 * Atom); an outline without a type is a folder, described by its text alone.
 */
function opmlProblems(xml: string): string[] {
  const outlines = Array.from(new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagName('outline'));
  return outlines.flatMap((outline) => {
    const label = outline.getAttribute('text') ?? '';
    const version = outline.getAttribute('version');
    if (outline.getAttribute('type') === 'rss') return version === null || ['RSS', 'RSS1', 'scriptingNews'].includes(version) ? [] : [`"${label}": version="${version}" is not an OPML 2.0 value`];
    const extra = Array.from(outline.attributes).map((attribute) => attribute.name).filter((name) => name !== 'text');
    return extra.length === 0 ? [] : [`"${label}": a folder outline with ${extra.join(', ')} but no type`];
  });
}

describe('OPML subscription list', () => {
  it('uses only what OPML 2.0 defines for feed and folder outlines', async () => {
    const problems: string[] = [];
    for (const file of documents('opml.xml')) for (const problem of opmlProblems(await readFile(file, 'utf8'))) problems.push(`${file.slice(workDir.length + 1)}: ${problem}`);
    expect(documents('opml.xml')).not.toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the RSS profile checker', () => {
  const channel = (inside: string) =>
    `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>https://example.org/</link><description>D</description>${inside}</channel></rss>`;
  const self = '<atom:link rel="self" type="application/rss+xml" href="https://example.org/rss.xml"/>';
  const item = (inside: string) => `<item><title>A</title>${inside}</item>`;
  const guid = '<guid>https://example.org/a</guid>';

  it('accepts a minimal valid channel', () => {
    expect(rssProfileProblems(channel(`${self}${item('<guid>https://example.org/a</guid><pubDate>Tue, 06 Oct 2026 09:00:00 GMT</pubDate>')}`))).toEqual([]);
  });

  it('names a channel element that comes after an item', () => {
    expect(rssProfileProblems(channel(`${self}${item(guid)}<atom:link rel="license" href="https://example.org/l"/>`))).toEqual(['<atom:link rel="license"> comes after the first item']);
  });

  it('wants a guid in every item, each guid once in the document', () => {
    expect(rssProfileProblems(channel(`${self}${item('')}`))).toEqual(['item 1: no <guid>']);
    expect(rssProfileProblems(channel(`${self}${item(guid)}${item(guid)}`))).toEqual(['guid "https://example.org/a" is given to more than one item']);
  });

  it('wants the channel and item links to be absolute http(s) URLs', () => {
    const relative = '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title><link>/en/</link><description>D</description>';
    expect(rssProfileProblems(`${relative}${self}${item(`${guid}<link>javascript:alert(1)</link>`)}</channel></rss>`)).toEqual([
      `the channel's <link> "/en/" is not an absolute http(s) URL`,
      `item 1: the item's <link> "javascript:alert(1)" is not an absolute http(s) URL`,
    ]);
  });

  it('wants the description before content:encoded, and no relative URL in either', () => {
    const encoded = (html: string) => `<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[${html}]]></content:encoded>`;
    const absolute = '<p><a href="https://example.org/b">b</a> <img src="https://example.org/i.png" alt=""></p>';
    expect(rssProfileProblems(channel(`${self}${item(`${guid}<description>d</description>${encoded(absolute)}`)}`))).toEqual([]);
    expect(rssProfileProblems(channel(`${self}${item(`${guid}${encoded(absolute)}<description>d</description>`)}`))).toEqual(['item 1: <content:encoded> without a <description> before it']);
    expect(rssProfileProblems(channel(`${self}${item(`${guid}<description>&lt;a href="../b"&gt;b&lt;/a&gt;</description>${encoded('<img src="/i.png" alt="">')}`)}`))).toEqual([
      'item 1: <description> links to the relative URL "../b"',
      'item 1: <content:encoded> links to the relative URL "/i.png"',
    ]);
  });

  it('wants one atom:link rel="self" and the required channel elements', () => {
    expect(rssProfileProblems('<rss version="2.0"><channel><title>T</title></channel></rss>')).toEqual([
      'the channel has no <link>',
      'the channel has no <description>',
      '0 atom:link rel="self" where the profile wants one',
    ]);
  });

  it('wants exactly one channel', () => {
    expect(rssProfileProblems('<rss version="2.0"><channel/><channel/></rss>')).toEqual(['2 channels where the profile wants exactly one']);
  });

  it('wants a permalink guid to be an http(s) URL, and accepts any guid marked isPermaLink="false"', () => {
    expect(rssProfileProblems(channel(`${self}${item('<guid>urn:uuid:1</guid>')}`))).toEqual(['item 1: guid "urn:uuid:1" is a permalink but not an http(s) URL']);
    expect(rssProfileProblems(channel(`${self}${item('<guid isPermaLink="true">tag:example.org,2026:1</guid>')}`))).toHaveLength(1);
    expect(rssProfileProblems(channel(`${self}${item('<guid isPermaLink="false">urn:uuid:1</guid>')}`))).toEqual([]);
  });

  it('wants RFC 822 dates with a four-digit year and the right weekday', () => {
    expect(isRfc822('Tue, 06 Oct 2026 09:00:00 GMT')).toBe(true);
    expect(isRfc822('6 Oct 2026 09:00 +0300')).toBe(true);
    expect(isRfc822('Mon, 06 Oct 2026 09:00:00 GMT')).toBe(false);
    expect(isRfc822('Tue, 06 Oct 26 09:00:00 GMT')).toBe(false);
    expect(isRfc822('2026-10-06T09:00:00Z')).toBe(false);
    expect(isRfc822('Sat, 31 Feb 2026 09:00:00 GMT')).toBe(false);
    expect(isRfc822('Sun, 03 May 0099 21:36:16 GMT')).toBe(true);
    expect(isRfc822('Mon, 03 May 0099 21:36:16 GMT')).toBe(false);
    expect(rssProfileProblems(channel(`${self}<pubDate>2026-10-06</pubDate>`))).toEqual([`the channel's <pubDate> "2026-10-06" is not an RFC 822 date`]);
  });
});
