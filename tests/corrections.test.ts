/**
 * A correction is a change readers must be able to see: a published
 * article whose text changes without a new `updated` is reported at every
 * build and by `nashra check`, or, when the site asks for it, dated by the
 * build itself, the same way in every later build.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild, type BuildPaths } from '../src/build.js';
import type { Diagnostic } from '../src/diagnostics.js';
import { feedparser, skipWithout } from './support/consumers.js';
import { post, runCli, siteOnDisk, snapshot } from './support/site.js';

const FIRST = new Date('2026-03-01T00:00:00Z');
const SECOND = new Date('2026-03-02T09:30:00Z');
const THIRD = new Date('2026-03-03T00:00:00Z');

const paths = (site: string, out = 'feeds', state = '.nashra'): BuildPaths => ({ config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, out), state: join(site, state) });

const HEARING = 'title: Hearing postponed\ndate: 2026-01-05T10:00:00Z\ntranslationKey: hearing\ncategories: [News]';
const original = post(HEARING, 'The hearing of the three journalists was postponed to 12 March.\n');
const corrected = post(HEARING, 'The hearing of the three journalists was postponed to 19 March.\n');

async function build(site: string, now: Date, out?: string, state?: string): Promise<Diagnostic[]> {
  const outcome = await runBuild(paths(site, out, state), now);
  expect(outcome.failed).toBe(false);
  return outcome.diagnostics;
}

const correctionWarnings = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === 'warning' && d.message.includes('updated did not'));

/** When each reader is told the item last changed: Atom `updated` and RSS through feedparser, JSON Feed `date_modified`. */
async function modified(site: string, out = 'feeds'): Promise<{ atom?: string; json?: string }> {
  const atom = feedparser(join(site, out, 'en/atom.xml')).entries[0]?.updated;
  const json = (JSON.parse(await readFile(join(site, out, 'en/feed.json'), 'utf8')) as { items: { date_modified?: string }[] }).items[0]?.date_modified;
  return { atom, json };
}

describe.skipIf(skipWithout('feedparser'))('a published article corrected without a new updated date', () => {
  it('is a warning at every build, and nashra check lists it, until updated is set', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': original });
    // The CLI, as an editor runs it, so that build and check name the files alike.
    const cliBuild = async (now: string) => {
      const run = await runCli(['build', '--now', now], site);
      expect(run.code, run.stderr).toBe(0);
      return run.stderr.split('\n').filter((line) => line.includes('updated did not'));
    };
    expect(await cliBuild('2026-03-01T00:00:00Z')).toEqual([]);
    await writeFile(join(site, 'posts/en/hearing.md'), corrected);

    const warned = await cliBuild('2026-03-02T09:30:00Z');
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/^posts\/en\/hearing\.md:1:1 warning the text changed but updated did not: feeds still date this article 2026-01-05T10:00:00.000Z.* \[updated\]$/);
    expect(await modified(site)).toEqual({ atom: '2026-01-05T10:00:00Z', json: '2026-01-05T10:00:00Z' });
    // Not only once: the next build warns again, and so does check.
    expect(await cliBuild('2026-03-03T00:00:00Z')).toHaveLength(1);
    const check = await runCli(['check'], site);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^1 published article changed without a new updated date.*\n {2}posts\/en\/hearing\.md {2}Hearing postponed\n/m);
    expect(check.stdout).toContain('1 warning');
    expect(check.stderr).toMatch(/^posts\/en\/hearing\.md:1:1 warning the text changed but updated did not/m);

    await writeFile(join(site, 'posts/en/hearing.md'), post(`${HEARING}\nupdated: 2026-03-03T08:00:00Z`, 'The hearing of the three journalists was postponed to 19 March.\n'));
    expect(await cliBuild('2026-03-04T00:00:00Z')).toEqual([]);
    expect(await modified(site)).toEqual({ atom: '2026-03-03T08:00:00Z', json: '2026-03-03T08:00:00Z' });
    expect((await runCli(['check'], site)).stdout).not.toContain('without a new updated date');
  });

  it('is dated by the build when feeds.setUpdatedOnCorrection is on, and every later build gives the same bytes', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': original }, { feeds: { setUpdatedOnCorrection: true } });
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), corrected);

    expect(correctionWarnings(await build(site, SECOND))).toEqual([]);
    expect(await modified(site)).toEqual({ atom: '2026-03-02T09:30:00Z', json: '2026-03-02T09:30:00Z' });
    const dated = await snapshot(join(site, 'feeds'));

    // A clean output built from the same state, later, and a rebuild in place: the same bytes.
    await cp(join(site, '.nashra/published.json'), join(site, 'copied-state/published.json'));
    await cp(join(site, '.nashra/sources'), join(site, 'copied-state/sources'), { recursive: true });
    await build(site, THIRD, 'clean-feeds', 'copied-state');
    expect(await snapshot(join(site, 'clean-feeds'))).toEqual(dated);
    await build(site, THIRD);
    expect(await snapshot(join(site, 'feeds'))).toEqual(dated);

    // A second correction is dated when it is seen.
    await writeFile(join(site, 'posts/en/hearing.md'), post(HEARING, 'The hearing of the three journalists was postponed to 26 March.\n'));
    await build(site, new Date('2026-03-05T12:00:00Z'));
    expect(await modified(site)).toEqual({ atom: '2026-03-05T12:00:00Z', json: '2026-03-05T12:00:00Z' });
  });

  it('is not a correction when only the front matter outside title and summary changes', async () => {
    const site = await siteOnDisk({ 'en/hearing.md': original });
    await build(site, FIRST);
    await writeFile(join(site, 'posts/en/hearing.md'), original.replace('categories: [News]', 'categories: [Reports]\ntags: [courts]'));
    expect(correctionWarnings(await build(site, SECOND))).toEqual([]);
  });
});
