/**
 * A reader may show an item's summary without its content (a list view, a
 * notification, a partner's teaser): every HTML field of an item says its
 * language and direction, so Arabic is set right to left wherever it is shown.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../src/build.js';
import { feedparser, parseWithRssParser, skipWithout } from './support/consumers.js';
import { post, siteOnDisk } from './support/site.js';

/** The whole field inside one element that sets Arabic, right to left (in whatever order a reader writes the attributes back). */
const RTL_ARABIC = /^<div (?=[^>]*\blang="ar")(?=[^>]*\bdir="rtl")[^>]*>[\s\S]*<\/div>$/;

interface JsonItem {
  content_html: string;
  _nashra: { summary_html: string; related: { language: string; summary_html: string }[] };
}

async function arabicSite(config: Record<string, unknown> = {}): Promise<string> {
  const site = await siteOnDisk(
    {
      'ar/hearing.md': post('title: تأجيل الجلسة\ndate: 2026-01-05T10:00:00Z\ntranslationKey: hearing\ntags: [محاكمات]', 'أُجّلت جلسة محاكمة الصحفيين الثلاثة إلى التاسع عشر من آذار.\n'),
      'ar/release.md': post('title: الإفراج عن الصحفيين\ndate: 2026-01-09T10:00:00Z\ntranslationKey: release\ntags: [محاكمات]', 'أُفرج عن الصحفيين الثلاثة بعد جلسة محاكمة الصحفيين.\n'),
      'en/hearing.md': post('title: Hearing postponed\ndate: 2026-01-05T10:00:00Z\ntranslationKey: hearing\ntags: [trials]'),
    },
    config,
  );
  await runBuild({ config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, '.nashra') }, new Date('2026-02-01T00:00:00Z'));
  return site;
}

describe.skipIf(skipWithout('feedparser'))('the HTML fields of an Arabic item', () => {
  it('carry dir="rtl" and lang="ar": RSS description, Atom summary and JSON summary_html, as feedparser and rss-parser read them', async () => {
    const site = await arabicSite();
    const rss = feedparser(join(site, 'feeds/ar/rss.xml'));
    const atom = feedparser(join(site, 'feeds/ar/atom.xml'));
    expect(rss.entries).toHaveLength(2);
    for (const entry of [...rss.entries, ...atom.entries]) expect(entry.summary).toMatch(RTL_ARABIC);
    for (const item of (await parseWithRssParser(await readFile(join(site, 'feeds/ar/rss.xml'), 'utf8'))).items) expect(item.content).toMatch(RTL_ARABIC);

    const json = JSON.parse(await readFile(join(site, 'feeds/ar/feed.json'), 'utf8')) as { items: JsonItem[] };
    for (const item of json.items) {
      expect(item._nashra.summary_html).toMatch(RTL_ARABIC);
      for (const related of item._nashra.related.filter((entry) => entry.language === 'ar')) expect(related.summary_html).toMatch(RTL_ARABIC);
    }
    expect(json.items.some((item) => item._nashra.related.length > 0)).toBe(true);
  });

  it('carry them in JSON content_html when the feed holds summaries only', async () => {
    const site = await arabicSite({ feeds: { fullContent: false } });
    const json = JSON.parse(await readFile(join(site, 'feeds/ar/feed.json'), 'utf8')) as { items: JsonItem[] };
    for (const item of json.items) expect(item.content_html).toMatch(RTL_ARABIC);
  });

  it('of an English item say English, left to right', async () => {
    const site = await arabicSite();
    for (const entry of feedparser(join(site, 'feeds/en/atom.xml')).entries) expect(entry.summary).toMatch(/^<div (?=[^>]*\blang="en")(?=[^>]*\bdir="ltr")[^>]*>[\s\S]*<\/div>$/);
  });
});
