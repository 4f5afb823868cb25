/**
 * The write stage publishes every byte or nothing, in an order that never
 * shows a reader a dangling link, and removes exactly the files it no longer
 * plans.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSite } from '../src/pipeline.js';
import { memorySource } from '../src/load/source.js';
import { readOutputManifest, WriteError, writeOutputs, type WriteIo } from '../src/write/output.js';
import { isTemporaryFile, temporaryNameFor } from '../src/write/temporary.js';
import { danglingLinks, entryFiles } from './support/links.js';
import { listFiles, post, runCli, siteOnDisk, snapshot, sourceFiles, testConfig } from './support/site.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const config = testConfig({ feeds: { limit: 2, relatedCount: 0 } });
const FEEDS_URL = 'https://rights.example.org/feeds/';

function site(count: number, edited = '') {
  const posts = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `en/p${String(i).padStart(2, '0')}.md`,
      post(`title: Post ${i}${edited}\ndate: 2026-01-${String(i + 1).padStart(2, '0')}T00:00:00Z\ncategories: [${i % 2 ? 'News' : 'Reports'}]`, `Body of post ${i}${edited}. `.repeat(40)),
    ]),
  );
  return planSite(memorySource(sourceFiles(posts)), config, NOW).outputs;
}

async function emptyDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name));
  const empty = await Promise.all(directories.map(async (path) => ((await readdir(path)).length === 0 ? [path] : [])));
  return empty.flat();
}

const scratch = () => mkdtemp(join(tmpdir(), 'nashra-write-'));

describe('every byte or nothing', () => {
  it('names each temporary file apart from every other, in a form no published file has', () => {
    const names = Array.from({ length: 10_000 }, () => temporaryNameFor('feeds/en/rss.xml'));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(isTemporaryFile(name), name).toBe(true);
    expect(isTemporaryFile('feeds/en/rss.xml')).toBe(false);
  });

  it('finishes a file the disk takes a few bytes at a time', async () => {
    const out = await scratch();
    const reference = await scratch();
    await writeOutputs(reference, site(7));
    const trickle: Partial<WriteIo> = { writeSome: async (handle, bytes, offset, length) => (await handle.write(bytes, offset, Math.min(length, 997))).bytesWritten };
    await writeOutputs(out, site(7), { io: trickle });
    expect(await snapshot(out)).toEqual(await snapshot(reference));
  });

  it('on a full disk fails naming the file and errno, and leaves every old file as it was, with no temporary file', async () => {
    const out = await scratch();
    await writeOutputs(out, site(7));
    const before = await snapshot(out);
    let budget = 20_000;
    const filling: Partial<WriteIo> = {
      async writeSome(handle, bytes, offset, length) {
        if (budget <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        const taken = Math.min(length, budget); // the last write before the disk is full is a short one
        budget -= taken;
        return (await handle.write(bytes, offset, taken)).bytesWritten;
      },
    };
    const failure = await writeOutputs(out, site(9, ' (corrected)'), { io: filling }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriteError);
    expect(String(failure)).toMatch(/cannot write \S+: ENOSPC \(the disk is full\); the published files are unchanged/);
    expect(await snapshot(out)).toEqual(before);
  });

  it('leaves every old file as it was, with no temporary file, when the manifest cannot be written before the files are put in place', async () => {
    const out = await scratch();
    await writeOutputs(out, site(7));
    const before = await snapshot(out);
    // The manifest's folder is a file: a state directory that takes nothing (a full disk does the same).
    const notAFolder = join(await scratch(), 'state');
    await writeFile(notAFolder, '');
    const failure = await writeOutputs(out, site(9, ' (corrected)'), { manifestPath: join(notAFolder, 'manifest.json') }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriteError);
    expect(String(failure)).toMatch(/cannot write \/\S+\/state\/manifest\.json: \w+; the published files are unchanged/);
    expect(await snapshot(out)).toEqual(before);
  });

  it('says the new files are in place when only the manifest written after them fails', async () => {
    const out = await scratch();
    const reference = await scratch();
    await writeOutputs(reference, site(7));
    const state = join(await scratch(), 'state');
    const madeFrom = () => {
      // The state directory gone bad between the renames and the manifest that records them.
      rmSync(state, { recursive: true, force: true });
      writeFileSync(state, '');
      return { digest: 'd', diagnostics: [] };
    };
    const failure = await writeOutputs(out, site(7), { manifestPath: join(state, 'manifest.json'), madeFrom }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriteError);
    expect(String(failure)).toMatch(/cannot write \/\S+\/manifest\.json: \w+; the new files are in place, and the next build records them/);
    expect(await snapshot(out)).toEqual(await snapshot(reference));
  });

  it('says how many new files are in place when a rename fails partway, each file whole, old or new', async () => {
    const out = await scratch();
    await writeOutputs(out, site(7));
    let renames = 0;
    const io: Partial<WriteIo> = {
      rename: async (from, to) => {
        if (++renames === 3) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO', syscall: 'rename', path: from, dest: to });
        await rename(from, to);
      },
    };
    const failure = await writeOutputs(out, site(7, ' (corrected)'), { io }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WriteError);
    expect(String(failure)).toMatch(/cannot write \S+: EIO; 2 of the \d+ new files are in place and the others are as they were; the next build writes them/);
    expect((await listFiles(out)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves a manifest cut short among its renames that owns every file it may have put in place, trusts no record and keeps no witness; the next build writes what differs', async () => {
    const [out, reference] = [await scratch(), await scratch()];
    const manifestPath = join(await scratch(), 'manifest.json');
    await writeOutputs(out, site(7), { manifestPath, madeFrom: () => ({ digest: 'd', diagnostics: [] }) });
    let renames = 0;
    const io: Partial<WriteIo> = {
      rename: async (from, to) => {
        if (++renames === 3) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO', syscall: 'rename', path: from, dest: to });
        await rename(from, to);
      },
    };
    const corrected = site(8, ' (corrected)');
    await expect(writeOutputs(out, corrected, { io, manifestPath })).rejects.toBeInstanceOf(WriteError);
    const cut = await readOutputManifest(manifestPath);
    expect(cut.files).toEqual(expect.arrayContaining([...corrected].map((file) => file.path)));
    expect(cut.records).toEqual({});
    expect(cut.madeFrom).toBeUndefined();
    await writeOutputs(out, site(8, ' (corrected)'), { manifestPath });
    await writeOutputs(reference, site(8, ' (corrected)'));
    expect(await snapshot(out)).toEqual(await snapshot(reference));
  });

  it('removes the folders it made for a build that failed, so a new category is not left as an empty folder', async () => {
    const out = await scratch();
    await writeOutputs(out, site(4));
    const appeal = { 'en/appeal.md': post('title: Urgent appeal\ndate: 2026-02-01T00:00:00Z\ncategories: [Urgent Appeals]') };
    const files = () => planSite(memorySource([...sourceFiles(appeal), ...sourceFiles(Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`en/p0${i}.md`, post(`title: Post ${i}\ndate: 2026-01-0${i + 1}T00:00:00Z\ncategories: [${i % 2 ? 'News' : 'Reports'}]`, `Body of post ${i}. `.repeat(40))])))]), config, NOW).outputs;
    const failAt = [...files()].findIndex((file) => file.path.startsWith('en/categories/urgent-appeals/'));
    expect(failAt).toBeGreaterThan(0);
    let calls = 0;
    const full: Partial<WriteIo> = {
      async writeSome(handle, bytes, offset, length) {
        if (calls++ === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return (await handle.write(bytes, offset, length)).bytesWritten;
      },
    };
    await expect(writeOutputs(out, files(), { io: full })).rejects.toThrow(/cannot write \/\S+\/en\/categories\/urgent-appeals\/\S+: ENOSPC/);
    expect(await emptyDirectories(out)).toEqual([]);
  });

  it('flushes the staged files together, and when one cannot be flushed fails naming it and leaves every old file as it was', async () => {
    const out = await scratch();
    await writeOutputs(out, site(7));
    const before = await snapshot(out);
    let flushing = 0;
    let most = 0;
    const failing: Partial<WriteIo> = {
      async flush(_handle, path) {
        flushing += 1;
        most = Math.max(most, flushing);
        await new Promise((resolve) => setTimeout(resolve, 5));
        flushing -= 1;
        if (path.includes('atom.xml')) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      },
    };
    await expect(writeOutputs(out, site(9, ' (corrected)'), { io: failing })).rejects.toThrow(/cannot write \S*atom\.xml: EIO; the published files are unchanged/);
    expect(most).toBeGreaterThan(1);
    expect(await snapshot(out)).toEqual(before);
    expect((await listFiles(out)).filter((file) => file.includes('.tmp'))).toEqual([]);
  });

  it('flushes each file as soon as it is staged, while later files are still written, every one before the first rename, and never a file left as it was', async () => {
    const out = await scratch();
    await writeOutputs(out, site(7));
    const events: string[] = [];
    const io: Partial<WriteIo> = {
      writeSome: async (handle, bytes, offset, length) => {
        events.push('write');
        return (await handle.write(bytes, offset, length)).bytesWritten;
      },
      flush: async (handle, path) => {
        events.push(`flush ${path}`);
        await handle.sync();
      },
      rename: async (from, to) => {
        events.push('rename');
        await rename(from, to);
      },
    };
    const report = await writeOutputs(out, site(7, ' (corrected)'), { io });
    const flushes = events.filter((event) => event.startsWith('flush '));
    expect(flushes).toHaveLength(report.written.length);
    expect(report.unchanged.length).toBeGreaterThan(0);
    expect(events.indexOf(flushes[0] ?? '')).toBeLessThan(events.lastIndexOf('write'));
    expect(events.lastIndexOf(flushes.at(-1) ?? '')).toBeLessThan(events.indexOf('rename'));
  });

  it('writes several files at once, and reports and renames them in the order of the plan whatever order the disk finishes them in', async () => {
    const calm = await scratch();
    const calmReport = await writeOutputs(calm, site(12));
    const hurried = await scratch();
    // Each write waits longer than the one started after it: files started together finish in reverse order.
    let started = 0;
    const io: Partial<WriteIo> = {
      writeSome: async (handle, bytes, offset, length) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60 - 2 * started++)));
        return (await handle.write(bytes, offset, length)).bytesWritten;
      },
    };
    const hurriedReport = await writeOutputs(hurried, site(12), { io });
    expect(hurriedReport.written).toEqual(calmReport.written);
    expect(await snapshot(hurried)).toEqual(await snapshot(calm));
  });

  it('writes a file in chunks as the chunks joined would be, in UTF-8: a pair of surrogates cut between two chunks, characters across the buffer\'s end, a chunk larger than the buffer', async () => {
    const out = await mkdtemp(join(tmpdir(), 'nashra-chunks-'));
    const arabic = 'بيان مشترك حول الاحتجاز التعسفي '.repeat(9_000);
    const chunks = ['<feed>', 'a\uD83D', '\uDCDC b', arabic, 'x'.repeat(131_071), 'é€𝄞', '', 'lone \uD800 end', arabic.slice(0, 5), '\uD83D'];
    await writeOutputs(out, [{ path: 'a.xml', chunks }, { path: 'b.xml', chunks: [chunks.join('')] }]);
    const [a, b] = await Promise.all([readFile(join(out, 'a.xml')), readFile(join(out, 'b.xml'))]);
    expect(a.equals(Buffer.from(chunks.join(''), 'utf8'))).toBe(true);
    expect(a.equals(b)).toBe(true);
    expect(a.toString('utf8')).toContain('a📜 b');
  });

  it('refuses a disk that takes no bytes at all rather than spinning', async () => {
    const out = await scratch();
    const stuck: Partial<WriteIo> = { writeSome: async () => 0 };
    await expect(writeOutputs(out, site(3), { io: stuck })).rejects.toThrow(/cannot write \/\S+\/en\/rss\.xml: ENOSPC/);
    expect(await listFiles(out)).toEqual([]);
  });
});

describe('the order of renames', () => {
  it('never lets a reader starting from a current feed, the index or the OPML meet a link to a missing file', async () => {
    const out = await scratch();
    await writeOutputs(out, site(5));
    const seen: string[][] = [];
    const watching: Partial<WriteIo> = {
      async rename(from, to) {
        await rename(from, to);
        seen.push(danglingLinks(out, FEEDS_URL, entryFiles(['en', 'ar'])));
      },
    };
    // New archive pages appear, old pages gain a link to them, a category grows.
    await writeOutputs(out, site(12), { io: watching });
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.flat()).toEqual([]);
  });
});

describe('files no longer planned', () => {
  it('are removed when the manifest says nashra wrote them; a file a person put there is never touched', async () => {
    const out = await scratch();
    const manifestPath = join(await scratch(), 'manifest.json');
    await writeOutputs(out, site(6), { manifestPath });
    await mkdir(join(out, 'en/categories/reports/notes'), { recursive: true });
    await writeFile(join(out, 'en/categories/reports/notes/mine.txt'), 'kept');
    await writeFile(join(out, 'robots.txt'), 'User-agent: *\n');

    // Every Reports post gone (the even ones): its category feed and its archive pages are no longer planned,
    // and News, down to two posts, fits in its feed and needs no archive page.
    const remaining = Object.fromEntries(
      [1, 3].map((i) => [`en/p${i}.md`, post(`title: Post ${i}\ndate: 2026-01-0${i + 1}T00:00:00Z\ncategories: [News]`)]),
    );
    const report = await writeOutputs(out, planSite(memorySource(sourceFiles(remaining)), config, NOW).outputs, { manifestPath });
    const inFormats = (directory: string) => ['atom.xml', 'feed.json', 'rss.xml'].map((file) => directory + file);
    expect(report.removed.sort()).toEqual(
      [
        ...['en/archive/1/', 'en/archive/2/', 'en/archive/categories/news/1/', 'en/archive/categories/reports/1/', 'en/categories/reports/'].flatMap(inFormats),
        'en/categories/reports/index.html',
        // The related files of the six posts, whose slugs (p00 to p05) the two new files (p1, p3) do not have.
        ...[0, 1, 2, 3, 4, 5].map((i) => `en/related/p0${i}.json`),
      ].sort(),
    );
    const files = await listFiles(out);
    expect(files.filter((file) => file.includes('reports') || file.includes('archive'))).toEqual(['en/categories/reports/notes/mine.txt']);
    expect(files).toContain('robots.txt');
    expect(existsSync(join(out, 'en/archive'))).toBe(false);
    expect((await readOutputManifest(manifestPath)).files).toEqual(files.filter((file) => file !== 'robots.txt' && !file.endsWith('mine.txt')));
  });

  it('never removes a file outside the output through a symbolic link', async () => {
    const out = await scratch();
    const outside = await scratch();
    await writeFile(join(outside, 'rss.xml'), 'not ours');
    await mkdir(join(out, 'en/categories'), { recursive: true });
    await symlink(outside, join(out, 'en/categories/linked'));
    const manifestPath = join(await scratch(), 'manifest.json');
    await writeFile(manifestPath, JSON.stringify({ files: ['en/categories/linked/rss.xml'] }));
    await writeOutputs(out, site(2), { manifestPath });
    expect(await readFile(join(outside, 'rss.xml'), 'utf8')).toBe('not ours');
  });

  it('ignores manifest entries that point outside the output', async () => {
    const out = await scratch();
    const outside = await scratch();
    await writeFile(join(outside, 'precious.txt'), 'x');
    const manifestPath = join(await scratch(), 'manifest.json');
    await writeFile(manifestPath, JSON.stringify({ files: [`../${outside.split('/').pop() ?? ''}/precious.txt`, '/etc/hostname'] }));
    await writeOutputs(out, site(2), { manifestPath });
    expect(existsSync(join(outside, 'precious.txt'))).toBe(true);
  });
});

describe('nashra build, retracted posts and leftovers', () => {
  it('removes a category feed that only a retracted post filled once its tombstone is gone, and the OPML stops listing it', async () => {
    const dir = await siteOnDisk({
      'en/a.md': post('title: A\ndate: 2026-01-01T00:00:00Z\ncategories: [News]'),
      'en/b.md': post('title: B\ndate: 2026-01-02T00:00:00Z\ncategories: [Statements]'),
      'en/c.md': post('title: C\ndate: 2026-01-03T00:00:00Z\ncategories: [News]'),
    });
    expect((await runCli(['build', '--now', '2026-02-01T00:00:00Z'], dir)).code).toBe(0);
    expect(await listFiles(join(dir, 'feeds/en/categories'))).toContain('statements/rss.xml');
    await writeFile(join(dir, 'posts/en/b.md'), post('title: B\ndate: 2026-01-02T00:00:00Z\ncategories: [Statements]\ndraft: true'));
    expect((await runCli(['build', '--now', '2026-02-02T00:00:00Z'], dir)).code).toBe(0);
    // For feeds.tombstoneDays (30 by default) the feed holds the withdrawn post's tombstone, then goes.
    expect(await readFile(join(dir, 'feeds/en/categories/statements/atom.xml'), 'utf8')).toContain('<at:deleted-entry ');
    expect((await runCli(['build', '--now', '2026-03-05T00:00:00Z'], dir)).code).toBe(0);
    expect((await listFiles(join(dir, 'feeds/en/categories'))).filter((file) => file.startsWith('statements'))).toEqual([]);
    expect(await readFile(join(dir, 'feeds/opml.xml'), 'utf8')).not.toContain('categories/statements');
  });

  it('removes the temporary files a killed build left before it writes', async () => {
    const dir = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01T00:00:00Z') });
    expect((await runCli(['build'], dir)).code).toBe(0);
    await writeFile(join(dir, 'feeds/en/rss.xml.0123456789ab.tmp'), '<rss><channel><title>half');
    expect((await runCli(['build'], dir)).code).toBe(0);
    expect((await listFiles(join(dir, 'feeds'))).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });
});
