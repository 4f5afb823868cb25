/**
 * A full disk, for real: the output directory on a 4 MB tmpfs with 16 KB
 * left. The build fails with exit 3, names the file and the cause, and every
 * published file stays as it was; the daemon records the failure. And a
 * state directory whose stored texts cannot be written: the build fails, and
 * no record names texts that are not there.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { statfsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Daemon, waitUntil } from './support/daemon.js';
import { CLI, listFiles, post, ROOT, runCli, siteOnDisk, snapshot } from './support/site.js';

const isRoot = process.getuid?.() === 0;
const inCi = process.env.CI === 'true';

/** Fills the file system holding `dir` until `leave` bytes are free. */
async function fillUntil(dir: string, leave: number): Promise<void> {
  const { bavail, bsize } = statfsSync(dir);
  await writeFile(join(dir, 'filler.bin'), Buffer.alloc(Math.max(0, bavail * bsize - leave)));
}

describe.runIf(isRoot || inCi)('a full disk under the output directory', () => {
  let site = '';
  let out = '';

  beforeAll(async () => {
    if (!isRoot) throw new Error('this test mounts a tmpfs and needs root; under CI=true it must not be skipped');
    site = await mkdtemp(join(tmpdir(), 'nashra-full-disk-'));
    await cp(join(ROOT, 'posts'), join(site, 'posts'), { recursive: true });
    await cp(join(ROOT, 'nashra.config.yaml'), join(site, 'nashra.config.yaml'));
    out = join(site, 'feeds');
    await mkdir(out);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', out]);
  });

  afterAll(() => {
    if (out) execFileSync('umount', [out]);
  });

  it('fails the build with exit 3, naming the file, and leaves every published file as it was', async () => {
    expect((await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site)).code).toBe(0);
    const before = await snapshot(out);
    const edited = join(site, 'posts/en/annual-report-2025.md');
    await writeFile(edited, `${await readFile(edited, 'utf8')}\nA correction was added to this report.\n`);

    await fillUntil(out, 16 * 1024);
    const failed = await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site);
    expect(failed.code).toBe(3);
    // Named from where the build was run, once: not within a "cannot write feeds to feeds" of its own.
    expect(failed.stderr).toMatch(/^nashra: cannot write feeds\/\S+: ENOSPC \(the disk is full\); the published files are unchanged$/m);
    const after = await snapshot(out);
    delete after['filler.bin'];
    expect(after).toEqual(before);
    const status = await runCli(['status'], site);
    expect(status.stdout).toMatch(/last build: \S+ \(build\) with errors/);
    expect(status.stdout).toContain('ENOSPC');

    await rm(join(out, 'filler.bin'));
    const recovered = await runCli(['build', '--now', '2026-11-01T00:00:00Z'], site);
    expect(recovered.code).toBe(0);
    expect(await readFile(join(out, 'en/feed.json'), 'utf8')).toContain('A correction was added to this report.');
  });

  it('under schedule, logs the failed build and records it, never "ok"', async () => {
    const edited = join(site, 'posts/en/annual-report-2025.md');
    await writeFile(edited, `${await readFile(edited, 'utf8')}\nA second correction.\n`);
    await fillUntil(out, 16 * 1024);
    try {
      const daemon = new Daemon(site);
      try {
        const line = await daemon.waitFor((entry) => entry.event === 'build-failed' || entry.event === 'build', 30_000);
        expect(line.event).toBe('build-failed');
        expect(line.message).toContain('ENOSPC');
        const status = JSON.parse(await readFile(join(site, '.nashra/status.json'), 'utf8')) as { lastBuild?: { ok: boolean }; lastError?: { message: string } };
        expect(status.lastBuild?.ok).toBe(false);
        expect(status.lastError?.message).toContain('ENOSPC');
      } finally {
        daemon.signal('SIGTERM');
        await daemon.exited;
      }
    } finally {
      await rm(join(out, 'filler.bin'), { force: true });
    }
  }, 60_000);
});

describe.runIf(isRoot || inCi)('a state directory that takes no published text', () => {
  const mounted: string[] = [];

  afterAll(() => {
    for (const folder of mounted) execFileSync('umount', [folder]);
  });

  // Many texts are stored on a thread of their own, a few on the build's thread: both must fail the build the same way.
  /** A site of `count` posts whose state directory takes no text: its texts' folder is read-only (root ignores permissions, not a read-only mount), the record and the manifest beside it can be written. */
  async function siteWithReadOnlyTexts(count: number): Promise<{ site: string; sources: string }> {
    if (!isRoot) throw new Error('this test mounts a read-only folder and needs root; under CI=true it must not be skipped');
    const posts = Object.fromEntries(Array.from({ length: count }, (_, n) => [`en/statement-${n}.md`, post(`title: Statement ${n}\ndate: 2026-01-01T00:00:00Z`)]));
    const site = await siteOnDisk(posts);
    const sources = join(site, '.nashra/sources');
    await mkdir(sources, { recursive: true });
    execFileSync('mount', ['--bind', sources, sources]);
    mounted.push(sources);
    execFileSync('mount', ['-o', 'remount,ro,bind', sources]);
    return { site, sources };
  }

  it('fails the build with exit 3 when the stored texts fill their disk, naming the text, and leaves no temporary file there', async () => {
    const body = 'The centre documented the hearing in detail. '.repeat(100);
    const posts = Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`en/statement-${n}.md`, post(`title: Statement ${n}\ndate: 2026-01-01T00:00:00Z`, body)]));
    const site = await siteOnDisk(posts);
    const sources = join(site, '.nashra/sources');
    await mkdir(sources, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', sources]);
    mounted.push(sources);
    await fillUntil(sources, 32 * 1024);
    const failed = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site);
    expect(failed.code).toBe(3);
    // Named by the text it could not store: a write cut short names no file of its own.
    expect(failed.stderr).toMatch(/\.nashra\/sources\/[\w-]+\.md: ENOSPC/);
    expect((await readdir(sources)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('tells an Arabic-speaking editor in Arabic what failed and that the published files are unchanged', async () => {
    const { site } = await siteWithReadOnlyTexts(3);
    const failed = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site, { NASHRA_LANG: 'ar' });
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('EROFS');
    expect(failed.stderr).toContain('لم تتغيّر الملفات المنشورة');
    expect(failed.stderr).not.toMatch(/cannot write|unchanged/);
    // The text it could not store, not the temporary file that was to become it.
    expect(failed.stderr).toMatch(/\.nashra\/sources\/[\w-]+\.md: EROFS/);
  });

  it('tells it in Arabic under schedule too, as the failure crosses from the build thread', async () => {
    const { site } = await siteWithReadOnlyTexts(3);
    // Human log lines are the translated ones (JSON lines stay English for machines).
    const daemon = spawn(process.execPath, [CLI, 'schedule', '--log-format', 'human'], { cwd: site, env: { ...process.env, NASHRA_LANG: 'ar' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    daemon.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    try {
      const line = await waitUntil(() => log.split('\n').find((entry) => entry.includes('EROFS')), 30_000, () => log);
      expect(line).toContain('لم تتغيّر الملفات المنشورة');
      expect(line).not.toMatch(/cannot write|unchanged/);
      // Named from the site, where the daemon runs, as the CLI names it.
      expect(line).toMatch(/ \.nashra\/sources\/[\w-]+\.md: EROFS/);
    } finally {
      daemon.kill('SIGTERM');
      await once(daemon, 'exit');
    }
  }, 60_000);

  it.each([150, 3])('fails the build with exit 3 and keeps no record that names texts it could not store (%i posts)', async (count) => {
    const { site, sources } = await siteWithReadOnlyTexts(count);

    const failed = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site);
    expect(failed.code).toBe(3);
    expect(failed.stderr).toContain('EROFS');
    // Told before a file of the output changed: none is published yet, none is left half-done.
    expect(failed.stderr).toContain('the published files are unchanged');
    expect(await listFiles(join(site, 'feeds')).catch(() => [])).toEqual([]);
    await expect(readFile(join(site, '.nashra/published.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect((await runCli(['status'], site)).stdout).toContain('EROFS');

    execFileSync('umount', [sources]);
    mounted.splice(mounted.indexOf(sources), 1);
    expect((await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site)).code).toBe(0);
    const record = JSON.parse(await readFile(join(site, '.nashra/published.json'), 'utf8')) as { posts: unknown[] };
    expect(record.posts).toHaveLength(count);
    expect(await readdir(sources)).toHaveLength(count);
  });
});

describe('a record of what was published that cannot be written', () => {
  it('says the new files are in place once they are, not that the published files are unchanged', async () => {
    const site = await siteOnDisk({ 'en/a.md': post('title: A\ndate: 2026-01-01T00:00:00Z') });
    // A folder where the record goes: read as no record (with a warning), and the record cannot take its place after the renames.
    await mkdir(join(site, '.nashra/published.json/kept'), { recursive: true });
    const failed = await runCli(['build', '--now', '2026-02-01T00:00:00Z'], site);
    expect(failed.code).toBe(3);
    expect(await listFiles(join(site, 'feeds'))).toContain('en/rss.xml');
    expect(failed.stderr).toContain('the new files are in place, and the next build records them');
    expect(failed.stderr).not.toContain('unchanged');
  });
});
