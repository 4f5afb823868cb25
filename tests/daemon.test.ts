/**
 * The real `nashra schedule` process on a temporary site: it publishes on
 * time, survives bad posts, stops cleanly and recovers from being killed.
 */
import { createServer, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyHub } from '../src/schedule/websub.js';
import { Daemon, waitUntil, type LogLine } from './support/daemon.js';
import { listFiles, post, ROOT, runCli, siteOnDisk } from './support/site.js';

interface JsonFeed {
  items: { title: string }[];
  hubs?: { type: string; url: string }[];
}

const readFeed = async (site: string, lang = 'en'): Promise<JsonFeed | undefined> => {
  try {
    return JSON.parse(await readFile(join(site, 'feeds', lang, 'feed.json'), 'utf8')) as JsonFeed;
  } catch {
    return undefined;
  }
};
const titles = async (site: string) => (await readFeed(site))?.items.map((item) => item.title) ?? [];
const fastSchedule = { schedule: { cron: '*/1 * * * * *', debounceMs: 100 } };
const daemons: Daemon[] = [];
const start = (site: string) => {
  const daemon = new Daemon(site);
  daemons.push(daemon);
  return daemon;
};

afterAll(() => {
  for (const daemon of daemons) daemon.signal('SIGKILL');
});

describe('nashra schedule', () => {
  it('publishes new posts, embargoed posts on the second, survives a broken post, refuses a twin and stops on SIGTERM', async () => {
    const site = await siteOnDisk({ 'en/first.md': post('title: First\ndate: 2026-01-01T00:00:00Z') }, { ...fastSchedule, feeds: { relatedCount: 0 } });
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
    expect(await titles(site)).toEqual(['First']);

    // A new post appears without waiting for anything but the debounce.
    await writeFile(join(site, 'posts/en/second.md'), post('title: Second\ndate: 2026-01-02T00:00:00Z'));
    await waitUntil(async () => ((await titles(site)).includes('Second') ? true : undefined), 5000);

    // An embargoed post due in two seconds is published by a build for a moment within a second of
    // its time, and by none before. (The build's own duration on a loaded machine is not the schedule's.)
    const due = new Date(Math.ceil((Date.now() + 2500) / 1000) * 1000);
    const beforeEmbargo = daemon.lines.length;
    await writeFile(join(site, 'posts/en/embargoed.md'), post(`title: Embargoed\ndate: 2026-01-03T00:00:00Z\npublishAt: ${due.toISOString()}`));
    const publishing = await daemon.waitFor((line) => line.event === 'build' && (line.posts as { en?: number } | undefined)?.en === 3, 8000, beforeEmbargo);
    const builds = daemon.lines.slice(beforeEmbargo).filter((line) => line.event === 'build');
    expect(builds.filter((line) => Date.parse(String(line.at)) < due.getTime()).map((line) => (line.posts as { en?: number }).en)).not.toContain(3);
    expect(Date.parse(String(publishing.at))).toBeGreaterThanOrEqual(due.getTime());
    expect(Date.parse(String(publishing.at)) - due.getTime()).toBeLessThan(1000);
    // The build for the moment is prepared ahead (a once-a-second tick may still publish it first).
    expect(daemon.lines.slice(beforeEmbargo).find((line) => line.event === 'prepared')?.at).toBe(due.toISOString());
    await waitUntil(async () => ((await titles(site)).includes('Embargoed') ? true : undefined), 5000);

    // A broken post: reported in the status file, the other posts still published, feeds still valid.
    const before = daemon.lines.length;
    // Saved whole (by rename), so the once-a-second tick cannot catch it half-written.
    await writeFile(join(site, 'posts/en/broken.tmp'), post('title: Broken\ndate: 2026-02-30'));
    await rename(join(site, 'posts/en/broken.tmp'), join(site, 'posts/en/broken.md'));
    await daemon.waitFor((line) => line.event === 'build' && line.ok === false, 5000, before);
    const status = JSON.parse(await readFile(join(site, '.nashra/status.json'), 'utf8')) as { lastError?: { diagnostics: string[] }; lastBuild?: { ok: boolean } };
    expect(status.lastBuild?.ok).toBe(false);
    expect(status.lastError?.diagnostics).toEqual([expect.stringMatching(/^posts\/en\/broken\.md:3:7 error date "2026-02-30" is not a valid date/)]);
    expect((await titles(site)).sort()).toEqual(['Embargoed', 'First', 'Second']);
    const statusText = await runCli(['status'], site);
    expect(statusText.stdout).toContain('last error:');

    // Fixed: the next build clears the error from the status.
    const beforeFix = daemon.lines.length;
    await unlink(join(site, 'posts/en/broken.md'));
    await daemon.waitFor((line) => line.event === 'build' && line.ok === true, 5000, beforeFix);
    expect((await runCli(['status'], site)).stdout).not.toContain('last error:');

    // A second daemon on the same output directory refuses to start.
    const twin = await runCli(['schedule'], site);
    expect(twin.code).toBe(4);
    expect(twin.stdout).toContain('another nashra schedule');

    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(await listFiles(join(site, '.nashra'))).not.toContain('lock');
  }, 40_000);

  it('logs a warning at the build that first gives it and counts it at the builds after; an error at every build', async () => {
    const withImage = (slug: string) => post(`title: ${slug}\ndate: 2026-01-01T00:00:00Z\nimage:\n  url: https://cdn.example.org/${slug}.jpg\n  alt: A press conference`);
    const site = await siteOnDisk({ 'en/first.md': withImage('first') }, { schedule: { cron: '0 0 1 1 *', debounceMs: 100 }, feeds: { relatedCount: 0 } });
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
    const imageWarning = (slug: string) => expect.stringMatching(new RegExp(`^posts/en/${slug}\\.md:\\d+:\\d+ warning the size of image https://cdn\\.example\\.org/${slug}\\.jpg is unknown`));
    await daemon.waitFor((line) => line.event === 'diagnostic');
    expect(daemon.lines.filter((line) => line.event === 'diagnostic').map((line) => line.message)).toEqual([imageWarning('first')]);

    /**
     * Saves a post whole, and gives the lines its build logged: from the build line that `isItsBuild`
     * recognises to the count of repeated warnings, which the daemon logs with it, last.
     */
    const saved = async (name: string, text: string, isItsBuild: (line: LogLine) => boolean): Promise<LogLine[]> => {
      const before = daemon.lines.length;
      await writeFile(join(site, `posts/en/${name}.tmp`), text);
      await rename(join(site, `posts/en/${name}.tmp`), join(site, `posts/en/${name}.md`));
      const from = daemon.lines.indexOf(await daemon.waitFor((line) => line.event === 'build' && isItsBuild(line), 10_000, before));
      const last = daemon.lines.indexOf(await daemon.waitFor((line) => line.event === 'warnings-repeated', 10_000, from));
      return daemon.lines.slice(from, last + 1);
    };
    const diagnosticsOf = (lines: LogLine[]) => lines.filter((line) => line.event === 'diagnostic').map((line) => line.message);
    const repeatedIn = (lines: LogLine[]) => lines.at(-1)?.count;
    const englishPosts = (count: number) => (line: LogLine) => (line.posts as { en?: number } | undefined)?.en === count;

    const second = await saved('second', withImage('second'), englishPosts(2));
    expect(diagnosticsOf(second)).toEqual([imageWarning('second')]);
    expect(repeatedIn(second)).toBe(1);

    const broken = await saved('broken', post('title: Broken\ndate: 2026-02-30'), (line) => Array.isArray(line.skipped) && line.skipped.length === 1);
    const error = expect.stringMatching(/^posts\/en\/broken\.md:3:7 error date "2026-02-30" is not a valid date/);
    expect(diagnosticsOf(broken)).toEqual([error]);
    expect(repeatedIn(broken)).toBe(2);
    const third = await saved('third', post('title: Third\ndate: 2026-01-04T00:00:00Z'), englishPosts(3));
    expect(diagnosticsOf(third)).toEqual([error]);
    expect(repeatedIn(third)).toBe(2);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it('prepares the build for an embargo ahead and writes it at the second, not before', async () => {
    // Large enough that a whole build takes a noticeable time; the cron never fires during the test.
    const posts = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`en/p${i}.md`, post(`title: Post ${i}\ndate: 2026-01-01T00:00:00Z\ntags: [t${i % 7}]`, `${'A sentence about rights and the work of monitors. '.repeat(100)}\n`)]),
    );
    const site = await siteOnDisk(posts, { schedule: { cron: '0 0 1 1 *', debounceMs: 100 }, feeds: { relatedCount: 0 } });
    const daemon = start(site);
    const started = await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
    const due = new Date(Math.ceil((Date.now() + 2 * Number(started.durationMs) + 4000) / 1000) * 1000);
    const before = daemon.lines.length;
    await writeFile(join(site, 'posts/en/embargoed.md'), post(`title: Embargoed\ndate: 2026-01-03T00:00:00Z\npublishAt: ${due.toISOString()}`));
    const prepared = await daemon.waitFor((line) => line.event === 'prepared', 20_000, before);
    expect(prepared.at).toBe(due.toISOString());
    expect(await titles(site)).not.toContain('Embargoed');
    // Staged in the private state directory, not beside the feeds, where a directory listing would show it.
    expect(await listFiles(join(site, '.nashra/prepared'))).not.toEqual([]);
    expect((await listFiles(join(site, 'feeds'))).filter((file) => !/\.(xml|json|xsl|html)$/.test(file))).toEqual([]);

    const publishing = await daemon.waitFor((line) => line.event === 'build' && line.reason === 'publication', 20_000, before);
    expect(publishing).toMatchObject({ at: due.toISOString(), preparedMs: expect.any(Number), ok: true });
    expect(await titles(site)).toContain('Embargoed');
    // Written at the moment, not when it was prepared.
    expect((await stat(join(site, 'feeds/en/feed.json'))).mtimeMs).toBeGreaterThanOrEqual(due.getTime());
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it('publishes an embargoed post of a generated archive of 2,000 posts by a build for its second', async () => {
    const site = await mkdtemp(join(tmpdir(), 'nashra-archive-'));
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/generate-corpus.mjs'), '--articles', '1100', '--out', site, '--seed', 'daemon']);
    expect((await listFiles(join(site, 'posts'))).length).toBeGreaterThanOrEqual(2000);
    // The cron never fires during the test: what publishes the post is the daemon's own plan.
    await appendFile(join(site, 'nashra.config.yaml'), 'schedule:\n  cron: "0 0 1 1 *"\n  debounceMs: 100\n');
    const daemon = start(site);
    const started = await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 120_000);
    expect(started.ok).toBe(true);
    // Time to notice the file, build once for it and prepare the build for the moment, on a loaded machine.
    const due = new Date(Math.ceil((Date.now() + 2 * Number(started.durationMs) + 4000) / 1000) * 1000);
    const before = daemon.lines.length;
    // After the archive's newest article, so that it enters the language's main feeds.
    await writeFile(join(site, 'posts/en/embargoed.md'), post(`title: Embargoed statement\ndate: 2026-01-03T00:00:00Z\ncategories: [Statements]\npublishAt: ${due.toISOString()}`));
    const publishing = await daemon.waitFor((line) => line.event === 'build' && line.reason === 'publication', 120_000, before);
    // The build prepared for the second, or (when a change set it aside) the one made when the second came.
    expect(Date.parse(String(publishing.at))).toBeGreaterThanOrEqual(due.getTime());
    expect(Date.parse(String(publishing.at)) - due.getTime()).toBeLessThan(1000);
    const builds = daemon.lines.slice(before).filter((line) => line.event === 'build');
    expect(builds.filter((line) => Date.parse(String(line.at)) < due.getTime()).every((line) => line.reason !== 'publication')).toBe(true);
    expect(await titles(site)).toContain('Embargoed statement');
    // What a poller reads: written at the second, never before it.
    expect((await stat(join(site, 'feeds/en/feed.json'))).mtimeMs).toBeGreaterThanOrEqual(due.getTime());
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 300_000);

  it('finishes the build in progress on SIGTERM, and recovers after SIGKILL mid-write', async () => {
    // Big enough that a build takes a noticeable time, so signals land mid-build.
    const posts = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`en/p${i}.md`, post(`title: Post ${i}\ndate: 2026-01-01T00:00:00Z\ntags: [t${i % 7}]`, `${'A sentence about rights and the work of monitors. '.repeat(150)}\n`)]),
    );
    const site = await siteOnDisk(posts, { ...fastSchedule, feeds: { limit: 300 } });
    const first = start(site);
    await first.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);

    const touch = async (n: number) => writeFile(join(site, 'posts/en/p0.md'), post(`title: Edited ${n}\ndate: 2026-01-01T00:00:00Z`));
    await touch(1);
    await waitUntil(() => (first.lines.some((line) => line.event === 'build' && line.reason !== 'start') ? undefined : true), 5000).catch(() => true);
    first.signal('SIGTERM');
    expect(await first.exited).toBe(0);
    for (const lang of ['en', 'ar']) expect(await readFeed(site, lang)).toBeDefined();

    const second = start(site);
    await second.waitFor((line) => line.event === 'build', 30_000);
    await touch(2);
    await new Promise((resolve) => setTimeout(resolve, 250));
    second.signal('SIGKILL');
    await second.exited;
    // Whatever moment the kill hit, every feed file is whole.
    for (const lang of ['en', 'ar']) expect(await readFeed(site, lang)).toBeDefined();
    await unlink(join(site, '.nashra/lock')).catch(() => undefined); // not required: a stale lock is taken over
    await writeFile(join(site, 'feeds/en/feed.json.0123456789ab.tmp'), '{"half": '); // what a kill mid-write leaves

    const third = start(site);
    await third.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
    expect((await listFiles(join(site, 'feeds'))).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    expect(await titles(site)).toContain('Edited 2');
    third.signal('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 90_000);

  it('stops within two seconds of SIGTERM while a long build is still working, having written nothing of it', async () => {
    // Markdown whose rendering takes minutes; the budget is set longer still, so the build is busy when the signal comes.
    const slow = post('title: Slow\ndate: 2026-01-01T00:00:00Z', `Opening.\n\n${'_a'.repeat(200_000)}\n`);
    const site = await siteOnDisk({ 'en/slow.md': slow, 'en/fine.md': post('title: Fine\ndate: 2026-01-02T00:00:00Z') }, { schedule: { cron: '0 0 1 1 *' }, limits: { renderMs: 600_000 } });
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'start', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const signalled = performance.now();
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(2000);
    expect(daemon.lines.some((line) => line.event === 'build-stopped')).toBe(true);
    expect(await listFiles(join(site, 'feeds'))).toEqual([]);
    expect(await listFiles(join(site, '.nashra'))).not.toContain('lock');
  }, 60_000);

  it('serves the feeds it writes with --serve', async () => {
    const site = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01') }, fastSchedule);
    const daemon = new Daemon(site, ['--serve', '--port', '0']);
    daemons.push(daemon);
    await daemon.waitFor((line) => line.event === 'build', 30_000);
    const url = await waitUntil(() => /serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(daemon.errors)?.[1]);
    const response = await fetch(`${url}en/feed.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    expect(((await response.json()) as JsonFeed).items.map((item) => item.title)).toEqual(['A']);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it('takes its lock again when the state directory is removed under it, and sweeps what another process left meanwhile', async () => {
    const site = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01') }, { schedule: { cron: '0 0 1 1 *', debounceMs: 100 } });
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'build', 30_000);
    // Moved away in one step, then removed: `rm -r` alone races the daemon's own writes there (ENOTEMPTY).
    await rename(join(site, '.nashra'), join(site, '.nashra-removed'));
    await rm(join(site, '.nashra-removed'), { recursive: true, force: true });
    // As a `nashra build` run meanwhile (the lock was gone) and killed mid-write would leave it.
    const left = join(site, 'feeds/en/rss.xml.0123456789ab.tmp');
    await writeFile(left, '<rss');
    const seen = daemon.lines.length;
    await writeFile(join(site, 'posts/en/b.md'), post('title: B\ndate: 2026-01-02'));
    await daemon.waitFor((line) => line.event === 'lock-taken-again', 30_000, seen);
    await daemon.waitFor((line) => line.event === 'build' && line.reason === 'change', 30_000, seen);
    await expect(stat(left)).rejects.toThrow(/ENOENT/);
    expect(await titles(site)).toEqual(['B', 'A']);
    // One writer again: a build beside it is refused.
    expect((await runCli(['build'], site)).code).toBe(4);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it('goes on building and stops on SIGTERM when its status file cannot be written, and says so', async () => {
    const site = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01') }, { schedule: { cron: '0 0 1 1 *', debounceMs: 100 } });
    // A folder where the status file goes: every write of it fails, as one racing the state directory's removal does.
    await mkdir(join(site, '.nashra/status.json'), { recursive: true });
    await writeFile(join(site, '.nashra/status.json/in-the-way'), '');
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'build' && line.ok === true, 30_000);
    await daemon.waitFor((line) => line.event === 'status-unwritable', 10_000);
    const seen = daemon.lines.length;
    await writeFile(join(site, 'posts/en/b.md'), post('title: B\ndate: 2026-01-02'));
    await daemon.waitFor((line) => line.event === 'build' && line.reason === 'change' && line.ok === true, 30_000, seen);
    expect(await titles(site)).toEqual(['B', 'A']);
    daemon.signal('SIGTERM');
    expect(await Promise.race([daemon.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))])).toBe(0);
  }, 60_000);

  it('takes over a stale lock left by a process that no longer exists', async () => {
    const site = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01') }, fastSchedule);
    await runCli(['build'], site);
    await writeFile(join(site, '.nashra/lock'), JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: '2026-01-01T00:00:00Z' }));
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'build', 30_000);
    daemon.signal('SIGINT');
    expect(await daemon.exited).toBe(0);
  }, 60_000);
});

describe('WebSub', () => {
  let hub: Server | undefined;
  afterAll(() => hub?.close());

  it('announces the hub in every feed and pings it exactly once per build that changed a feed', async () => {
    const pings: URLSearchParams[] = [];
    hub = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        pings.push(new URLSearchParams(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hub?.listen(0, '127.0.0.1', resolve));
    const address = hub.address();
    const hubUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    const site = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01') }, { ...fastSchedule, websub: { hub: hubUrl } });
    const daemon = start(site);
    await daemon.waitFor((line) => line.event === 'websub', 30_000);
    expect(pings).toHaveLength(1);
    expect(pings[0]?.get('hub.mode')).toBe('publish');
    expect(pings[0]?.getAll('hub.url').sort()).toEqual(
      ['ar/atom.xml', 'ar/feed.json', 'ar/rss.xml', 'en/atom.xml', 'en/feed.json', 'en/rss.xml'].map((path) => `https://rights.example.org/feeds/${path}`),
    );
    expect((await readFeed(site))?.hubs).toEqual([{ type: 'WebSub', url: hubUrl }]);
    expect(await readFile(join(site, 'feeds/en/rss.xml'), 'utf8')).toContain(`rel="hub"`);

    // Ticks that change nothing ping nobody; one new post gives one ping for the English feeds.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect(pings).toHaveLength(1);
    await writeFile(join(site, 'posts/en/b.md'), post('title: B\ndate: 2026-01-02'));
    await waitUntil(() => (pings.length >= 2 ? true : undefined), 5000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(pings).toHaveLength(2);
    expect(pings[1]?.getAll('hub.url').sort()).toEqual(['en/atom.xml', 'en/feed.json', 'en/rss.xml'].map((path) => `https://rights.example.org/feeds/${path}`));
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it('retries a failing hub with back-off and gives up on a refusal', async () => {
    const statuses = [503, 502, 204];
    const delays: number[] = [];
    const attempts: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      attempts.push(String(url));
      return new Response(null, { status: statuses.shift() ?? 204 });
    }) as typeof fetch;
    const result = await notifyHub('http://127.0.0.1:9/', ['https://x/feed'], { fetch: fakeFetch, sleep: async (ms) => void delays.push(ms), backoffMs: 100 });
    expect(result).toEqual({ ok: true, attempts: 3 });
    expect(delays).toEqual([100, 200]);
    const refused = await notifyHub('http://127.0.0.1:9/', ['https://x/feed'], { fetch: (async () => new Response(null, { status: 400 })) as typeof fetch, sleep: async () => undefined });
    expect(refused).toEqual({ ok: false, attempts: 1, error: 'hub answered 400' });
  });
});
