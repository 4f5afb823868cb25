/**
 * A build that meets a post changing or vanishing under it fails without
 * writing, and says so in a way the daemon recognises, so it builds again
 * once the files are quiet instead of leaving the feeds stale until a tick.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildSetupError, loadConfigFile, metChangingFile, prepareBuild, runBuild } from '../src/build.js';
import { post, siteOnDisk } from './support/site.js';

const posts = {
  'en/a.md': post('title: A\ndate: 2026-01-01T00:00:00Z'),
  'en/b.md': post('title: B\ndate: 2026-01-02T00:00:00Z'),
};

async function buildWhile(edit: (site: string) => void): Promise<unknown> {
  const site = await siteOnDisk(posts);
  const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, '.nashra') };
  let edited = false;
  return runBuild(paths, new Date('2026-02-01T00:00:00Z'), {
    onLoad: () => {
      if (edited) return;
      edited = true;
      edit(site);
    },
  }).then(
    () => 'built',
    (error: unknown) => error,
  );
}

const BROKEN_OLDEST = post('title: Oldest\ndate: [2025');

/**
 * A published site, then a new post older than the others, not built yet. It
 * is in no feed (limit 2) and archives carry summaries: nothing reads its body
 * back after loading it.
 */
async function publishedSiteGainingAnOldPost() {
  const site = await siteOnDisk(posts, { feeds: { limit: 2 } });
  const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, '.nashra') };
  const now = new Date('2026-02-01T00:00:00Z');
  await runBuild(paths, now);
  const oldest = join(site, 'posts/en/oldest.md');
  writeFileSync(oldest, post('title: Oldest\ndate: 2025-01-01T00:00:00Z'));
  return { paths, now, oldest, published: () => existsSync(join(site, 'feeds/en/related/oldest.json')) };
}

/** The texts the record of `stateDir` names that are not stored beside it. */
function everyRecordedTextStored(stateDir: string): { missing: string[] } {
  const record = JSON.parse(readFileSync(join(stateDir, 'published.json'), 'utf8')) as { posts: { path: string; hash: string }[] };
  const stored = (hash: string) => existsSync(join(stateDir, 'sources', `${Buffer.from(hash, 'base64').toString('base64url')}.md`));
  return { missing: record.posts.filter((entry) => !stored(entry.hash)).map((entry) => entry.path) };
}

describe('a build that meets a changing post', () => {
  it('is retried when a post it loaded was saved again before it was rendered', async () => {
    const error = await buildWhile((site) => writeFileSync(join(site, 'posts/en/a.md'), post('title: A, saved again\ndate: 2026-01-01T00:00:00Z')));
    expect(error).toBeInstanceOf(BuildSetupError);
    expect(String(error)).toContain('changed during the build');
    expect(metChangingFile(error)).toBe(true);
  });

  it('publishes without a post deleted after the listing and before it was read, as a deletion', async () => {
    expect(await buildWhile((site) => rmSync(join(site, 'posts/en/b.md')))).toBe('built');
  });

  it('is retried when a post vanished after it was loaded, before its body was read back', async () => {
    const error = await buildWhile((site) => rmSync(join(site, 'posts/en/a.md')));
    expect(String(error)).toContain('ENOENT');
    expect(metChangingFile(error)).toBe(true);
  });

  it('does not publish a post whose file was saved again before its text was kept, so the typo saved meanwhile cannot take it away', async () => {
    const { paths, now, oldest, published } = await publishedSiteGainingAnOldPost();
    // Saved broken while the build that loaded it runs: the text it loaded is in no file any more.
    const during = await runBuild(paths, now, {
      onLoad: (done, total) => {
        if (done === total) writeFileSync(oldest, BROKEN_OLDEST);
      },
    }).then(
      () => 'built',
      (error: unknown) => error,
    );
    const publishedDuring = published();
    await runBuild(paths, now).catch(() => undefined);
    // Published, it stays published while its file is broken; or it was never published.
    expect({ published: published() }).toEqual({ published: publishedDuring });
    expect(metChangingFile(during)).toBe(true);
    expect(publishedDuring).toBe(false);
  });

  it('keeps the texts of a build prepared ahead as they were loaded, so an edit before its commit neither stops it nor loses what it published', async () => {
    const { paths, now, oldest, published } = await publishedSiteGainingAnOldPost();
    const prepared = await prepareBuild(paths, now, { aheadBytes: 1 << 24 });
    writeFileSync(oldest, BROKEN_OLDEST);
    await prepared?.commit();
    expect(published()).toBe(true);
    const after = await runBuild(paths, now);
    expect(after.diagnostics.filter((d) => d.file.endsWith('oldest.md')).map((d) => d.field)).toContain('published');
    expect(published()).toBe(true);
  });

  it('stores again at the commit of a build prepared ahead the texts that a build in between removed', async () => {
    const { paths, now, oldest } = await publishedSiteGainingAnOldPost();
    // Embargoed until the moment prepared for: the build in between does not publish it, and removes its stored text.
    const moment = new Date(now.getTime() + 60_000);
    writeFileSync(oldest, post(`title: Oldest\ndate: 2025-01-01T00:00:00Z\npublishAt: ${moment.toISOString()}`));
    const prepared = await prepareBuild(paths, moment, { aheadBytes: 1 << 24 });
    await runBuild(paths, now);
    await prepared?.commit();
    expect(everyRecordedTextStored(paths.state)).toEqual({ missing: [] });
  });

  it('is retried when it finds its output in place but a post changed before its text was stored', async () => {
    const site = await siteOnDisk(posts);
    const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, 'feeds'), state: join(site, '.nashra') };
    const now = new Date('2026-02-01T00:00:00Z');
    await runBuild(paths, now);
    rmSync(join(paths.state, 'sources'), { recursive: true });
    const error = await runBuild(paths, now, {
      onLoad: (done, total) => {
        if (done === total) writeFileSync(join(site, 'posts/en/a.md'), post('title: A, saved again\ndate: 2026-01-01T00:00:00Z'));
      },
    }).then(
      (outcome) => (outcome.cacheUse.outputs ? 'built from the output in place' : 'built'),
      (caught: unknown) => caught,
    );
    expect(metChangingFile(error)).toBe(true);
  });

  it('is not retried for an invalid config, which only a new save can mend', async () => {
    const site = await siteOnDisk(posts);
    await writeFile(join(site, 'nashra.config.yaml'), '{ "baseUrl": 3 }');
    const error = await loadConfigFile(join(site, 'nashra.config.yaml')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BuildSetupError);
    expect(metChangingFile(error)).toBe(false);
  });
});
