/**
 * Every subscription feed is also an HTML page in its directory, readable
 * without XSLT; the index page lists the newest articles and links to feeds
 * relatively. (The browser test opens these pages in Chromium with axe.)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { formatDate } from '../src/i18n/index.js';
import { runBuild } from '../src/build.js';
import { buildInMemory, outputOf, post, projectConfig, samplePosts, siteOnDisk, sourceFiles, testConfig } from './support/site.js';

/** Every `href` and `src` of an HTML page. */
function linksOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((match) => match[1] ?? '');
}

/** A late-evening Amman article: 10 February in Amman, still 9 February in UTC. */
const EVENING_IN_AMMAN = post(`
title: Court hears the appeal of the detained lawyers
slug: lawyers-appeal
date: 2026-02-10T00:30:00+03:00
categories: [Statements/Joint Statements]
translationKey: lawyers-appeal
`);

const ARABIC_VERSION = post(`
title: المحكمة تنظر في استئناف المحامين المحتجزين
slug: lawyers-appeal
date: 2026-02-10T00:30:00+03:00
categories: [بيانات/بيانات مشتركة]
translationKey: lawyers-appeal
image: { url: "https://rights.example.org/images/court.jpg", alt: "مدخل قصر العدل" }
`);

describe('a page for every subscription feed', () => {
  const config = testConfig({ feeds: { limit: 1 } });
  const result = buildInMemory(sourceFiles({ 'en/appeal.md': EVENING_IN_AMMAN, 'ar/appeal.md': ARABIC_VERSION, 'en/older.md': post('title: An older note\nslug: older-note\ndate: 2025-05-01T09:00:00Z\ncategories: [News]') }), config);
  const paths = result.outputs.map((output) => output.path);

  it('writes index.html beside the files of every language, category and tag feed, and none beside archive pages', () => {
    const feedDirs = paths.filter((path) => path.endsWith('atom.xml')).map((path) => path.slice(0, -'atom.xml'.length));
    const archiveDirs = feedDirs.filter((dir) => dir.includes('/archive/'));
    expect(archiveDirs.length).toBeGreaterThan(0);
    for (const dir of feedDirs) expect(paths.includes(`${dir}index.html`), dir).toBe(!archiveDirs.includes(dir));
  });

  it('is right to left in Arabic, dates items in the site time zone and lists their image, categories and translation', () => {
    const page = outputOf(result, 'ar/index.html');
    expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="ar" dir="rtl">/);
    const tenFebruary = formatDate(new Date('2026-02-10T12:00:00+03:00'), 'ar', 'Asia/Amman');
    expect(page).toContain(`<time datetime="2026-02-09T21:30:00.000Z">${tenFebruary}</time>`);
    expect(page).toContain('بيانات › بيانات مشتركة');
    expect(page).toContain('<img src="https://rights.example.org/images/court.jpg" alt="مدخل قصر العدل"');
    expect(page).toContain('<a href="https://rights.example.org/en/statements/lawyers-appeal/" hreflang="en" lang="en"');
    const english = outputOf(result, 'en/index.html');
    expect(english).toContain('February 10, 2026');
  });

  it('links to its feed files relatively and announces them in its head, so its own address works in a feed reader', () => {
    const page = outputOf(result, 'en/categories/statements/joint-statements/index.html');
    for (const file of ['rss.xml', 'atom.xml', 'feed.json']) expect(linksOf(page)).toContain(file);
    expect(page).toContain('<link rel="alternate" type="application/atom+xml" hreflang="en"');
    expect(page).toContain('href="https://rights.example.org/feeds/en/categories/statements/joint-statements/atom.xml"');
    expect(linksOf(page)).toContain('../../../../index.html');
  });

  it('is what the Atom feed names as its HTML alternate; the site stays a related link, and RSS and JSON Feed keep the site', () => {
    const atom = new DOMParser().parseFromString(outputOf(result, 'en/categories/news/atom.xml'), 'text/xml');
    const feedLinks = [...atom.getElementsByTagName('link')].filter((link) => link.parentNode?.nodeName === 'feed');
    const described = feedLinks.map((link) => `${link.getAttribute('rel')} ${link.getAttribute('type') ?? ''} ${link.getAttribute('href')}`);
    expect(described).toContain('alternate text/html https://rights.example.org/feeds/en/categories/news/');
    expect(described).toContain('related text/html https://rights.example.org/en/');
    expect(described.filter((link) => link.startsWith('alternate '))).toHaveLength(1);
    expect(outputOf(result, 'en/categories/news/rss.xml')).toContain('<link>https://rights.example.org/en/</link>');
    expect(JSON.parse(outputOf(result, 'en/categories/news/feed.json'))).toMatchObject({ home_page_url: 'https://rights.example.org/en/' });
  });

  it('says that older items are in the archive when the feed is paged', () => {
    expect(outputOf(result, 'en/index.html')).toContain('Older articles stay in the feed’s archive');
  });
});

describe('hostile values on a feed page', () => {
  const hostile = post(`
title: "Verdict <script>alert(1)</script><img src=x onerror=alert(2)>"
slug: hostile
date: 2026-03-01T09:00:00Z
categories: ["<b onmouseover=alert(3)>Statements</b>"]
tags: ["\\"><svg onload=alert(4)>"]
image: { url: "https://rights.example.org/x.png\\" onerror=\\"alert(5)", alt: "\\"><script>alert(6)</script>" }
summary: "<iframe src=javascript:alert(7)></iframe>"
`, '<script>alert(8)</script>\n\n[link](javascript:alert(9))\n');
  const result = buildInMemory(sourceFiles({ 'en/hostile.md': hostile }), testConfig({ feeds: { tagFeeds: 'all' } }));

  it('shows markup as text and carries no script but its own, no handler and no javascript: link', () => {
    const pages = result.outputs.filter((output) => output.path.endsWith('index.html'));
    expect(pages.map((page) => page.path)).toEqual(expect.arrayContaining(['index.html', 'en/index.html', 'en/categories/statements/index.html', 'en/tags/tag/index.html']));
    for (const { path, content } of pages) {
      const document = parseDocument(content);
      const elements: { name: string; attribs: Record<string, string> }[] = [];
      const walk = (node: unknown): void => {
        const element = node as { type?: string; name?: string; attribs?: Record<string, string>; children?: unknown[] };
        if (element.type === 'tag' || element.type === 'script' || element.type === 'style') elements.push({ name: element.name ?? '', attribs: element.attribs ?? {} });
        for (const child of element.children ?? []) walk(child);
      };
      walk(document);
      expect(elements.filter((element) => element.name === 'script'), path).toHaveLength(1);
      expect(elements.filter((element) => ['iframe', 'svg', 'object', 'embed'].includes(element.name)), path).toEqual([]);
      for (const element of elements) {
        for (const [name, value] of Object.entries(element.attribs)) {
          expect(name.startsWith('on'), `${path}: <${element.name} ${name}>`).toBe(false);
          expect(value.trim().toLowerCase().startsWith('javascript:'), `${path}: <${element.name} ${name}="${value}">`).toBe(false);
        }
      }
    }
  });
});

describe('the index page', () => {
  it('lists the newest articles of each language and links to every feed relatively', async () => {
    const result = buildInMemory(await samplePosts(), await projectConfig());
    const index = outputOf(result, 'index.html');
    const newestArabic = JSON.parse(outputOf(result, 'ar/feed.json')) as { items: { url: string; title: string }[] };
    const first = newestArabic.items[0];
    expect(first).toBeDefined();
    expect(index).toContain(`<a href="${first?.url ?? ''}">`);
    const anchors = [...index.matchAll(/<a [^>]*href="([^"]*)"/g)].map((match) => match[1] ?? '');
    const feedHrefs = anchors.filter((href) => /\.(xml|json)$/.test(href) || href.endsWith('index.html'));
    expect(feedHrefs.length).toBeGreaterThan(6);
    for (const href of feedHrefs) expect(href, href).not.toMatch(/^https?:/);
    expect(linksOf(index)).toContain('ar/index.html');
  });
});

describe('a feed page after a config change', () => {
  it('is written again when the site time zone changes, though its feed documents did not', async () => {
    const site = await siteOnDisk({ 'en/appeal.md': EVENING_IN_AMMAN }, { timeZone: 'UTC' });
    const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, '.nashra') };
    const now = new Date('2026-11-01T00:00:00Z');
    await runBuild(paths, now);
    expect(await readFile(join(site, 'feeds/en/index.html'), 'utf8')).toContain('February 9, 2026');
    const settings = JSON.parse(await readFile(paths.config, 'utf8')) as Record<string, unknown>;
    await writeFile(paths.config, JSON.stringify({ ...settings, timeZone: 'Asia/Amman' }));
    await runBuild(paths, now);
    expect(await readFile(join(site, 'feeds/en/index.html'), 'utf8')).toContain('February 10, 2026');
  });
});
