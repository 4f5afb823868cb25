/**
 * Posts written for Hugo or Jekyll carry fields nashra names otherwise: a
 * `description` (Hugo, Jekyll) or `excerpt` (Jekyll) is the summary when no
 * `summary` is given, and a `lang` or `permalink` that nashra does not follow
 * is said at its line rather than ignored in silence. Jekyll's dates
 * (`2026-03-04 10:00:00 +0300`) are read as written.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { parsePost } from '../src/load/parsePost.js';
import { post, testConfig } from './support/site.js';

const load = (frontMatter: string, path = 'posts/en/x.md') => parsePost({ path, lang: path.split('/')[1] ?? 'en', text: post(frontMatter, 'The body opens with a sentence that is not the summary.\n') }, testConfig());

describe('fields of other tools', () => {
  it('takes description, then excerpt, as the summary when summary is not given', () => {
    expect(load('title: T\ndate: 2026-03-04\ndescription: Written for Hugo.').post?.summaryText).toBe('Written for Hugo.');
    expect(load('title: T\ndate: 2026-03-04\nexcerpt: Written for Jekyll.').post?.summaryText).toBe('Written for Jekyll.');
    const both = load('title: T\ndate: 2026-03-04\nsummary: Ours.\ndescription: Theirs.');
    expect(both.post?.summaryText).toBe('Ours.');
    expect(both.diagnostics.map(formatDiagnostic)).toEqual(['posts/en/x.md:5:14 warning description is ignored: the summary is taken from summary [description]']);
  });

  it('says that a lang other than the folder\'s, and a permalink, are not followed', () => {
    const loaded = load('title: T\ndate: 2026-03-04\nlang: fr\npermalink: /2026/03/x.html', 'posts/ar/x.md');
    expect(loaded.post).toBeDefined();
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      'posts/ar/x.md:4:7 warning lang "fr" is ignored: a post\'s language is its folder\'s (posts/ar/) [lang]',
      "posts/ar/x.md:5:12 warning permalink is ignored: article URLs come from the language's urlPattern and the post's slug; set slug, or canonical for the address of an original published elsewhere [permalink]",
    ]);
    expect(load('title: T\ndate: 2026-03-04\nlang: en').diagnostics).toEqual([]);
  });

  it('reads a Jekyll date, with a space before its offset, as the instant it names', () => {
    expect(load('title: T\ndate: 2026-03-04 10:00:00 +0300').post?.date.toISOString()).toBe('2026-03-04T07:00:00.000Z');
    expect(load('title: T\ndate: 2026-03-04 10:00:00 -0500').post?.date.toISOString()).toBe('2026-03-04T15:00:00.000Z');
  });
});
