/**
 * What a person sees: feeds/index.html, and an RSS and an Atom feed opened in a
 * browser through feeds/feed.xsl, in Debian's chromium driven by playwright-core
 * and checked by axe-core. Full-page screenshots go to test-artifacts/.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directionOf, languagesOf, type SiteConfig } from '../src/config.js';
import { FEED_FORMATS, feedPath } from '../src/feeds/formats.js';
import { formatDate, translator } from '../src/i18n/index.js';
import { resources } from '../src/i18n/resources.js';
import { startServer, type RunningServer } from '../src/serve/server.js';
import { renderIndexPage } from '../src/site/indexPage.js';
import type { FeedListing } from '../src/site/listing.js';
import { renderFeedStylesheet } from '../src/site/stylesheet.js';
import { outputUrl } from '../src/urls.js';
import { writeOutputs } from '../src/write/output.js';
import { CHROMIUM, parseWithFeedExtractor, parseWithRssParser, skipWithout } from './support/consumers.js';
import { buildInMemory, projectConfig, ROOT, samplePosts } from './support/site.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
/** A transparent 1x1 PNG, standing in for the site's images. */
const ONE_PIXEL_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const STYLESHEET_PI = '<?xml-stylesheet href="../feed.xsl" type="text/xsl"?>';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The six main feeds of a config, as the index page lists them, with URLs under `config`'s base. */
function mainListings(config: SiteConfig): FeedListing[] {
  return languagesOf(config).flatMap((lang) =>
    FEED_FORMATS.map((format) => {
      const path = feedPath(lang, format.name);
      return {
        lang,
        direction: directionOf(config, lang),
        scope: { kind: 'main' } as const,
        format: format.name,
        mediaType: format.mediaType,
        path,
        url: outputUrl(config, path),
        title: translator(lang)('feed.title', { site: config.languages[lang]?.siteName ?? lang }),
      };
    }),
  );
}

/** The first element of a feed with this tag name, such as its first `item` or `entry`. */
function firstElement(xml: string, tag: string): XmlElement {
  const element = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagName(tag)[0];
  if (!element) throw new Error(`the feed has no <${tag}>`);
  return element;
}

/** Text of the first descendant with this tag name. */
function textOf(parent: XmlElement, tag: string): string {
  return parent.getElementsByTagName(tag)[0]?.textContent?.trim() ?? '';
}

describe('feed.xsl and index.html as text', () => {
  it('the stylesheet is well-formed XML, the same at every build, and never disables output escaping', () => {
    const xsl = renderFeedStylesheet();
    const problems: string[] = [];
    new DOMParser({ onError: (level, message) => problems.push(`${level}: ${message}`) }).parseFromString(xsl, 'text/xml');
    expect(problems).toEqual([]);
    expect(renderFeedStylesheet()).toBe(xsl);
    expect(xsl).not.toMatch(/disable-output-escaping/);
    expect(xsl).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n/);
  });

  it('the stylesheet carries the interface text of every language in the resources', () => {
    const xsl = renderFeedStylesheet();
    for (const lang of Object.keys(resources)) {
      const t = translator(lang);
      for (const key of ['whatIsThis', 'latest', 'subscribe']) expect(xsl).toContain(t(`page.feed.${key}`));
    }
  });

  it('the index page escapes every value and is the same at every build', async () => {
    const config = await projectConfig();
    const hostile = mainListings(config).map((listing) => ({ ...listing, title: `${listing.title} <script>alert(1)</script> "quoted" & 'more'` }));
    const html = renderIndexPage(hostile, config);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(renderIndexPage(hostile, config)).toBe(html);
  });

  it('the index page lists the main feed first, then categories parent before child, then tags', async () => {
    const config = await projectConfig();
    const [rss] = mainListings(config);
    if (!rss) throw new Error('no listing');
    const category = (path: string[]): FeedListing => ({ ...rss, scope: { kind: 'category', path }, title: path.join(' / ') });
    const listings: FeedListing[] = [
      { ...rss, scope: { kind: 'tag', tag: 'detention' }, title: 'tag detention' },
      category(['Statements', 'Joint Statements']),
      category(['Reports']),
      rss,
      category(['Statements']),
      { ...rss, scope: { kind: 'tag', tag: 'courts' }, title: 'tag courts' },
    ];
    const html = renderIndexPage(listings, config);
    const order = ['<h4>Wahat Centre for Human Rights</h4>', '<h4>Reports</h4>', '<h4>Statements</h4>', '<h4>Statements / Joint Statements</h4>', '<h4>courts</h4>', '<h4>detention</h4>'];
    const positions = order.map((heading) => html.indexOf(heading));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

describe.skipIf(skipWithout('chromium'))('in a browser (Debian chromium through playwright-core)', () => {
  let config: SiteConfig;
  let dir: string;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let listings: FeedListing[];
  let enRss: string;
  let arAtom: string;
  /** Whether this chromium still applies XSLT (every browser has deprecated it). */
  let xslt = true;

  beforeAll(async () => {
    config = await projectConfig();
    const result = buildInMemory(await samplePosts(), config);
    dir = await mkdtemp(join(tmpdir(), 'nashra-browser-'));
    await writeOutputs(dir, result.outputs);
    server = await startServer({ root: dir, port: 0 });
    // Listings point at this server, so that every link on the page can be followed.
    listings = mainListings({ ...config, baseUrl: server.url, feedsPath: '' });
    enRss = await readFile(join(dir, 'en/rss.xml'), 'utf8');
    arAtom = await readFile(join(dir, 'ar/atom.xml'), 'utf8');
    await writeFile(join(dir, 'feed.xsl'), renderFeedStylesheet());
    await writeFile(join(dir, 'index.html'), renderIndexPage(listings, config));
    await mkdir(join(dir, 'hostile'), { recursive: true });
    await writeFile(join(dir, 'hostile/rss.xml'), HOSTILE_RSS);
    await mkdir(ARTIFACTS, { recursive: true });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    const probe = await context.newPage();
    await probe.goto(server.url);
    xslt = await probe.evaluate(() => 'XSLTProcessor' in globalThis);
    await probe.close();
    if (!xslt) console.warn(`skipping the feed.xsl tests: chromium ${browser.version()} no longer supports XSLT`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  interface Opened {
    readonly page: Page;
    /** Console errors and uncaught exceptions, as text. */
    readonly problems: string[];
  }

  async function open(path: string, target: BrowserContext = context): Promise<Opened> {
    const page = await target.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const response = await page.goto(new URL(path, server.url).href, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    return { page, problems };
  }

  interface Violation {
    readonly id: string;
    readonly impact: string;
    readonly help: string;
    readonly targets: string[];
  }

  /** axe-core's serious and critical violations; the browser's own XSLT deprecation banner is not ours to judge. */
  async function seriousViolations(page: Page): Promise<Violation[]> {
    await page.addScriptTag({ content: axe.source });
    const violations = await page.evaluate(async () => {
      const runner = (globalThis as unknown as { axe: typeof axe }).axe;
      const results = await runner.run({ exclude: ['xslt-warning-banner'] }, { resultTypes: ['violations'] });
      return results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? '',
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
    });
    return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  }

  /** Space between an element's box and its text, on each side, in whole pixels. */
  async function textMargins(element: Locator): Promise<{ left: number; right: number }> {
    return element.evaluate((node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      const text = range.getBoundingClientRect();
      const box = node.getBoundingClientRect();
      return { left: Math.round(text.left - box.left), right: Math.round(box.right - text.right) };
    });
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    // Chromium lays its XSLT deprecation banner over the top of the page; a reader can close
    // it, and the screenshot is there to show our page, so it goes first.
    await page.evaluate(() => document.querySelectorAll('xslt-warning-banner').forEach((banner) => banner.remove()));
    await page.screenshot({ path: join(ARTIFACTS, `browser-${name}.png`), fullPage: true });
  }

  describe('feeds/index.html', () => {
    it('shows an English section and an Arabic one, each in its language and direction, main feeds with their three formats', async () => {
      const { page, problems } = await open('index.html');
      const en = page.locator('section#feeds-en');
      const ar = page.locator('section#feeds-ar');
      expect(await en.getAttribute('lang')).toBe('en');
      expect(await en.getAttribute('dir')).toBe('ltr');
      expect(await ar.getAttribute('lang')).toBe('ar');
      expect(await ar.getAttribute('dir')).toBe('rtl');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await en.locator('h2').innerText()).toBe('Wahat Centre for Human Rights: web feeds');
      expect(await ar.locator('h2').innerText()).toBe('خلاصات مركز واحة لحقوق الإنسان');
      expect(await ar.locator('h3').first().innerText()).toBe(translator('ar')('page.index.main'));
      // Arabic really is laid out right to left: the heading's text hugs the right edge.
      expect(await textMargins(ar.locator('h2'))).toMatchObject({ right: 0 });
      expect((await textMargins(ar.locator('h2'))).left).toBeGreaterThan(100);
      expect(await textMargins(en.locator('h2'))).toMatchObject({ left: 0 });
      for (const [section, lang] of [[en, 'en'], [ar, 'ar']] as const) {
        const links = section.locator('a.format');
        expect(await links.count()).toBe(3);
        for (const format of FEED_FORMATS) {
          const link = section.locator(`a.format[type="${format.mediaType}"]`);
          // Relative in the page, so a preview stays on the server that serves it.
          expect(await link.getAttribute('href')).toBe(feedPath(lang, format.name));
          expect(await link.evaluate((anchor) => (anchor as HTMLAnchorElement).href)).toBe(`${server.url}${feedPath(lang, format.name)}`);
          expect(await link.isVisible()).toBe(true);
        }
      }
      await screenshot(page, 'index');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('every subscribe link answers 200 with the media type the link announces', async () => {
      const { page, problems } = await open('index.html');
      const links = await page.locator('a[type]').evaluateAll((anchors) => anchors.map((anchor) => ({ href: (anchor as HTMLAnchorElement).href, type: anchor.getAttribute('type') ?? '' })));
      expect(links.map((link) => link.href)).toEqual(listings.map((listing) => listing.url));
      for (const { href, type } of links) {
        const response = await context.request.get(href);
        expect(response.status(), href).toBe(200);
        expect(response.headers()['content-type'], href).toContain(type);
      }
      expect(problems).toEqual([]);
      await page.close();
    });

    it('copies a feed address with the Copy button and says so in the section language', async () => {
      const { page, problems } = await open('index.html');
      const buttons = page.locator('button.copy');
      expect(await buttons.count()).toBe(6);
      expect(await buttons.first().isVisible()).toBe(true);
      const arabic = page.locator('#feeds-ar');
      const button = arabic.locator('button.copy').first();
      expect(await button.innerText()).toBe('نسخ');
      await button.click();
      await expect.poll(() => arabic.locator('.copy-status').innerText(), { timeout: 10_000 }).toBe(translator('ar')('page.index.copied'));
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(`${server.url}ar/rss.xml`);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('works without JavaScript: the addresses are there to select, the Copy buttons stay hidden', async () => {
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const { page, problems } = await open('index.html', noScript);
      const inputs = page.locator('input.address');
      expect(await inputs.count()).toBe(6);
      expect(await inputs.first().inputValue()).toBe(`${server.url}en/rss.xml`);
      expect(await inputs.first().isVisible()).toBe(true);
      expect(await page.locator('button.copy').first().isVisible()).toBe(false);
      expect(problems).toEqual([]);
      await noScript.close();
    });

    it('announces the main feeds in its head and shows site owners the same link elements as text', async () => {
      const { page, problems } = await open('index.html');
      const alternates = await page.locator('head link[rel="alternate"]').evaluateAll((links) =>
        links.map((link) => `${link.getAttribute('type') ?? ''} ${link.getAttribute('hreflang') ?? ''} ${link.getAttribute('href') ?? ''}`),
      );
      expect(alternates).toEqual(listings.map((listing) => `${listing.mediaType} ${listing.lang} ${listing.url}`));
      expect(await page.locator('#feeds-en h3', { hasText: 'For site owners' }).count()).toBe(1);
      expect(await page.locator('#feeds-ar h3', { hasText: 'لأصحاب المواقع' }).count()).toBe(1);
      const snippet = await page.locator('#feeds-ar pre.snippet').innerText();
      expect(snippet).toContain(`<link rel="alternate" type="application/rss+xml" hreflang="ar" title="مركز واحة لحقوق الإنسان (RSS)" href="${server.url}ar/rss.xml">`);
      expect(snippet.split('\n')).toHaveLength(3);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('has no serious or critical accessibility violations (axe-core)', async () => {
      const { page, problems } = await open('index.html');
      expect(await seriousViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('a feed as a page, without XSLT (ar/ and en/categories/statements/)', () => {
    /** The site's own images and article pages are not on this server: answered here, so the page loads whole. */
    async function openFeedPage(path: string, target: BrowserContext = context): Promise<Opened> {
      await target.route('https://wahat.example.org/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: ONE_PIXEL_PNG }));
      return open(path, target);
    }

    it('shows the Arabic feed right to left: title, how to subscribe, the items with their dates in the site time zone', async () => {
      const { page, problems } = await openFeedPage('ar/');
      expect(await page.locator('html').getAttribute('lang')).toBe('ar');
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      const feed = JSON.parse(await readFile(join(dir, 'ar/feed.json'), 'utf8')) as { title: string; items: { url: string; title: string; date_published: string }[] };
      expect(await page.locator('h1').innerText()).toBe(feed.title);
      expect(await textMargins(page.locator('h1'))).toMatchObject({ right: 0 });
      const items = page.locator('ol.items > li');
      expect(await items.count()).toBe(feed.items.length);
      const first = feed.items[0];
      expect(first).toBeDefined();
      expect(await items.first().locator('h3 a').getAttribute('href')).toBe(first?.url);
      expect(await items.first().locator('time').innerText()).toBe(formatDate(new Date(first?.date_published ?? 0), 'ar', config.timeZone));
      const formats = page.locator('ul.formats a.format');
      expect(await formats.count()).toBe(3);
      for (const format of FEED_FORMATS) {
        const response = await context.request.get(await page.locator(`a.format[type="${format.mediaType}"]`).evaluate((anchor) => (anchor as HTMLAnchorElement).href));
        expect(response.status()).toBe(200);
        expect(response.headers()['content-type']).toContain(format.mediaType);
      }
      await screenshot(page, 'feed-page-ar');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('copies a feed address and says so in the page language', async () => {
      const { page, problems } = await openFeedPage('ar/');
      await page.locator('button.copy').first().click();
      await expect.poll(() => page.locator('.copy-status').innerText(), { timeout: 10_000 }).toBe(translator('ar')('page.index.copied'));
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('https://wahat.example.org/feeds/ar/rss.xml');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('has no serious or critical accessibility violations (axe-core), in Arabic and in a category feed in English', async () => {
      for (const path of ['ar/', 'en/categories/statements/']) {
        const { page, problems } = await openFeedPage(path);
        expect(await seriousViolations(page), path).toEqual([]);
        if (path !== 'ar/') await screenshot(page, 'feed-page-en-statements');
        expect(problems, path).toEqual([]);
        await page.close();
      }
    });
  });

  describe('en/rss.xml through feed.xsl', () => {
    it('is a readable English page: channel title, what a feed is, the address to copy, the items with dates', async ({ skip }) => {
      if (!xslt) skip('no XSLT in this chromium');
      const { page, problems } = await open('en/rss.xml');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
      const title = textOf(firstElement(enRss, 'channel'), 'title');
      expect(await page.locator('h1').innerText()).toBe(title);
      expect(await page.title()).toBe(`${title} · Web feed`);
      expect(await page.getByRole('heading', { name: 'What is this?' }).isVisible()).toBe(true);
      expect(await page.locator('.address code').innerText()).toBe('https://wahat.example.org/feeds/en/rss.xml');
      const first = page.locator('.items li').first();
      const item = firstElement(enRss, 'item');
      const link = first.locator('h3 a');
      expect(await link.innerText()).toBe(textOf(item, 'title'));
      expect(await link.isVisible()).toBe(true);
      expect(await link.getAttribute('href')).toBe(textOf(item, 'link'));
      expect(await first.locator('time').innerText()).toBe(formatDate(new Date(textOf(item, 'pubDate')), 'en', 'UTC'));
      const summary = await first.locator('.summary').innerText();
      expect(summary).toMatch(/^The criminal court of Dar al-Nakhil/);
      expect(summary).not.toMatch(/[<>]/);
      expect(await page.locator('.items li').count()).toBe((enRss.match(/<item>/g) ?? []).length);
      await screenshot(page, 'en-rss');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('has no serious or critical accessibility violations (axe-core)', async ({ skip }) => {
      if (!xslt) skip('no XSLT in this chromium');
      const { page, problems } = await open('en/rss.xml');
      expect(await seriousViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('ar/atom.xml through feed.xsl', () => {
    it('is a readable Arabic page, right to left, with Arabic interface text and dates', async ({ skip }) => {
      if (!xslt) skip('no XSLT in this chromium');
      const { page, problems } = await open('ar/atom.xml');
      expect(await page.locator('html').getAttribute('lang')).toBe('ar');
      expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
      expect(await page.locator('h1').innerText()).toBe('مركز واحة لحقوق الإنسان');
      const ar = translator('ar');
      expect(await page.getByRole('heading', { name: ar('page.feed.whatIsThis') }).isVisible()).toBe(true);
      expect(await page.getByRole('heading', { name: ar('page.feed.latest') }).isVisible()).toBe(true);
      const entry = firstElement(arAtom, 'entry');
      const first = page.locator('.items li').first();
      const link = first.locator('h3 a');
      const title = await link.innerText();
      expect(title).toBe(textOf(entry, 'title'));
      expect(title).toMatch(/\p{Script=Arabic}/u);
      expect(await link.isVisible()).toBe(true);
      expect(await link.getAttribute('href')).toBe(entry.getElementsByTagName('link')[0]?.getAttribute('href'));
      const published = textOf(entry, 'published') || textOf(entry, 'updated');
      expect(await first.locator('time').innerText()).toBe(formatDate(new Date(published), 'ar', 'UTC'));
      expect(await first.locator('.summary').innerText()).not.toMatch(/[<>]/);
      // Right to left for real: the title's text hugs the right edge.
      expect(await textMargins(first.locator('h3'))).toMatchObject({ right: 0 });
      await screenshot(page, 'ar-atom');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('has no serious or critical accessibility violations (axe-core)', async ({ skip }) => {
      if (!xslt) skip('no XSLT in this chromium');
      const { page, problems } = await open('ar/atom.xml');
      expect(await seriousViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  describe('dates through feed.xsl, in the site time zone', () => {
    it('shows an evening article in Amman on its Amman date, and a New Year article in New York on 31 December; UTC as written', async ({ skip }) => {
      if (!xslt) skip('no XSLT in this chromium');
      const instants = ['2026-02-09T21:30:00Z', '2027-01-01T03:00:00Z', '2026-07-01T12:00:00Z'];
      for (const timeZone of ['Asia/Amman', 'America/New_York', 'UTC']) {
        const zoneDir = timeZone.replace('/', '-');
        await mkdir(join(dir, zoneDir), { recursive: true });
        await writeFile(join(dir, zoneDir, 'feed.xsl'), renderFeedStylesheet(timeZone));
        const rssItems = instants.map((instant, index) => `<item><title>Item ${index}</title><link>https://wahat.example.org/${index}</link><pubDate>${new Date(instant).toUTCString()}</pubDate></item>`).join('');
        await writeFile(join(dir, zoneDir, 'rss.xml'), `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="feed.xsl" type="text/xsl"?><rss version="2.0"><channel><title>Dates</title><link>https://wahat.example.org/</link><description>d</description><language>en</language>${rssItems}</channel></rss>`);
        const atomEntries = instants.map((instant, index) => `<entry><title>Item ${index}</title><id>urn:x:${index}</id><link href="https://wahat.example.org/${index}"/><updated>${instant}</updated></entry>`).join('');
        await writeFile(join(dir, zoneDir, 'atom.xml'), `<?xml version="1.0" encoding="utf-8"?><?xml-stylesheet href="feed.xsl" type="text/xsl"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Dates</title><id>urn:x</id><updated>2027-01-01T03:00:00Z</updated><author><name>x</name></author>${atomEntries}</feed>`);
        for (const file of ['rss.xml', 'atom.xml']) {
          const { page, problems } = await open(`${zoneDir}/${file}`);
          const shown = await page.locator('time').allInnerTexts();
          expect(shown, `${timeZone} ${file}`).toEqual(instants.map((instant) => formatDate(new Date(instant), 'en', timeZone)));
          expect(problems).toEqual([]);
          await page.close();
        }
      }
    });
  });

  describe('a hostile feed through feed.xsl', () => {
    it('shows markup as text and runs nothing: no script, no handler, no javascript: link', async ({ skip }) => {
      if (!xslt) skip('no XSLT in this chromium');
      const { page, problems } = await open('hostile/rss.xml');
      expect(await page.locator('h1').innerText()).toBe('<img src=x onerror=alert(1)> Channel');
      expect(await page.locator('.items script, .items img, .items iframe, .items [onerror]').count()).toBe(0);
      const items = page.locator('.items li');
      expect(await items.nth(0).locator('h3').innerText()).toBe('<script>alert(2)</script> first');
      expect(await items.nth(0).locator('a').count()).toBe(0);
      expect(await page.locator('main a').count()).toBe(1);
      expect(await page.locator('main').innerText()).not.toContain('javascript:');
      expect(await items.nth(0).locator('.summary').innerText()).toBe('Bold & <b>literal</b> text. globalThis.pwned = true Second paragraph.');
      expect(await items.nth(1).locator('h3 a').getAttribute('href')).toBe('https://example.org/safe?a=1&b=2');
      expect(await items.nth(1).locator('.date').innerText()).toBe('not a date');
      expect(await page.evaluate(() => (globalThis as { pwned?: boolean }).pwned ?? false)).toBe(false);
      await screenshot(page, 'hostile');
      expect(problems).toEqual([]);
      await page.close();
    });
  });

  it('leaves feed readers unaffected: the linked feeds parse to the same items as without the stylesheet', async () => {
    // The pipeline links the stylesheet from every feed it writes.
    expect([enRss, arAtom].map((xml) => xml.includes(STYLESHEET_PI))).toEqual([true, true]);
    const plainRss = enRss.replace(`${STYLESHEET_PI}\n`, '');
    const plainAtom = arAtom.replace(`${STYLESHEET_PI}\n`, '');
    expect([plainRss, plainAtom].map((xml) => xml.includes('xml-stylesheet'))).toEqual([false, false]);
    expect(await parseWithRssParser(enRss)).toEqual(await parseWithRssParser(plainRss));
    expect(await parseWithRssParser(arAtom)).toEqual(await parseWithRssParser(plainAtom));
    expect(parseWithFeedExtractor(enRss, 'xml')).toEqual(parseWithFeedExtractor(plainRss, 'xml'));
    expect(parseWithFeedExtractor(arAtom, 'xml')).toEqual(parseWithFeedExtractor(plainAtom, 'xml'));
  });
});

/** A feed written to attack its reader: markup in every text field, script URLs, a broken date. */
const HOSTILE_RSS = `<?xml version="1.0" encoding="utf-8"?>
${STYLESHEET_PI}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>&lt;img src=x onerror=alert(1)&gt; Channel</title>
    <link>javascript:alert(0)</link>
    <description><![CDATA[<script>globalThis.pwned = true</script>]]></description>
    <language>en</language>
    <atom:link rel="self" href="javascript:alert(3)" type="application/rss+xml"/>
    <item>
      <title>&lt;script&gt;alert(2)&lt;/script&gt; first</title>
      <link>  JavaScript:globalThis.pwned=true</link>
      <pubDate>Mon, 05 Oct 2026 08:00:00 GMT</pubDate>
      <description><![CDATA[<p>Bold &amp; &lt;b&gt;literal&lt;/b&gt; <img src=x onerror="globalThis.pwned=true">text.</p><script>globalThis.pwned = true</script><p>Second paragraph.</p>]]></description>
    </item>
    <item>
      <title>second</title>
      <link>https://example.org/safe?a=1&amp;b=2</link>
      <pubDate>not a date</pubDate>
    </item>
  </channel>
</rss>
`;
