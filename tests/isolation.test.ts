/**
 * One post never stops the others: whatever one post's body does to the
 * renderer (nesting thousands of levels deep, or anything that throws), that
 * post is named in a diagnostic with its file and line, and every other post
 * is published.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Diagnostic } from '../src/diagnostics.js';
import { countWords, renderSummary } from '../src/render/article.js';
import { flattenNesting } from '../src/render/nesting.js';
import { buildInMemory, outputOf, post, runCli, siteOnDisk, sourceFiles, testConfig } from './support/site.js';

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
    // Two columns a level: the item on the body's 51st line is the first past 50 levels.
    'a list nested by indentation alone': { body: `${Array.from({ length: 2000 }, (_, level) => `${'  '.repeat(level)}- deep`).join('\n')}\n`, line: 5 + 50 },
  };
  for (const [shape, { body, line }] of Object.entries(shapes)) {
    it(`publishes a post of ${shape} flattened, with a warning at its body's line, beside the other posts`, () => {
      // Room for 2,000 levels of indentation (4 MB), past what a stack holds.
      const result = build({ 'en/deep.md': post('title: Deep\ndate: 2026-03-02', body) }, testConfig({ limits: { fileBytes: 8_000_000 } }));
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

  it('counts the levels of a list nested by indentation, and names the first item past the limit', () => {
    const list = ['Intro.', '', '- one', '  - two', '    - three', '      - four', '        text of four', '    - three again', '- one again'].join('\n');
    expect(flattenNesting(list, 3)).toEqual({
      markdown: ['Intro.', '', '- one', '  - two', '    - three', '      four', '      text of four', '    - three again', '- one again'].join('\n'),
      firstFlattenedLine: 6,
    });
    expect(flattenNesting(list, 4)).toEqual({ markdown: list });
  });

  it('counts list items nested by indentation and by markers on one line together', () => {
    expect(flattenNesting('- one\n  - - - four', 3)).toEqual({ markdown: '- one\n  - - four', firstFlattenedLine: 2 });
    expect(flattenNesting('1. one\n   10. two\n       - three', 2)).toEqual({ markdown: '1. one\n   10. two\n       three', firstFlattenedLine: 3 });
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

describe('limits', () => {
  const FIVE_MB_BODY = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(40)}\n\n`.repeat(2200);

  it('skips a file larger than limits.fileBytes with an error naming the file, and publishes the others', () => {
    const result = build({ 'en/huge.md': post('title: Huge\ndate: 2026-03-02', FIVE_MB_BODY) });
    expect(FIVE_MB_BODY.length).toBeGreaterThan(5_000_000);
    expect(titlesIn(outputOf(result, 'en/rss.xml'))).toEqual(['An ordinary statement']);
    expect(about(result.diagnostics, 'en/huge.md')).toEqual([
      expect.objectContaining({ line: 1, column: 1, severity: 'error', field: 'file', message: expect.stringContaining('limits.fileBytes (2097152)') }),
    ]);
  });

  it('publishes the same file when limits.fileBytes allows it', () => {
    const result = build({ 'en/huge.md': post('title: Huge\ndate: 2026-03-02', FIVE_MB_BODY) }, testConfig({ limits: { fileBytes: 8_000_000 } }));
    expect(titlesIn(outputOf(result, 'en/rss.xml'))).toEqual(['Huge', 'An ordinary statement']);
    expect(result.diagnostics).toEqual([]);
  });

  it('skips a title longer than limits.titleLength, and too many tags, with an error at the field', () => {
    const result = build(
      {
        'en/long-title.md': post(`title: ${'Word '.repeat(2000).trim()}\ndate: 2026-03-02`),
        'en/many-tags.md': post(`title: Many tags\ndate: 2026-03-02\ntags: [${Array.from({ length: 5 }, (_, i) => `t${i}`).join(', ')}]`),
      },
      testConfig({ limits: { tags: 4 } }),
    );
    expect(titlesIn(outputOf(result, 'en/rss.xml'))).toEqual(['An ordinary statement']);
    expect(about(result.diagnostics, 'en/long-title.md')).toEqual([
      expect.objectContaining({ line: 2, severity: 'error', field: 'title', message: 'title must be at most 500 characters (limits.titleLength); it has 9999' }),
    ]);
    expect(about(result.diagnostics, 'en/many-tags.md')).toEqual([
      expect.objectContaining({ line: 4, severity: 'error', field: 'tags', message: 'tags must be at most 4 (limits.tags); there are 5' }),
    ]);
  });

  it('publishes an Arabic post made of one 60,000-letter word', () => {
    const result = build({ 'ar/word.md': post('title: كلمة\ndate: 2026-03-02', `${'ب'.repeat(60_000)}\n`) });
    expect(titlesIn(outputOf(result, 'ar/rss.xml'))).toEqual(['كلمة', 'بيان عادي']);
    expect(outputOf(result, 'ar/rss.xml')).toContain('ب'.repeat(60_000));
    expect(result.diagnostics).toEqual([]);
  });
});

describe('nashra build on the hostile posts of issue 14 beside ordinary ones', () => {
  it('publishes every ordinary post, names every hostile one, and exits 1', async () => {
    const site = await siteOnDisk({
      ...ORDINARY,
      'en/long-title.md': post(`title: ${'Word '.repeat(2000).trim()}\ndate: 2026-03-02`),
      'en/huge.md': post('title: Huge\ndate: 2026-03-02', 'Lorem ipsum dolor sit amet. '.repeat(200_000)),
      'ar/word.md': post('title: كلمة\ndate: 2026-03-02', `${'ب'.repeat(60_000)}\n`),
      'en/quotes.md': post('title: Quotes\ndate: 2026-03-02', `${'> '.repeat(5000)}deep\n`),
      'en/lists.md': post('title: Lists\ndate: 2026-03-02', `${'- '.repeat(5000)}deep\n`),
      'en/html.md': post('title: Html\ndate: 2026-03-02', `${'<div>'.repeat(5000)}deep${'</div>'.repeat(5000)}\n`),
    });
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('posts/en/long-title.md:2:8 error title must be at most 500 characters');
    expect(run.stderr).toContain('posts/en/huge.md:1:1 error the file is');
    expect(run.stderr).toContain('posts/en/quotes.md:5:1 warning quotes or lists nested deeper than 50 levels');
    expect(run.stderr).toContain('posts/en/lists.md:5:1 warning quotes or lists nested deeper than 50 levels');
    expect(titlesIn(await readFile(join(site, 'feeds/en/rss.xml'), 'utf8'))).toEqual(['Html', 'Lists', 'Quotes', 'An ordinary statement']);
    expect(titlesIn(await readFile(join(site, 'feeds/ar/rss.xml'), 'utf8'))).toEqual(['كلمة', 'بيان عادي']);
    await rm(site, { recursive: true });
  });

  it('keeps a published post published in its last version when its file grows past limits.fileBytes', async () => {
    const site = await siteOnDisk({ ...ORDINARY, 'en/growing.md': post('title: Growing\ndate: 2026-03-02', 'The published text.\n') });
    expect((await runCli(['build'], site)).code).toBe(0);
    await writeFile(join(site, 'posts/en/growing.md'), post('title: Grown\ndate: 2026-03-02', 'Lorem ipsum dolor sit amet. '.repeat(100_000)));
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('posts/en/growing.md:1:1 error the file is');
    expect(run.stderr).toContain('stays published');
    const rss = await readFile(join(site, 'feeds/en/rss.xml'), 'utf8');
    expect(titlesIn(rss)).toEqual(['Growing', 'An ordinary statement']);
    expect(rss).toContain('The published text.');
    await rm(site, { recursive: true });
  });
});

describe('text shaped to make the loader backtrack', () => {
  it('counts the words of a text of half a million unclosed < or ](', () => {
    expect(countWords(`${'<'.repeat(500_000)} two words`)).toBe(2);
    expect(countWords(`${']('.repeat(250_000)} two words`)).toBe(2);
    expect(countWords('a <b>bold</b> [link](https://example.org/) here')).toBe(4);
  });

  it('summarises one paragraph of 200,000 characters of emphasis markers from its start alone', () => {
    const bodyMarkdown = `Opening words. ${'_a'.repeat(100_000)}`;
    const summary = renderSummary({ bodyMarkdown, url: 'https://rights.example.org/en/x/', lang: 'en' }, testConfig());
    expect(summary.html).toBe('<p>Opening words. <em>…</em></p>');
  });
});
