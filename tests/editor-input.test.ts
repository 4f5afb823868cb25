/**
 * What editors write, read as they mean it: files saved by Windows and old
 * Mac editors, lists left empty, invisible direction characters pasted from
 * elsewhere, and item ids that must be identifiers, not links to run.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, sortDiagnostics } from '../src/diagnostics.js';
import { parsePost } from '../src/load/parsePost.js';
import type { Post } from '../src/model.js';
import { buildInMemory, outputOf, sourceFiles, testConfig } from './support/site.js';

const config = testConfig();
const parse = (text: string, lang = 'en') => parsePost({ path: `posts/${lang}/example.md`, lang, text }, config);
const messages = (text: string) => parse(text).diagnostics.map(formatDiagnostic);
const valid = (text: string): Post => {
  const result = parse(text);
  if (!result.post) throw new Error(`expected a valid post, got ${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return result.post;
};
/** A post file written line by line, joined by `lineBreak`. */
const lines = (lineBreak: string, ...text: string[]) => text.join(lineBreak) + lineBreak;

describe('line breaks and byte-order marks', () => {
  const windowsFile = '\uFEFF' + lines('\r\n', '---', 'title: "Quoted: a Windows title"', 'date: 2026-03-14', 'tags: ["detention"]', '---', 'First paragraph.', '', 'Second paragraph.');
  const oldMacFile = lines('\r', '---', 'title: "Quoted: an old Mac title"', 'date: 2026-03-14', '---', 'First paragraph.', '', 'Second paragraph.');

  it('reads a file saved with a byte-order mark and CRLF line endings as its editor wrote it', () => {
    expect(messages(windowsFile)).toEqual([]);
    expect(valid(windowsFile)).toMatchObject({ title: 'Quoted: a Windows title', tags: ['detention'] });
  });

  it('reads a file with lone CR line endings as its editor wrote it', () => {
    expect(messages(oldMacFile)).toEqual([]);
    expect(valid(oldMacFile).title).toBe('Quoted: an old Mac title');
  });

  it('publishes such a body with its paragraphs and no stray carriage returns', () => {
    const result = buildInMemory(sourceFiles({ 'en/windows.md': windowsFile, 'en/mac.md': oldMacFile }), config);
    expect(result.skippedFiles).toEqual([]);
    const feed = JSON.parse(outputOf(result, 'en/feed.json')) as { items: { title: string; content_html: string }[] };
    for (const item of feed.items) {
      expect(item.content_html).toContain('<p>First paragraph.</p>');
      expect(item.content_html).toContain('<p>Second paragraph.</p>');
      expect(item.content_html).not.toContain('\r');
    }
  });

  it('points at the line and column of the file, whatever its line endings', () => {
    const broken = (lineBreak: string, bom = '') => bom + lines(lineBreak, '---', 'title: Hello', 'date: 2026-03-14', 'slug: "not a slug"', '---', 'Body.');
    const expected = ['posts/en/example.md:4:7 error slug must be letters, digits, hyphens, dots or underscores (no slashes or spaces) [slug]'];
    expect(messages(broken('\n'))).toEqual(expected);
    expect(messages(broken('\r\n', '\uFEFF'))).toEqual(expected);
    expect(messages(broken('\r'))).toEqual(expected);
  });
});

describe('empty taxonomies', () => {
  const withField = (field: string) => lines('\n', '---', 'title: Hello', 'date: 2026-03-14', field, '---', 'Body.');

  it.each(['categories', 'tags', 'author', 'related'])('reads an empty, blank or cleared %s as none', (name) => {
    for (const value of ['', ' ~', ' ""', ' []', ' [""]', ' [ "", " " ]']) {
      expect(messages(withField(`${name}:${value}`)), `${name}:${value}`).toEqual([]);
    }
    const post = valid(withField(`${name}: []`));
    expect({ categories: post.categories, tags: post.tags, authors: post.authors, related: post.relatedPins ?? [] }).toEqual({ categories: [], tags: [], authors: [], related: [] });
  });

  it('keeps the entries that are not blank', () => {
    expect(valid(withField('tags: ["", detention, " "]')).tags).toEqual(['detention']);
  });
});

describe('item ids', () => {
  const withId = (id: string) => lines('\n', '---', 'title: Hello', 'date: 2026-03-14', `id: '${id}'`, '---', 'Body.');

  it.each([
    'https://rights.example.org/en/statements/12/',
    'http://rights.example.org/?p=12',
    'urn:uuid:6f1c1d4e-8a57-4a53-9d1e-0c1b2b8e7a10',
    'urn:isbn:978-0-13-468599-1',
    'urn:example:a/b?+r?=q#f',
    'tag:rights.example.org,2026:statement-12',
    'tag:rights.example.org,2026-03-14:/statements/12?x#part',
    'tag:press@rights.example.org,2026-03:statement-12',
    'TAG:Example.org,2026:Mixed-Case',
  ])('accepts %s as the item id', (id) => {
    expect(valid(withId(id)).id).toBe(id);
  });

  it.each([
    ['javascript:alert(1)', 'must be an http(s) URL, a urn: URN or a tag: URI'],
    ['JavaScript:alert(1)', 'must be an http(s) URL, a urn: URN or a tag: URI'],
    ['data:text/html,<script>alert(1)</script>', 'must be an http(s) URL, a urn: URN or a tag: URI'],
    ['file:///etc/passwd', 'must be an http(s) URL, a urn: URN or a tag: URI'],
    ['mailto:press@example.org', 'must be an http(s) URL, a urn: URN or a tag: URI'],
    ['https://', 'is not a valid http(s) URL'],
    ['urn:uuid', 'is not a valid URN'],
    ['urn:x:', 'is not a valid URN'],
    ['urn:-bad:thing', 'is not a valid URN'],
    ['urn:uuid:<script>', 'is not a valid URN'],
    ['tag:example.org:no-date', 'is not a valid tag URI'],
    ['tag:example.org,26:short-year', 'is not a valid tag URI'],
    ['tag:example.org,2026-13:no-such-month', 'is not a valid tag URI'],
    ['tag:,2026:no-authority', 'is not a valid tag URI'],
    ['tag:example.org,2026:"quoted"', 'is not a valid tag URI'],
  ])('refuses %s at the id line, naming the field', (id, reason) => {
    const result = parse(withId(id));
    expect(result.post).toBeUndefined();
    expect(result.diagnostics).toEqual([expect.objectContaining({ line: 4, column: 5, severity: 'error', field: 'id', message: expect.stringContaining(`id ${reason}`) as unknown })]);
  });

  it('keeps a refused id out of every feed while the other posts publish', () => {
    const good = lines('\n', '---', 'title: Good', 'date: 2026-03-14', '---', 'Body.');
    const result = buildInMemory(sourceFiles({ 'en/good.md': good, 'en/script-id.md': withId('javascript:alert(1)') }), config);
    expect(result.skippedFiles).toEqual(['posts/en/script-id.md']);
    for (const feed of ['en/rss.xml', 'en/atom.xml', 'en/feed.json']) {
      expect(outputOf(result, feed)).toContain('Good');
      expect(outputOf(result, feed)).not.toContain('javascript:');
    }
  });
});

describe('bidi controls', () => {
  const RLO = '\u202E';
  const payload = `Invoice ${RLO}fdp.exe`;
  /** Overrides and embeddings in every field and the body, some as characters, some as YAML escapes. */
  const spoofed = lines(
    '\n',
    '---',
    `title: "${payload}"`,
    'date: 2026-03-14',
    `summary: "Summary \\u202Dof the\\u202A case"`,
    `categories: ["Statements/${payload}"]`,
    `tags: ["${payload}", "\\u202Bembedded\\u202C"]`,
    'author:',
    `  - name: "${payload}"`,
    `image: { url: /images/a.jpg, alt: "${payload}" }`,
    '---',
    `Body ${payload} and [a link](https://example.org/) to ${payload}.`,
  );
  const arabic = lines(
    '\n',
    '---',
    // An RLM, an ALM and a balanced isolate (an English name inside Arabic): all meant, all kept.
    'title: "بيان\u200F رقم\u061C 12 عن \u2066Amnesty\u2069"',
    'date: 2026-03-14',
    // An isolate opened and never closed, and an end that closes nothing.
    'tags: ["\u2067غير مغلق", "\u2069زائد"]',
    '---',
    'فقرة \u2066open without end',
    '',
    'Second paragraph.',
  );

  it('removes overrides and embeddings from every field and the body, naming file, line and field (a list item or key as schema errors name it)', () => {
    const result = parse(spoofed);
    expect(result.post).toMatchObject({
      title: 'Invoice fdp.exe',
      summaryMarkdown: 'Summary of the case',
      categories: [['Statements', 'Invoice fdp.exe']],
      tags: ['Invoice fdp.exe', 'embedded'],
      authors: [{ name: 'Invoice fdp.exe' }],
      image: { alt: 'Invoice fdp.exe' },
    });
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^posts\/en\/example\.md:2:\d+ warning bidi override .* were removed \[title\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:4:\d+ warning bidi override .* were removed \[summary\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:5:\d+ warning bidi override .* were removed \[categories\.0\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:6:\d+ warning bidi override .* were removed \[tags\.0\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:6:\d+ warning bidi override .* were removed \[tags\.1\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:8:\d+ warning bidi override .* were removed \[author\.0\.name\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:9:\d+ warning bidi override .* were removed \[image\.alt\]$/),
        expect.stringMatching(/^posts\/en\/example\.md:11:\d+ warning bidi override .* were removed \[body\]$/),
      ]),
    );
    expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('lets no override or embedding reach any output, in any format', () => {
    const result = buildInMemory(sourceFiles({ 'en/spoofed.md': spoofed, 'ar/spoofed.md': spoofed.replace('Body', 'Arabic &#x202E;body&#8237;') }), config);
    expect(result.skippedFiles).toEqual([]);
    for (const output of result.outputs) {
      expect(output.content, output.path).not.toMatch(/[\u202A-\u202E]|&#x0*202[a-e];|&#0*82(3[4-8]);/i);
    }
    const json = JSON.parse(outputOf(result, 'en/feed.json')) as { items: { title: string; tags: string[]; authors: { name: string }[]; content_html: string }[] };
    expect(json.items[0]).toMatchObject({ title: 'Invoice fdp.exe', authors: [{ name: 'Invoice fdp.exe' }] });
    expect(json.items[0]?.content_html).toContain('Body Invoice fdp.exe');
    expect(outputOf(result, 'en/rss.xml')).toContain('<title>Invoice fdp.exe</title>');
    expect(outputOf(result, 'en/atom.xml')).toContain('<title>Invoice fdp.exe</title>');
  });

  it('keeps marks and balanced isolates, closes an open isolate and drops a stray end of isolate', () => {
    const result = parse(arabic, 'ar');
    expect(result.post?.title).toBe('بيان\u200F رقم\u061C 12 عن \u2066Amnesty\u2069');
    expect(result.post?.tags).toEqual(['\u2067غير مغلق\u2069', 'زائد']);
    expect(sortDiagnostics(result.diagnostics).map(formatDiagnostic)).toEqual([
      expect.stringMatching(/^posts\/ar\/example\.md:4:\d+ warning an unbalanced direction isolate .* \[tags\.0\]$/),
      expect.stringMatching(/^posts\/ar\/example\.md:4:\d+ warning an unbalanced direction isolate .* \[tags\.1\]$/),
      expect.stringMatching(/^posts\/ar\/example\.md:6:1 warning an unbalanced direction isolate .* \[body\]$/),
    ]);
    const built = buildInMemory(sourceFiles({ 'ar/isolates.md': arabic }), config);
    const item = (JSON.parse(outputOf(built, 'ar/feed.json')) as { items: { content_html: string }[] }).items[0];
    expect(item?.content_html).toContain('<p>فقرة \u2066open without end\u2069</p>');
  });
});
