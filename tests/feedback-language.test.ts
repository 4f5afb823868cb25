/**
 * Feedback in the reader's language: under NASHRA_LANG=ar every line the CLI
 * prints about broken posts, a broken or missing config, a held lock, a
 * refused publication and mistakes on the command line is Arabic, with
 * field names, paths and values kept as written; under NASHRA_LANG=en the
 * same inputs print the English sentences.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnostic, diagnosticFormatter } from '../src/diagnostics.js';
import { translator } from '../src/i18n/index.js';
import { message, renderMessage } from '../src/i18n/message.js';
import { explainRefusal } from '../src/state/published.js';
import { processStart } from '../src/schedule/lock.js';
import { spawn } from 'node:child_process';
import { waitUntil } from './support/daemon.js';
import { buildInMemory, CLI, post, runCli, siteOnDisk, sourceFiles, testConfig, type CliRun } from './support/site.js';

const ARABIC_LETTER = /[\u0621-\u064A]/;

/** The sentence of a printed line: without a diagnostic's location, severity and field, or the `nashra: ` of a problem. */
function sentenceOf(line: string): string {
  return line
    .replace(/^\S+:\d+:\d+ \S+ /, '')
    .replace(/ \[[^\]]*\]$/, '')
    .replace(/^nashra: /, '');
}

/** Three or more lower-case English words in a row, outside quotes, «», backticks and parentheses of a value: an English sentence. */
function englishRun(sentence: string): string | undefined {
  const unquoted = sentence.replace(/"[^"]*"|«[^»]*»|`[^`]*`/g, ' ');
  let run: string[] = [];
  for (const token of unquoted.split(/\s+/)) {
    if (/^\(?[a-z]+[,.;:)]?$/.test(token)) {
      run.push(token);
      if (run.length >= 3) return run.join(' ');
    } else {
      run = [];
    }
  }
  return undefined;
}

/** The printed lines that are not in Arabic, with why. */
function notArabic(run: CliRun): string[] {
  const lines = `${run.stderr}\n${run.stdout}`.split('\n').filter((line) => line.trim() !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.flatMap((line) => {
    const sentence = sentenceOf(line);
    if (!ARABIC_LETTER.test(sentence)) return [`no Arabic: ${line}`];
    const english = englishRun(sentence);
    return english === undefined ? [] : [`English "${english}": ${line}`];
  });
}

const config = {
  limits: { titleLength: 40, tags: 2, nestingDepth: 3, fileBytes: 4000 },
  feeds: { summaryLength: 40 },
  content: { spaceSeparatedLists: true },
};

/** One broken post for every family of post diagnostic. */
const brokenPosts: Record<string, string> = {
  'en/bad-date.md': post('title: A\ndate: 2026-02-30'),
  'en/near-miss.md': post('title: A\ndate: 2026-01-02\ndraf: true'),
  'en/near-miss-warning.md': post('title: A\ndate: 2026-01-02\nsumary: Text'),
  'en/no-title.md': post('date: 2026-01-02'),
  'en/wrong-type.md': post('title: [1, 2]\ndate: 2026-01-02\ndraft: maybe'),
  'en/dup-a.md': post('title: A\ndate: 2026-01-03\nslug: same\ntranslationKey: k\nid: tag:example.org,2026:x'),
  'en/dup-b.md': post('title: B\ndate: 2026-01-03\nslug: same'),
  'en/dup-c.md': post('title: C\ndate: 2026-01-03\ntranslationKey: k'),
  'en/dup-d.md': post('title: D\ndate: 2026-01-03\nid: tag:example.org,2026:x'),
  'en/bad-yaml.md': post('title: "unclosed\ndate: 2026-01-02'),
  'en/no-front-matter.md': 'Just text.\n',
  'en/javascript.md': '---js\n{ title: "A" }\n---\nText.\n',
  'en/yaml-tag.md': post('title: !!binary aGVsbG8=\ndate: 2026-01-02'),
  'en/toml.md': '+++\ntitle = "A\ndate = 2026-01-02\n+++\nText.\n',
  'en/toml-open.md': '+++\ntitle = "A"\n',
  'en/json.md': '{\n"title": "A",\n"date": \n}\nText.\n',
  'en/json-twice.md': '{\n"title": "A",\n"date": "2026-01-02",\n"title": "B"\n}\nText.\n',
  'en/too-large.md': post('title: A\ndate: 2026-01-02', 'word '.repeat(1000)),
  'en/long-title.md': post(`title: ${'Long '.repeat(12)}\ndate: 2026-01-02`),
  'en/tags.md': post('title: A\ndate: 2026-01-02\ntags: [a, b, c]'),
  'en/markup.md': post('title: A <b>bold</b> title\ndate: 2026-01-02\ntags: [a, "<i></i>"]'),
  'en/bad-id.md': post('title: A\ndate: 2026-01-02\nid: foo'),
  'en/bad-urn.md': post('title: A\ndate: 2026-01-02\nid: "urn:x"'),
  'en/expires.md': post('title: A\ndate: 2026-01-02\nexpires: 2025-01-01'),
  'en/aliases.md': post('title: A\ndate: 2026-01-02\npublishAt: 2026-02-01\npublishDate: 2026-03-01'),
  'en/updated.md': post('title: A\ndate: 2026-01-02\nupdated: 2025-01-01'),
  'en/other-tools.md': post('title: A\ndate: 2026-01-02\nsummary: One\ndescription: Two\nurl: /x/\nlang: fr\ncategories: News/Joint Statements'),
  'en/dates.md': post('title: A\ndate: 1026-01-02\nupdated: 2062-01-02'),
  'en/links.md': post('title: A\ndate: 2026-01-02\nrelated: nothing-here'),
  'en/canonical.md': post('title: A\ndate: 2026-01-02\ncanonical: not a url'),
  'en/image.md': post('title: A\ndate: 2026-01-02\nimage:\n  url: /x.jpg'),
  'en/summary.md': post(`title: A\ndate: 2026-01-02\nsummary: ${'A long summary sentence. '.repeat(12)}`),
  'en/nested.md': post('title: A\ndate: 2026-01-02', `> > > > > deep\n\n${'<div>'.repeat(30)}deep${'</div>'.repeat(30)}\n`),
  'en/characters.md': post('title: A\u0007 \u202Eb\ndate: 2026-01-02'),
  'en/empty.md': post('title: ""\ndate: 2026-01-02\nhide: x\nbuild:\n  list: sometimes'),
  'ar/ok.md': post('title: عنوان\ndate: 2026-01-02', 'نص المقال.\n'),
  'fr/x.md': post('title: A\ndate: 2026-01-02'),
};

const configs: Record<string, string | undefined> = {
  'unknown settings and bad values': 'baseUrl: https://x.org/\nfeed:\n  limit: 3\nlanguages:\n  en:\n    siteName: W\n    colour: red\nfeeds:\n  summaryLength: 10\n  limit: 1.5\n  tagFeeds: 5\ntimeZone: Mars/Base\nschedule:\n  cron: often\nprofiles:\n  partners:\n    path: en/\n    languages: [fr]\n',
  'a missing setting': 'baseUrl: https://x.org/\n',
  'random bytes': '\u0000\u00ff\u0013binary \u0007 junk: [\n',
  'a list': '- just\n- a list\n',
  'no config at all': undefined,
};

describe('feedback in the language of NASHRA_LANG', () => {
  let site: string;
  beforeAll(async () => {
    site = await siteOnDisk(brokenPosts, config);
  });

  it('speaks Arabic about every family of broken post, with check and with build', async () => {
    const checked = await runCli(['check', '--now', '2026-06-01T00:00:00Z'], site, { NASHRA_LANG: 'ar' });
    expect(checked.code).toBe(1);
    expect(notArabic(checked)).toEqual([]);
    expect(checked.stderr.split('\n').filter((line) => line.includes(' خطأ ')).length).toBeGreaterThan(25);
    expect(checked.stderr).toContain('posts/en/near-miss.md:4:1 خطأ الحقل «draf» غير معروف: هل تقصد «draft»؟');
    const built = await runCli(['build', '--now', '2026-06-01T00:00:00Z'], site, { NASHRA_LANG: 'ar' });
    expect(built.code).toBe(1);
    expect(notArabic(built)).toEqual([]);
  });

  it('says the same in English under NASHRA_LANG=en', async () => {
    const checked = await runCli(['check', '--now', '2026-06-01T00:00:00Z'], site, { NASHRA_LANG: 'en' });
    expect(checked.stderr).not.toMatch(ARABIC_LETTER);
    for (const sentence of [
      'posts/en/bad-date.md:3:7 error date "2026-02-30" is not a valid date',
      'error unknown field "draf": did you mean "draft"?',
      'warning unknown field "sumary" is ignored; did you mean "summary"?',
      'error title is required [title]',
      'error title must be text [title]',
      'error draft must be true or false [draft]',
      'is already used by posts/en/dup-a.md; this post is skipped',
      'error invalid YAML: ',
      'error missing front matter: start the file with a --- line, then title and date',
      'error title must be at most 40 characters (limits.titleLength); it has 59',
      'warning related "nothing-here" names no post (expected a slug or a translationKey); it is left out [related]',
      'error language "fr" is not configured (languages: en, ar); this post is skipped',
      'warning updated 2062-01-02 is more than 10 years after the build\'s clock (2026-06-01), probably a typo; it is used as written',
    ]) expect(checked.stderr).toContain(sentence);
    expect(checked.stderr).toMatch(/error the file is \d+ bytes, more than limits\.fileBytes \(4000\); this post is skipped/);
    // The parser's own words quote the text across lines; a diagnostic stays one line.
    expect(checked.stderr).toMatch(/^posts\/en\/json\.md:1:1 error invalid JSON: .*"date".* \[json\]$/m);
    expect(checked.stdout).toContain('37 posts checked');
  });

  for (const [name, text] of Object.entries(configs)) {
    it(`speaks Arabic about a config with ${name}, and English under NASHRA_LANG=en`, async () => {
      const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-02') });
      if (text === undefined) await rm(join(dir, 'nashra.config.yaml'));
      else await writeFile(join(dir, 'nashra.config.yaml'), text);
      const arabic = await runCli(['check'], dir, { NASHRA_LANG: 'ar' });
      expect(arabic.code).toBe(2);
      expect(notArabic(arabic)).toEqual([]);
      const english = await runCli(['check'], dir, { NASHRA_LANG: 'en' });
      expect(english.code).toBe(2);
      expect(english.stderr).not.toMatch(ARABIC_LETTER);
      expect(english.stderr).toMatch(text === undefined ? /no config nashra\.config\.yaml: run "nashra init"/ : /config nashra\.config\.yaml is not valid/);
      // A config file is not a post: its problems never speak of front matter.
      expect(english.stderr).not.toContain('front matter');
      expect(arabic.stderr).not.toContain('رأس المقال');
    });
  }

  it('names the near miss of a config setting and a missing setting in both languages', async () => {
    const dir = await siteOnDisk({});
    await writeFile(join(dir, 'nashra.config.yaml'), configs['unknown settings and bad values'] ?? '');
    const arabic = await runCli(['check'], dir, { NASHRA_LANG: 'ar' });
    expect(arabic.stderr).toContain('nashra.config.yaml:2:1 خطأ الإعداد «feed» غير معروف؛ هل تقصد «feeds»؟ [feed]');
    const english = await runCli(['check'], dir, { NASHRA_LANG: 'en' });
    expect(english.stderr).toContain('nashra.config.yaml:2:1 error unknown setting "feed"; did you mean "feeds"? [feed]');
    expect(english.stderr).toContain('error feeds.summaryLength must be at least 40 [feeds.summaryLength]');
    expect(english.stderr).not.toMatch(/Invalid input|Too small|expected \w+, received/);
  });

  it('speaks Arabic when another nashra holds the lock, to build and to schedule', async () => {
    const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-02') });
    await mkdir(join(dir, '.nashra'));
    await writeFile(join(dir, '.nashra/lock'), JSON.stringify({ pid: process.pid, processStart: processStart(process.pid), command: 'schedule' }));
    const arabic = await runCli(['build'], dir, { NASHRA_LANG: 'ar' });
    expect(arabic.code).toBe(4);
    expect(notArabic(arabic)).toEqual([]);
    expect(arabic.stderr).toContain(`${process.pid}`);
    const english = await runCli(['build'], dir, { NASHRA_LANG: 'en' });
    expect(english.stderr).toContain(`another nashra schedule (pid ${process.pid}) is publishing this site; nothing was written`);
    const daemon = await runCli(['schedule'], dir, { NASHRA_LANG: 'ar' });
    expect(daemon.code).toBe(4);
    expect(notArabic(daemon)).toEqual([]);
    const englishDaemon = await runCli(['schedule'], dir, { NASHRA_LANG: 'en' });
    expect(englishDaemon.stdout).toContain(`another nashra schedule (pid ${process.pid}) is publishing this site (`);
  });

  it('speaks Arabic when a build would empty a language, and about a state record it cannot read', async () => {
    const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-02'), 'en/b.md': post('title: B\ndate: 2026-01-03'), 'en/c.md': post('title: C\ndate: 2026-01-04') });
    expect((await runCli(['build'], dir)).code).toBe(0);
    await rm(join(dir, 'posts/en/a.md'));
    await rm(join(dir, 'posts/en/b.md'));
    const refused = await runCli(['build'], dir, { NASHRA_LANG: 'ar' });
    expect(refused.code).toBe(5);
    expect(notArabic(refused)).toEqual([]);
    expect(refused.stderr).toContain('اختفاء ملفين');
    await writeFile(join(dir, '.nashra/published.json'), '{}');
    const unreadable = await runCli(['build'], dir, { NASHRA_LANG: 'ar' });
    expect(unreadable.code).toBe(0);
    expect(notArabic(unreadable)).toEqual([]);
    await writeFile(join(dir, '.nashra/published.json'), '{}');
    const english = await runCli(['build'], dir, { NASHRA_LANG: 'en' });
    expect(english.stderr).toContain('is not a record this nashra can read; the last build\'s record is ignored');
  });

  it('names a related article\'s language in the reader\'s language in an Arabic feed', async () => {
    const dir = await siteOnDisk({
      'ar/a.md': post('title: تقرير عن المياه\ndate: 2026-01-02\ntranslationKey: water\ntags: [water, report]', 'نص عن المياه.\n'),
      'en/a.md': post('title: Water report\ndate: 2026-01-02\ntranslationKey: water\ntags: [water, report]'),
      'en/b.md': post('title: Water follow-up\ndate: 2026-01-03\ntags: [water, report]'),
    });
    const built = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], dir, { NASHRA_LANG: 'ar' });
    expect(built.code).toBe(0);
    expect(notArabic(built)).toEqual([]);
    const feed = await readFile(join(dir, 'feeds/ar/rss.xml'), 'utf8');
    expect(feed).toContain('(باللغة الإنجليزية)');
    expect(feed).not.toContain('(باللغة English)');
  });

  const usage: Record<string, { args: string[]; code: number }> = {
    'an --now that is no date': { args: ['check', '--now', '2026-02-30'], code: 2 },
    'a slug with a slash': { args: ['new', 'a/b'], code: 2 },
    'a language the config lacks': { args: ['new', 'x', '--lang', 'fr'], code: 2 },
    'a time zone that is none': { args: ['init', 'site', '--time-zone', 'Mars/Base'], code: 2 },
    'a base URL that is not http': { args: ['init', 'site', '--base-url', 'ftp://x.org/'], code: 2 },
    'no status yet': { args: ['status'], code: 1 },
    'a related post that is not there': { args: ['related', 'nothing-here'], code: 1 },
    'a state directory inside the output': { args: ['build', '--state-dir', 'feeds/state'], code: 2 },
    'an unknown command': { args: ['publish'], code: 2 },
    'an unknown option near a known one': { args: ['build', '--otu', 'x'], code: 2 },
    'an unknown option': { args: ['build', '--quickly'], code: 2 },
    'an option without its value': { args: ['build', '--out'], code: 2 },
    'a missing argument': { args: ['new'], code: 2 },
    'an argument too many': { args: ['build', 'everything'], code: 2 },
    'an --now that is not a date at all': { args: ['check', '--now', 'tomorrow'], code: 2 },
    'a port that is none': { args: ['serve', '--port', '99999'], code: 2 },
  };
  for (const [name, { args, code }] of Object.entries(usage)) {
    it(`speaks Arabic about ${name}`, async () => {
      const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-02') });
      const arabic = await runCli(args, dir, { NASHRA_LANG: 'ar' });
      expect(arabic.code).toBe(code);
      expect(notArabic(arabic)).toEqual([]);
      const english = await runCli(args, dir, { NASHRA_LANG: 'en' });
      expect(english.code).toBe(code);
      expect(english.stderr).toMatch(/^nashra: [a-z-]/);
      expect(english.stderr).not.toMatch(ARABIC_LETTER);
    });
  }
});

describe('nashra schedule in Arabic', () => {
  it('logs its start, each build and its stop for people in Arabic', async () => {
    const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-02') });
    const child = spawn(process.execPath, [CLI, 'schedule'], { cwd: dir, env: { ...process.env, NASHRA_LANG: 'ar' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await waitUntil(() => (stdout.split('\n').length > 2 ? true : undefined), 30_000, () => `no build logged:\n${stdout}\n${stderr}`);
    child.kill('SIGTERM');
    await exited;
    // Without the time that opens each line.
    const lines = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => line.replace(/^\S+ /, ''));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(notArabic({ code: 0, stdout: lines.join('\n'), stderr })).toEqual([]);
    expect(lines.some((line) => line.startsWith('بناء (بدء التشغيل)'))).toBe(true);
  }, 60_000);
});

describe('nashra status in Arabic', () => {
  it('says what the last build did and its problems in Arabic, and in English otherwise', async () => {
    const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-02'), 'en/bad-date.md': post('title: B\ndate: 2026-02-30') });
    expect((await runCli(['build', '--now', '2026-06-01'], dir)).code).toBe(1);
    const arabic = await runCli(['status'], dir, { NASHRA_LANG: 'ar' });
    expect(arabic.code).toBe(0);
    expect(notArabic(arabic)).toEqual([]);
    expect(arabic.stdout).toContain('bad-date.md');
    const english = await runCli(['status'], dir, { NASHRA_LANG: 'en' });
    expect(english.stdout).toMatch(/^last written by nashra build\nlast build: \S+ \(build\) with errors; posts en 1, ar 0; \d+ feeds changed; 1 skipped; \d+ ms\nlast error: \S+ 1 post with errors\n {2}\S*bad-date\.md:\d+:\d+ error /);
    expect(english.stdout).not.toMatch(ARABIC_LETTER);
  });
});

describe('Arabic plurals in feedback', () => {
  const ar = translator('ar');
  const COUNTS = [0, 1, 2, 3, 11, 100];

  it('give a diagnostic the form of Arabic for each count', () => {
    const formatted = COUNTS.map((count) => {
      const limit = message('diagnostics.count.characters', { count });
      const d = diagnostic('posts/ar/x.md', { line: 2, column: 8 }, 'error', 'title', message('diagnostics.field.titleTooLong', { limit, length: 612 }));
      return diagnosticFormatter(ar)(d).replace(/^.*يتجاوز العنوان \(title\) (.*) بحسب.*$/, '$1');
    });
    expect(formatted).toEqual(['0 حرف', 'حرف واحد', 'حرفين', '3 أحرف', '11 حرفًا', '100 حرف']);
  });

  it('give the CLI line of a refused publication the form of Arabic for each count', () => {
    const lines = COUNTS.map((count) => renderMessage(explainRefusal({ lang: 'en', before: 200, vanished: Array.from({ length: count }, (_, index) => `posts/en/${index}.md`) }), ar));
    expect(lines.map((line) => /بسبب (.*) من مجلد المقالات/.exec(line)?.[1])).toEqual(['عدم اختفاء أي ملف', 'اختفاء ملف واحد', 'اختفاء ملفين', 'اختفاء 3 ملفات', 'اختفاء 11 ملفًا', 'اختفاء 100 ملف']);
    expect(renderMessage(explainRefusal({ lang: 'en', before: 3, vanished: ['posts/en/a.md', 'posts/en/b.md'] }), translator('en'))).toContain('because 2 files are gone from the posts folder (posts/en/a.md, posts/en/b.md)');
  });
});

describe('English feedback', () => {
  it('is, for every family of broken post, what i18next renders of each diagnostic', () => {
    const { diagnostics } = buildInMemory(sourceFiles(brokenPosts), testConfig(config), new Date('2026-06-01T00:00:00Z'));
    expect(diagnostics.length).toBeGreaterThan(40);
    const en = translator('en');
    const rendered = diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${en(`diagnostics.severity.${d.severity}`)} ${renderMessage(d, en)} [${d.field}]`);
    expect(diagnostics.map(diagnosticFormatter(en))).toEqual(rendered);
  });
});
