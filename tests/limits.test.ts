/**
 * Limits that hold whatever a post is made of: raw HTML nested thousands of
 * elements deep is cut to a depth like Markdown is, an author's summary of
 * any length costs what a short one costs, and each cut is a warning at the
 * field it was made in.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { englishText } from '../src/i18n/message.js';
import { elementDepthLimit, renderBody, renderSummary } from '../src/render/article.js';
import type { Post } from '../src/model.js';
import { elementNesting as nesting } from './support/htmlNesting.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

/** The length of every Markdown text handed to the parser, so a test can see what was rendered. */
const parsed = vi.hoisted(() => ({ lengths: [] as number[] }));
vi.mock('../src/render/markdown.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/render/markdown.js')>();
  return {
    ...original,
    markdownToHtml: (source: string) => {
      parsed.lengths.push(source.length);
      return original.markdownToHtml(source);
    },
  };
});

const LIMITS = testConfig().limits;
const DEPTH = elementDepthLimit(LIMITS);
const ARTICLE = { url: 'https://rights.example.org/en/x/' } as Post;

function about(diagnostics: readonly Diagnostic[], file: string): Diagnostic[] {
  return diagnostics.filter((d) => d.file === `posts/${file}`);
}

describe('raw HTML nested deeper than the limit', () => {
  const shapes: Record<string, string> = {
    '2,000 nested divs': `${'<div>'.repeat(2000)}Deep inside.${'</div>'.repeat(2000)}`,
    '5,000 spans never closed': `${'<span>'.repeat(5000)}Deep inside.`,
    '3,000 blockquotes never closed': `${'<blockquote>'.repeat(3000)}Deep inside.`,
    'a list nested 3,000 times': `${'<ul><li>'.repeat(3000)}Deep inside.${'</li></ul>'.repeat(3000)}`,
  };
  for (const [shape, body] of Object.entries(shapes)) {
    it(`is unwrapped past ${DEPTH} elements, every element closed and the text kept: ${shape}`, () => {
      const { html, warnings } = renderBody(ARTICLE.url, body, LIMITS);
      expect(nesting(html)).toEqual({ deepest: DEPTH, leftOpen: 0 });
      expect(html).toContain('Deep inside.');
      expect(warnings.map(englishText)).toEqual([expect.stringContaining('limits.nestingDepth')]);
    });
  }

  it('is the depth Markdown nested to limits.nestingDepth renders to, so Markdown alone is never cut by it', () => {
    const list = Array.from({ length: LIMITS.nestingDepth }, (_, level) => `${'  '.repeat(level)}- level ${level + 1} with **bold _[a link](https://example.org/)_**`).join('\n');
    const { html, warnings } = renderBody(ARTICLE.url, list, LIMITS);
    expect(nesting(html).deepest).toBeGreaterThanOrEqual(2 * LIMITS.nestingDepth);
    expect(html).toContain(`level ${LIMITS.nestingDepth} with <strong>bold <em><a href="https://example.org/">a link</a></em></strong>`);
    expect(warnings).toEqual([]);
  });

  it('follows limits.nestingDepth', () => {
    const limits = { ...LIMITS, nestingDepth: 5 };
    const { html } = renderBody(ARTICLE.url, `${'<div>'.repeat(100)}x`, limits);
    expect(nesting(html).deepest).toBe(elementDepthLimit(limits));
    expect(elementDepthLimit(limits)).toBe(20);
  });

  it('publishes the post flattened, in its content and its summary, with one warning naming the body and the limit', () => {
    const result = buildInMemory(sourceFiles({ 'en/deep.md': post('title: Deep\ndate: 2026-03-02', `${'<span>'.repeat(5000)}Still readable.\n`) }), testConfig());
    const rss = outputOf(result, 'en/rss.xml');
    expect(rss).toContain('Still readable.');
    expect(rss).not.toContain('<span>'.repeat(DEPTH + 1));
    expect(rss).not.toContain('&lt;span&gt;'.repeat(DEPTH + 1));
    expect(about(result.diagnostics, 'en/deep.md')).toEqual([
      expect.objectContaining({ severity: 'warning', field: 'body', message: expect.stringMatching(/deeper than 110 levels.*limits\.nestingDepth/) }),
    ]);
  });
});

describe("an author's own summary", () => {
  const config = testConfig();
  const shown = 3 * config.feeds.summaryLength;

  it('is rendered from its opening only, however long it is', () => {
    parsed.lengths.length = 0;
    const summaryMarkdown = `Opening words. ${'_a'.repeat(1_000_000)}`;
    const { html } = renderSummary({ summaryMarkdown, bodyMarkdown: 'Body.', url: ARTICLE.url, lang: 'en' }, config);
    expect(Math.max(...parsed.lengths)).toBeLessThanOrEqual(shown * 8);
    expect(html).toMatch(/^<p>Opening words\. /);
  });

  it('is shown whole, without a warning, when it fits', () => {
    const { html, warnings } = renderSummary({ summaryMarkdown: 'The centre calls for their release.', bodyMarkdown: 'Body.', url: ARTICLE.url, lang: 'en' }, config);
    expect(html).toBe('<p>The centre calls for their release.</p>');
    expect(warnings).toEqual([]);
  });

  it('is cut with a warning at the summary line when longer than what is shown', () => {
    const summary = 'A summary sentence that goes on. '.repeat(60);
    const result = buildInMemory(sourceFiles({ 'en/long.md': post(`title: Long summary\ndate: 2026-03-02\nsummary: ${summary}`) }), config);
    expect(outputOf(result, 'en/rss.xml')).toContain('A summary sentence that goes on.');
    expect(about(result.diagnostics, 'en/long.md')).toEqual([
      expect.objectContaining({ line: 4, severity: 'warning', field: 'summary', message: expect.stringContaining(`longer than the ${shown} characters shown`) }),
    ]);
  });
});
