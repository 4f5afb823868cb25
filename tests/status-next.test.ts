/**
 * `status.json` tells an operator what the daemon will publish next: after
 * each publication it names the following one, the posts it changes and
 * its time in the site's time zone, never a moment that has passed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import type { SiteStatus } from '../src/schedule/status.js';
import { Daemon, waitUntil } from './support/daemon.js';
import { post, runCli, siteOnDisk } from './support/site.js';

const daemons: Daemon[] = [];
afterAll(async () => {
  for (const daemon of daemons) {
    daemon.signal('SIGTERM');
    await daemon.exited;
  }
});

const readStatus = async (site: string): Promise<SiteStatus | undefined> => {
  try {
    return JSON.parse(await readFile(join(site, '.nashra/status.json'), 'utf8')) as SiteStatus;
  } catch {
    return undefined;
  }
};

describe('the next publication in status.json', () => {
  it('moves on to the following post as soon as a post is published, named with its time in the site time zone', async () => {
    // Due in a few seconds, on a whole second, with room for the daemon's cold start (2-3 s alone on a loaded machine);
    // no cron tick in between (every five minutes by default).
    const soon = new Date(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    const site = await siteOnDisk(
      {
        'en/first.md': post('title: First\ndate: 2026-01-01T00:00:00Z'),
        'en/soon.md': post(`title: Due soon\ndate: 2026-01-02T00:00:00Z\npublishAt: ${soon.toISOString()}`),
        'ar/later.md': post('title: لاحقاً\ndate: 2026-01-03T00:00:00Z\npublishAt: 2030-06-01T09:00:00+03:00'),
        'en/leaving.md': post('title: Leaving\ndate: 2026-01-04T00:00:00Z\nexpires: 2030-06-01T06:00:00Z'),
      },
      { feeds: { relatedCount: 0 } },
    );
    const daemon = new Daemon(site);
    daemons.push(daemon);
    const start = await daemon.waitFor((line) => line.event === 'build' && line.reason === 'start', 30_000);
    expect(Date.parse(String(start.at)), 'the daemon started after the post was due').toBeLessThan(soon.getTime());
    const published = daemon.lines.length;
    const first = await waitUntil(async () => ((await readStatus(site))?.nextPublication?.posts.length ? readStatus(site) : undefined), 5000);
    expect(first?.nextPublication).toEqual({
      at: DateTime.fromJSDate(soon, { zone: 'Asia/Amman' }).toISO({ suppressMilliseconds: true }),
      timeZone: 'Asia/Amman',
      posts: [{ change: 'publish', path: 'posts/en/soon.md', lang: 'en', title: 'Due soon' }],
    });

    await daemon.waitFor((line) => line.event === 'build' && (line.posts as { en?: number }).en === 3, 20_000, published);
    const after = await waitUntil(async () => {
      const status = await readStatus(site);
      return status?.nextPublication?.at === first?.nextPublication?.at ? undefined : status;
    }, 5000, () => 'status.json still names the publication that has just happened');
    expect(after.nextPublication).toEqual({
      at: '2030-06-01T09:00:00+03:00',
      timeZone: 'Asia/Amman',
      posts: [
        { change: 'publish', path: 'posts/ar/later.md', lang: 'ar', title: 'لاحقاً' },
        { change: 'expire', path: 'posts/en/leaving.md', lang: 'en', title: 'Leaving' },
      ],
    });
    const shown = await runCli(['status'], site);
    expect(shown.stdout).toContain('next publication change: 2030-06-01T09:00:00+03:00 (Asia/Amman)\n  publish posts/ar/later.md "لاحقاً"\n  expire posts/en/leaving.md "Leaving"\n');
  }, 45_000);
});
