/** The load stage: one schema at the door, diagnostics that point at the line and column of the field. */
import { describe, expect, it, vi } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { assembleCollection } from '../src/load/collection.js';
import { parsePost } from '../src/load/parsePost.js';
import { bodyReader } from '../src/load/bodies.js';
import { memorySource, SourceChangedError, type PostSource } from '../src/load/source.js';
import { loadPosts } from '../src/load/loadPosts.js';
import { planSite } from '../src/pipeline.js';
import type { Post } from '../src/model.js';
import { TermIndex } from '../src/relate/terms.js';
import { post, sourceFiles, testConfig } from './support/site.js';

const config = testConfig();
const parse = (text: string, path = 'posts/en/example.md', lang = 'en') => parsePost({ path, lang, text }, config);
const messages = (text: string, path?: string, lang?: string) => parse(text, path, lang).diagnostics.map(formatDiagnostic);
const valid = (text: string, path?: string, lang?: string): Post => {
  const result = parse(text, path, lang);
  if (!result.post) throw new Error(`expected a valid post, got ${result.diagnostics.map(formatDiagnostic).join('\n')}`);
  return result.post;
};

describe('front matter', () => {
  it('reads every documented field', () => {
    const result = valid(
      post(`
title: "Joint statement: release them"
date: 2026-03-14T09:00:00+03:00
updated: 2026-03-15T10:00:00+03:00
translationKey: release-them
slug: release-them-now
id: "urn:uuid:6f1c1d4e-8a57-4a53-9d1e-0c1b2b8e7a10"
summary: "A **short** summary."
categories: ["Statements/Joint Statements", Reports]
tags: [detention, journalists, detention]
author:
  - name: Lina Haddad
    url: https://rights.example.org/en/about/
  - Omar Khalil
image: { url: /images/vigil.jpg, alt: "A vigil", type: image/jpeg, size: 1234 }
canonical: https://rights.example.org/en/statements/release-them-now/
unknownButHarmless: kept out of the way
`),
    );
    expect(result).toMatchObject({
      title: 'Joint statement: release them',
      slug: 'release-them-now',
      id: 'urn:uuid:6f1c1d4e-8a57-4a53-9d1e-0c1b2b8e7a10',
      url: 'https://rights.example.org/en/statements/release-them-now/',
      translationKey: 'release-them',
      summaryMarkdown: 'A **short** summary.',
      categories: [['Statements', 'Joint Statements'], ['Reports']],
      tags: ['detention', 'journalists'],
      authors: [{ name: 'Lina Haddad', url: 'https://rights.example.org/en/about/' }, { name: 'Omar Khalil' }],
      image: { url: '/images/vigil.jpg', alt: 'A vigil', type: 'image/jpeg', size: 1234 },
      draft: false,
    });
    expect(result.date.toISOString()).toBe('2026-03-14T06:00:00.000Z');
    expect(result.updated?.toISOString()).toBe('2026-03-15T07:00:00.000Z');
  });

  it('reads a date or date-time without an offset in the site time zone, across daylight saving time', () => {
    // Asia/Amman is UTC+3 all year since 2022; use a zone with DST to see both offsets.
    const berlin = testConfig({ timeZone: 'Europe/Berlin' });
    const at = (value: string) => parsePost({ path: 'posts/en/x.md', lang: 'en', text: post(`title: T\ndate: ${value}`) }, berlin).post?.date.toISOString();
    expect(at('2026-01-15')).toBe('2026-01-14T23:00:00.000Z');
    expect(at('2026-07-15T09:30:00')).toBe('2026-07-15T07:30:00.000Z');
    expect(at('2026-07-15T09:30:00Z')).toBe('2026-07-15T09:30:00.000Z');
  });

  it('defaults the slug to the file name and percent-encodes an Arabic slug in the URL', () => {
    expect(valid(post('title: T\ndate: 2026-01-01')).url).toBe('https://rights.example.org/en/posts/example/');
    const arabic = valid(post('title: ت\ndate: 2026-01-01\nslug: بيان-مشترك\ncategories: أخبار'), 'posts/ar/x.md', 'ar');
    expect(arabic.url).toBe(`https://rights.example.org/ar/${encodeURIComponent('أخبار')}/${encodeURIComponent('بيان-مشترك')}/`);
  });

  it('uses the configured stable slug of a category in URLs', () => {
    const withSlugs = testConfig({ categorySlugs: { بيانات: 'statements' } });
    const result = parsePost({ path: 'posts/ar/x.md', lang: 'ar', text: post('title: ت\ndate: 2026-01-01\ncategories: بيانات/بيانات مشتركة') }, withSlugs);
    expect(result.post?.url).toBe('https://rights.example.org/ar/statements/x/');
  });
});

describe('diagnostics', () => {
  it('points at the value of an impossible date', () => {
    expect(messages(post('title: T\ndate: 2026-02-30'))).toEqual([
      'posts/en/example.md:3:7 error date "2026-02-30" is not a valid date (expected ISO 8601, such as 2026-03-14 or 2026-03-14T09:00:00+03:00) [date]',
    ]);
  });

  it('names missing required fields', () => {
    expect(messages(post('tags: [a]'))).toEqual([
      'posts/en/example.md:2:1 error title is required [title]',
      'posts/en/example.md:2:1 error date is required [date]',
    ]);
  });

  it('warns about a near-miss of a known key and suggests it, but still publishes', () => {
    const result = parse(post('title: T\ndate: 2026-01-01\ncategroies: [News]\ntittle: typo'));
    expect(result.post).toBeDefined();
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/example.md:4:1 warning unknown field "categroies" is ignored; did you mean "categories"? [categroies]',
      'posts/en/example.md:5:1 warning unknown field "tittle" is ignored; did you mean "title"? [tittle]',
    ]);
  });

  it('never runs JavaScript front matter', () => {
    const marker = '__nashraFrontMatterRan';
    const text = `---js\n{ title: (globalThis.${marker} = true, 'x'), date: '2026-01-01' }\n---\nbody`;
    expect(messages(text)).toEqual([
      'posts/en/example.md:1:1 error front matter written in JavaScript is not allowed; use YAML between --- lines [front-matter]',
    ]);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
    expect(messages('---javascript\n{}\n---\n')[0]).toContain('JavaScript is not allowed');
  });

  it('refuses YAML tags that construct functions, binaries or objects', () => {
    expect(messages(post('title: !!js/function "function () { return 1 }"\ndate: 2026-01-01'))).toEqual([
      'posts/en/example.md:2:8 error YAML tag "!!js/function" is not allowed: front matter is plain data [yaml]',
    ]);
    expect(messages(post('title: T\ndate: 2026-01-01\nimage: !!binary aGVsbG8='))[0]).toContain('YAML tag "!!binary" is not allowed');
  });

  it('refuses aliases repeated to exhaust memory (billion laughs) with a message saying so, at the first alias', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdef'[index]}`).join(', ')}]`)];
    expect(messages(post(`title: T\ndate: 2026-01-01\n${levels.join('\n')}`))).toEqual([
      'posts/en/example.md:5:8 error the front matter repeats values through aliases (*name) too many times, as a document made to exhaust memory does; write the values out [yaml]',
    ]);
    // A few aliases, as an editor uses them, are read.
    expect(parse(post('title: T\ndate: 2026-01-01\nauthor: &org Wahat Centre\nsignatories: [*org]')).post?.signatories).toEqual([{ name: 'Wahat Centre' }]);
  });

  it('reports broken YAML with its line', () => {
    const [first] = messages(post('title: T\ndate: 2026-01-01\ntags: [a, b\nsummary: x'));
    expect(first).toMatch(/^posts\/en\/example\.md:\d+:\d+ error invalid YAML: .+ \[yaml\]$/);
  });

  it('refuses front matter that is never closed, rather than publish the post without its body', () => {
    const unclosed = 'posts/en/example.md:1:1 error the front matter is never closed: end it with a --- line before the body [front-matter]';
    // Half-written, as an editor saves it: the body's `# Heading` is a YAML comment and `Note: ...` a key.
    expect(messages('---\ntitle: T\ndate: 2026-01-01\n\n# Heading\n\nNote: the trial opens today.\n')).toEqual([unclosed]);
    expect(messages('---\ntitle: T\ndate: 2026-01-01\n')).toEqual([unclosed]);
    expect(messages('---\ntitle: T\ndate: 2026-01-01\n\nThe centre said today that the trial was unfair.\n')).toEqual([unclosed]);
    expect(parse('---\ntitle: T\ndate: 2026-01-01\n---').post?.title).toBe('T');
  });

  it('warns when front matter left open is closed by a rule further down: the lead read as a key would be lost silently', () => {
    const text = '---\ntitle: Statement on the arrests\ndate: 2026-03-01T09:00:00Z\n\nGeneva, 3 March: The Centre condemns the arrest of five defenders.\n\n---\n\nPress contact: press@example.org\n';
    expect(messages(text)).toEqual([
      'posts/en/example.md:5:1 warning the key "Geneva, 3 March" reads as a sentence, and nashra reads no such field, so it is not published: is the front matter closed with --- where the body should start? [Geneva, 3 March]',
    ]);
    // A key of one or two words is a field of the author's own, as other tools' front matter has.
    expect(messages(post('title: T\ndate: 2026-01-01\nphoto credit: Wahat Centre\nlayout: post'))).toEqual([]);
  });

  it('warns when the line closing the front matter holds more than ---: the rest starts the body', () => {
    expect(messages('---\ntitle: T\ndate: 2026-01-01\n----\n\nThe body.\n')).toEqual([
      'posts/en/example.md:4:4 warning the line that closes the front matter holds more than ---: "-" is read as the start of the body [front-matter]',
    ]);
    expect(messages('---\ntitle: T\ndate: 2026-01-01\n---  \n\nThe body.\n')).toEqual([]);
  });

  it('requires front matter', () => {
    expect(messages('Just a body.')).toEqual([
      'posts/en/example.md:1:1 error missing front matter: start the file with a --- line, then title and date [front-matter]',
    ]);
  });

  it('rejects an id that is not a URI and an expiry before the embargo', () => {
    expect(messages(post('title: T\ndate: 2026-01-01\nid: abc123'))[0]).toContain(':4:5 error id must be an http(s) URL, a urn: URN or a tag: URI');
    expect(messages(post('title: T\ndate: 2026-01-01\npublishAt: 2026-02-01\nexpires: 2026-01-15'))).toEqual([
      'posts/en/example.md:5:10 error expires must be later than publishAt [expires]',
    ]);
  });

  it('removes control characters with a warning, keeping the post', () => {
    const result = parse(post('title: "Bad\u0007 bell"\ndate: 2026-01-01'));
    expect(result.post?.title).toBe('Bad bell');
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/example.md:2:12 warning control characters that cannot appear in a feed were removed [encoding]',
    ]);
  });

  it('says so too when the control character or lone surrogate was written as a YAML escape, at its field', () => {
    const result = parse(post('title: "Trial\\x07 of \\ud800 the ten"\ndate: 2026-01-01\nsummary: "A \\u0000 summary"'));
    expect(result.post?.title).toBe('Trial of the ten');
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/example.md:2:8 warning control characters that cannot appear in a feed were removed [title]',
      'posts/en/example.md:4:10 warning control characters that cannot appear in a feed were removed [summary]',
    ]);
  });
});

describe('the collection', () => {
  it('skips the later of two posts at one URL and of two posts of one language sharing a translation key', () => {
    const first = valid(post('title: A\ndate: 2026-01-01\ntranslationKey: k'), 'posts/en/a.md');
    const sameUrl = valid(post('title: B\ndate: 2026-01-02\nslug: a'), 'posts/en/b.md');
    const sameKey = valid(post('title: C\ndate: 2026-01-03\ntranslationKey: k'), 'posts/en/c.md');
    const translation = valid(post('title: ت\ndate: 2026-01-01\ntranslationKey: k'), 'posts/ar/a.md', 'ar');
    const collection = assembleCollection([sameKey, translation, sameUrl, first]);
    expect(collection.posts.map((p) => p.sourcePath)).toEqual(['posts/ar/a.md', 'posts/en/a.md']);
    expect(collection.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/en/b.md:4:7 error URL https://rights.example.org/en/posts/a/ is already used by posts/en/a.md; this post is skipped [slug]',
      'posts/en/c.md:4:17 error translationKey "k" is already used by posts/en/a.md in the same language; this post is skipped [translationKey]',
    ]);
  });
});

describe('bodies read back from the source', () => {
  const config = testConfig();
  // Long enough that the closing paragraph lies beyond what the summary is made from.
  const body = `${'The hearing of the **teachers** was postponed again. '.repeat(40)}\n\nA closing line that only the body holds.\n`;
  const text = post('title: Court hearing postponed\ndate: 2026-03-01', body);
  const files = sourceFiles({ 'en/hearing.md': text });

  it('are the body the post was loaded from, and the post itself keeps no body', () => {
    const [loaded] = loadPosts(files, config).posts;
    expect(loaded).toBeDefined();
    expect(JSON.stringify(loaded)).not.toContain('closing line');
    expect(bodyReader(memorySource(files))(loaded as Post)).toBe(body);
  });

  it('are refused when the file changed after loading, naming the file', () => {
    const [loaded] = loadPosts(files, config).posts;
    const edited = memorySource(sourceFiles({ 'en/hearing.md': text.replace('again', 'once more') }));
    expect(() => bodyReader(edited)(loaded as Post)).toThrow(SourceChangedError);
    expect(() => bodyReader(edited)(loaded as Post)).toThrow(/posts\/en\/hearing\.md changed during the build/);
  });

  it('stop a build before its first output when a file changed mid-build', () => {
    const source = memorySource(files);
    const changing: PostSource = { files: source.files, read: (path) => `${source.read(path)}\nA late edit.` };
    const plan = planSite(changing, config, new Date('2026-11-01T00:00:00Z'));
    const produced: string[] = [];
    expect(() => {
      for (const output of plan.outputs) produced.push(output.path);
    }).toThrow(SourceChangedError);
    expect(produced).toEqual([]);
  });
});

describe('loading for nashra check', () => {
  it('counts no terms: only a build relates articles', () => {
    const add = vi.spyOn(TermIndex.prototype, 'add');
    const count = vi.spyOn(TermIndex.prototype, 'count');
    try {
      const loaded = loadPosts(sourceFiles({ 'en/a.md': post('title: Court hearing postponed\ndate: 2026-03-01') }), testConfig());
      expect(loaded.posts).toHaveLength(1);
      expect(add).not.toHaveBeenCalled();
      expect(count).not.toHaveBeenCalled();
    } finally {
      add.mockRestore();
      count.mockRestore();
    }
  });
});
