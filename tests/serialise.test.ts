/**
 * The RSS and Atom serialisers, fed feed documents built from hostile text:
 * whatever a title, a name, a category or the rights line holds, the document
 * is well-formed, and every value reads back as it was given (less the
 * characters XML cannot carry, and with line ends as XML reads them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element as XmlElement, type Node as XmlNode } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { FeedCategory, FeedCategoryPath, FeedDocument, FeedEntry, FeedLinks } from '../src/feeds/document.js';
import { atomParts, rssParts } from '../src/feeds/feedAdapter.js';
import { seededRandom } from '../src/random.js';
import { stripForbiddenCharacters } from '../src/text.js';
import { skipWithout } from './support/consumers.js';

/** A feed file whole, as its parts written one after another give it. */
const renderRss = (document: FeedDocument): string => rssParts(document).join('');
const renderAtom = (document: FeedDocument): string => atomParts(document).join('');

const PIECES = [
  'word', ' ', 'نص عربي', ']]>', ']]', '<', '>', '&', '&amp;', '&lt;', '&#x26;', '"', "'", '\t', '\n', '\r\n', '\r',
  '\u200f', '\u061c', '\u2067x\u2069', '😀', '<![CDATA[', '<b>bold</b>', '\ue000', '\ufffd',
  // Characters XML 1.0 cannot carry, a lone surrogate of each half, and a bidi override.
  '\u0001', '\u0008', '\u000b', '\ud800', '\udc00', '\ufffe', '\uffff', '\u202e', '\u0085',
];

/** Seeded documents whose every text field is made of the pieces above. */
function hostileDocuments(count: number): FeedDocument[] {
  const random = seededRandom(15);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const upTo = (n: number) => Math.floor(random() * (n + 1));
  const text = () => Array.from({ length: 1 + upTo(5) }, () => pick(PIECES)).join('');
  const url = (path: string) => `https://example.org/${path}/${upTo(999)}${pick(['', '?a=1&b=2', "?q='x'", '#top'])}`;
  const links = (path: string): FeedLinks => ({ rss: `https://example.org/${path}/rss.xml`, atom: `https://example.org/${path}/atom.xml`, json: `https://example.org/${path}/feed.json` });
  const category = (): FeedCategory => {
    const term = text();
    return { term, label: random() < 0.5 ? term : text(), scheme: url('category') };
  };
  const categoryPath = (): FeedCategoryPath => {
    const path = Array.from({ length: 1 + upTo(2) }, text);
    return { term: path.join('/'), path, label: path.join(' › '), url: url('category') };
  };
  const entry = (): FeedEntry => {
    const link = url('post');
    return {
      id: random() < 0.3 ? `urn:uuid:${upTo(1e9)}` : link,
      url: link,
      title: text(),
      lang: pick(['en', 'ar']),
      summaryHtml: `<p>${text()}</p>`,
      summaryText: text(),
      contentHtml: random() < 0.5 ? undefined : `<div>${text()}</div>`,
      published: new Date(Date.UTC(2025, upTo(11), 1 + upTo(27), upTo(23), upTo(59), upTo(59), upTo(999))),
      updated: new Date(Date.UTC(2026, upTo(11), 1 + upTo(27), upTo(23), upTo(59), upTo(59), upTo(999))),
      categories: Array.from({ length: upTo(2) }, categoryPath),
      tags: Array.from({ length: upTo(1) }, category),
      authors: Array.from({ length: upTo(2) }, () => ({ name: text(), url: random() < 0.5 ? url('author') : undefined })),
      signatories: Array.from({ length: upTo(2) }, () => ({ name: text(), url: random() < 0.5 ? url('signatory') : undefined })),
      image: random() < 0.5 ? undefined : { url: url('image.jpg'), alt: random() < 0.3 ? '' : text(), type: 'image/jpeg', size: random() < 0.5 ? undefined : upTo(1e6) },
      translations: Array.from({ length: upTo(2) }, () => ({ lang: pick(['ar', 'en']), id: url('translation'), url: url('translation'), title: text() })),
      related: [],
      readingMinutes: upTo(20),
    };
  };
  return Array.from({ length: count }, (_, index): FeedDocument => {
    const role = pick([undefined, 'current', 'page'] as const);
    return {
      lang: pick(['en', 'ar']),
      scope: { kind: 'main' },
      basePath: 'en/',
      direction: 'ltr',
      title: text(),
      description: text(),
      homeUrl: url('home'),
      publisher: { name: text(), url: random() < 0.5 ? url('organisation') : undefined },
      links: links(`feed-${index}`),
      complete: random() < 0.5,
      archive: role === undefined ? undefined : { role, current: links('current'), older: random() < 0.5 ? links('older') : undefined, newer: role === 'page' ? links('newer') : undefined },
      stylesheet: random() < 0.5 ? '../feed.xsl' : undefined,
      rights: random() < 0.5 ? text() : undefined,
      licenseUrl: random() < 0.5 ? 'https://creativecommons.org/licenses/by/4.0/' : undefined,
      generator: 'nashra test',
      hub: random() < 0.5 ? 'https://hub.example.org/' : undefined,
      updated: new Date(Date.UTC(2026, 10, 1)),
      entries: Array.from({ length: upTo(4) }, entry),
    };
  });
}

/** What a conforming parser reads back from a value written into a document. */
const asRead = (value: string) => stripForbiddenCharacters(value).replace(/\r\n?/g, '\n');

/** Every text and attribute value of a parsed document, line ends as XML reads them (and the empty text of an empty element). */
function valuesOf(xml: string): Set<string> {
  const dom = new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');
  const values = new Set<string>(['']);
  const visit = (node: XmlNode) => {
    if (node.nodeType === node.TEXT_NODE || node.nodeType === node.CDATA_SECTION_NODE) values.add(asRead(node.nodeValue ?? ''));
    if (node.nodeType === node.ELEMENT_NODE) {
      const attributes = (node as XmlElement).attributes;
      for (let i = 0; i < attributes.length; i++) values.add(asRead(attributes.item(i)?.value ?? ''));
    }
    for (let child = node.firstChild; child; child = child.nextSibling) visit(child);
  };
  visit(dom);
  return values;
}

/** The values a reader must find exactly as written: titles, names (authors and signatories), terms, the rights line, alt texts (and in Atom the publisher and category labels, which RSS has no place for). */
function textValuesOf(document: FeedDocument, isAtom: boolean): string[] {
  const values = [document.title, document.description, ...(isAtom ? [document.publisher.name] : []), ...(document.rights ? [document.rights] : [])];
  for (const entry of document.entries) {
    values.push(entry.title, ...entry.authors.map((author) => author.name), ...entry.signatories.map((signatory) => signatory.name));
    values.push(...[...entry.categories, ...entry.tags].flatMap((category) => (isAtom ? [category.term, category.label] : [category.term])));
    values.push(...entry.translations.map((link) => link.title));
    if (entry.image?.alt) values.push(entry.image.alt);
  }
  return values.map(asRead);
}

const DOCUMENTS = hostileDocuments(200);
const SERIALISERS = [
  ['RSS', renderRss, false],
  ['Atom', renderAtom, true],
] as const;

describe.each(SERIALISERS)('the %s serialiser, given hostile text in every field', (_format, render, isAtom) => {
  it('writes documents that xmllint finds well-formed', async ({ skip }) => {
    if (skipWithout('xmllint')) skip();
    const dir = await mkdtemp(join(tmpdir(), 'nashra-serialise-'));
    const files = await Promise.all(
      DOCUMENTS.map(async (document, index) => {
        const file = join(dir, `${index}.xml`);
        await writeFile(file, render(document));
        return file;
      }),
    );
    const run = spawnSync('xmllint', ['--noout', '--nonet', ...files], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
  });

  it('writes every title, name, term, label, alt text and rights line so that it reads back as given', () => {
    for (const document of DOCUMENTS) {
      const read = valuesOf(render(document));
      const missing = textValuesOf(document, isAtom).filter((value) => !read.has(value));
      expect(missing).toEqual([]);
    }
  });
});

describe('a value that looks like an escape', () => {
  const document: FeedDocument = {
    ...(hostileDocuments(1)[0] as FeedDocument),
    title: 'Statements',
    description: 'Rights &amp; remedies',
    rights: '© Legal &amp; Policy Unit',
    publisher: { name: 'Legal &amp; Policy Unit' },
    entries: [],
  };

  it('is written as the text it is, in RSS and Atom alike', () => {
    for (const render of [renderRss, renderAtom]) {
      const read = valuesOf(render(document));
      expect(read.has('© Legal &amp; Policy Unit')).toBe(true);
      expect(read.has('Rights &amp; remedies')).toBe(true);
    }
    expect(valuesOf(renderAtom(document)).has('Legal &amp; Policy Unit')).toBe(true);
  });
});
