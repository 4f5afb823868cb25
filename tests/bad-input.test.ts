/**
 * Broken input, through the real CLI: a site whose posts directory mixes good
 * posts with every common way of getting a post wrong. Each problem is one
 * compiler-style line naming file, line, column and field; the good posts
 * are still published in all six feeds; `check` and `--strict` write nothing;
 * and a broken post never damages feeds that were already published.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { feedparser, jsonFeedErrors, parseWithRssParser, skipWithout, xmllint } from './support/consumers.js';
import { buildInMemory, listFiles, outputOf, post, ROOT, runCli, siteOnDisk, sourceFiles, testConfig, type CliRun, mainOutputs } from './support/site.js';

const FIXTURE = join(ROOT, 'tests/fixtures/bad');
const NOW = '2026-11-01T00:00:00Z';
const XML_FEEDS = ['en/rss.xml', 'en/atom.xml', 'ar/rss.xml', 'ar/atom.xml'];
const JSON_FEEDS = ['en/feed.json', 'ar/feed.json'];
/** What the fixture's good posts publish. */
const MAIN_OUTPUTS = mainOutputs({ en: ['good-news', 'good-report', 'near-miss-category', 'shared-address'], ar: ['duplicate-key-a', 'good-news', 'good-report'] });
const ALL_FEEDS = MAIN_OUTPUTS;

/** Posts of the fixture as `{ 'en/x.md': text }`. */
function fixturePosts(): Record<string, string> {
  const posts: Record<string, string> = {};
  const dir = join(FIXTURE, 'posts');
  for (const lang of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, lang)).filter((file) => file.endsWith('.md'))) posts[`${lang}/${name}`] = readFileSync(join(dir, lang, name), 'utf8');
  }
  return posts;
}

/** The fixture's own config file, handed to siteOnDisk. */
function fixtureConfig(): Record<string, unknown> {
  const data: unknown = parseYaml(readFileSync(join(FIXTURE, 'nashra.config.yaml'), 'utf8'));
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('tests/fixtures/bad/nashra.config.yaml must be a mapping');
  return { ...data };
}

const ALL_POSTS = fixturePosts();

/** Posts that are valid: they must reach every feed whatever else is broken. */
const GOOD_FILES = [
  'en/good-report.md', 'en/good-news.md', 'en/near-miss-category.md', 'en/duplicate-slug-a.md',
  'ar/good-report.md', 'ar/good-news.md', 'ar/duplicate-key-a.md',
];
const GOOD_TITLES = {
  en: ['Annual report: detention conditions in 2025', 'Court releases three students on bail', "Lawyers' syndicate elects a new council", 'First post at the shared address'],
  ar: ['التقرير السنوي: أوضاع الاحتجاز في 2025', 'المحكمة تفرج عن ثلاثة طلاب بكفالة', 'المنشور الأول بمفتاح الترجمة'],
} as const;

const goodPosts = (): Record<string, string> => Object.fromEntries(GOOD_FILES.map((file) => [file, ALL_POSTS[file] ?? '']));
const brokenPosts = (): Record<string, string> => Object.fromEntries(Object.entries(ALL_POSTS).filter(([file]) => !GOOD_FILES.includes(file)));

/**
 * Every problem of the fixture, as the CLI must print it: file, line and
 * column of the offending value (of the key for a misspelt key, of the
 * mapping for a missing field, of the file for a file-wide problem).
 */
const EXPECTED: Record<string, { problem: string; lines: readonly (string | RegExp)[] }> = {
  'posts/ar/duplicate-key-b.md': {
    problem: 'a translationKey already used in the same language, reported at that translationKey',
    lines: ['posts/ar/duplicate-key-b.md:4:17 error translationKey "shared-key" is already used by posts/ar/duplicate-key-a.md in the same language; this post is skipped [translationKey]'],
  },
  'posts/en/author-url-not-http.md': {
    problem: 'an author URL that is not http(s), reported at the URL with the field named',
    lines: [/^posts\/en\/author-url-not-http\.md:6:8 error author(\.0)?\.url must be an absolute http\(s\) URL \[author(\.0)?\.url\]$/],
  },
  'posts/en/bad-indentation.md': {
    problem: 'badly indented YAML, reported once',
    lines: ['posts/en/bad-indentation.md:5:9 error invalid YAML: Nested mappings are not allowed in compact mappings [yaml]'],
  },
  'posts/en/duplicate-slug-b.md': {
    problem: 'a slug whose URL is already taken, reported at that slug',
    lines: ['posts/en/duplicate-slug-b.md:4:7 error URL https://rights.example.org/en/posts/shared-address/ is already used by posts/en/duplicate-slug-a.md; this post is skipped [slug]'],
  },
  'posts/en/expires-before-publish.md': {
    problem: 'expires before publishAt',
    lines: ['posts/en/expires-before-publish.md:5:10 error expires must be later than publishAt [expires]'],
  },
  'posts/en/huge-title.md': {
    problem: 'a title longer than 500 characters',
    lines: ['posts/en/huge-title.md:2:8 error title must be at most 500 characters (limits.titleLength); it has 538 [title]'],
  },
  'posts/en/id-not-uri.md': {
    problem: 'an id that is not a URI',
    lines: ['posts/en/id-not-uri.md:4:5 error id must be an http(s) URL, a urn: URN or a tag: URI, such as "urn:uuid:..." or "tag:example.org,2026:..." [id]'],
  },
  'posts/en/invalid-date.md': {
    problem: 'the date 2026-02-30, at the column where the value starts',
    lines: ['posts/en/invalid-date.md:3:7 error date "2026-02-30" is not a valid date (expected ISO 8601, such as 2026-03-14 or 2026-03-14T09:00:00+03:00) [date]'],
  },
  'posts/en/js-front-matter.md': {
    problem: '---js front matter',
    lines: ['posts/en/js-front-matter.md:1:1 error front matter written in JavaScript is not allowed; use YAML between --- lines [front-matter]'],
  },
  'posts/en/missing-date.md': {
    problem: 'a missing date, reported at the front matter',
    lines: ['posts/en/missing-date.md:2:1 error date is required [date]'],
  },
  'posts/en/missing-title.md': {
    problem: 'a missing title, reported at the front matter',
    lines: ['posts/en/missing-title.md:2:1 error title is required [title]'],
  },
  'posts/en/near-miss-category.md': {
    problem: 'a misspelt categories key: a warning with a suggestion, the post still published',
    lines: ['posts/en/near-miss-category.md:4:1 warning unknown field "categroies" is ignored; did you mean "categories"? [categroies]'],
  },
  'posts/en/near-miss-title.md': {
    problem: 'a misspelt title key: a suggestion, and the title is then missing',
    lines: [
      'posts/en/near-miss-title.md:2:1 warning unknown field "tittle" is ignored; did you mean "title"? [tittle]',
      'posts/en/near-miss-title.md:2:1 error title is required [title]',
    ],
  },
  'posts/en/no-front-matter.md': {
    problem: 'a file with no front matter',
    lines: ['posts/en/no-front-matter.md:1:1 error missing front matter: start the file with a --- line, then title and date [front-matter]'],
  },
  'posts/en/title-list.md': {
    problem: 'a title given as a YAML list',
    lines: ['posts/en/title-list.md:2:8 error title must be text [title]'],
  },
  'posts/en/yaml-binary.md': {
    problem: 'a !!binary tag, at the tag',
    lines: ['posts/en/yaml-binary.md:5:10 error YAML tag "!!binary" is not allowed: front matter is plain data [yaml]'],
  },
  'posts/en/yaml-function.md': {
    problem: 'a !!js/function tag, at the tag',
    lines: ['posts/en/yaml-function.md:2:8 error YAML tag "!!js/function" is not allowed: front matter is plain data [yaml]'],
  },
  'posts/fr/unknown-language.md': {
    problem: 'a language directory that is not configured',
    lines: ['posts/fr/unknown-language.md:1:1 error language "fr" is not configured (languages: en, ar); this post is skipped [language]'],
  },
};

const EXPECTED_ERRORS = Object.values(EXPECTED).reduce((count, { lines }) => count + lines.filter((line) => typeof line !== 'string' || line.includes(' error ')).length, 0);
const EXPECTED_WARNINGS = Object.values(EXPECTED).reduce((count, { lines }) => count + lines.filter((line) => typeof line === 'string' && line.includes(' warning ')).length, 0);
const FILES_WITH_ERRORS = Object.values(EXPECTED).filter(({ lines }) => lines.some((line) => typeof line !== 'string' || line.includes(' error '))).length;

/** The compiler-style lines of a run's stderr. */
function diagnosticLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^\S+:\d+:\d+ (error|warning) /.test(line));
}

function matches(line: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? line === expected : expected.test(line);
}

function langOf(path: string): 'en' | 'ar' {
  return path.startsWith('ar/') ? 'ar' : 'en';
}

interface JsonFeed {
  readonly items: readonly { readonly title?: string }[];
}

function jsonTitles(text: string): string[] {
  return (JSON.parse(text) as JsonFeed).items.map((item) => item.title ?? '');
}

async function readFeeds(site: string): Promise<Map<string, string>> {
  const feeds = new Map<string, string>();
  for (const path of await listFiles(join(site, 'feeds'))) feeds.set(path, await readFile(join(site, 'feeds', path), 'utf8'));
  return feeds;
}

// --- build ------------------------------------------------------------------

describe('nashra build on a site mixing good and broken posts', () => {
  let site = '';
  let build: CliRun = { code: -1, stdout: '', stderr: '' };
  let lines: string[] = [];
  const feedFile = (path: string) => join(site, 'feeds', path);
  const feedText = (path: string) => readFileSync(feedFile(path), 'utf8');

  beforeAll(async () => {
    site = await siteOnDisk(ALL_POSTS, fixtureConfig());
    build = await runCli(['build', '--now', NOW], site);
    lines = diagnosticLines(build.stderr);
  });

  it('exits with code 1: some posts have errors, and they were skipped', () => {
    expect(build.stderr).not.toMatch(/unexpected failure/);
    expect(build.code).toBe(1);
  });

  it('prints one line per problem, in file order, and nothing else on stderr', () => {
    const expected = Object.values(EXPECTED).flatMap(({ lines: expectedLines }) => expectedLines);
    expect(lines.length).toBe(expected.length);
    expect(build.stderr.split('\n').filter((line) => line !== '')).toEqual(lines);
    lines.forEach((line, index) => {
      const wanted = expected[index];
      expect(wanted !== undefined && matches(line, wanted), `line ${index + 1}: ${line}\nexpected: ${String(wanted)}`).toBe(true);
    });
  });

  it.each(Object.entries(EXPECTED).map(([file, { problem, lines: expectedLines }]) => [problem, file, expectedLines] as const))(
    '%s (%s)',
    (_problem, file, expectedLines) => {
      const forFile = lines.filter((line) => line.startsWith(`${file}:`));
      expect(forFile.length, forFile.join('\n')).toBe(expectedLines.length);
      forFile.forEach((line, index) => {
        const wanted = expectedLines[index];
        expect(wanted !== undefined && matches(line, wanted), `${line}\nexpected: ${String(wanted)}`).toBe(true);
      });
    },
  );

  it('reports nothing about the good posts except the misspelt key', () => {
    for (const file of GOOD_FILES.filter((name) => name !== 'en/near-miss-category.md')) {
      expect(lines.filter((line) => line.startsWith(`posts/${file}:`))).toEqual([]);
    }
  });

  it('summarises what was published and how many files were skipped', () => {
    expect(build.stdout).toMatch(new RegExp(`^en 4 posts, ar 3 posts; ${MAIN_OUTPUTS.length} files written, 0 unchanged; ${FILES_WITH_ERRORS} skipped; \\d+\\.\\d+ s\\n$`));
  });

  it('never runs code found in front matter', async () => {
    expect(await listFiles(site)).not.toContain('pwned-by-front-matter');
  });

  it('still writes all six feeds', async () => {
    expect(await listFiles(join(site, 'feeds'))).toEqual(ALL_FEEDS);
  });

  describe.skipIf(skipWithout('xmllint'))('xmllint', () => {
    it.each(XML_FEEDS)('%s is well-formed', (path) => {
      expect(xmllint(feedFile(path))).toBe('');
    });
  });

  describe.skipIf(skipWithout('feedparser'))('Python feedparser', () => {
    it.each(XML_FEEDS)('reads %s cleanly and finds exactly the good posts', (path) => {
      const result = feedparser(feedFile(path));
      expect(result.bozo_exception).toBe('');
      expect(result.bozo).toBe(false);
      expect(result.entries.map((entry) => entry.title).sort()).toEqual([...GOOD_TITLES[langOf(path)]].sort());
    });
  });

  it.each(XML_FEEDS)('rss-parser finds exactly the good posts in %s', async (path) => {
    const feed = await parseWithRssParser(feedText(path));
    expect(feed.items.map((item) => item.title ?? '').sort()).toEqual([...GOOD_TITLES[langOf(path)]].sort());
  });

  it.each(JSON_FEEDS)('%s is valid JSON Feed 1.1 holding exactly the good posts', (path) => {
    const text = feedText(path);
    expect(jsonFeedErrors(text)).toEqual([]);
    expect(jsonTitles(text).sort()).toEqual([...GOOD_TITLES[langOf(path)]].sort());
  });
});

// --- check ------------------------------------------------------------------

describe('nashra check on the same site', () => {
  let site = '';
  let check: CliRun = { code: -1, stdout: '', stderr: '' };
  let build: CliRun = { code: -1, stdout: '', stderr: '' };
  let before: string[] = [];
  let after: string[] = [];

  beforeAll(async () => {
    site = await siteOnDisk(ALL_POSTS, fixtureConfig());
    before = await listFiles(site);
    check = await runCli(['check'], site);
    after = await listFiles(site);
    const other = await siteOnDisk(ALL_POSTS, fixtureConfig());
    build = await runCli(['build', '--now', NOW], other);
  });

  it('exits with code 1', () => {
    expect(check.code).toBe(1);
  });

  it('reports exactly the diagnostics that build reports', () => {
    expect(diagnosticLines(check.stderr).length).toBeGreaterThan(0);
    expect(diagnosticLines(check.stderr)).toEqual(diagnosticLines(build.stderr));
  });

  it('counts posts, errors and warnings', () => {
    expect(check.stdout).toBe(`${Object.keys(ALL_POSTS).length} posts checked; ${EXPECTED_ERRORS} errors, ${EXPECTED_WARNINGS} warnings\n`);
  });

  it('writes nothing', () => {
    expect(after).toEqual(before);
    expect(after.some((file) => file.startsWith('feeds/'))).toBe(false);
  });
});

// --- --strict ---------------------------------------------------------------

describe('nashra build --strict on the same site', () => {
  let site = '';
  let strict: CliRun = { code: -1, stdout: '', stderr: '' };

  beforeAll(async () => {
    site = await siteOnDisk(ALL_POSTS, fixtureConfig());
    strict = await runCli(['build', '--strict', '--now', NOW], site);
  });

  it('exits with code 1 and says that nothing was written', () => {
    expect(strict.code).toBe(1);
    expect(strict.stderr.trimEnd().split('\n').at(-1)).toBe('nothing written: --strict and some posts have errors');
  });

  it('still reports every problem', () => {
    expect(diagnosticLines(strict.stderr).length).toBe(Object.values(EXPECTED).flatMap(({ lines }) => lines).length);
  });

  it('leaves the output directory empty', async () => {
    expect(await listFiles(join(site, 'feeds'))).toEqual([]);
  });
});

// --- published feeds are never damaged ----------------------------------------

describe('a broken post added to a published site', () => {
  let site = '';
  let first: CliRun = { code: -1, stdout: '', stderr: '' };
  let rebuild: CliRun = { code: -1, stdout: '', stderr: '' };
  let strictRebuild: CliRun = { code: -1, stdout: '', stderr: '' };
  let published = new Map<string, string>();
  let afterRebuild = new Map<string, string>();
  let afterStrict = new Map<string, string>();

  beforeAll(async () => {
    site = await siteOnDisk(goodPosts(), fixtureConfig());
    first = await runCli(['build', '--now', NOW], site);
    published = await readFeeds(site);
    for (const [path, text] of Object.entries(brokenPosts())) {
      const target = join(site, 'posts', path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    rebuild = await runCli(['build', '--now', NOW], site);
    afterRebuild = await readFeeds(site);
    // An edit that breaks a published post, under --strict: the last good feeds stay as they were.
    await writeFile(join(site, 'posts/en/good-news.md'), (ALL_POSTS['en/good-news.md'] ?? '').replace('date: 2026-03-15T12:00:00+03:00', 'date: 2026-02-30'));
    strictRebuild = await runCli(['build', '--strict', '--now', NOW], site);
    afterStrict = await readFeeds(site);
  });

  it('was first published with all six feeds and only the misspelt-key warning', () => {
    expect(first.stderr.split('\n').filter((line) => line !== '')).toEqual([
      'posts/en/near-miss-category.md:4:1 warning unknown field "categroies" is ignored; did you mean "categories"? [categroies]',
    ]);
    expect(first.code).toBe(0);
    expect([...published.keys()].sort()).toEqual(ALL_FEEDS);
  });

  it('makes the rebuild exit with code 1 and report the broken posts', () => {
    expect(rebuild.code).toBe(1);
    expect(diagnosticLines(rebuild.stderr).length).toBeGreaterThan(0);
  });

  it('leaves every feed byte for byte as it was: the broken posts change nothing', () => {
    expect(rebuild.stdout).toContain(`; 0 files written, ${MAIN_OUTPUTS.length} unchanged; `);
    expect([...afterRebuild.keys()].sort()).toEqual(ALL_FEEDS);
    for (const [path, text] of published) expect(afterRebuild.get(path), path).toBe(text);
  });

  it('under --strict, a post broken by an edit leaves the last published feeds untouched', () => {
    expect(strictRebuild.code).toBe(1);
    expect(diagnosticLines(strictRebuild.stderr)).toContain(
      'posts/en/good-news.md:3:7 error date "2026-02-30" is not a valid date (expected ISO 8601, such as 2026-03-14 or 2026-03-14T09:00:00+03:00) [date]',
    );
    for (const [path, text] of published) expect(afterStrict.get(path), path).toBe(text);
  });

  describe.skipIf(skipWithout('xmllint'))('xmllint', () => {
    it.each(XML_FEEDS)('%s is still well-formed after the rebuilds', (path) => {
      expect(xmllint(join(site, 'feeds', path))).toBe('');
    });
  });

  describe.skipIf(skipWithout('feedparser'))('Python feedparser', () => {
    it.each(XML_FEEDS)('%s still parses and still holds every good post', (path) => {
      const result = feedparser(join(site, 'feeds', path));
      expect(result.bozo).toBe(false);
      expect(result.entries.map((entry) => entry.title).sort()).toEqual([...GOOD_TITLES[langOf(path)]].sort());
    });
  });

  it.each(JSON_FEEDS)('%s is still valid and still holds every good post', (path) => {
    const text = afterStrict.get(path) ?? '';
    expect(jsonFeedErrors(text)).toEqual([]);
    expect(jsonTitles(text).sort()).toEqual([...GOOD_TITLES[langOf(path)]].sort());
  });
});

// --- optional fields ----------------------------------------------------------

describe('optional front matter', () => {
  it('a post with only a title and a date is valid and published in all six feeds', () => {
    const files = sourceFiles({ 'en/minimal.md': post('title: A minimal post\ndate: 2026-03-01'), 'ar/minimal.md': post('title: منشور مختصر\ndate: 2026-03-01') });
    const result = buildInMemory(files, testConfig());
    expect(result.diagnostics).toEqual([]);
    expect(result.outputs.map((output) => output.path).sort()).toEqual(mainOutputs({ en: ['minimal'], ar: ['minimal'] }));
    expect(jsonTitles(outputOf(result, 'en/feed.json'))).toEqual(['A minimal post']);
    expect(jsonTitles(outputOf(result, 'ar/feed.json'))).toEqual(['منشور مختصر']);
    expect(outputOf(result, 'en/rss.xml')).toContain('<title>A minimal post</title>');
    expect(outputOf(result, 'ar/atom.xml')).toContain('<title>منشور مختصر</title>');
  });
});
