/**
 * `nashra plan` tells editors, from the files alone, what will publish when:
 * every draft, every post held until a moment (its publishAt or a future
 * date), every post that will expire or has expired, with the moment in the
 * site's time zone, the file and line of the field that sets it. A build's
 * summary counts what it held back and why.
 */
import { describe, expect, it } from 'vitest';
import { runCli, post, siteOnDisk } from './support/site.js';

const NOW = '2026-06-01T09:00:00+03:00';

const posts = {
  'en/live.md': post('title: Live\ndate: 2026-05-01T10:00:00+03:00'),
  'en/embargoed.md': post('title: Embargoed report\ndate: 2026-05-20T10:00:00+03:00\npublishAt: 2026-06-03T08:00:00+03:00'),
  'ar/future.md': post('title: مقال مؤرخ في المستقبل\ndate: 2026-06-02T00:30:00+03:00'),
  'en/hugo.md': post('title: Hugo names\ndate: 2026-05-02T10:00:00+03:00\npublishDate: 2026-06-10T12:00:00Z'),
  'en/expiring.md': post('title: Call for submissions\ndate: 2026-05-03T10:00:00+03:00\nexpires: 2026-07-01T00:00:00+03:00'),
  'en/expired.md': post('title: Old appeal\ndate: 2026-01-03T10:00:00+03:00\nexpires: 2026-03-01T00:00:00+03:00'),
  'ar/draft.md': post('title: مسودة\ndate: 2026-05-04T10:00:00+03:00\ndraft: true'),
  'en/broken.md': post('title: [unclosed\ndate: 2026-05-05'),
};

describe('nashra plan', () => {
  it('lists what will change, soonest first, in the site\'s time zone, with the file, line and field that decide it', async () => {
    const dir = await siteOnDisk(posts);
    const run = await runCli(['plan', '--now', NOW], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 post file has errors and is not in the plan');
    const lines = run.stdout.trimEnd().split('\n').map((line) => line.split(/\s{2,}/));
    expect(lines.slice(0, -1)).toEqual([
      ['scheduled', '2026-06-02 00:30:00 +03:00', 'in 16 hours', 'posts/ar/future.md:3', 'date', 'مقال مؤرخ في المستقبل'],
      ['scheduled', '2026-06-03 08:00:00 +03:00', 'in 2 days', 'posts/en/embargoed.md:4', 'publishAt', 'Embargoed report'],
      ['scheduled', '2026-06-10 15:00:00 +03:00', 'in 9 days', 'posts/en/hugo.md:4', 'publishDate', 'Hugo names'],
      ['expiring', '2026-07-01 00:00:00 +03:00', 'in 30 days', 'posts/en/expiring.md:4', 'expires', 'Call for submissions'],
      ['draft', 'posts/ar/draft.md', 'مسودة'],
      ['expired', '2026-03-01 00:00:00 +03:00', '3 months ago', 'posts/en/expired.md:4', 'expires', 'Old appeal'],
    ]);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('times in Asia/Amman; 3 scheduled, 1 expiring, 1 draft, 1 expired');
  });

  it('gives the same plan as JSON for machines, with exact instants', async () => {
    const dir = await siteOnDisk(posts);
    const plan = JSON.parse((await runCli(['plan', '--now', NOW, '--json'], dir)).stdout) as { entries: { state: string; moment?: string; file: string; line?: number; field?: string }[]; filesWithErrors: number };
    expect(plan.filesWithErrors).toBe(1);
    expect(plan.entries.map((entry) => [entry.state, entry.moment, entry.file, entry.line, entry.field])).toEqual([
      ['scheduled', '2026-06-01T21:30:00.000Z', 'posts/ar/future.md', 3, 'date'],
      ['scheduled', '2026-06-03T05:00:00.000Z', 'posts/en/embargoed.md', 4, 'publishAt'],
      ['scheduled', '2026-06-10T12:00:00.000Z', 'posts/en/hugo.md', 4, 'publishDate'],
      ['expiring', '2026-06-30T21:00:00.000Z', 'posts/en/expiring.md', 4, 'expires'],
      ['draft', undefined, 'posts/ar/draft.md', undefined, undefined],
      ['expired', '2026-02-28T21:00:00.000Z', 'posts/en/expired.md', 4, 'expires'],
    ]);
  });

  it('speaks Arabic to an Arabic-speaking editor', async () => {
    const dir = await siteOnDisk(posts);
    const run = await runCli(['plan', '--now', NOW], dir, { NASHRA_LANG: 'ar' });
    expect(run.stdout).toContain('مجدول  2026-06-03 08:00:00 +03:00');
    expect(run.stdout).toContain('الأوقات بتوقيت Asia/Amman');
  });
});

describe('the build summary', () => {
  it('counts what the build held back, and why', async () => {
    const dir = await siteOnDisk(Object.fromEntries(Object.entries(posts).filter(([path]) => path !== 'en/broken.md')));
    const run = await runCli(['build', '--now', NOW], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^en 2 posts, ar 0 posts \(held back: 3 scheduled, 1 draft, 1 expired\);/);
  });
});

describe('nashra check --now', () => {
  it('judges dates against the given clock: a date typed ten years ahead of it is a warning', async () => {
    const dir = await siteOnDisk({ 'en/typo.md': post('title: Typo\ndate: 2062-05-01T10:00:00+03:00') });
    const later = await runCli(['check', '--now', '2060-01-01T00:00:00Z'], dir);
    expect(later.stderr).toBe('');
    const now = await runCli(['check', '--now', NOW], dir);
    expect(now.code).toBe(0);
    expect(now.stderr).toMatch(/^posts\/en\/typo\.md:3:\d+ warning .*date/m);
  });
});
