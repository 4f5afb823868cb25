/**
 * One post's full text never holds the build: bodies render on worker
 * threads, and a body that takes longer than `limits.renderMs` is given up
 * with an error naming its file, while the other posts render in full.
 * Worker threads run compiled JavaScript, so these tests go through dist/
 * (`npm test` compiles it first; run `npm run build:ts` when running them alone).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { englishText } from '../src/i18n/message.js';
import { readOutputManifest } from '../src/write/output.js';
import type * as BoundedModule from '../src/render/bounded.js';
import { startRenderThreads as startRenderThreadsFromSource } from '../src/render/bounded.js';
import { post, runCli, siteOnDisk, testConfig } from './support/site.js';

const built = fileURLToPath(new URL('../dist/render/bounded.js', import.meta.url));
if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build:ts first`);
const { startRenderThreads } = (await import(built)) as typeof BoundedModule;

/**
 * Emphasis markers that never close: `marked` matches each against the rest
 * of the paragraph, so the work grows with the square of its length (100,000
 * characters take seconds; these 400,000 take about a minute).
 */
const QUADRATIC_BODY = `Opening words of a statement.\n\n${'_a'.repeat(200_000)}\n`;
const ORDINARY_BODY = 'The centre documented **forty** cases this year.\n';
const PAGE = 'https://rights.example.org/en/news/x/';

const limits = (renderMs: number) => ({ ...testConfig().limits, renderMs });

function renderAll(bodies: Record<string, string>, renderMs: number, start = startRenderThreads, threadCount = 2): Map<string, BoundedModule.RenderOutcome> {
  const outcomes = new Map<string, BoundedModule.RenderOutcome>();
  const threads = start(limits(renderMs), { expected: Object.keys(bodies).length, threads: threadCount });
  try {
    const jobs = Object.entries(bodies).map(([key, markdown]) => ({ key, read: () => ({ markdown, pageUrl: PAGE }) }));
    threads.renderAll(jobs, (key, outcome) => outcomes.set(key, outcome));
  } finally {
    threads.close();
  }
  return outcomes;
}

describe('rendering full texts within a time budget', () => {
  it('gives up a body that overruns the budget and renders every other body in full', () => {
    const outcomes = renderAll({ first: ORDINARY_BODY, slow: QUADRATIC_BODY, after: ORDINARY_BODY, last: ORDINARY_BODY }, 1500);
    const slow = outcomes.get('slow');
    expect(slow && 'failure' in slow ? englishText(slow.failure) : slow).toBe('rendering its full text took longer than 1500 ms (limits.renderMs)');
    for (const key of ['first', 'after', 'last']) expect(outcomes.get(key)).toEqual({ html: '<p>The centre documented <strong>forty</strong> cases this year.</p>\n', warnings: [] });
  });

  it('renders with more jobs than threads, each once, with links made absolute against its page', () => {
    const bodies = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`post-${i}`, `Post ${i} links [a report](../reports/${i}/).`]));
    const outcomes = renderAll(bodies, 10_000);
    expect(outcomes.size).toBe(30);
    expect(outcomes.get('post-7')).toEqual({ html: '<p>Post 7 links <a href="https://rights.example.org/en/news/reports/7/">a report</a>.</p>\n', warnings: [] });
  });

  it('renders the same HTML on one thread, on two, and on the calling thread', () => {
    const bodies = Object.fromEntries(
      Array.from({ length: 120 }, (_, i) => [`post-${i}`, `## Part ${i}\n\nThe centre *documented* ${i} cases; see [the report](../r/${i}/).\n\n> وثّق المركز ${i} حالة.\n`]),
    );
    const [one, two, here] = [renderAll(bodies, 10_000, startRenderThreads, 1), renderAll(bodies, 10_000, startRenderThreads, 2), renderAll(bodies, 10_000, startRenderThreadsFromSource)];
    expect(one.size).toBe(120);
    expect(two).toEqual(one);
    expect(here).toEqual(one);
  });

  it('stops and passes on an error from reading a body (a file that changed during the build)', () => {
    const threads = startRenderThreads(limits(10_000), { expected: 3, threads: 1 });
    const failing = { key: 'changed', read: (): never => { throw new Error('posts/en/x.md changed during the build'); } };
    try {
      expect(() => threads.renderAll([{ key: 'fine', read: () => ({ markdown: ORDINARY_BODY, pageUrl: PAGE }) }, failing], () => undefined)).toThrow(/changed during the build/);
    } finally {
      threads.close();
    }
  });

  it('renders on the calling thread, without a budget, where no compiled worker exists', () => {
    const outcomes = renderAll({ only: ORDINARY_BODY }, 1, startRenderThreadsFromSource);
    expect(outcomes.get('only')).toEqual({ html: '<p>The centre documented <strong>forty</strong> cases this year.</p>\n', warnings: [] });
  });
});

describe('a build with a post whose full text overruns limits.renderMs', () => {
  it('publishes that post with its summary, every other post in full, names the file, and exits 1', async () => {
    const site = await siteOnDisk(
      {
        'en/slow.md': post('title: A slow statement\ndate: 2026-03-01\ncategories: [Statements]', QUADRATIC_BODY),
        'en/fine.md': post('title: A fine statement\ndate: 2026-03-02\ncategories: [Statements]', ORDINARY_BODY),
        'ar/fine.md': post('title: بيان عادي\ndate: 2026-03-02\ncategories: [بيانات]', 'وثّق المركز أربعين حالة هذا العام.\n'),
      },
      { limits: { renderMs: 1500 } },
    );
    const run = await runCli(['build', '--now', '2026-06-01'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('posts/en/slow.md:1:1 error rendering its full text took longer than 1500 ms (limits.renderMs); its feed items carry the summary instead of the full text until this file is fixed [body]');

    const feed = JSON.parse(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')) as { items: { title: string; content_html: string }[] };
    const byTitle = new Map(feed.items.map((item) => [item.title, item.content_html]));
    expect(byTitle.get('A fine statement')).toContain('<strong>forty</strong>');
    expect(byTitle.get('A slow statement')).toContain('Opening words of a statement.');
    expect(byTitle.get('A slow statement')).not.toContain('_a_a');
    expect(await readFile(join(site, 'feeds/ar/feed.json'), 'utf8')).toContain('أربعين');

    // Built again from another directory, the output in place is found made from the same inputs (the digest the manifest
    // keeps is the same), and the problem kept with it is told again, named from there.
    const madeFrom = async (): Promise<unknown> => (await readOutputManifest(join(site, '.nashra/manifest.json'))).madeFrom?.digest;
    const digest = await madeFrom();
    const elsewhere = await runCli(['build', '--now', '2026-06-01', '--config', '../../nashra.config.yaml', '--posts', '..', '--out', '../../feeds'], join(site, 'posts/en'));
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/^slow\.md:1:1 error rendering its full text took longer than 1500 ms/m);
    expect(elsewhere.stdout).toContain('0 files written');
    expect(await madeFrom()).toBe(digest);
  });
});
