/**
 * A build that finds everything as the last complete build left it (the
 * post files and static files by stamp, the config, the record of what was
 * published, nashra itself, the options) at a clock within the time that
 * build's plan holds for, and the output untouched, gives that build's result
 * without loading a post: a cron tick over an unchanged archive costs a
 * listing. Anything else that could change the result builds, and the result
 * equals a clean build's.
 *
 * A stamp is trusted only once its file is a few seconds old (a change within
 * the clock's granularity could otherwise keep it), so these sites settle
 * before their first build.
 */
import { cp, mkdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build as buildSite, type BuildResult } from '../src/api.js';
import { RACY_MARGIN_NS } from '../src/load/cache.js';
import { png } from './support/png.js';
import { memorySource } from '../src/load/source.js';
import { planSite, type SitePlan } from '../src/pipeline.js';
import { previousOf, PUBLISHED_RECORD_VERSION, publishedRecord, recordPaths, type PublishedRecord } from '../src/state/published.js';
import { post, siteOnDisk, snapshot, sourceFiles, testConfig } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const COVER = png(640, 360);

const POSTS: Record<string, string> = {
  'en/report.md': post('title: Annual report\ndate: 2026-03-01T09:00:00Z\ncategories: [Reports]\ntranslationKey: report\nimage:\n  url: /images/cover.png\n  alt: The cover of the report', 'The annual report of the centre on detention.\n'),
  'ar/report.md': post('title: التقرير السنوي\ndate: 2026-03-01T09:00:00Z\ncategories: [تقارير]\ntranslationKey: report', 'التقرير السنوي للمركز عن الاحتجاز.\n'),
  'en/statement.md': post('title: Statement on the trial\ndate: 2026-04-01T09:00:00Z\ncategories: [Statements]\ntags: [trials]', 'The centre calls for a fair trial.\n'),
  'en/embargoed.md': post('title: Embargoed report\ndate: 2026-05-01T09:00:00Z\npublishAt: 2026-11-01T12:00:00Z\ncategories: [Reports]'),
  'en/expiring.md': post('title: Call for applications\ndate: 2026-06-01T09:00:00Z\nexpires: 2026-11-01T18:00:00Z'),
  'en/far.md': post('title: A note dated far ahead\ndate: 2026-07-01T09:00:00Z\nupdated: 2036-11-01T10:00:00Z'),
  'en/broken.md': post('title: Broken\ndate: 2026-02-30T09:00:00Z'),
  'en/deep.md': post('title: Deep\ndate: 2026-01-05T09:00:00Z', `${'<div>'.repeat(400)}deep${'</div>'.repeat(400)}\n`),
};

/** Until a file's stamp can be trusted: the load cache's racy margin, and a little more. */
const settle = (): Promise<void> => new Promise((done) => setTimeout(done, Number(RACY_MARGIN_NS / 1_000_000n) + 300));

async function site(config: Record<string, unknown> = {}): Promise<string> {
  const dir = await siteOnDisk(POSTS, { static: { dir: 'static', url: '/' }, ...config });
  await mkdir(join(dir, 'static/images'), { recursive: true });
  await writeFile(join(dir, 'static/images/cover.png'), COVER);
  await settle();
  return dir;
}

function build(dir: string, now = NOW, options: { cache?: boolean; strict?: boolean; out?: string; state?: string } = {}): Promise<BuildResult> {
  return buildSite({
    config: join(dir, 'nashra.config.yaml'),
    posts: join(dir, 'posts'),
    out: join(dir, options.out ?? 'feeds'),
    stateDir: join(dir, options.state ?? '.nashra'),
    now,
    allowShrink: true,
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
  });
}

/**
 * A site whose last build kept its result for the next. The first build of a
 * site records what it published, plans again from that record and finds
 * the same result: from then on the result is reused.
 */
async function builtSite(now = NOW): Promise<{ dir: string; last: BuildResult }> {
  const dir = await site();
  const last = await build(dir, now);
  expect(last.reusedLastBuild).toBe(false);
  expect((await build(dir, now)).reusedLastBuild).toBe(true);
  return { dir, last };
}

/** The same inputs built cold in an output of their own, from a copy of what was published. */
async function cleanBuildOf(dir: string, now = NOW): Promise<{ files: Record<string, string>; result: BuildResult }> {
  await cp(join(dir, '.nashra'), join(dir, 'clean-state'), { recursive: true });
  const result = await build(dir, now, { cache: false, out: 'clean-feeds', state: 'clean-state' });
  const files = await snapshot(join(dir, 'clean-feeds'));
  await rm(join(dir, 'clean-feeds'), { recursive: true });
  await rm(join(dir, 'clean-state'), { recursive: true });
  return { files, result };
}

/** What a build reports, without the files it names, which depend on the output folder. */
function report(result: BuildResult) {
  const { exitCode, diagnostics, problems, posts, skipped, held } = result;
  return { exitCode, diagnostics, problems, posts, skipped, held };
}

describe.concurrent('a build that finds everything as the last build left it', () => {
  it('gives that build\'s result, errors, warnings and held posts included, without writing a file or the record', async () => {
    const { dir, last } = await builtSite();
    expect(last.skipped).toEqual([expect.stringMatching(/posts\/en\/broken\.md$/)]);
    expect(last.exitCode).toBe(1);
    expect(last.diagnostics.some((d) => d.field === 'body')).toBe(true);
    expect(last.held.scheduled).toBe(1);
    const output = await snapshot(join(dir, 'feeds'));
    const record = await readFile(join(dir, '.nashra/published.json'), 'utf8');
    // Until far.md's `updated` is no longer ten years ahead, at 10:00, which a warning says.
    const again = await build(dir, new Date('2026-11-01T09:59:59Z'));
    expect(again.reusedLastBuild).toBe(true);
    expect(report(again)).toEqual(report(last));
    expect(again.written).toEqual([]);
    expect([...again.unchanged].sort()).toEqual(Object.keys(output).sort());
    expect(await snapshot(join(dir, 'feeds'))).toEqual(output);
    expect(await readFile(join(dir, '.nashra/published.json'), 'utf8')).toBe(record);
    const warned = await build(dir, new Date('2026-11-01T10:00:00Z'));
    expect(warned.reusedLastBuild).toBe(false);
    expect(warned.diagnostics.filter((d) => d.key === 'diagnostics.date.farAhead')).toEqual([]);
  });

  it('is never taken with the cache off', async () => {
    const { dir } = await builtSite();
    expect((await build(dir, NOW, { cache: false })).reusedLastBuild).toBe(false);
  });

  it('is taken by the build after one that published a change from files that had settled: that build planned again from its own record', async () => {
    const { dir } = await builtSite();
    await writeFile(join(dir, 'posts/en/new.md'), post('title: A new note\ndate: 2026-06-02T09:00:00Z'));
    await settle();
    const changed = await build(dir);
    expect(changed.reusedLastBuild).toBe(false);
    // Before, the next cron tick loaded and planned every post to find that build's result the same.
    const again = await build(dir);
    expect(again.reusedLastBuild).toBe(true);
    expect(again.posts.en).toBe(6);
    expect(report(again)).toEqual(report(changed));
    expect(again).toMatchObject({ written: [] });
  });
});

describe.concurrent('anything a build depends on, changed, builds again as a clean build would', () => {
  const changes: [string, (dir: string) => Promise<unknown>, Date?][] = [
    ['a body edited', (dir) => writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the trial\ndate: 2026-04-01T09:00:00Z\ncategories: [Statements]\ntags: [trials]', 'The centre calls for a fair and public trial.\n'))],
    ['a post rewritten with the same size and modification time', async (dir) => {
      const path = join(dir, 'posts/en/statement.md');
      const before = statSync(path);
      await writeFile(path, (await readFile(path, 'utf8')).replace('fair trial', 'FAIR trial'));
      await utimes(path, before.atime, before.mtime);
    }],
    ['a post touched with its bytes unchanged', (dir) => utimes(join(dir, 'posts/en/statement.md'), new Date(), new Date())],
    ['a post added', (dir) => writeFile(join(dir, 'posts/en/new.md'), post('title: A new note\ndate: 2026-06-02T09:00:00Z'))],
    ['a post deleted', (dir) => rm(join(dir, 'posts/en/statement.md'))],
    ['a broken post mended', (dir) => writeFile(join(dir, 'posts/en/broken.md'), post('title: Broken no more\ndate: 2026-02-28T09:00:00Z'))],
    ['a config value changed', async (dir) => {
      const config = JSON.parse(await readFile(join(dir, 'nashra.config.yaml'), 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'nashra.config.yaml'), JSON.stringify({ ...config, feeds: { limit: 1 } }));
    }],
    ['an image of the static folder replaced', (dir) => writeFile(join(dir, 'static/images/cover.png'), png(320, 180))],
    ['an image of the static folder removed', (dir) => rm(join(dir, 'static/images/cover.png'))],
    ['the record of what was published edited by hand', async (dir) => {
      const path = join(dir, '.nashra/published.json');
      const record = JSON.parse(await readFile(path, 'utf8')) as { posts: { path: string }[] };
      await writeFile(path, JSON.stringify({ ...record, posts: record.posts.filter((entry) => !entry.path.endsWith('statement.md')) }, null, 1));
    }],
    ['an output file edited by hand', (dir) => writeFile(join(dir, 'feeds/en/rss.xml'), 'tampered')],
    ['an output file deleted', (dir) => rm(join(dir, 'feeds/en/atom.xml'))],
    // Its `stat` fails with ELOOP, not ENOENT: still a file to write again, not a failed build.
    ['an output file replaced by a symbolic link to itself', async (dir) => {
      await rm(join(dir, 'feeds/en/atom.xml'));
      await symlink('atom.xml', join(dir, 'feeds/en/atom.xml'));
    }],
    ['the clock at the second of an embargo', () => Promise.resolve(), new Date('2026-11-01T12:00:00Z')],
    ['the clock at the second of an expiry', () => Promise.resolve(), new Date('2026-11-01T18:00:00Z')],
    ['the clock on the next day, which a warning names', () => Promise.resolve(), new Date('2026-11-01T00:00:00Z')],
    ['the clock before the last build\'s', () => Promise.resolve(), new Date('2026-10-31T23:00:00Z')],
  ];

  it.each(changes)('%s', async (_name, change, later) => {
    // The next-day case builds first on the day before.
    const { dir } = await builtSite(later?.getTime() === NOW.getTime() ? new Date('2026-10-31T20:00:00Z') : NOW);
    await change(dir);
    const rebuilt = await build(dir, later ?? NOW);
    expect(rebuilt.reusedLastBuild).toBe(false);
    const clean = await cleanBuildOf(dir, later ?? NOW);
    expect(await snapshot(join(dir, 'feeds'))).toEqual(clean.files);
    expect(report(rebuilt)).toEqual(report(clean.result));
  });

  it('a page bundle come to surround a published article: built again, then found unchanged, the article still published', async () => {
    const dir = await site();
    await mkdir(join(dir, 'posts/en/visit'), { recursive: true });
    await writeFile(join(dir, 'posts/en/visit/note.md'), post('title: Notes from the prison visit\ndate: 2026-06-03T09:00:00Z'));
    await settle();
    await build(dir);
    await writeFile(join(dir, 'posts/en/visit/index.md'), post('title: The prison visit\ndate: 2026-06-04T09:00:00Z'));
    await settle();
    await build(dir);
    await build(dir);
    const again = await build(dir);
    expect(again.reusedLastBuild).toBe(true);
    expect(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')).toContain('Notes from the prison visit');
    const clean = await cleanBuildOf(dir);
    expect(await snapshot(join(dir, 'feeds'))).toEqual(clean.files);
  });

  it('the stored published texts deleted: they are stored again, and keep a published article when its file breaks', async () => {
    const { dir } = await builtSite();
    await rm(join(dir, '.nashra/sources'), { recursive: true });
    expect((await build(dir)).reusedLastBuild).toBe(false);
    await writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the trial\ndate: 2026-04-31T09:00:00Z', 'Broken.\n'));
    const broken = await build(dir, new Date('2026-11-01T01:00:00Z'));
    expect(broken.diagnostics.some((d) => d.key === 'diagnostics.published.staysSince')).toBe(true);
    expect(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')).toContain('Statement on the trial');
  });

  // The moment is the one line a record's digest leaves out: a character there that makes the record no longer JSON counts.
  it.each([['a backslash', '\\'], ['a tab', '\t'], ['a carriage return', '\r'], ['a NUL', '\u0000']])('the record of what was published made no longer JSON by %s in its moment: the build says so', async (_name, character) => {
    const { dir } = await builtSite();
    const path = join(dir, '.nashra/published.json');
    const text = (await readFile(path, 'utf8')).replace(/^ "at": "[^"]*",$/m, ` "at": "2026-11-01${character}",`);
    expect(() => JSON.parse(text) as unknown).toThrow();
    await writeFile(path, text);
    const rebuilt = await build(dir);
    expect(rebuilt.reusedLastBuild).toBe(false);
    expect(rebuilt.diagnostics.map((d) => d.key)).toContain('diagnostics.state.recordUnreadable');
  });

  it('its witness in the manifest damaged, the manifest still whole JSON (a later `until`): built again, and the embargo kept to', async () => {
    const { dir } = await builtSite();
    const manifest = join(dir, '.nashra/manifest.json');
    const text = await readFile(manifest, 'utf8');
    const until = /"until": ?"([^"]+)"/.exec(text)?.[1] ?? '';
    expect(until).toBe('2026-11-01T10:00:00.000Z');
    await writeFile(manifest, text.replace(until, '2099-11-01T10:00:00.000Z'));
    // Past the embargo of en/embargoed.md (12:00): trusted, the damaged window would have kept the output without it.
    const after = await build(dir, new Date('2026-11-01T12:00:01Z'));
    expect(after.reusedLastBuild).toBe(false);
    expect(after.held.scheduled).toBe(0);
    expect(await readFile(join(dir, 'feeds/en/feed.json'), 'utf8')).toContain('Embargoed report');
  });

  it('the load cache damaged: the build says so and mends it', async () => {
    const { dir } = await builtSite();
    await writeFile(join(dir, '.nashra/cache/posts.v8'), 'garbage');
    const rebuilt = await build(dir);
    expect(rebuilt.reusedLastBuild).toBe(false);
    expect(rebuilt.diagnostics.some((d) => d.field === 'state' && d.message.includes('posts.v8'))).toBe(true);
  });

  it('with --strict, where the last build was not', async () => {
    const { dir } = await builtSite();
    const strict = await build(dir, NOW, { strict: true });
    expect(strict.reusedLastBuild).toBe(false);
    expect(strict.exitCode).not.toBe(0);
    expect(strict.problems.join(' ')).toMatch(/nothing/i);
  });
});

describe.concurrent('a result that the next build would not give', () => {
  it('is not kept while a broken file\'s published version stands, whose note names the last build', async () => {
    const { dir } = await builtSite();
    await writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the trial\ndate: 2026-04-31T09:00:00Z', 'The centre calls for a fair trial.\n'));
    await settle();
    const note = (result: BuildResult) => result.diagnostics.find((d) => d.key === 'diagnostics.published.staysSince');
    expect(note(await build(dir, new Date('2026-11-01T01:00:00Z')))?.params.at).toBe(NOW.toISOString());
    const again = await build(dir, new Date('2026-11-01T02:00:00Z'));
    expect(again.reusedLastBuild).toBe(false);
    expect(note(again)?.params.at).toBe('2026-11-01T01:00:00.000Z');
  });

  it('is kept while an undated correction is reported, whose warning names no build and is told again', async () => {
    const dir = await site();
    await build(dir, new Date('2026-10-31T08:00:00Z'));
    await writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the trial\ndate: 2026-04-01T09:00:00Z\ncategories: [Statements]\ntags: [trials]', 'The centre calls for a fair, public trial.\n'));
    await settle();
    const corrected = await build(dir, new Date('2026-10-31T09:00:00Z'));
    const warnings = (result: BuildResult) => result.diagnostics.filter((d) => d.key === 'diagnostics.published.undated');
    expect(warnings(corrected)).toHaveLength(1);
    // That build recorded the new text, and planning again from that record gave the same result, the warning included.
    const next = await build(dir, new Date('2026-10-31T10:00:00Z'));
    expect(next.reusedLastBuild).toBe(true);
    expect(report(next)).toEqual(report(corrected));
    const again = await build(dir, new Date('2026-10-31T11:00:00Z'));
    expect(again.reusedLastBuild).toBe(true);
    expect(report(again)).toEqual(report(corrected));
  });

  it('is not kept by a build that read a file changed moments before: its stamp could hide a later change', async () => {
    const { dir } = await builtSite();
    await writeFile(join(dir, 'posts/en/statement.md'), post('title: Statement on the trial\ndate: 2026-04-01T09:00:00Z', 'Changed just now.\n'));
    expect((await build(dir)).reusedLastBuild).toBe(false);
    expect((await build(dir)).reusedLastBuild).toBe(false);
  });

  it('ends where a tombstone ages out', async () => {
    const dir = await site({ feeds: { tombstoneDays: 1 } });
    await build(dir, new Date('2026-10-31T00:00:00Z'));
    await rm(join(dir, 'posts/en/statement.md'));
    await settle();
    // The deletion is recorded at 01:00, and its tombstone is carried for a day.
    expect((await build(dir, new Date('2026-10-31T01:00:00Z'))).reusedLastBuild).toBe(false);
    expect((await build(dir, NOW)).reusedLastBuild).toBe(false);
    expect((await build(dir, new Date('2026-11-01T00:59:59Z'))).reusedLastBuild).toBe(true);
    const feed = await readFile(join(dir, 'feeds/en/changes.json'), 'utf8');
    expect(feed).toContain('statement');
    const aged = await build(dir, new Date('2026-11-01T01:00:01Z'));
    expect(await readFile(join(dir, 'feeds/en/changes.json'), 'utf8')).not.toContain('statement');
    expect(aged.reusedLastBuild).toBe(false);
    const clean = await cleanBuildOf(dir, new Date('2026-11-01T01:00:01Z'));
    expect(await snapshot(join(dir, 'feeds'))).toEqual(clean.files);
  });
});

describe('a plan decided again from another record of what was published', () => {
  const config = testConfig({ feeds: { relatedCount: 0 } });
  const files = sourceFiles({
    'en/hearing.md': post('title: Hearing postponed\ndate: 2026-03-01T09:00:00Z', 'The hearing was postponed again.\n'),
    'en/report.md': post('title: Annual report\ndate: 2026-04-01T09:00:00Z', 'The annual report of the centre.\n'),
  });
  const naming = recordPaths('posts', process.cwd());
  const recordOf = (plan: Pick<SitePlan, 'live' | 'changes'>) => publishedRecord(plan.live, NOW, plan.changes, naming);
  const previous = (record: PublishedRecord) => previousOf(record, () => undefined, naming);

  it('decides what a plan from that record decides, the outputs digest included, and differs where that record does', () => {
    const first = planSite(memorySource(files), config, NOW, { naming });
    const own = recordOf(first);
    if (own.version !== PUBLISHED_RECORD_VERSION) throw new Error(`a record of version ${own.version}`);
    // The hearing published under another id: a plan from that record keeps it, and so its outputs differ.
    const other = { ...own, posts: own.posts.map((published) => (published.path === 'en/hearing.md' ? { ...published, id: 'tag:example.org,2020-01-01:en/hearing' } : published)) };
    for (const record of [own, other]) {
      const again = first.decidedFrom(previous(record));
      const fresh = planSite(memorySource(files), config, NOW, { naming, previous: previous(record) });
      expect(again.outputsDigest).toBe(fresh.outputsDigest);
      expect(again.live.map((post) => post.id)).toEqual(fresh.live.map((post) => post.id));
      expect(recordOf(again)).toEqual(recordOf(fresh));
    }
    expect(first.decidedFrom(previous(own)).outputsDigest).toBe(first.outputsDigest);
    expect(first.decidedFrom(previous(other)).outputsDigest).not.toBe(first.outputsDigest);
    expect(first.decidedFrom(previous(other)).live.find((post) => post.sourcePath.endsWith('hearing.md'))?.id).toBe('tag:example.org,2020-01-01:en/hearing');
  });
});
