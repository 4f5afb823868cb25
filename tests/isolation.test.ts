/**
 * One post never stops the others: whatever one post's body does to the
 * renderer (nesting thousands of levels deep, or anything that throws), that
 * post is named in a diagnostic with its file and line, and every other post
 * is published.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { flattenNesting } from '../src/render/nesting.js';
import { buildInMemory, outputOf, post, sourceFiles, testConfig } from './support/site.js';

/** A body that makes the Markdown renderer throw, whatever the reason (see the mock below). */
const EXPLODES = 'EXPLODE-THE-RENDERER';

vi.mock('../src/render/markdown.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/render/markdown.js')>();
  return {
    ...original,
    markdownToHtml: (source: string) => {
      if (source.includes(EXPLODES)) throw new RangeError('Maximum call stack size exceeded');
      return original.markdownToHtml(source);
    },
  };
});

const ORDINARY = {
  'en/ordinary.md': post('title: An ordinary statement\ndate: 2026-03-01'),
  'ar/ordinary.md': post('title: بيان عادي\ndate: 2026-03-01', 'فقرة عادية عن عمل المركز.\n'),
};

function build(posts: Record<string, string>, config = testConfig()) {
  return buildInMemory(sourceFiles({ ...ORDINARY, ...posts }), config);
}

function titlesIn(rss: string): string[] {
  return [...rss.matchAll(/<item>[\s\S]*?<title>([^<]*)<\/title>/g)].map((match) => match[1] ?? '');
}

function about(diagnostics: readonly Diagnostic[], file: string): Diagnostic[] {
  return diagnostics.filter((d) => d.file === `posts/${file}`);
}

describe('deep nesting', () => {
  // The body starts on line 5; the warning names the first line nested past 50 levels.
  const shapes: Record<string, { body: string; line: number }> = {
    'thousands of nested quotes': { body: `${'> '.repeat(5000)}deep\n`, line: 5 },
    'thousands of nested list items': { body: `${'- '.repeat(5000)}deep\n`, line: 5 },
    'quotes and lists nested in turn': { body: `${'> - '.repeat(3000)}deep\n`, line: 5 },
    // Two columns a level: level 101 is the first indented past 50 levels of four columns.
    'a list nested by indentation alone': { body: `${Array.from({ length: 2000 }, (_, level) => `${'  '.repeat(level)}- deep`).join('\n')}\n`, line: 5 + 101 },
  };
  for (const [shape, { body, line }] of Object.entries(shapes)) {
    it(`publishes a post of ${shape} flattened, with a warning at its body's line, beside the other posts`, () => {
      const result = build({ 'en/deep.md': post('title: Deep\ndate: 2026-03-02', body) });
      expect(titlesIn(outputOf(result, 'en/rss.xml'))).toEqual(['Deep', 'An ordinary statement']);
      expect(titlesIn(outputOf(result, 'ar/rss.xml'))).toEqual(['بيان عادي']);
      expect(outputOf(result, 'en/rss.xml')).toContain('deep');
      expect(about(result.diagnostics, 'en/deep.md')).toEqual([
        expect.objectContaining({ line, severity: 'warning', field: 'body', message: expect.stringContaining('limits.nestingDepth') }),
      ]);
    });
  }

  it('keeps nesting up to the configured depth and flattens only what is deeper', () => {
    expect(flattenNesting('> > > three', 3)).toEqual({ markdown: '> > > three' });
    expect(flattenNesting('intro\n> > > > four', 3)).toEqual({ markdown: 'intro\n> > > four', firstFlattenedLine: 2 });
    expect(flattenNesting('- - - - - x', 2).markdown).toBe('- - x');
  });

  it('leaves code blocks as written', () => {
    const code = '```\n> > > > > quoted in code\n```';
    expect(flattenNesting(code, 2)).toEqual({ markdown: code });
  });
});

describe('a body the renderer cannot handle', () => {
  it('skips a post whose opening cannot be rendered, with an error at the first line of its body, and publishes the others', () => {
    const result = build({ 'en/broken.md': post('title: Broken\ndate: 2026-03-02\ntags: [a]', `${EXPLODES}\n`) });
    expect(titlesIn(outputOf(result, 'en/rss.xml'))).toEqual(['An ordinary statement']);
    expect(result.skippedFiles).toEqual(['posts/en/broken.md']);
    expect(about(result.diagnostics, 'en/broken.md')).toEqual([
      expect.objectContaining({ line: 6, column: 1, severity: 'error', field: 'body', message: expect.stringMatching(/nested too deeply.*skipped/) }),
    ]);
  });

  it('publishes a post whose full text cannot be rendered with its summary as content, and reports an error', () => {
    const opening = 'An opening paragraph that the summary is made of, long enough to fill it. '.repeat(20);
    const result = build({ 'en/late.md': post('title: Late\ndate: 2026-03-02', `${opening}\n\n${EXPLODES}\n`) });
    const rss = outputOf(result, 'en/rss.xml');
    expect(titlesIn(rss)).toEqual(['Late', 'An ordinary statement']);
    expect(rss).not.toContain(EXPLODES);
    expect(about(result.diagnostics, 'en/late.md')).toEqual([
      expect.objectContaining({ severity: 'error', field: 'body', message: expect.stringContaining('carry the summary instead of the full text') }),
    ]);
  });
});
