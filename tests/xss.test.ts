/**
 * Hostile posts: every field an author controls tries to smuggle script,
 * frames, forms, styles or script URLs into the feeds, or to break out of the
 * XML around it. The feeds must stay well-formed for every real consumer, and
 * the HTML they carry must be harmless once a browser parses it, while the
 * text around the attacks survives: the sanitiser removes the payload, not the
 * article.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { feedparser, jsonFeedErrors, parseWithFeedExtractor, parseWithRssParser, skipWithout, xmllint, type FeedparserEntry } from './support/consumers.js';
import { browserHazards, normalisedUrls, parseHtml } from './support/browserHazards.js';
import { markdownToHtml } from '../src/render/markdown.js';
import { buildInMemory, outputOf, post, ROOT, runCli, siteOnDisk, sourceFiles, testConfig, type CliRun } from './support/site.js';

const FIXTURES = join(ROOT, 'tests/fixtures/xss');
const NOW = '2026-11-01T00:00:00Z';
const LANGUAGES = ['en', 'ar'] as const;
const XML_FEEDS = LANGUAGES.flatMap((lang) => [`${lang}/rss.xml`, `${lang}/atom.xml`]);
const JSON_FEEDS = LANGUAGES.map((lang) => `${lang}/feed.json`);
const ALL_FEEDS = [...XML_FEEDS, ...JSON_FEEDS];

const NS = {
  content: 'http://purl.org/rss/1.0/modules/content/',
  atom: 'http://www.w3.org/2005/Atom',
} as const;

// --- What the fixtures say, and what must come back ---------------------------

interface Expectation {
  /** The title exactly as a reader must show it: the author's text without its markup (and without control characters written raw in the file). */
  readonly title: string;
  /** Sentences of the article that must survive the sanitiser, as visible text. */
  readonly keeps: readonly string[];
  /** Sentences of the authored summary that must survive, as visible text. */
  readonly summaryKeeps?: readonly string[];
  /** Harmless links and images that must survive, absolute. */
  readonly urls?: readonly string[];
}

const EXPECTED: Record<(typeof LANGUAGES)[number], Record<string, Expectation>> = {
  en: {
    'script-and-handlers.md': {
      title: 'Curfew lifted in Wadi Safi',
      keeps: [
        "The curfew imposed on Wadi Safi in January was lifted on Sunday, the governor's office announced.",
        'Residents returned to the market by mid-morning.',
        'Shops reopened along the main street.',
        'The council will review the measure in March.',
        'Lawyers say the curfew was never published in the official gazette.',
      ],
      summaryKeeps: ['The curfew is over.', 'Residents are back in the market.'],
      urls: ['https://rights.example.org/images/wadi-safi.jpg'],
    },
    'script-urls.md': {
      title: 'Links that are not links: javascript:alert(1) in a title',
      keeps: ['Read the full statement on our site.', 'home page', 'Write to us at mailto:info@rights.example.org or through https://rights.example.org/en/contact/.'],
      summaryKeeps: ['and a safe one, plus vbscript and a tab.'],
      urls: [
        'https://rights.example.org/en/statements/full/',
        'https://rights.example.org/en/',
        'mailto:info@rights.example.org',
        'https://rights.example.org/en/contact/',
      ],
    },
    'head-elements.md': {
      title: 'Refresh, base and style: the page must not move',
      keeps: ['The annual report is on our reports page, a relative link that must still point at our site.', 'This paragraph closes the article.'],
      urls: ['https://rights.example.org/en/reports/annual/'],
    },
    'cdata-breakers.md': {
      title: 'A ]]> B ]]> C',
      keeps: ['Text with ]]> in the middle and ]]> again.', 'Inline code: a ]]> b.', 'block ]]> code ]]>', 'attribute ]]> link', 'The last paragraph of the CDATA article.'],
      summaryKeeps: ['Summary with ]]> once and ]]> twice, then <![CDATA[ opened.'],
    },
    'title-markup.md': {
      // The script goes with its content; the CDATA opener left unclosed loses its "<" and keeps its words.
      title: 'and ![CDATA[ in a title',
      keeps: ['A title may contain markup-like text, which readers must show as text.'],
      summaryKeeps: ['Closing tags in a summary stay text.'],
    },
    'control-characters.md': {
      title: 'Bell, escape and null characters in a title',
      keeps: ['Raw control characters in the body are removed.', 'The rest of the article is plain.'],
      summaryKeeps: ['A summary with a form feed inside.'],
    },
    'bidi-override.md': {
      title: 'Invoice fdp.exe for review',
      keeps: ['Body text with an override gnp.exe and a markup override reversed still reads.'],
      summaryKeeps: ['Right-to-left override in a summary ends here.'],
    },
    'data-images.md': {
      title: 'Images that are scripts',
      keeps: ['A photograph of the demonstration is below.', 'The demonstration ended peacefully in the afternoon.'],
      urls: [
        'https://rights.example.org/images/demo.jpg',
        'https://rights.example.org/images/square.jpg',
        'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      ],
    },
  },
  ar: {
    'script-and-handlers.md': {
      title: 'رفع حظر التجول في وادي صافي',
      keeps: [
        'أعلن مكتب المحافظ يوم الأحد رفع حظر التجول المفروض على وادي صافي منذ يناير/كانون الثاني.',
        'عادت المحلات إلى العمل في الشارع الرئيسي.',
        'يقول المحامون إن قرار حظر التجول لم يُنشر قط في الجريدة الرسمية.',
      ],
      summaryKeeps: ['انتهى حظر التجول.', 'عاد السكان إلى السوق.'],
    },
    'cdata-and-bidi.md': {
      title: 'بيان ]]> أول ]]> ثانٍ و![CDATA[ في العنوان',
      keeps: ['نص فيه ]]> في الوسط و]]> مرة أخرى.', 'تجاوز الاتجاه معكوس ثم نص عادي.', 'هذه الفقرة الأخيرة من المقال.'],
      summaryKeeps: ['ملخص فيه ]]> مرتين ]]> ونص معكوس.'],
    },
    'controls.md': {
      title: 'عنوان فيه جرس و تجاوز اتجاه',
      keeps: ['أحرف التحكم في النص تُزال.'],
    },
  },
};

// --- Reading HTML "as a browser would" (browserHazards in tests/support) -----

/** Visible text of an HTML fragment, whitespace collapsed. */
function visibleText(html: string): string {
  const dom = parseHtml(html);
  const text = (dom.window.document.body.textContent ?? '').replace(/\s+/g, ' ').trim();
  dom.window.close();
  return text;
}

/** Absolute URLs of the links and images of an HTML fragment. */
function linkedUrls(html: string): string[] {
  const dom = parseHtml(html);
  const urls = [...dom.window.document.querySelectorAll('a[href], img[src]')].map((element) => element.getAttribute('href') ?? element.getAttribute('src') ?? '');
  dom.window.close();
  return urls;
}

// --- Reading the feeds --------------------------------------------------------

interface HtmlField {
  /** Where the HTML came from, for failure messages. */
  readonly where: string;
  /** The item's title, to find its expectations. */
  readonly title: string;
  readonly kind: 'summary' | 'content' | 'related summary';
  readonly html: string;
}

interface JsonFeedAuthor {
  readonly name?: string;
  readonly url?: string;
}
interface JsonFeedItem {
  readonly id: string;
  readonly url?: string;
  readonly external_url?: string;
  readonly title?: string;
  readonly content_html?: string;
  readonly summary?: string;
  readonly image?: string;
  readonly banner_image?: string;
  readonly authors?: readonly JsonFeedAuthor[];
  readonly tags?: readonly string[];
  readonly attachments?: readonly { readonly url: string; readonly title?: string }[];
  readonly _nashra?: {
    readonly summary_html?: string;
    readonly canonical?: string;
    readonly translations?: readonly { readonly url: string; readonly title: string }[];
    readonly related?: readonly { readonly url: string; readonly summary_html?: string }[];
  };
}
interface JsonFeed {
  readonly home_page_url?: string;
  readonly feed_url?: string;
  readonly items: readonly JsonFeedItem[];
}

function parseJsonFeed(text: string): JsonFeed {
  return JSON.parse(text) as JsonFeed;
}

/** HTML of every JSON Feed item: content_html, the summary HTML and related items' summary HTML. */
function jsonHtmlFields(file: string, text: string): HtmlField[] {
  return parseJsonFeed(text).items.flatMap((item) => {
    const title = item.title ?? item.id;
    const fields: HtmlField[] = [];
    if (item.content_html !== undefined) fields.push({ where: `${file} "${title}" content_html`, title, kind: 'content', html: item.content_html });
    if (item._nashra?.summary_html !== undefined) fields.push({ where: `${file} "${title}" _nashra.summary_html`, title, kind: 'summary', html: item._nashra.summary_html });
    for (const related of item._nashra?.related ?? []) {
      if (related.summary_html !== undefined) fields.push({ where: `${file} "${title}" related ${related.url}`, title, kind: 'related summary', html: related.summary_html });
    }
    return fields;
  });
}

function parseXmlDocument(xml: string): Document {
  return new JSDOM(xml, { contentType: 'application/xml' }).window.document;
}

function childText(parent: Element, namespace: string | null, localName: string): string | undefined {
  const child = [...parent.children].find((element) => element.localName === localName && element.namespaceURI === namespace);
  return child?.textContent ?? undefined;
}

/**
 * HTML of every item exactly as written in the XML, before any consumer's own
 * sanitiser sees it: many readers and partner sites show it unfiltered.
 */
function rawXmlHtmlFields(file: string, xml: string): HtmlField[] {
  const document = parseXmlDocument(xml);
  const isAtom = document.documentElement.namespaceURI === NS.atom;
  const items = isAtom ? [...document.documentElement.children].filter((element) => element.localName === 'entry') : [...document.getElementsByTagName('item')];
  return items.flatMap((item) => {
    const namespace = isAtom ? NS.atom : null;
    const title = childText(item, namespace, 'title') ?? '';
    const summary = childText(item, namespace, isAtom ? 'summary' : 'description');
    const content = isAtom ? childText(item, NS.atom, 'content') : childText(item, NS.content, 'encoded');
    const fields: HtmlField[] = [];
    if (summary !== undefined) fields.push({ where: `${file} "${title}" raw summary`, title, kind: 'summary', html: summary });
    if (content !== undefined) fields.push({ where: `${file} "${title}" raw content`, title, kind: 'content', html: content });
    return fields;
  });
}

/** HTML of every entry as Python feedparser hands it to an application. */
function feedparserHtmlFields(file: string, path: string): HtmlField[] {
  return feedparser(path).entries.flatMap((entry) => {
    const fields: HtmlField[] = [];
    if (entry.summary !== undefined) fields.push({ where: `${file} "${entry.title}" feedparser summary`, title: entry.title, kind: 'summary', html: entry.summary });
    for (const content of entry.content ?? []) fields.push({ where: `${file} "${entry.title}" feedparser content`, title: entry.title, kind: 'content', html: content.value });
    return fields;
  });
}

function hazardReport(fields: readonly HtmlField[]): string[] {
  return fields.flatMap((field) => browserHazards(field.html).map((hazard) => `${field.where}: ${hazard}`));
}

/** What of the article a reader would no longer see in these fields. */
function missingText(lang: (typeof LANGUAGES)[number], fields: readonly HtmlField[]): string[] {
  const missing: string[] = [];
  for (const expected of Object.values(EXPECTED[lang])) {
    const content = fields.filter((field) => field.title === expected.title && field.kind === 'content');
    const summary = fields.filter((field) => field.title === expected.title && field.kind === 'summary');
    if (content.length === 0) missing.push(`no content for "${expected.title}"`);
    for (const field of content) {
      const text = visibleText(field.html);
      for (const sentence of expected.keeps) if (!text.includes(sentence)) missing.push(`${field.where} lost "${sentence}" (has: ${text})`);
      const urls = linkedUrls(field.html);
      for (const url of expected.urls ?? []) if (!urls.includes(url)) missing.push(`${field.where} lost the link ${url}`);
    }
    for (const field of summary) {
      const text = visibleText(field.html);
      for (const sentence of expected.summaryKeeps ?? []) if (!text.includes(sentence)) missing.push(`${field.where} lost "${sentence}" (has: ${text})`);
    }
  }
  return missing;
}

function readFixtureSite(dir: string): Record<string, string> {
  const posts: Record<string, string> = {};
  for (const lang of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, lang)).filter((file) => file.endsWith('.md'))) posts[`${lang}/${name}`] = readFileSync(join(dir, lang, name), 'utf8');
  }
  return posts;
}

const FORBIDDEN_IN_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

// --- The check itself is not blind ------------------------------------------

describe('the browser check', () => {
  it('finds every kind of attack in the fixtures when they are rendered without the sanitiser', () => {
    const posts = readFixtureSite(join(FIXTURES, 'posts'));
    const html = Object.values(posts).map((text) => markdownToHtml(text.replace(/^---[\s\S]*?\n---\n/, ''))).join('\n');
    const hazards = browserHazards(html).join('\n');
    for (const kind of [
      '<script> element', '<iframe> element', '<object> element', '<embed> element', '<form> element', '<meta> element', '<base> element',
      '<style> element', '<link> element', '<svg> element', '<math> element', 'onerror=', 'onload=', 'onclick=', 'style=',
      'href="javascript:', 'href="vbscript:', 'href="data:text/html', 'src="data:image/svg+xml', 'formaction=', 'action="javascript:',
    ]) {
      expect(hazards, kind).toContain(kind);
    }
  });

  it('accepts a raster data: image, a mailto link and ordinary markup', () => {
    expect(browserHazards('<p lang="en" dir="ltr"><a href="mailto:a@example.org">mail</a> <img src="data:image/png;base64,iVBORw0KGgo=" alt="x"> <strong>ok</strong></p>')).toEqual([]);
  });

  it('sees through entities, tabs, newlines, case and leading control characters in a script URL', () => {
    for (const href of ['java&#x09;script:alert(1)', 'java&#10;script:alert(1)', 'JaVaScRiPt:alert(1)', '&#1;javascript:alert(1)', ' vbscript:x', 'DATA:text/html,x']) {
      expect(browserHazards(`<a href="${href}">x</a>`), href).not.toEqual([]);
    }
  });
});

// --- The hostile site, built by the real CLI ---------------------------------

describe('a site whose every field is an attack', () => {
  let site = '';
  let build: CliRun = { code: -1, stdout: '', stderr: '' };
  const feeds = new Map<string, string>();
  const feedFile = (path: string) => join(site, 'feeds', path);
  const feedText = (path: string): string => {
    const text = feeds.get(path);
    if (text === undefined) throw new Error(`${path} was not written; the build said: ${build.stderr}`);
    return text;
  };

  beforeAll(async () => {
    site = await siteOnDisk(readFixtureSite(join(FIXTURES, 'posts')));
    build = await runCli(['build', '--now', NOW], site);
    for (const path of ALL_FEEDS) {
      const text = await readFile(feedFile(path), 'utf8').catch(() => undefined);
      if (text !== undefined) feeds.set(path, text);
    }
  });

  it('builds without errors and publishes every attack post: hostile content is cleaned, not a reason to drop the article', () => {
    expect(build.stderr).not.toMatch(/ error |unexpected failure/);
    expect(build.code).toBe(0);
    for (const lang of LANGUAGES) {
      const titles = parseJsonFeed(feedText(`${lang}/feed.json`)).items.map((item) => item.title);
      expect(titles.sort()).toEqual(Object.values(EXPECTED[lang]).map((expected) => expected.title).sort());
    }
  });

  it('warns, with file, line and column, that control characters written in a post file were removed', () => {
    const warnings = build.stderr.split('\n').filter((line) => line.endsWith('[encoding]'));
    expect(warnings).toEqual([
      'posts/ar/controls.md:2:18 warning control characters that cannot appear in a feed were removed [encoding]',
      'posts/en/control-characters.md:2:13 warning control characters that cannot appear in a feed were removed [encoding]',
    ]);
  });

  it('warns, with file, line and field, where markup was removed from a plain-text field, and says what is published instead', () => {
    const warnings = build.stderr.split('\n').filter((line) => / (holds markup|is only markup)/.test(line));
    expect(warnings).toEqual(
      expect.arrayContaining([
        'posts/en/script-and-handlers.md:2:8 warning title holds markup, which is removed: published as "Curfew lifted in Wadi Safi" [title]',
        'posts/en/script-and-handlers.md:7:8 warning tags.0 is only markup and is left out [tags.0]',
        'posts/en/script-and-handlers.md:10:11 warning author.1.name holds markup, which is removed: published as "Omar Saleh" [author.1.name]',
        'posts/ar/script-and-handlers.md:9:5 warning author.0 holds markup, which is removed: published as "ليلى حداد" [author.0]',
      ]),
    );
  });

  it('no feed contains a character that XML 1.0 forbids', () => {
    for (const path of ALL_FEEDS) expect(FORBIDDEN_IN_XML.test(feedText(path)), path).toBe(false);
  });

  describe.skipIf(skipWithout('xmllint'))('xmllint', () => {
    it.each(XML_FEEDS)('%s is well-formed', (path) => {
      feedText(path);
      expect(xmllint(feedFile(path))).toBe('');
    });
  });

  describe.skipIf(skipWithout('feedparser'))('Python feedparser', () => {
    it.each(XML_FEEDS)('reads %s without a bozo flag', (path) => {
      feedText(path);
      const result = feedparser(feedFile(path));
      expect(result.bozo_exception).toBe('');
      expect(result.bozo).toBe(false);
    });

    it.each(XML_FEEDS)('reads every title of %s back as the text the author wrote, markup removed', (path) => {
      feedText(path);
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      const titles = feedparser(feedFile(path)).entries.map((entry) => entry.title);
      expect(titles.sort()).toEqual(Object.values(EXPECTED[lang]).map((expected) => expected.title).sort());
    });

    it.each(XML_FEEDS)('no summary or content of %s, as feedparser returns it, holds anything a browser would run', (path) => {
      feedText(path);
      expect(hazardReport(feedparserHtmlFields(path, feedFile(path)))).toEqual([]);
    });

    it.each(XML_FEEDS)('the article text around the attacks survives in %s as feedparser reads it', (path) => {
      feedText(path);
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      expect(missingText(lang, feedparserHtmlFields(path, feedFile(path)))).toEqual([]);
    });
  });

  describe('the HTML written into the XML feeds, before any reader sanitises it', () => {
    it.each(XML_FEEDS)('%s: no summary or content holds anything a browser would run', (path) => {
      const fields = rawXmlHtmlFields(path, feedText(path));
      expect(fields.length).toBeGreaterThan(0);
      expect(hazardReport(fields)).toEqual([]);
    });

    it.each(XML_FEEDS)('%s: the article text around the attacks survives', (path) => {
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      expect(missingText(lang, rawXmlHtmlFields(path, feedText(path)))).toEqual([]);
    });
  });

  describe('JSON Feed', () => {
    it.each(JSON_FEEDS)('%s parses and is valid JSON Feed 1.1', (path) => {
      const text = feedText(path);
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonFeedErrors(text)).toEqual([]);
    });

    it.each(JSON_FEEDS)('%s: no content_html or summary HTML holds anything a browser would run', (path) => {
      const fields = jsonHtmlFields(path, feedText(path));
      expect(fields.length).toBeGreaterThan(0);
      expect(hazardReport(fields)).toEqual([]);
    });

    it.each(JSON_FEEDS)('%s: titles are the text the author wrote, markup removed', (path) => {
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      const titles = parseJsonFeed(feedText(path)).items.map((item) => item.title ?? '');
      expect(titles.sort()).toEqual(Object.values(EXPECTED[lang]).map((expected) => expected.title).sort());
    });

    it.each(JSON_FEEDS)('%s: the article text around the attacks survives', (path) => {
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      expect(missingText(lang, jsonHtmlFields(path, feedText(path)))).toEqual([]);
    });

    it.each(JSON_FEEDS)('%s: tags, author names and image descriptions are plain text, their markup removed and a tag of nothing but markup left out', (path) => {
      const items = parseJsonFeed(feedText(path)).items;
      const tags = items.flatMap((item) => item.tags ?? []);
      const authors = items.flatMap((item) => (item.authors ?? []).map((author) => author.name ?? ''));
      expect(tags.filter((tag) => tag.includes('svg'))).toEqual([]);
      if (path.startsWith('en/')) {
        expect(tags).toEqual(expect.arrayContaining(['">', ']]>', '![CDATA[']));
        expect(authors).toEqual(expect.arrayContaining(['Lina Haddad', 'Omar Saleh', 'Name ]]> with ]]> brackets']));
        const alts = items.flatMap((item) => (item.attachments ?? []).map((attachment) => attachment.title ?? ''));
        expect(alts).toContain('" onerror="alert(\'alt\')"> Market street in Wadi Safi');
      } else {
        expect(tags).toEqual(expect.arrayContaining([']]>', 'حقوق']));
        expect(authors).toContain('ليلى حداد');
      }
    });
  });

  describe('other consumers', () => {
    it.each(XML_FEEDS)('rss-parser reads every title of %s as the text the author wrote, markup removed', async (path) => {
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      const feed = await parseWithRssParser(feedText(path));
      expect(feed.items.map((item) => item.title ?? '').sort()).toEqual(Object.values(EXPECTED[lang]).map((expected) => expected.title).sort());
    });

    it.each(ALL_FEEDS)('feed-extractor reads %s and finds every post', (path) => {
      const lang = path.startsWith('ar/') ? 'ar' : 'en';
      const feed = parseWithFeedExtractor(feedText(path), path.endsWith('.json') ? 'json' : 'xml');
      expect(feed.entries?.length).toBe(Object.keys(EXPECTED[lang]).length);
    });
  });

  describe('links outside the HTML', () => {
    /** Every URL-valued attribute and link-like element of an XML feed. */
    function xmlUrls(xml: string): { where: string; url: string }[] {
      const document = parseXmlDocument(xml);
      const found: { where: string; url: string }[] = [];
      for (const element of document.getElementsByTagName('*')) {
        for (const attribute of element.attributes) {
          if (['href', 'url', 'src', 'uri', 'domain', 'scheme'].includes(attribute.localName)) found.push({ where: `<${element.tagName} ${attribute.name}>`, url: attribute.value });
        }
        if (['link', 'uri', 'comments', 'docs'].includes(element.localName) && element.children.length === 0 && (element.textContent ?? '').trim() !== '') {
          found.push({ where: `<${element.tagName}>`, url: (element.textContent ?? '').trim() });
        }
        if (element.localName === 'guid' && element.getAttribute('isPermaLink') !== 'false') found.push({ where: '<guid isPermaLink>', url: (element.textContent ?? '').trim() });
      }
      return found;
    }

    function jsonUrls(text: string): { where: string; url: string }[] {
      const feed = parseJsonFeed(text);
      const found: { where: string; url: string | undefined }[] = [
        { where: 'home_page_url', url: feed.home_page_url },
        { where: 'feed_url', url: feed.feed_url },
      ];
      for (const item of feed.items) {
        const at = (field: string) => `"${item.title ?? item.id}" ${field}`;
        found.push({ where: at('url'), url: item.url }, { where: at('external_url'), url: item.external_url }, { where: at('image'), url: item.image });
        found.push({ where: at('banner_image'), url: item.banner_image }, { where: at('_nashra.canonical'), url: item._nashra?.canonical });
        for (const attachment of item.attachments ?? []) found.push({ where: at('attachments.url'), url: attachment.url });
        for (const author of item.authors ?? []) found.push({ where: at('authors.url'), url: author.url });
        for (const link of item._nashra?.translations ?? []) found.push({ where: at('_nashra.translations.url'), url: link.url });
        for (const link of item._nashra?.related ?? []) found.push({ where: at('_nashra.related.url'), url: link.url });
      }
      return found.filter((entry): entry is { where: string; url: string } => entry.url !== undefined);
    }

    it.each(ALL_FEEDS)('%s: every link, enclosure, image and attachment URL is http(s)', (path) => {
      const text = feedText(path);
      const urls = path.endsWith('.json') ? jsonUrls(text) : xmlUrls(text);
      expect(urls.length).toBeGreaterThan(0);
      const bad = urls.filter(({ url }) => normalisedUrls(url).some((form) => !/^https?:\/\//.test(form)));
      expect(bad).toEqual([]);
    });
  });
});

// --- Control characters that reach the text only after parsing -----------------

interface EscapedControlsSite {
  /** Directory under tests/fixtures/xss/escaped-controls. */
  readonly dir: string;
  readonly title: string;
  /** What feedparser must read back for the one post of the site. */
  readonly check: (entry: FeedparserEntry) => void;
}

const ESCAPED_CONTROLS: readonly (readonly [string, EscapedControlsSite])[] = [
  [
    'YAML escapes in front matter ("\\x07", "\\u0000")',
    {
      dir: 'yaml-escapes',
      title: 'Escaped bell and null in YAML',
      check: (entry) => {
        expect(entry.tags?.map((tag) => tag.term)).toEqual(['tabvertical', 'plain']);
        expect(entry.authors?.map((author) => author.name)).toEqual(['Escape Author']);
      },
    },
  ],
  [
    'HTML character references in the body and summary (&#1;, &#x1B;, &#xFFFF;)',
    {
      dir: 'character-references',
      title: 'Control characters written as character references',
      check: (entry) => {
        const content = visibleText(entry.content?.[0]?.value ?? '');
        expect(content).toContain('end of the first paragraph.');
        expect(content).toContain('A paragraph whose title attribute holds a bell.');
        expect(content).toContain('The article continues after the references.');
        expect(visibleText(entry.summary ?? '')).toBe('Summary with a bell reference.');
      },
    },
  ],
];

describe.each(ESCAPED_CONTROLS)('control characters written as %s', (_name, fixture) => {
  let site = '';
  let build: CliRun = { code: -1, stdout: '', stderr: '' };

  beforeAll(async () => {
    site = await siteOnDisk(readFixtureSite(join(FIXTURES, 'escaped-controls', fixture.dir)));
    build = await runCli(['build', '--now', NOW], site);
  });

  const written = async (path: string): Promise<string> => {
    const text = await readFile(join(site, 'feeds', path), 'utf8').catch(() => undefined);
    if (text === undefined) throw new Error(`${path} was not written (exit ${build.code}): ${build.stderr}`);
    return text;
  };

  it('never crash the build: the post is published', async () => {
    expect(build.stderr).not.toMatch(/unexpected failure/);
    expect(build.code).toBe(0);
    expect(parseJsonFeed(await written('en/feed.json')).items.map((item) => item.title)).toEqual([fixture.title]);
  });

  it.each(['en/rss.xml', 'en/atom.xml', 'en/feed.json'])('are removed before they reach %s', async (path) => {
    expect(FORBIDDEN_IN_XML.test(await written(path))).toBe(false);
  });

  describe.skipIf(skipWithout('xmllint'))('xmllint', () => {
    it.each(['en/rss.xml', 'en/atom.xml'])('%s is well-formed', async (path) => {
      await written(path);
      expect(xmllint(join(site, 'feeds', path))).toBe('');
    });
  });

  describe.skipIf(skipWithout('feedparser'))('Python feedparser', () => {
    it.each(['en/rss.xml', 'en/atom.xml'])('reads %s cleanly, the text intact without the control characters', async (path) => {
      await written(path);
      const result = feedparser(join(site, 'feeds', path));
      expect(result.bozo).toBe(false);
      expect(result.entries.map((entry) => entry.title)).toEqual([fixture.title]);
      const [entry] = result.entries;
      if (!entry) throw new Error(`no entry in ${path}`);
      fixture.check(entry);
    });
  });
});

// --- Field rules, in memory -----------------------------------------------------

describe('URLs an author gives in front matter', () => {
  const config = testConfig();
  const imagePost = (url: string) => post(`title: Image test\ndate: 2026-03-01\nauthor: Lina Haddad\nimage:\n  url: ${JSON.stringify(url)}\n  alt: A photograph`);

  it.each([
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    'jav&#x09;ascript:alert(1)',
  ])('an image URL %j never becomes a script URL in a feed: the post is refused or the URL made harmless', (url) => {
    const result = buildInMemory(sourceFiles({ 'en/image.md': imagePost(url) }), config);
    const refused = result.diagnostics.some((d) => d.severity === 'error' && d.field === 'image.url');
    const items = parseJsonFeed(outputOf(result, 'en/feed.json')).items;
    if (refused) {
      expect(items).toEqual([]);
      return;
    }
    const urls = items.flatMap((item) => [item.image ?? '', ...(item.attachments ?? []).map((attachment) => attachment.url)]);
    expect(urls.length).toBeGreaterThan(0);
    for (const candidate of urls) expect(normalisedUrls(candidate).every((form) => /^https?:\/\//.test(form)), candidate).toBe(true);
    for (const path of ['en/rss.xml', 'en/atom.xml']) {
      expect(outputOf(result, path)).not.toMatch(/(url|href)="\s*(javascript|vbscript|data):/i);
    }
  });

  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'https://rights.example.org/"><script>alert(1)</script>'])(
    'an author URL %j is refused or carried as a harmless http(s) URL',
    (url) => {
      const text = post(`title: Author test\ndate: 2026-03-01\nauthor:\n  name: Lina Haddad\n  url: ${JSON.stringify(url)}`);
      const result = buildInMemory(sourceFiles({ 'en/author.md': text }), config);
      const items = parseJsonFeed(outputOf(result, 'en/feed.json')).items;
      for (const author of items.flatMap((item) => item.authors ?? [])) {
        if (author.url !== undefined) expect(author.url).toMatch(/^https?:\/\//);
      }
      if (!/^https?:/.test(url)) expect(result.diagnostics.some((d) => d.severity === 'error' && d.field.startsWith('author'))).toBe(true);
    },
  );
});

// --- Plain-text fields: tag-free in every output --------------------------------

/** Markup an editor may paste into a text field, raw and written as character references. */
const MARKUP_PAYLOADS = [
  "<img src=x onerror=alert('img')>",
  "<script>alert('script')</script>",
  '<a href="javascript:alert(\'link\')">link</a>',
  "&lt;script&gt;alert('escaped')&lt;/script&gt;",
  "&#x3C;img src=x onerror=alert('hex')&#x3E;",
  "&#60;a href=javascript:alert('decimal')&#62;decimal&#60;/a&#62;",
  "<svg onload=alert('svg')>",
] as const;

/** A post whose every plain-text field carries `payload`, between ordinary words that must survive. */
function markupPost(index: number, lang: 'en' | 'ar'): string {
  const payload = MARKUP_PAYLOADS[index % MARKUP_PAYLOADS.length] ?? '';
  const words = lang === 'en' ? ['Detention', 'report'] : ['تقرير', 'الاحتجاز'];
  const field = (name: string) => JSON.stringify(`${words[0]} ${payload} ${name} ${words[1]}`);
  return post(
    [
      `title: ${field(`title ${index}`)}`,
      `date: 2026-0${(index % 9) + 1}-10`,
      `summary: ${field('summary')}`,
      `author: ${field('author')}`,
      `categories: [${field('category')}, ${JSON.stringify(`Statements/${payload} Joint`)}]`,
      `tags: [${field('tag')}, detention]`,
      'image:',
      '  url: /images/photo.jpg',
      `  alt: ${field('alt')}`,
    ].join('\n'),
    `${words[0]} body text about detention and the ${words[1]}.\n`,
  );
}

/** A post without a summary whose body opens with code: the derived summary leaves the code out. */
const CODE_FIRST_POST = post(
  'title: Code first\ndate: 2026-02-20\nauthor:\n  name: "<b>Rana</b> Khoury"\ncategories: [Statements]\ntags: [detention]',
  "```html\n<script>alert('code block')</script>\n```\n\n    <img src=x onerror=alert('indented code')>\n\nThe statement on detention follows the example.\n",
);

/** One JSDOM for every string: each is parsed as a careless partner page would, by assigning it as HTML. */
const partnerPage = parseHtml('<!doctype html><body></body>');
function markupIn(text: string): string[] {
  const template = partnerPage.window.document.createElement('template');
  template.innerHTML = text;
  const found = [...template.content.querySelectorAll('*')].map((element) => `<${element.localName}>`);
  if (/javascript:/i.test(text)) found.push('javascript:');
  return found;
}

interface PlainString {
  readonly where: string;
  readonly text: string;
}

/** Keys of JSON outputs whose values are HTML by definition; every other string is plain text. */
const JSON_HTML_KEYS = new Set(['content_html', 'summary_html']);

function jsonStrings(file: string, value: unknown, path = ''): PlainString[] {
  if (typeof value === 'string') return [{ where: `${file} ${path}`, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => jsonStrings(file, item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => (JSON_HTML_KEYS.has(key) ? [] : jsonStrings(file, item, path === '' ? key : `${path}.${key}`)));
  }
  return [];
}

/** Elements of XML outputs that carry HTML: RSS item descriptions and content, Atom html constructs. */
function carriesHtml(element: Element): boolean {
  if (element.localName === 'encoded') return true;
  if (element.localName === 'description' && element.parentElement?.localName === 'item') return true;
  return element.namespaceURI === NS.atom && ['summary', 'content', 'title', 'rights', 'subtitle'].includes(element.localName) && element.getAttribute('type') === 'html';
}

function xmlStrings(file: string, xml: string): PlainString[] {
  const strings: PlainString[] = [];
  for (const element of parseXmlDocument(xml).getElementsByTagName('*')) {
    for (const attribute of element.attributes) strings.push({ where: `${file} <${element.tagName} ${attribute.name}>`, text: attribute.value });
    if (element.children.length === 0 && !carriesHtml(element)) strings.push({ where: `${file} <${element.tagName}>`, text: element.textContent ?? '' });
  }
  return strings;
}

/**
 * A page's own text and attributes; the discovery snippet shows `<link>` markup as code on purpose, so only its titles
 * count. A feed page's summaries are HTML fields, as in the feeds: checked for what a browser would run instead.
 */
function pageStrings(path: string, html: string): PlainString[] {
  const dom = parseHtml(html);
  const strings: PlainString[] = [];
  const walker = dom.window.document.createTreeWalker(dom.window.document, dom.window.NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest('script, style, code, .summary')) strings.push({ where: `${path} <${parent.localName}>`, text: node.textContent ?? '' });
  }
  for (const element of dom.window.document.querySelectorAll('*')) {
    if (element.localName === 'bdi') strings.push({ where: `${path} <bdi>`, text: element.textContent ?? '' });
    if (element.closest('.summary')) continue;
    for (const attribute of element.attributes) strings.push({ where: `${path} <${element.localName} ${attribute.name}>`, text: attribute.value });
  }
  dom.window.close();
  return strings;
}

/** The summaries a feed page shows, as HTML. */
function pageSummaries(path: string, html: string): HtmlField[] {
  const dom = parseHtml(html);
  const fields = [...dom.window.document.querySelectorAll('.summary')].map((element, index): HtmlField => ({
    where: `${path} summary ${index + 1}`,
    title: element.closest('article')?.querySelector('h3')?.textContent ?? '',
    kind: 'summary',
    html: element.innerHTML,
  }));
  dom.window.close();
  return fields;
}

function plainStringsOf(path: string, content: string): PlainString[] {
  if (path.endsWith('.json')) return jsonStrings(path, JSON.parse(content));
  if (path.endsWith('.xml')) return xmlStrings(path, content);
  if (path.endsWith('.html')) return pageStrings(path, content);
  return [];
}

describe('plain-text fields (titles, summaries, names, categories, tags, alt texts) whose every value carries markup', () => {
  const config = testConfig({ feeds: { limit: 2, tagFeeds: 'all' }, profiles: { partners: { path: 'partners/' } } });
  const files = sourceFiles({
    ...Object.fromEntries(MARKUP_PAYLOADS.map((_payload, index) => [`en/markup-${index}.md`, markupPost(index, 'en')])),
    ...Object.fromEntries(MARKUP_PAYLOADS.map((_payload, index) => [`ar/markup-${index}.md`, markupPost(index, 'ar')])),
    'en/code-first.md': CODE_FIRST_POST,
  });
  const result = buildInMemory(files, config);
  const outputs = result.outputs.filter((output) => /\.(json|xml|html)$/.test(output.path));
  /** Every English item, from the subscription feed and its archive pages. */
  const englishItems = () => outputs.filter((output) => /^en\/(archive\/\d+\/)?feed\.json$/.test(output.path)).flatMap((output) => parseJsonFeed(output.content).items);

  it('publishes every post: the markup goes, the article stays', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const titles = parseJsonFeed(outputOf(result, 'en/archive/1/feed.json')).items.map((item) => item.title);
    expect(titles.length).toBeGreaterThan(0);
  });

  it('reaches feeds in three formats, archives, category and tag feeds, related lists, OPML and the index page', () => {
    const paths = outputs.map((output) => output.path);
    for (const expected of ['en/rss.xml', 'en/atom.xml', 'en/feed.json', 'en/archive/1/atom.xml', 'en/related/index.json', 'ar/related/index.json', 'opml.xml', 'index.html', 'partners/en/rss.xml', 'partners/ar/archive/1/feed.json']) {
      expect(paths).toContain(expected);
    }
    expect(paths.some((path) => path.startsWith('en/categories/'))).toBe(true);
    expect(paths.some((path) => path.startsWith('ar/tags/'))).toBe(true);
    const related = outputs.filter((output) => /^en\/related\/(?!index\.json$)/.test(output.path)).map((output) => JSON.parse(output.content) as { related: unknown[] });
    expect(related.some((article) => article.related.length > 0)).toBe(true);
  });

  it('no plain-text string of any output becomes an element or a script URL when a page inserts it as HTML', () => {
    const found = outputs.flatMap((output) => plainStringsOf(output.path, output.content).flatMap((string) => markupIn(string.text).map((markup) => `${string.where}: ${markup} in ${JSON.stringify(string.text)}`)));
    expect(found).toEqual([]);
  });

  it('the summaries on the feed pages hold nothing a browser would run', () => {
    const pages = outputs.filter((output) => output.path.endsWith('/index.html'));
    const summaries = pages.flatMap((page) => pageSummaries(page.path, page.content));
    expect(summaries.length).toBeGreaterThan(pages.length);
    expect(hazardReport(summaries)).toEqual([]);
  });

  it('keeps the words around the markup, in the order written', () => {
    const items = englishItems();
    const item = items.find((candidate) => candidate.url?.endsWith('/markup-2/'));
    expect(item?.title).toBe('Detention link title 2 report');
    expect(item?.summary).toBe('Detention link summary report');
    expect(item?.authors).toEqual([{ name: 'Detention link author report' }]);
    expect(item?.tags).toEqual(expect.arrayContaining(['Detention link category report', 'Detention link tag report']));
    expect(item?.attachments?.[0]?.title).toBe('Detention link alt report');
  });

  it("writes a partner profile's byline and lead image alt text as text, never as markup", () => {
    const items = outputs.filter((output) => /^partners\/en\/(archive\/\d+\/)?feed\.json$/.test(output.path)).flatMap((output) => parseJsonFeed(output.content).items);
    expect(items).toHaveLength(MARKUP_PAYLOADS.length + 1);
    for (const item of items) expect(browserHazards(item.content_html ?? ''), item.title).toEqual([]);
    const document = parseHtml(items.find((candidate) => candidate.url?.endsWith('/markup-2/'))?.content_html ?? '').window.document;
    expect(document.querySelector('p')?.textContent).toBe('By Detention link author report');
    expect(document.querySelector('figure img')?.getAttribute('alt')).toBe('Detention link alt report');
  });

  it('leaves code blocks out of a summary derived from the body', () => {
    const items = englishItems();
    const item = items.find((candidate) => candidate.title === 'Code first');
    expect(item?.summary).toBe('The statement on detention follows the example.');
    expect(item?._nashra?.summary_html).not.toMatch(/alert/);
  });

  it('keeps the name of an author written with markup', () => {
    expect(englishItems().find((candidate) => candidate.title === 'Code first')?.authors).toEqual([{ name: 'Rana Khoury' }]);
  });

  it('prints titles as plain text on the command line too (nashra related)', async () => {
    const site = await siteOnDisk({ 'en/markup-0.md': markupPost(0, 'en'), 'en/markup-1.md': markupPost(1, 'en'), 'en/code-first.md': CODE_FIRST_POST });
    const run = await runCli(['related', 'markup-0', '--now', NOW], site);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('related to "Detention title 0 report"');
    expect(run.stdout).toContain('Detention title 1 report');
    expect(run.stdout).not.toMatch(/<[a-z!/?]|&lt;|&#/i);
  });

  it('refuses a field that is nothing but markup, naming the field', () => {
    const refused = buildInMemory(sourceFiles({ 'en/only-markup.md': post('title: "<script>alert(1)</script>"\ndate: 2026-03-01') }), config);
    expect(refused.diagnostics.map((d) => `${d.severity} ${d.field}: ${d.message}`)).toContain('error title: title has no text once its markup is removed');
  });
});
