/**
 * A joint statement's signatories: the organisations that sign it, written in
 * the `signatories` front-matter field in the post's own language, each a name
 * or `{ name, url }`. They are checked like authors, carried by every format
 * (Atom `contributor`, RSS `dc:contributor`, JSON Feed `_nashra.signatories`)
 * and listed under a heading at the end of the full content.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { parsePost } from '../src/load/parsePost.js';
import type { BuildResult } from '../src/pipeline.js';
import { writeOutputs } from '../src/write/output.js';
import { feedparser, parseWithRssParser, skipWithout } from './support/consumers.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

const config = testConfig();

const EN_STATEMENT = post(`
title: "Joint statement: Free the Wadi Safi reporters"
date: 2026-03-14T09:00:00+03:00
translationKey: wadi-safi-reporters
categories: "Statements/Joint Statements"
signatories:
  - name: "Example Rights Centre"
    url: "https://rights.example.org/en/about/"
  - "Wadi Safi Press Network"
  - name: "Lawyers for Justice – Wadi Safi"
    url: "https://lawyers.example.org/"
`);

const AR_STATEMENT = post(`
title: "بيان مشترك: أفرجوا عن مراسلي وادي صافي"
date: 2026-03-14T09:00:00+03:00
translationKey: wadi-safi-reporters
slug: wadi-safi-reporters
categories: "بيانات/بيانات مشتركة"
signatories:
  - name: "مركز الحقوق النموذجي"
    url: "https://rights.example.org/ar/about/"
  - "شبكة وادي صافي للصحافة"
`);

const OTHER_POST = post(`
title: "Curfew lifted in Wadi Safi"
date: 2026-03-10T09:00:00+03:00
categories: News
`);

function parse(frontMatter: string, lang = 'en') {
  return parsePost({ path: `posts/${lang}/statement.md`, lang, text: post(frontMatter) }, config);
}

const problems = (frontMatter: string) => parse(frontMatter).diagnostics.map(formatDiagnostic);

describe('the signatories field', () => {
  it('reads each signatory as a name or a name with a URL, in the order written', () => {
    const parsed = parsePost({ path: 'posts/en/statement.md', lang: 'en', text: EN_STATEMENT }, config);
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.post?.signatories).toEqual([
      { name: 'Example Rights Centre', url: 'https://rights.example.org/en/about/' },
      { name: 'Wadi Safi Press Network' },
      { name: 'Lawyers for Justice – Wadi Safi', url: 'https://lawyers.example.org/' },
    ]);
  });

  it('takes a single name as a list of one, and an empty field as no signatories', () => {
    expect(parse('title: A\ndate: 2026-03-14\nsignatories: "Wadi Safi Press Network"').post?.signatories).toEqual([{ name: 'Wadi Safi Press Network' }]);
    expect(parse('title: A\ndate: 2026-03-14\nsignatories: []').post?.signatories).toBeUndefined();
    expect(parse('title: A\ndate: 2026-03-14').post?.signatories).toBeUndefined();
  });

  it('refuses an empty name, a URL that is not absolute http(s) and an unknown key, each at its line and column', () => {
    const frontMatter = (entry: string) => `title: A\ndate: 2026-03-14\nsignatories:\n  - "Wadi Safi Press Network"\n${entry}`;
    expect(problems(frontMatter('  - name: ""'))).toEqual(['posts/en/statement.md:6:11 error signatories.1.name must not be empty [signatories.1.name]']);
    expect(problems(frontMatter('  - name: Lawyers\n    url: /about/'))).toEqual([
      'posts/en/statement.md:7:10 error signatories.1.url must be an absolute http(s) URL [signatories.1.url]',
    ]);
    expect(problems(frontMatter('  - name: Lawyers\n    url: "javascript:alert(1)"'))).toEqual([
      'posts/en/statement.md:7:10 error signatories.1.url must be an absolute http(s) URL [signatories.1.url]',
    ]);
    expect(problems(frontMatter('  - name: Lawyers\n    website: https://lawyers.example.org/'))).toEqual([
      'posts/en/statement.md:6:5 error signatories.1 has unknown field "website" [signatories.1]',
    ]);
  });

  it('removes a bidi override from a name, written or escaped, with a warning at the name', () => {
    const parsed = parse('title: A\ndate: 2026-03-14\nsignatories:\n  - name: "Wadi \u202ESafi"');
    expect(parsed.diagnostics.map((d) => [d.line, d.severity, d.field])).toEqual([[5, 'warning', 'signatories.0.name']]);
    expect(parsed.post?.signatories).toEqual([{ name: 'Wadi Safi' }]);
    const escaped = parse('title: A\ndate: 2026-03-14\nsignatories:\n  - "Wadi Safi Press Network"\n  - name: "Lawyers \\u202Efor Justice"');
    expect(escaped.diagnostics.map((d) => [d.line, d.severity, d.field])).toEqual([[6, 'warning', 'signatories.1.name']]);
    expect(escaped.post?.signatories?.[1]).toEqual({ name: 'Lawyers for Justice' });
  });

  it('removes markup pasted into a name, and says so', () => {
    const parsed = parse('title: A\ndate: 2026-03-14\nsignatories:\n  - "<b>Wadi Safi</b> Press Network"');
    expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/statement.md:5:5 warning signatories.0 holds markup, which is removed: published as "Wadi Safi Press Network" [signatories.0]',
    ]);
    expect(parsed.post?.signatories).toEqual([{ name: 'Wadi Safi Press Network' }]);
  });

  it('is a known field: a near miss is pointed out', () => {
    expect(problems('title: A\ndate: 2026-03-14\nsignatores: [Wadi Safi Press Network]')).toEqual([
      'posts/en/statement.md:4:1 warning unknown field "signatores" is ignored; did you mean "signatories"? [signatores]',
    ]);
  });

  it('is part of what readers read: a signatory added later changes the content digest, so the correction is seen', () => {
    const before = parse('title: A\ndate: 2026-03-14\nsignatories: ["Wadi Safi Press Network"]').post;
    const after = parse('title: A\ndate: 2026-03-14\nsignatories: ["Wadi Safi Press Network", "Lawyers for Justice"]').post;
    expect(before?.contentHash).toBeDefined();
    expect(after?.contentHash).not.toBe(before?.contentHash);
  });
});

describe('signatories in the feeds', () => {
  let result: BuildResult;
  let outDir: string;

  beforeAll(async () => {
    result = buildInMemory(sourceFiles({ 'en/wadi-safi-reporters.md': EN_STATEMENT, 'ar/wadi-safi-reporters.md': AR_STATEMENT, 'en/curfew.md': OTHER_POST }), config);
    expect(result.diagnostics).toEqual([]);
    outDir = await mkdtemp(join(tmpdir(), 'nashra-signatories-'));
    await writeOutputs(outDir, result.outputs);
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const jsonItems = (lang: string) =>
    (JSON.parse(outputOf(result, `${lang}/feed.json`)) as { items: { title: string; content_html: string; _nashra: { signatories?: unknown } }[] }).items;

  it('are Atom contributors with their URLs, as feedparser reads them', ({ skip }) => {
    if (skipWithout('feedparser')) skip();
    const entries = feedparser(join(outDir, 'en/atom.xml')).entries;
    expect(entries.find((entry) => entry.title.startsWith('Joint'))?.contributors).toEqual([
      { name: 'Example Rights Centre', href: 'https://rights.example.org/en/about/' },
      { name: 'Wadi Safi Press Network' },
      { name: 'Lawyers for Justice – Wadi Safi', href: 'https://lawyers.example.org/' },
    ]);
    expect(entries.find((entry) => entry.title.startsWith('Curfew'))?.contributors).toBeUndefined();
    expect(feedparser(join(outDir, 'ar/atom.xml')).entries[0]?.contributors).toEqual([
      { name: 'مركز الحقوق النموذجي', href: 'https://rights.example.org/ar/about/' },
      { name: 'شبكة وادي صافي للصحافة' },
    ]);
  });

  it('are RSS dc:contributor elements, in a declared Dublin Core namespace, as feedparser and rss-parser read them', async ({ skip }) => {
    const rss = outputOf(result, 'en/rss.xml');
    expect(rss).toMatch(/<rss [^>]*xmlns:dc="http:\/\/purl\.org\/dc\/elements\/1\.1\/"/);
    const parsed = await parseWithRssParser(rss);
    expect(parsed.items.find((item) => item.title?.startsWith('Joint'))?.contributors).toEqual(['Example Rights Centre', 'Wadi Safi Press Network', 'Lawyers for Justice – Wadi Safi']);
    if (skipWithout('feedparser')) skip();
    const entries = feedparser(join(outDir, 'ar/rss.xml')).entries;
    expect(entries[0]?.contributors).toEqual([{ name: 'مركز الحقوق النموذجي' }, { name: 'شبكة وادي صافي للصحافة' }]);
  });

  it('are the documented JSON Feed extension _nashra.signatories, absent from other items', () => {
    const [statement, other] = [jsonItems('en').find((item) => item.title.startsWith('Joint')), jsonItems('en').find((item) => item.title.startsWith('Curfew'))];
    expect(statement?._nashra.signatories).toEqual([
      { name: 'Example Rights Centre', url: 'https://rights.example.org/en/about/' },
      { name: 'Wadi Safi Press Network' },
      { name: 'Lawyers for Justice – Wadi Safi', url: 'https://lawyers.example.org/' },
    ]);
    expect(other?._nashra).not.toHaveProperty('signatories');
  });

  it('are listed at the end of the content under a heading in the feed language, each with its link', () => {
    const english = jsonItems('en').find((item) => item.title.startsWith('Joint'))?.content_html ?? '';
    expect(english).toContain(
      '<section><h2>Signatories</h2><ul><li><a href="https://rights.example.org/en/about/">Example Rights Centre</a></li><li>Wadi Safi Press Network</li><li><a href="https://lawyers.example.org/">Lawyers for Justice – Wadi Safi</a></li></ul></section>',
    );
    const arabic = jsonItems('ar')[0]?.content_html ?? '';
    expect(arabic).toMatch(/^<div lang="ar" dir="rtl">/);
    expect(arabic).toContain('<section><h2>الجهات الموقّعة</h2><ul><li><a href="https://rights.example.org/ar/about/">مركز الحقوق النموذجي</a></li><li>شبكة وادي صافي للصحافة</li></ul></section>');
    expect(jsonItems('en').find((item) => item.title.startsWith('Curfew'))?.content_html).not.toContain('<h2>Signatories</h2>');
  });

  it('leave the content when feeds.signatoriesInContent is off, and stay in the item', () => {
    const quiet = buildInMemory(sourceFiles({ 'en/wadi-safi-reporters.md': EN_STATEMENT }), testConfig({ feeds: { signatoriesInContent: false } }));
    const item = (JSON.parse(outputOf(quiet, 'en/feed.json')) as { items: { content_html: string; _nashra: { signatories?: unknown[] } }[] }).items[0];
    expect(item?.content_html).not.toContain('Signatories');
    expect(item?._nashra.signatories).toHaveLength(3);
    expect(outputOf(quiet, 'en/atom.xml')).toContain('<contributor>');
  });
});
