/**
 * The real `nashra schedule` sees every save, however the editor makes it, and
 * publishes it within the debounce plus a build. The cron here fires once a
 * year, so only the file watcher can publish what these tests save.
 */
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Daemon, waitUntil } from './support/daemon.js';
import { post, siteOnDisk } from './support/site.js';
import { seededRandom } from '../src/random.js';
import { watchFailure, watchInputs } from '../src/schedule/watch.js';

const onceAYear = '0 0 0 1 1 *';
const daemons: Daemon[] = [];

afterAll(() => {
  for (const daemon of daemons) daemon.signal('SIGKILL');
});

async function startedSite(posts: Record<string, string>, debounceMs = 100): Promise<{ site: string; daemon: Daemon }> {
  const site = await siteOnDisk(posts, { schedule: { cron: onceAYear, debounceMs }, feeds: { relatedCount: 0 } });
  const daemon = new Daemon(site);
  daemons.push(daemon);
  await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
  return { site, daemon };
}

async function englishTitles(site: string): Promise<string[]> {
  try {
    const feed = JSON.parse(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')) as { items: { title: string }[] };
    return feed.items.map((item) => item.title);
  } catch {
    return [];
  }
}

/** Resolves once the English feed lists `title`; a generous timeout, yet far short of the yearly tick. */
const published = (site: string, title: string) =>
  waitUntil(async () => ((await englishTitles(site)).includes(title) ? true : undefined), 10_000, () => `"${title}" was never published`);

const stopped = async (daemon: Daemon) => {
  daemon.signal('SIGTERM');
  expect(await daemon.exited).toBe(0);
};

/** Resolves once the daemon has logged nothing for `ms`: whatever the last changes brought about is built. */
async function quiet(daemon: Daemon, ms = 1500): Promise<void> {
  let seen = -1;
  let since = Date.now();
  await waitUntil(() => {
    if (daemon.lines.length !== seen) [seen, since] = [daemon.lines.length, Date.now()];
    return Date.now() - since >= ms ? true : undefined;
  }, 30_000);
}

const titled = (title: string) => post(`title: ${title}\ndate: 2026-01-01T00:00:00Z`);

/** Saves `text` as editors do that write a temporary file and rename it onto the post. */
async function saveByRename(file: string, text: string, temporaryName: string): Promise<void> {
  const temporary = join(file, '..', temporaryName);
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/** The kernel's watches this process holds (Linux: the `inotify wd:` lines of its descriptors). */
function inotifyWatches(): number {
  let watches = 0;
  for (const fd of readdirSync('/proc/self/fdinfo')) {
    try {
      watches += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // A descriptor closed meanwhile.
    }
  }
  return watches;
}

/** Watches the site's inputs as the daemon does (told of its output and state folders with `written`), counting the changes it is told of, until `body` is done. */
async function watchingSite(site: string, body: (changes: () => number) => Promise<void>, written: { out?: string; state?: string } = {}): Promise<void> {
  let changes = 0;
  const watcher = await watchInputs({ posts: join(site, 'posts'), config: join(site, 'nashra.config.yaml'), ...written }, { changed: () => changes++, notice: () => undefined });
  try {
    await body(() => changes);
  } finally {
    await watcher.close();
  }
}

const seenWithin = (changes: () => number, before: number, what: string) => waitUntil(() => (changes() > before ? true : undefined), 5000, () => `${what} was not seen`);

describe('the watch on the inputs, folder by folder', () => {
  it('asks the kernel to watch each folder once, not each post file: chokidar held a watch, a stat and listeners per file (about 100 MB at 20,000 posts)', async () => {
    const posts = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`${i % 2 === 0 ? 'en' : 'ar'}/post-${i}.md`, titled(`Post ${i}`)]));
    const site = await siteOnDisk(posts);
    const before = inotifyWatches();
    await watchingSite(site, async () => {
      // The site folder, posts/, posts/en and posts/ar.
      expect(inotifyWatches() - before).toBeLessThanOrEqual(4);
    });
  });

  // Folders beside the site are in the test run's temporary folder, removed with it.
  it('sees a post saved in a folder linked into the posts folder, which the build reads', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    const shared = `${site}-shared`;
    await mkdir(join(shared, 'reports'), { recursive: true });
    await mkdir(join(shared, 'statements'), { recursive: true });
    await writeFile(join(shared, 'statements/joint.md'), titled('Joint statement'));
    await symlink(shared, join(site, 'posts/en/shared'));
    await watchingSite(site, async (changes) => {
      let before = changes();
      await writeFile(join(shared, 'reports/annual.md'), titled('Annual'));
      await seenWithin(changes, before, 'the post saved in the linked folder');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // A folder of it, with a post from before the watch began, moved away whole: one event, for the folder.
      before = changes();
      await rename(join(shared, 'statements'), `${site}-statements-away`);
      await seenWithin(changes, before, 'the folder moved out of the linked folder');
    });
  });

  it('sees a link to a folder of posts removed, whose posts the next build no longer reads', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    const shared = `${site}-unlinked`;
    await mkdir(shared, { recursive: true });
    await writeFile(join(shared, 'joint.md'), titled('Joint statement'));
    await symlink(shared, join(site, 'posts/en/shared'));
    await watchingSite(site, async (changes) => {
      const before = changes();
      await rm(join(site, 'posts/en/shared'));
      await seenWithin(changes, before, 'the link removed');
    });
  });

  it('sees a post saved in a folder linked into the posts folder after the watch began, and stops watching it once unlinked', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    const shared = `${site}-linked-later`;
    await mkdir(join(shared, 'reports'), { recursive: true });
    await watchingSite(site, async (changes) => {
      let before = changes();
      await symlink(shared, join(site, 'posts/en/shared'));
      await seenWithin(changes, before, 'the link made');
      await new Promise((resolve) => setTimeout(resolve, 300));
      before = changes();
      await writeFile(join(shared, 'reports/annual.md'), titled('Annual'));
      await seenWithin(changes, before, 'the post saved in the folder linked after the watch began');
      await new Promise((resolve) => setTimeout(resolve, 300));
      before = changes();
      await rm(join(site, 'posts/en/shared'));
      await seenWithin(changes, before, 'the link removed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      // No longer read by a build: saving there is not a change of the inputs.
      before = changes();
      await writeFile(join(shared, 'reports/other.md'), titled('Other'));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(changes()).toBe(before);
    });
  });

  it('sees a post saved in a posts folder that is itself a link to a folder elsewhere', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    const elsewhere = `${site}-posts`;
    await rename(join(site, 'posts'), elsewhere);
    await symlink(elsewhere, join(site, 'posts'));
    await watchingSite(site, async (changes) => {
      const before = changes();
      await writeFile(join(elsewhere, 'en/y.md'), titled('Saved through the link'));
      await seenWithin(changes, before, 'the post saved in the linked posts folder');
    });
  });

  it('is not told of what builds write beside the posts (the output, the state directory), nor of temporary files', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    await mkdir(join(site, 'feeds/en'), { recursive: true });
    await watchingSite(site, async (changes) => {
      await writeFile(join(site, 'feeds/en/feed.json'), '{}');
      await mkdir(join(site, '.nashra'), { recursive: true });
      await writeFile(join(site, '.nashra/published.json'), '{}');
      await writeFile(join(site, 'posts/en/.x.md.swp'), 'swap');
      await writeFile(join(site, 'posts/en/x.md~'), 'backup');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(changes()).toBe(0);
      // The watch is alive: a post saved now is seen.
      await writeFile(join(site, 'posts/en/x.md'), titled('Saved'));
      await seenWithin(changes, 0, 'the save');
    });
  });

  it('does not watch the output and state folders that a first build makes beside the posts', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    const written = { out: join(site, 'feeds'), state: join(site, '.nashra') };
    await watchingSite(
      site,
      async (changes) => {
        const watching = inotifyWatches();
        for (const folder of ['feeds/en/related', 'feeds/ar/related', '.nashra/sources', '.nashra/cache']) await mkdir(join(site, folder), { recursive: true });
        await writeFile(join(site, 'feeds/en/related/x.json'), '{}');
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(inotifyWatches()).toBe(watching);
        expect(changes()).toBe(0);
      },
      written,
    );
  });

  it("names the kernel's limit of watches when it is reached, which the kernel calls a full device", () => {
    const full = new Error("inotify_add_watch on '/site/posts' failed: No space left on device");
    expect(watchFailure('/site', full)).toMatch(/fs\.inotify\.max_user_watches.*cron schedule still rebuilds/);
    expect(watchFailure('/site', new Error('permission denied'))).toBe('watching /site: permission denied');
  });

  it('sees a folder of posts made, and deleted', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    await watchingSite(site, async (changes) => {
      let before = changes();
      await mkdir(join(site, 'posts/en/2026'));
      await seenWithin(changes, before, 'the new folder');
      await new Promise((resolve) => setTimeout(resolve, 300));
      before = changes();
      await rm(join(site, 'posts/en/2026'), { recursive: true });
      await seenWithin(changes, before, 'the deleted folder');
    });
  });
});

describe('the watcher of nashra schedule', () => {
  it('sees an in-place save after the post was once replaced by rename', async () => {
    const { site, daemon } = await startedSite({ 'en/x.md': titled('First') });
    const file = join(site, 'posts/en/x.md');
    await saveByRename(file, titled('Renamed'), 'x.md.tmp');
    await published(site, 'Renamed');
    await writeFile(file, titled('In place'));
    await published(site, 'In place');
    await stopped(daemon);
  }, 40_000);

  it('sees saves made through hidden temporary files (vim, gedit, VS Code)', async () => {
    const { site, daemon } = await startedSite({ 'en/x.md': titled('First') });
    const file = join(site, 'posts/en/x.md');
    await saveByRename(file, titled('Through a swap file'), '.x.md.swp');
    await published(site, 'Through a swap file');
    await saveByRename(file, titled('Through an output stream'), '.goutputstream-Q2V7X1');
    await published(site, 'Through an output stream');
    await stopped(daemon);
  }, 40_000);

  it('keeps watching a language folder deleted and restored from a backup', async () => {
    const { site, daemon } = await startedSite({ 'en/x.md': titled('First') });
    await cp(join(site, 'posts/en'), join(site, 'backup'), { recursive: true });
    const before = daemon.lines.length;
    await rm(join(site, 'posts/en'), { recursive: true });
    await cp(join(site, 'backup'), join(site, 'posts/en'), { recursive: true });
    // The save below must be a change of its own, not one more event within the restore's debounce.
    await daemon.waitFor((line) => line.event === 'build' && (line.posts as { en?: number } | undefined)?.en === 1, 10_000, before);
    await quiet(daemon);
    await writeFile(join(site, 'posts/en/x.md'), titled('After the restore'));
    await published(site, 'After the restore');
    await stopped(daemon);
  }, 40_000);

  it('sees a save in a language folder deleted and restored at once, before the watcher looked (rsync, a checkout)', async () => {
    const site = await siteOnDisk({ 'en/x.md': titled('First') });
    let changes = 0;
    const watcher = await watchInputs({ posts: join(site, 'posts'), config: join(site, 'nashra.config.yaml') }, { changed: () => changes++, notice: () => undefined });
    try {
      await cp(join(site, 'posts/en'), join(site, 'backup'), { recursive: true });
      // In one go, as another process does it: the watcher sees the events only once both are done.
      rmSync(join(site, 'posts/en'), { recursive: true });
      cpSync(join(site, 'backup'), join(site, 'posts/en'), { recursive: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const before = changes;
      await writeFile(join(site, 'posts/en/x.md'), titled('After the restore'));
      await waitUntil(() => (changes > before ? true : undefined), 5000, () => 'the save after the restore was not seen');
    } finally {
      await watcher.close();
    }
  });

  it('keeps watching the whole posts folder deleted and restored, and says so in the log', async () => {
    const { site, daemon } = await startedSite({ 'en/x.md': titled('First') });
    await cp(join(site, 'posts'), join(site, 'backup'), { recursive: true });
    await rm(join(site, 'posts'), { recursive: true });
    await daemon.waitFor((line) => line.event === 'watch-error' && String(line.message).includes('posts'));
    await cp(join(site, 'backup'), join(site, 'posts'), { recursive: true });
    await daemon.waitFor((line) => line.event === 'watch' && String(line.message).includes('posts'));
    await writeFile(join(site, 'posts/en/x.md'), titled('After the restore'));
    await published(site, 'After the restore');
    await stopped(daemon);
  }, 40_000);

  it('rebuilds when the config is saved, in place or by rename', async () => {
    const { site, daemon } = await startedSite({ 'en/x.md': titled('First') });
    const configFile = join(site, 'nashra.config.yaml');
    const renamedSite = (name: string) => readFile(configFile, 'utf8').then((text) => text.replace(/"siteName": "[^"]*"/, `"siteName": "${name}"`));
    const siteName = async () => {
      const feed = JSON.parse(await readFile(join(site, 'feeds/en/feed.json'), 'utf8')) as { title: string };
      return feed.title;
    };
    await saveByRename(configFile, await renamedSite('Renamed Centre'), '.nashra.config.yaml.swp');
    await waitUntil(async () => ((await siteName()).includes('Renamed Centre') ? true : undefined), 10_000);
    await writeFile(configFile, await renamedSite('Edited Centre'));
    await waitUntil(async () => ((await siteName()).includes('Edited Centre') ? true : undefined), 10_000);
    await stopped(daemon);
  }, 40_000);

  it('publishes the last of 200 saves through temporary files made while builds run', async () => {
    // Enough other posts that a build takes a while, so saves land in the middle of builds.
    const others = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`en/other-${i}.md`, post(`title: Other ${i}\ndate: 2025-01-01T00:00:00Z`, `${'Monitors reported on the detention of journalists. '.repeat(60)}\n`)]),
    );
    const { site, daemon } = await startedSite({ ...others, 'en/x.md': titled('Save 0') }, 40);
    const file = join(site, 'posts/en/x.md');
    const random = seededRandom(13);
    for (let n = 1; n <= 200; n++) {
      await saveByRename(file, titled(`Save ${n}`), n % 2 === 0 ? `.x.md.${n}.swp` : `x.md.${n}.tmp`);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 60)));
    }
    await published(site, 'Save 200');
    expect(daemon.lines.filter((line) => line.event === 'build').map((line) => line.reason)).not.toContain('tick');
    await stopped(daemon);
  }, 90_000);
});
