/**
 * A build made from exactly the inputs of the output in place, which nobody
 * touched since, produces nothing: no post is related, rendered or composed,
 * no file is written. Any change to what the feeds are made from, to the
 * output itself, or a build cut short, builds again, and the result equals a
 * clean build byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { cp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild, type BuildOutcome } from '../src/build.js';
import { BODIES_FILE } from '../src/render/store.js';
import { post, siteOnDisk, snapshot } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');

const POSTS: Record<string, string> = {
  'en/report.md': post('title: Annual report\ndate: 2026-03-01T09:00:00Z\ncategories: [Reports]\ntranslationKey: report', 'The annual report of the centre on detention.\n'),
  'ar/report.md': post('title: التقرير السنوي\ndate: 2026-03-01T09:00:00Z\ncategories: [تقارير]\ntranslationKey: report', 'التقرير السنوي للمركز عن الاحتجاز.\n'),
  'en/statement.md': post('title: Statement on the trial\ndate: 2026-04-01T09:00:00Z\ncategories: [Statements]\ntags: [trials]', 'The centre calls for a fair trial.\n'),
  'en/embargoed.md': post('title: Embargoed report\ndate: 2026-05-01T09:00:00Z\npublishAt: 2026-11-01T12:00:00Z\ncategories: [Reports]'),
};

function build(dir: string, now = NOW, options: { cache?: boolean; out?: string; state?: string; beforeCommit?: () => void } = {}): Promise<BuildOutcome> {
  const paths = { config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, options.out ?? 'feeds'), state: join(dir, options.state ?? '.nashra') };
  return runBuild(paths, now, { cache: options.cache ?? true, allowShrink: true, ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}) });
}

/** The same posts and config built cold in an output of its own, from a copy of what was published (which keeps ids across a rename). */
async function cleanBuildOf(dir: string, now = NOW): Promise<Record<string, string>> {
  await cp(join(dir, '.nashra'), join(dir, 'clean-state'), { recursive: true });
  await build(dir, now, { cache: false, out: 'clean-feeds', state: 'clean-state' });
  const files = await snapshot(join(dir, 'clean-feeds'));
  await rm(join(dir, 'clean-feeds'), { recursive: true });
  await rm(join(dir, 'clean-state'), { recursive: true });
  return files;
}

describe('a build from the inputs of the output in place', () => {
  it('produces nothing and keeps every file as it is', async () => {
    const dir = await siteOnDisk(POSTS);
    const first = await build(dir);
    expect(first.cacheUse.outputs).toBe(false);
    const before = await snapshot(join(dir, 'feeds'));
    const again = await build(dir);
    expect(again.cacheUse.outputs).toBe(true);
    expect(again.report?.written).toEqual([]);
    expect(again.report?.unchanged).toHaveLength(Object.keys(before).length);
    expect(await snapshot(join(dir, 'feeds'))).toEqual(before);
    expect(again.diagnostics).toEqual(first.diagnostics);
  });

  it('is a cold build with --no-cache', async () => {
    const dir = await siteOnDisk(POSTS);
    await build(dir);
    expect((await build(dir, NOW, { cache: false })).cacheUse.outputs).toBe(false);
  });

  it('tells again the problems met while rendering the output it keeps', async () => {
    const deep = `${'<div>'.repeat(400)}deep${'</div>'.repeat(400)}\n`;
    const dir = await siteOnDisk({ ...POSTS, 'en/deep.md': post('title: Deep\ndate: 2026-06-01T09:00:00Z', deep) });
    const first = await build(dir);
    const fromRendering = first.diagnostics.filter((d) => d.file.endsWith('deep.md') && d.field === 'body');
    expect(fromRendering.length).toBeGreaterThan(0);
    const again = await build(dir);
    expect(again.cacheUse.outputs).toBe(true);
    expect(again.diagnostics).toEqual(first.diagnostics);
    expect(again.failed).toBe(first.failed);
  });

  it('tells a rendering problem once when a feed whose file went missing is composed again', async () => {
    const deep = `${'<div>'.repeat(400)}deep${'</div>'.repeat(400)}\n`;
    const dir = await siteOnDisk({ ...POSTS, 'en/deep.md': post('title: Deep\ndate: 2026-06-01T09:00:00Z', deep) });
    const first = await build(dir);
    await rm(join(dir, 'feeds/en/atom.xml'));
    const again = await build(dir);
    expect(again.report?.written).toEqual(['en/atom.xml']);
    expect(again.diagnostics).toEqual(first.diagnostics);
  });
});

describe('anything the output depends on, changed, builds it again as a clean build would', () => {
  const changes: [string, (dir: string) => Promise<void>, Date?][] = [
    ['a body edited', (dir) => writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the trial\ndate: 2026-04-01T09:00:00Z\ncategories: [Statements]\ntags: [trials]', 'The centre calls for a fair and public trial.\n'))],
    ['front matter edited', (dir) => writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the appeal\ndate: 2026-04-01T09:00:00Z\ncategories: [News]\ntags: [trials]', 'The centre calls for a fair trial.\n'))],
    ['a post added', (dir) => writeFile(join(dir, 'posts/en/new.md'), post('title: A new note\ndate: 2026-06-01T09:00:00Z'))],
    ['a post deleted', (dir) => rm(join(dir, 'posts/en/statement.md'))],
    ['a post renamed', async (dir) => {
      const text = await readFile(join(dir, 'posts/en/statement.md'), 'utf8');
      await rm(join(dir, 'posts/en/statement.md'));
      await writeFile(join(dir, 'posts/en/trial-statement.md'), text);
    }],
    ['a config value changed', async (dir) => {
      const config = JSON.parse(await readFile(join(dir, 'nashra.config.yaml'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'nashra.config.yaml'), JSON.stringify({ ...config, feeds: { limit: 1 } }));
    }],
    ['the clock past an embargo', () => Promise.resolve(), new Date('2026-11-01T12:00:00Z')],
    ['an output file edited by hand', (dir) => writeFile(join(dir, 'feeds/en/rss.xml'), 'tampered')],
    ['an output file deleted', (dir) => rm(join(dir, 'feeds/en/atom.xml'))],
    ['an output file touched with its bytes unchanged', (dir) => utimes(join(dir, 'feeds/en/feed.json'), new Date(), new Date('2030-01-01T00:00:00Z'))],
    ['an output file edited in place to the same size, its modification time put back', async (dir) => {
      const file = join(dir, 'feeds/en/feed.json');
      await writeFile(join(dir, 'reference-time'), '');
      execFileSync('touch', ['-r', file, join(dir, 'reference-time')]);
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace('Statement on the trial', 'Statement on the TRIAL'));
      // As `touch -r` does: the modification time to the nanosecond, which only the change time then betrays.
      execFileSync('touch', ['-r', join(dir, 'reference-time'), file]);
    }],
  ];

  it.each(changes)('%s', async (_name, change, later) => {
    const dir = await siteOnDisk(POSTS);
    // A pause before the files go into place leaves them older than the manifest, as a real archive's build does:
    // a file as new as the manifest is never trusted, which would hide a change detection that misses something.
    await build(dir, NOW, { beforeCommit: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30) });
    await change(dir);
    const rebuilt = await build(dir, later ?? NOW);
    expect(rebuilt.cacheUse.outputs).toBe(false);
    expect(await snapshot(join(dir, 'feeds'))).toEqual(await cleanBuildOf(dir, later ?? NOW));
  });
});

describe('a build cut short', () => {
  it('is never mistaken for the output of its inputs: a build from the earlier inputs writes the earlier output again', async () => {
    const dir = await siteOnDisk(POSTS);
    await build(dir);
    const original = await snapshot(join(dir, 'feeds'));
    await writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement, corrected\ndate: 2026-04-01T09:00:00Z\ncategories: [Statements]', 'Corrected.\n'));
    // Killed once every file is staged: the manifest already names them, without what they were made from.
    await expect(build(dir, NOW, { beforeCommit: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    await writeFile(join(dir, 'posts/en/statement.md'), POSTS['en/statement.md'] ?? '');
    const again = await build(dir);
    expect(again.cacheUse.outputs).toBe(false);
    expect(await snapshot(join(dir, 'feeds'))).toEqual(original);
  });
});

describe('a build after a change', () => {
  // Two items per feed, so that most articles sit on archive pages, which carry full texts here.
  const SETTINGS = { feeds: { limit: 2, archiveFullContent: true } };
  const deep = `${'<div>'.repeat(400)}deep${'</div>'.repeat(400)}\n`;
  const ARCHIVE: Record<string, string> = {
    'en/deep.md': post('title: An early note\ndate: 2025-01-01T09:00:00Z\ncategories: [Notes]', deep),
    ...Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`en/note-${i}.md`, post(`title: Note ${i} on the hearings\ndate: 2026-0${i + 1}-02T09:00:00Z\ncategories: [Notes]\ntags: [hearings]`, `Hearing number ${i} was adjourned again.\n`)]),
    ),
  };

  async function buildCounting(dir: string): Promise<{ outcome: BuildOutcome; rendered: number }> {
    let rendered = -1;
    const paths = { config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, 'feeds'), state: join(dir, '.nashra') };
    // Without the texts the last build stored (tests/rendered-memory.test.ts), the texts rendered are those of the
    // documents composed, which is what these tests look at.
    await rm(join(paths.state, BODIES_FILE), { force: true });
    const outcome = await runBuild(paths, NOW, { allowShrink: true, onPhase: (phase, count) => { if (phase === 'render') rendered = count; } });
    return { outcome, rendered };
  }

  const renderProblems = (outcome: BuildOutcome) => outcome.diagnostics.filter((d) => d.field === 'body');

  it('renders the full texts of only the feed documents the change reaches, and writes what a clean build writes', async () => {
    const dir = await siteOnDisk(ARCHIVE, SETTINGS);
    const first = await buildCounting(dir);
    expect(first.rendered).toBe(Object.keys(ARCHIVE).length);
    await writeFile(join(dir, 'posts/en/note-7.md'), post('title: Note 7 on the hearings\ndate: 2026-08-02T09:00:00Z\ncategories: [Notes]\ntags: [hearings]', 'Hearing number 7 was adjourned again, to next month.\n'));
    const second = await buildCounting(dir);
    expect(second.outcome.cacheUse.outputs).toBe(false);
    expect(second.rendered).toBeGreaterThan(0);
    expect(second.rendered).toBeLessThan(first.rendered);
    expect(await snapshot(join(dir, 'feeds'))).toEqual(await cleanBuildOf(dir));
  });

  it('leaves a feed that shows an article only as related as it is when what changed is not shown there', async () => {
    const dir = await siteOnDisk(ARCHIVE, SETTINGS);
    await buildCounting(dir);
    const related = JSON.parse(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')) as { items: { _nashra?: { related?: { url: string }[] } }[] };
    const shownAsRelated = related.items.flatMap((item) => item._nashra?.related ?? []).map((item) => item.url);
    expect(shownAsRelated.some((url) => url.includes('note-2'))).toBe(true);
    await writeFile(join(dir, 'posts/en/note-2.md'), post('title: Note 2 on the hearings\ndate: 2026-03-02T09:00:00Z\ncategories: [Notes]\ntags: [hearings]\nauthor: Lina Haddad', 'Hearing number 2 was adjourned again.\n'));
    const second = await buildCounting(dir);
    // Only the archive pages that carry the article itself are composed: their items are all that is rendered.
    const output = await snapshot(join(dir, 'feeds'));
    const pagesWithIt = Object.entries(output).filter(([path, text]) => path.includes('/archive/') && path.endsWith('feed.json') && text.includes('/note-2/"'));
    expect(pagesWithIt.length).toBeGreaterThan(0);
    const itemsOnThem = new Set(pagesWithIt.flatMap(([, text]) => (JSON.parse(text) as { items: { url: string }[] }).items.map((item) => item.url)));
    expect(second.rendered).toBe(itemsOnThem.size);
    expect(output).toEqual(await cleanBuildOf(dir));
  });

  it('still tells the problems met rendering the full texts it did not render again', async () => {
    const dir = await siteOnDisk(ARCHIVE, SETTINGS);
    const first = await buildCounting(dir);
    const fromDeep = first.outcome.diagnostics.filter((d) => d.file.endsWith('deep.md') && d.field === 'body');
    expect(fromDeep.length).toBeGreaterThan(0);
    await writeFile(join(dir, 'posts/en/note-7.md'), post('title: Note 7 on the hearings\ndate: 2026-08-02T09:00:00Z\ncategories: [Notes]\ntags: [hearings]', 'Hearing number 7 was adjourned once more.\n'));
    const second = await buildCounting(dir);
    expect(second.rendered).toBeLessThan(first.rendered);
    expect(renderProblems(second.outcome)).toEqual(renderProblems(first.outcome));
  });

  it('renders every full text again when the last build was cut short, whose problems were not kept', async () => {
    const dir = await siteOnDisk(ARCHIVE, SETTINGS);
    const first = await buildCounting(dir);
    await writeFile(join(dir, 'posts/en/note-7.md'), post('title: Note 7, corrected\ndate: 2026-08-02T09:00:00Z\ncategories: [Notes]', 'Corrected.\n'));
    const paths = { config: join(dir, 'nashra.config.yaml'), posts: join(dir, 'posts'), out: join(dir, 'feeds'), state: join(dir, '.nashra') };
    await expect(runBuild(paths, NOW, { allowShrink: true, beforeCommit: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    const again = await buildCounting(dir);
    expect(again.rendered).toBe(first.rendered);
    expect(renderProblems(again.outcome)).toEqual(renderProblems(first.outcome));
  });
});
