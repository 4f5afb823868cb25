/**
 * nashra publishes exactly what its author intended: a post dated in the
 * future waits for its date, the Hugo and Jekyll ways of hiding a post are
 * honoured, and a missing alt text costs a warning, not the article.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.js';
import { parsePost } from '../src/load/parsePost.js';
import type { BuildResult } from '../src/pipeline.js';
import { jsonFeedErrors } from './support/consumers.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

const BEFORE = new Date('2026-11-01T00:00:00Z');

interface JsonFeed {
  date_modified?: string;
  items: { title: string; date_modified: string; image?: string; attachments?: { title?: string }[]; _nashra: { image_alt?: string; translations: unknown[] } }[];
}

const build = (posts: Record<string, string>, now = BEFORE, config = testConfig()) => buildInMemory(sourceFiles(posts), config, now);
const titles = (result: BuildResult, lang = 'en') => (JSON.parse(outputOf(result, `${lang}/feed.json`)) as JsonFeed).items.map((item) => item.title);
const messages = (text: string, config = testConfig()) => parsePost({ path: 'posts/en/example.md', lang: 'en', text }, config).diagnostics.map(formatDiagnostic);


describe('an image without alt text', () => {
  const withImage = post('title: Vigil\ndate: 2026-10-01T09:00:00Z\nimage:\n  url: /images/vigil.jpg\n  type: image/jpeg');

  it('is published, with a warning at the image line', () => {
    expect(messages(withImage)).toEqual([
      'posts/en/example.md:4:1 warning image.alt is missing: the image is published with an empty text alternative; describe it for readers who cannot see it [image.alt]',
    ]);
    const result = build({ 'en/vigil.md': withImage });
    expect(titles(result)).toEqual(['Vigil']);
    expect(result.skippedFiles).toEqual([]);
  });

  it('carries an empty alt and no empty titles, in feeds that still validate', () => {
    const result = build({ 'en/vigil.md': withImage });
    const json = outputOf(result, 'en/feed.json');
    const item = (JSON.parse(json) as JsonFeed).items[0];
    expect(item?.image).toBe('https://rights.example.org/images/vigil.jpg');
    expect(item?._nashra.image_alt).toBe('');
    expect(item?.attachments?.[0]).not.toHaveProperty('title');
    expect(jsonFeedErrors(json)).toEqual([]);
    expect(outputOf(result, 'en/atom.xml')).toMatch(/<link rel="enclosure" href="https:\/\/rights.example.org\/images\/vigil.jpg" type="image\/jpeg"\/>/);
    for (const path of ['en/atom.xml', 'en/rss.xml']) {
      expect(outputOf(result, path)).toContain('<media:content url="https://rights.example.org/images/vigil.jpg" medium="image" type="image/jpeg"/>');
    }
  });
});
