/**
 * What one build promises the next: a published statement stays published
 * through a typo, a copied file or a vanished folder; one writer at a time;
 * the status and the state stay private.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockSideName, processStart } from '../src/schedule/lock.js';
import { previousOf, recordContentDigest, recordPaths } from '../src/state/published.js';
import { openPrevious } from '../src/state/store.js';
import type { Post } from '../src/model.js';
import type * as StoreModule from '../src/state/store.js';
import { filesBelow, readOutputManifest, removeStaleTemporaryFiles } from '../src/write/output.js';
import { temporaryNameFor } from '../src/write/temporary.js';
import { listFiles, post, ROOT, runCli, siteOnDisk } from './support/site.js';

interface JsonFeed {
  items: { title: string; id: string }[];
}

const titles = async (site: string, lang = 'en'): Promise<string[]> =>
  ((JSON.parse(await readFile(join(site, 'feeds', lang, 'feed.json'), 'utf8')) as JsonFeed).items.map((item) => item.title)).sort();

const threePosts = {
  'en/hearing.md': post('title: Hearing postponed\ndate: 2026-01-01T00:00:00Z\ntranslationKey: hearing'),
  'en/report.md': post('title: Annual report\ndate: 2026-01-02T00:00:00Z\ntranslationKey: report'),
  'en/release.md': post('title: Journalists released\ndate: 2026-01-03T00:00:00Z\ntranslationKey: release'),
  'ar/hearing.md': post('title: تأجيل الجلسة\ndate: 2026-01-01T00:00:00Z\ntranslationKey: hearing'),
};

describe('a typo in a published post', () => {
  it('keeps the last published version live, fails the build, and shows the error in status until it is fixed', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    const before = await readFile(join(site, 'feeds/en/rss.xml'), 'utf8');

    await writeFile(join(site, 'posts/en/hearing.md'), '---\ntitle: Hearing postponed again\ndate: 2026-01-01T00:00:00Z\ntranslationKey: [hearing\n---\n\nEdited.\n');
    const broken = await runCli(['build'], site);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^posts\/en\/hearing\.md:\d+:\d+ error .*\n/m);
    // The cause first, then what stays published.
    expect(broken.stderr).toMatch(/posts\/en\/hearing\.md:(\d+:\d+) error .*\[yaml\]\nposts\/en\/hearing\.md:\1 error the version published by the build of \S+ stays published until this file is fixed \[published\]/);
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
    expect(await readFile(join(site, 'feeds/en/rss.xml'), 'utf8')).toBe(before);
    // The Arabic version still links to its English translation.
    expect(await readFile(join(site, 'feeds/ar/feed.json'), 'utf8')).toContain('/en/posts/hearing/');

    // Still broken at the next build, and still published; status shows why.
    expect((await runCli(['build'], site)).code).toBe(1);
    expect(await titles(site)).toContain('Hearing postponed');
    const status = await runCli(['status'], site);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/last error: .*\n {2}posts\/en\/hearing\.md:/);

    await writeFile(join(site, 'posts/en/hearing.md'), post('title: Hearing postponed again\ndate: 2026-01-01T00:00:00Z\ntranslationKey: hearing'));
    expect((await runCli(['build'], site)).code).toBe(0);
    expect(await titles(site)).toContain('Hearing postponed again');
    expect((await runCli(['status'], site)).stdout).not.toContain('last error');
  });

  it('keeps it, and announces no deletion, when the build runs from another directory than the last one', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    const before = await readFile(join(site, 'feeds/en/rss.xml'), 'utf8');
    const elsewhere = await mkdtemp(join(tmpdir(), 'nashra-cwd-'));
    const fromElsewhere = ['--config', join(site, 'nashra.config.yaml'), '--posts', join(site, 'posts'), '--out', join(site, 'feeds')];

    await writeFile(join(site, 'posts/en/hearing.md'), '---\ntitle: Hearing postponed again\ndate: 2026-01-01T00:00:00Z\ntranslationKey: [hearing\n---\n\nEdited.\n');
    const broken = await runCli(['build', ...fromElsewhere], elsewhere);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('stays published until this file is fixed');
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
    expect(await readFile(join(site, 'feeds/en/rss.xml'), 'utf8')).toBe(before);

    // Mended from inside the posts folder: an edit of the published article, not a new one.
    await writeFile(join(site, 'posts/en/hearing.md'), post('title: Hearing postponed again\ndate: 2026-01-01T00:00:00Z\ntranslationKey: hearing'));
    expect((await runCli(['build', ...fromElsewhere], join(site, 'posts/en'))).code).toBe(0);
    expect(await titles(site)).toContain('Hearing postponed again');
    const changes = JSON.parse(await readFile(join(site, 'feeds/en/changes.json'), 'utf8')) as { changes: { type: string }[] };
    expect(changes.changes.map((change) => change.type)).not.toContain('deleted');
    expect(JSON.parse(await readFile(join(site, '.nashra/published.json'), 'utf8'))).toMatchObject({ posts: expect.arrayContaining([expect.objectContaining({ path: 'en/hearing.md' })]) });
  });

  it('keeps it when its file cannot be read at all (a dangling link), and the other posts still publish', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    await rm(join(site, 'posts/en/report.md'));
    await symlink(join(site, 'nowhere.md'), join(site, 'posts/en/report.md'));
    await writeFile(join(site, 'posts/en/new.md'), post('title: New statement\ndate: 2026-01-09T00:00:00Z'));
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('posts/en/report.md:1:1 error cannot read this file (ENOENT) [file]\nposts/en/report.md:1:1 error the version published');
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released', 'New statement']);
  });

  it('treats a file saved in another encoding as unreadable, never publishing it with replacement characters', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    // "Hearing postponed — again", saved as Windows-1252 (the dash is the single byte 0x97).
    const latin = Buffer.concat([Buffer.from('---\ntitle: Hearing postponed '), Buffer.from([0x97]), Buffer.from(' again\ndate: 2026-01-01T00:00:00Z\ntranslationKey: hearing\n---\n\nEdited.\n')]);
    await writeFile(join(site, 'posts/en/hearing.md'), latin);
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    // At the first byte that is not UTF-8, as a compiler points at a bad character.
    expect(run.stderr).toContain('posts/en/hearing.md:2:26 error this file is not UTF-8 text from here (saved as Windows-1252 or -1256?); save it as UTF-8 [file]');
    expect(run.stderr).toContain('posts/en/hearing.md:2:26 error the version published by the build of');
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
    expect(await readFile(join(site, 'feeds/en/rss.xml'), 'utf8')).not.toContain('\uFFFD');
    // Saved with old Mac line endings (CR alone), the same byte is on the same line.
    await writeFile(join(site, 'posts/en/hearing.md'), Buffer.from(latin.toString('latin1').replace(/\n/g, '\r'), 'latin1'));
    expect((await runCli(['check'], site)).stderr).toContain('posts/en/hearing.md:2:26 error this file is not UTF-8 text from here');
  });

  it('says so at the file, when the version published cannot be kept because its stored text is gone or damaged', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    await writeFile(join(site, 'posts/en/hearing.md'), '---\ntitle: [broken\ndate: 2026-01-01T00:00:00Z\n---\n\nEdited.\n');
    await rm(join(site, '.nashra/sources'), { recursive: true });
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/posts\/en\/hearing\.md:\d+:\d+ error the version published cannot be kept: its text stored in the state directory is missing, damaged or no longer valid, so this article leaves the feeds until this file is fixed \[published\]/);
    expect(await titles(site)).toEqual(['Annual report', 'Journalists released']);
  });

  it('keeps it when its date is edited into the future by mistake, with an error saying how to withdraw it on purpose', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site)).code).toBe(0);
    await writeFile(join(site, 'posts/en/report.md'), post('title: Annual report, corrected\ndate: 2062-01-02T00:00:00Z\ntranslationKey: report'));
    const run = await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('posts/en/report.md:3:7 error date 2062-01-02T00:00:00.000Z is in the future, which would withdraw this published article until then; the published version stays.');
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
    // Withdrawn on purpose: gone.
    await writeFile(join(site, 'posts/en/report.md'), post('title: Annual report\ndate: 2026-01-02T00:00:00Z\ntranslationKey: report\ndraft: true'));
    expect((await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site)).code).toBe(0);
    expect(await titles(site)).toEqual(['Hearing postponed', 'Journalists released']);
  });

  it('keeps nothing of a post that was never published', async () => {
    const site = await siteOnDisk(threePosts);
    await writeFile(join(site, 'posts/en/draft.md'), '---\ntitle: [unfinished\n---\n');
    expect((await runCli(['build'], site)).code).toBe(1);
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
  });
});

describe('a build run from another directory', () => {
  it('reads drafts and slugs from where files sit in the posts folder, not from the folders above it', async () => {
    const above = await mkdtemp(join(tmpdir(), 'nashra-above-'));
    const site = join(above, '_drafts', 'site');
    await mkdir(site, { recursive: true });
    const files = { ...threePosts, 'en/index.md': post('title: Prison visit\ndate: 2026-01-04T00:00:00Z'), 'en/archive/older.md': post('title: Older note\ndate: 2025-01-04T00:00:00Z') };
    await cp(await siteOnDisk(files), site, { recursive: true });
    expect((await runCli(['build'], site)).code).toBe(0);
    const feed = await readFile(join(site, 'feeds/en/feed.json'), 'utf8');
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released', 'Older note', 'Prison visit']);
    const paths = ['--config', join(site, 'nashra.config.yaml'), '--posts', join(site, 'posts'), '--out', join(site, 'feeds')];
    // From above a folder named _drafts (Jekyll's folder of drafts), and from a folder inside the language's.
    for (const cwd of [above, join(site, 'posts/en/archive')]) {
      expect((await runCli(['build', ...paths], cwd)).code).toBe(0);
      expect(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')).toBe(feed);
    }
  });
});

describe('the record of what was published', () => {
  const site = join(tmpdir(), 'site');
  it('names each post file below the posts folder, whichever directory the build runs from, and gives it back as the listing names it', () => {
    for (const [cwd, listed] of [
      [site, join('posts', 'en', 'reports', 'annual.md')],
      [join(site, 'posts'), join('en', 'reports', 'annual.md')],
      [join(site, 'posts', 'en'), join('reports', 'annual.md')],
      [join(tmpdir(), 'elsewhere'), join('..', 'site', 'posts', 'en', 'reports', 'annual.md')],
    ] as const) {
      const paths = recordPaths(join(site, 'posts'), cwd);
      expect(paths.recorded(listed, 'en')).toBe('en/reports/annual.md');
      expect(paths.recordedFile(listed)).toBe('en/reports/annual.md');
      expect(paths.listed('en/reports/annual.md')).toBe(listed);
      // A file beside the posts folder too, as a problem kept in the state directory may name one.
      const config = relative(cwd, join(site, 'nashra.config.yaml'));
      expect(paths.recordedFile(config)).toBe('../nashra.config.yaml');
      expect(paths.listed(paths.recordedFile(config))).toBe(config);
    }
  });

  it('is taken as written when it reads back with the digest the build that wrote it kept, and checked against its schema otherwise', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    const state = join(site, '.nashra');
    const text = await readFile(join(state, 'published.json'), 'utf8');
    const manifest = await readOutputManifest(join(state, 'manifest.json'));
    expect(manifest.madeFrom?.record).toBe(recordContentDigest(text));
    // A key the schema does not know: refused, unless its digest is given as the one written.
    const odd = text.replace('"lang": "ar",', '"lang": "ar",\n   "unknown": 1,');
    expect(odd).not.toBe(text);
    await writeFile(join(state, 'published.json'), odd);
    const paths = recordPaths(join(site, 'posts'), site);
    expect(openPrevious(state, paths).problem?.key).toBe('diagnostics.state.recordUnknown');
    expect(openPrevious(state, paths, recordContentDigest(text)).problem?.key).toBe('diagnostics.state.recordUnknown');
    expect(openPrevious(state, paths, recordContentDigest(odd)).previous.posts.map((entry) => entry.path)).toHaveLength(4);
  });

  it('reads the files of a record from before version 4 as they were named, from the working directory', () => {
    const posts = [{ path: join('posts', 'en', 'hearing.md'), lang: 'en', hash: 'h', id: 'i', content: 'c', modified: '2026-01-01T00:00:00.000Z' }];
    const previous = previousOf({ version: 3, at: '2026-01-01T00:00:00.000Z', posts, changes: [] }, () => undefined, recordPaths(join(site, 'posts'), site));
    expect(previous.byPath(join('posts', 'en', 'hearing.md'))?.id).toBe('i');
  });
});

describe('a damaged list of the files earlier builds wrote', () => {
  it('is told: a file no longer made cannot be told from a person\'s own and stays, and the build says so once', async () => {
    const site = await siteOnDisk({
      'en/a.md': post('title: A statement\ndate: 2026-01-01T00:00:00Z\ncategories: News'),
      'en/unique.md': post('title: A statement of its own category\ndate: 2026-01-02T00:00:00Z\ncategories: Unique'),
    });
    expect((await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site)).code).toBe(0);
    expect(await listFiles(join(site, 'feeds'))).toContain('en/categories/unique/rss.xml');
    const manifest = join(site, '.nashra/manifest.json');
    await writeFile(manifest, (await readFile(manifest)).subarray(0, 5000));
    await rm(join(site, 'posts/en/unique.md'));
    const build = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site);
    expect(build.code).toBe(0);
    expect(build.stderr).toMatch(/^\S*\.nashra:1:1 warning \S*\.nashra\/manifest\.json is damaged, .* stay there; to be sure none is left, build into an empty folder .* \[state\]$/m);
    // Told once: the build wrote a whole manifest again, of the files it made.
    const next = await runCli(['build', '--now', '2026-02-02T00:00:00Z'], site);
    expect(next.code).toBe(0);
    expect(next.stderr).not.toMatch(/manifest/);
    // A missing manifest (a new state folder) is a first build, not damage.
    await rm(manifest);
    expect((await runCli(['build', '--now', '2026-02-03T00:00:00Z'], site)).stderr).not.toMatch(/manifest/);
  });
});

describe('a copied file', () => {
  it('cannot push out the published article whose translationKey it reuses: the newcomer is reported, naming both files', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    // Sorts before the original, which used to make it win.
    await writeFile(join(site, 'posts/en/a-copy.md'), post('title: Copy of the hearing\ndate: 2026-01-05T00:00:00Z\ntranslationKey: hearing'));
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/posts\/en\/a-copy\.md:4:\d+ error translationKey "hearing" is already used by posts\/en\/hearing\.md in the same language, which is published; this post is skipped \[translationKey\]/);
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
  });
});

describe('an edit that clashes with another published post', () => {
  it('cannot push out the untouched post; the edited one stays in its published version', async () => {
    const site = await siteOnDisk({
      'en/alpha.md': post('title: Alpha statement\ndate: 2026-01-01T00:00:00Z'),
      'en/zulu.md': post('title: Zulu statement\ndate: 2026-01-02T00:00:00Z'),
    });
    expect((await runCli(['build'], site)).code).toBe(0);
    // alpha.md sorts first, which used to let it take zulu's URL and drop zulu.
    await writeFile(join(site, 'posts/en/alpha.md'), post('title: Alpha statement, revised\ndate: 2026-01-01T00:00:00Z\nslug: zulu'));
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/posts\/en\/alpha\.md:4:7 error URL \S+\/zulu\/ is already used by posts\/en\/zulu\.md, which is published; this post is skipped \[slug\]/);
    expect(run.stderr).toContain('posts/en/alpha.md:4:7 error the version published by the build of');
    expect(await titles(site)).toEqual(['Alpha statement', 'Zulu statement']);
  });

  it('cannot take another published post\'s translationKey either; the edited file is the one reported', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    // hearing.md sorts before release.md; its edit copies release's key by mistake.
    await writeFile(join(site, 'posts/en/hearing.md'), post('title: Hearing postponed again\ndate: 2026-01-01T00:00:00Z\ntranslationKey: release'));
    const run = await runCli(['build'], site);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/posts\/en\/hearing\.md:4:\d+ error translationKey "release" is already used by posts\/en\/release\.md in the same language, which is published; this post is skipped/);
    expect(await titles(site)).toContain('Journalists released');
    expect(await titles(site)).toContain('Hearing postponed');
  });
});

describe('a vanished or emptied folder', () => {
  it('refuses to empty a language (exit 5, nothing written) unless --allow-shrink', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    const before = await readFile(join(site, 'feeds/en/feed.json'), 'utf8');
    await rename(join(site, 'posts/en'), join(site, 'elsewhere'));

    const refused = await runCli(['build'], site);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('refusing to publish: en would go from 3 published posts to 0 because 3 files are gone from the posts folder');
    expect(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')).toBe(before);
    expect((await runCli(['status'], site)).stdout).toContain('refusing to publish');

    expect((await runCli(['build', '--allow-shrink'], site)).code).toBe(0);
    expect(await titles(site)).toEqual([]);
  });

  it('refuses an empty posts folder, but lets one post go, and lets posts expire', async () => {
    const site = await siteOnDisk({ ...threePosts, 'en/later.md': post('title: Short-lived\ndate: 2026-01-04T00:00:00Z\nexpires: 2026-06-01T00:00:00Z') });
    expect((await runCli(['build', '--now', '2026-05-01T00:00:00Z'], site)).code).toBe(0);
    expect(await titles(site)).toHaveLength(4);
    // An expiry is written in the post: not a loss.
    await rm(join(site, 'posts/en/report.md'));
    const run = await runCli(['build', '--now', '2026-07-01T00:00:00Z'], site);
    expect(run.code).toBe(0);
    expect(await titles(site)).toEqual(['Hearing postponed', 'Journalists released']);

    await rm(join(site, 'posts'), { recursive: true });
    await mkdir(join(site, 'posts'));
    expect((await runCli(['build', '--now', '2026-07-01T00:00:00Z'], site)).code).toBe(5);
    expect(await titles(site)).toEqual(['Hearing postponed', 'Journalists released']);
    expect(await titles(site, 'ar')).toEqual(['تأجيل الجلسة']);
  });

  it('does not count files moved into a subfolder, whose texts are all still there', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    await rename(join(site, 'posts/en'), join(site, 'moved'));
    await mkdir(join(site, 'posts/en'));
    await rename(join(site, 'moved'), join(site, 'posts/en/2026'));
    const run = await runCli(['build'], site);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await titles(site)).toEqual(['Annual report', 'Hearing postponed', 'Journalists released']);
  });

  it('refuses to lose more than maxShrink of a language at once', async () => {
    const posts = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`en/p${i}.md`, post(`title: Post ${i}\ndate: 2026-01-0${(i % 9) + 1}T00:00:00Z`)]));
    const site = await siteOnDisk(posts, { maxShrink: 0.3 });
    expect((await runCli(['build'], site)).code).toBe(0);
    for (const i of [0, 1, 2]) await rm(join(site, `posts/en/p${i}.md`));
    expect((await runCli(['build'], site)).code).toBe(0);
    for (const i of [3, 4, 5]) await rm(join(site, `posts/en/p${i}.md`));
    const refused = await runCli(['build'], site);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('en would go from 7 published posts to 4');
  });
});

describe('one writer at a time', () => {
  it('build refuses while another nashra holds the lock, and takes over a lock whose pid was reused or is gone', async () => {
    const site = await siteOnDisk(threePosts);
    await mkdir(join(site, '.nashra'));
    const lock = join(site, '.nashra/lock');

    // A live process that is the lock's owner: this test runner.
    await writeFile(lock, JSON.stringify({ pid: process.pid, processStart: processStart(process.pid), command: 'schedule' }));
    const refused = await runCli(['build'], site);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`another nashra schedule (pid ${process.pid}) is publishing this site`);
    expect(await listFiles(join(site, 'feeds'))).toEqual([]);

    // The same pid, now an unrelated process that started at another moment.
    const other = spawn('sleep', ['30']);
    try {
      const pid = other.pid as number;
      await writeFile(lock, JSON.stringify({ pid, processStart: `${processStart(pid)}-earlier`, command: 'schedule' }));
      expect((await runCli(['build'], site)).code).toBe(0);
      // A lock of an older nashra (no start moment) naming a process that started after it was written.
      await writeFile(lock, JSON.stringify({ pid, startedAt: '2001-01-01T00:00:00Z' }));
      expect((await runCli(['build'], site)).code).toBe(0);
    } finally {
      other.kill();
    }
    expect(await listFiles(join(site, '.nashra'))).not.toContain('lock');
  });
});

describe('one writer at a time, after a build was killed', () => {
  it('takes over the lock of a killed build that is not reaped yet (a zombie, as under a container init that does not reap)', async () => {
    const site = await siteOnDisk(threePosts);
    await mkdir(join(site, '.nashra'));
    // The forked child ends at once and its parent never waits for it: a zombie until the parent is killed. (A shell's `sleep 0 & exec sleep 60`
    // was not one every time: the shell could reap its child before the exec.)
    const zombieMaker = 'import os, time\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nprint(pid, flush=True)\ntime.sleep(60)';
    const parent = spawn('python3', ['-c', zombieMaker]);
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()))));
      await expect.poll(async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.[0]).toBe('Z');
      await writeFile(join(site, '.nashra/lock'), JSON.stringify({ pid, processStart: processStart(pid), command: 'build' }));
      expect((await runCli(['build'], site)).code).toBe(0);
    } finally {
      parent.kill();
    }
  });
});

describe('one writer at a time, when two start at once', () => {
  /**
   * Two processes (a build and a daemon, say) race for the lock in `stateDir`,
   * each holding what it gets for a moment; how many got it. Three or more
   * starting in the same instant over a stale lock can still both win: without
   * flock there is no exact compare-and-delete (see the README).
   */
  const race = async (stateDir: string): Promise<number> => {
    // Each holds what it got until the test has both answers: one gone too soon leaves a stale lock, which the other rightly takes over.
    const contender = `import { acquireLock } from ${JSON.stringify(join(ROOT, 'dist/schedule/lock.js'))};
      const result = await acquireLock(${JSON.stringify(stateDir)}, 'build');
      process.stdout.write(result.acquired ? 'held' : 'refused');
      for await (const _ of process.stdin);`;
    const contenders = Array.from({ length: 2 }, () => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', contender]);
      const closed = new Promise<void>((done) => child.on('close', () => done()));
      const answer = new Promise<string>((done) => {
        let stdout = '';
        child.stdout.on('data', (data: Buffer) => {
          stdout += data.toString();
          if (stdout === 'held' || stdout === 'refused') done(stdout);
        });
        void closed.then(() => done(stdout));
      });
      return { child, closed, answer };
    });
    const outputs = await Promise.all(contenders.map(({ answer }) => answer));
    for (const { child } of contenders) child.stdin.end();
    await Promise.all(contenders.map(({ closed }) => closed));
    return outputs.filter((output) => output === 'held').length;
  };

  it('lets exactly one take a free lock or a stale one', async () => {
    for (let round = 0; round < 12; round++) {
      const stateDir = await mkdtemp(join(tmpdir(), 'nashra-lock-'));
      // Every other round starts from a lock left by a process that is gone.
      if (round % 2 === 1) await writeFile(join(stateDir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 1, processStart: 'gone', command: 'build' }));
      expect(await race(stateDir), `round ${round}`).toBe(1);
    }
  });
});

describe('the temporary files a killed build left', () => {
  it('are removed in every folder of the output, and only they', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nashra-out-'));
    await mkdir(join(out, 'en/related'), { recursive: true });
    const left = [temporaryNameFor(join(out, 'en/feed.json')), temporaryNameFor(join(out, 'en/related/hearing.json'))];
    for (const path of [...left, join(out, 'en/feed.json'), join(out, 'en/related/hearing.json')]) await writeFile(path, '{}');
    expect((await removeStaleTemporaryFiles(out)).sort()).toEqual([...left].sort());
    expect(await listFiles(out)).toEqual(['en/feed.json', 'en/related/hearing.json']);
  });

  it('are found in the other folders when one cannot be listed (gone meanwhile, or unreadable)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nashra-out-'));
    for (const folder of ['en/related', 'ar/related']) await mkdir(join(out, folder), { recursive: true });
    for (const file of ['en/related/a.json', 'ar/related/b.json', 'ar/feed.json']) await writeFile(join(out, file), '{}');
    const listing = (folder: string) => {
      if (folder === join(out, 'en')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return readdirSync(folder, { withFileTypes: true });
    };
    expect(filesBelow(out, listing).map((path) => relative(out, path)).sort()).toEqual(['ar/feed.json', 'ar/related/b.json']);
  });
});

describe('one writer at a time, while the holder builds', () => {
  it('a contender\'s files beside the lock are not among the temporary files the holder removes at each build', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'nashra-lock-'));
    // What a second daemon has written while taking the lock, between its write and its link.
    const side = lockSideName(join(stateDir, 'lock'));
    await writeFile(side, '{"pid": 1}');
    await removeStaleTemporaryFiles(stateDir);
    expect(await listFiles(stateDir)).toEqual([side.slice(stateDir.length + 1)]);
  });

  it('clears side files left by a process killed while taking the lock, once they are old', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'nashra-lock-'));
    const [old, fresh] = [lockSideName(join(stateDir, 'lock')), lockSideName(join(stateDir, 'lock'))];
    await writeFile(old, '{"pid": 1}');
    await writeFile(fresh, '{"pid": 1}');
    await utimes(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const taken = await acquireLock(stateDir, 'build');
    expect(taken.acquired).toBe(true);
    expect((await listFiles(stateDir)).sort()).toEqual([fresh.slice(stateDir.length + 1), 'lock'].sort());
  });
});

describe('the state directory', () => {
  it('lives beside the config, never in the output; status reads it there', async () => {
    const site = await siteOnDisk(threePosts);
    await mkdir(join(site, 'site'));
    await rename(join(site, 'nashra.config.yaml'), join(site, 'site/config.yaml'));
    expect((await runCli(['build', '-c', 'site/config.yaml'], site)).code).toBe(0);
    expect(await listFiles(join(site, 'site/.nashra'))).toEqual(expect.arrayContaining(['published.json', 'status.json']));
    expect((await listFiles(join(site, 'feeds'))).filter((file) => /status|nashra|lock/.test(file))).toEqual([]);
    expect((await runCli(['status', '-c', 'site/config.yaml'], site)).stdout).toMatch(/last build: \S+ \(build\) ok; posts en 3, ar 1/);

    const inside = await runCli(['build', '-c', 'site/config.yaml', '--state-dir', 'feeds/state'], site);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('is inside the output directory');
    // Refused before anything is written there: no status naming paths and errors is published.
    expect((await listFiles(join(site, 'feeds'))).filter((file) => file.startsWith('state/'))).toEqual([]);
  });

  it('is refused inside the posts directory, where its stored texts would be read as posts', async () => {
    const site = await siteOnDisk(threePosts);
    for (const stateDir of ['posts', 'posts/en', 'posts/en/.state']) {
      const run = await runCli(['build', '--state-dir', stateDir], site);
      expect(run.code, stateDir).toBe(2);
      expect(run.stderr).toContain('is inside the posts directory');
    }
    expect(await listFiles(join(site, 'posts'))).toEqual(['ar/hearing.md', 'en/hearing.md', 'en/release.md', 'en/report.md']);
  });

  it('removes only the stored texts it wrote, never a file a person put in the state directory', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    await writeFile(join(site, '.nashra/sources/notes.txt'), 'mine');
    await rm(join(site, 'posts/en/report.md'));
    expect((await runCli(['build'], site)).code).toBe(0);
    const stored = await listFiles(join(site, '.nashra/sources'));
    expect(stored).toContain('notes.txt');
    expect(stored.filter((name) => name.endsWith('.md'))).toHaveLength(3);
  });

  it('stores the exact text of every post of a first build of many, and publishes from it through a typo', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 150 }, (_, n) => [`en/statement-${n}.md`, post(`title: Statement ${n}\ndate: ${new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString()}`, `The centre's statement number ${n}, with the détails of its ${n} sessions.\n`)]),
    );
    const site = await siteOnDisk(many);
    expect((await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site)).code).toBe(0);
    const byName = (text: string): string => `${createHash('sha1').update(text).digest('base64url')}.md`;
    const stored = await listFiles(join(site, '.nashra/sources'));
    expect(stored).toEqual(Object.values(many).map(byName).sort());
    for (const text of Object.values(many)) expect(await readFile(join(site, '.nashra/sources', byName(text)), 'utf8')).toBe(text);

    // The newest, so that it is in the feed.
    await writeFile(join(site, 'posts/en/statement-149.md'), '---\ntitle: [Statement 149\n---\nEdited.\n');
    const broken = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('stays published until this file is fixed');
    expect(await titles(site)).toContain('Statement 149');
  });

  it('stores many texts on a thread of their own, which reads each file where it is on disk', async () => {
    const built = join(ROOT, 'dist/state/store.js');
    const { storeTexts } = (await import(built)) as typeof StoreModule;
    const dir = await mkdtemp(join(tmpdir(), 'nashra-texts-'));
    const texts = Array.from({ length: 120 }, (_, n) => `---\ntitle: Statement ${n}\n---\nBody ${n}.\n`);
    const live = await Promise.all(
      texts.map(async (text, n) => {
        await writeFile(join(dir, `${n}.md`), text);
        return { sourcePath: `${n}.md`, sourceHash: createHash('sha1').update(text).digest('base64') } as Post;
      }),
    );
    // The build's thread cannot read them here: only the thread, which reads them where `locate` says, can store them.
    const source = {
      read: (): string => {
        throw new Error('read on the build thread');
      },
      locate: (path: string) => join(dir, path),
    };
    await storeTexts(join(dir, 'state'), live, source);
    expect(await listFiles(join(dir, 'state/sources'))).toHaveLength(120);
  });

  it('treats a corrupt record as no record, with a warning, and repairs it', async () => {
    const site = await siteOnDisk(threePosts);
    expect((await runCli(['build'], site)).code).toBe(0);
    await writeFile(join(site, '.nashra/published.json'), '{"version": 1, "posts": [');
    const run = await runCli(['build'], site);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('published.json is unreadable');
    expect((await runCli(['build'], site)).stderr).not.toContain('published.json');
  });
});

describe('a published article that a page bundle now surrounds', () => {
  it('stays published: a folder that gains an index.md (a Hugo leaf bundle) does not turn its published posts into resources', async () => {
    const site = await siteOnDisk({
      ...threePosts,
      'en/reports/water.md': post('title: Water report\ndate: 2026-01-04T00:00:00Z'),
      'en/reports/note.md': post('title: Note on the report\ndate: 2026-01-05T00:00:00Z'),
    });
    expect((await runCli(['build'], site)).code).toBe(0);
    expect(await titles(site)).toContain('Water report');
    await writeFile(join(site, 'posts/en/reports/index.md'), post('title: Reports\ndate: 2026-01-06T00:00:00Z'));
    await writeFile(join(site, 'posts/en/reports/new-resource.md'), post('title: Never published\ndate: 2026-01-07T00:00:00Z'));
    expect((await runCli(['build'], site)).code).toBe(0);
    const now = await titles(site);
    expect(now).toEqual(expect.arrayContaining(['Water report', 'Note on the report', 'Reports']));
    // A file that was never published is the bundle's resource, as Hugo reads it.
    expect(now).not.toContain('Never published');
    // nashra check and plan list the posts as the build does.
    expect((await runCli(['check'], site)).stdout).toMatch(/^7 posts checked/m);
  });
});
