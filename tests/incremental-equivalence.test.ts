/**
 * A rebuild that reuses what earlier builds left (the state directory, the
 * feeds kept by fingerprint, the load cache) publishes exactly what a clean
 * build of the same posts publishes from the same record of what was
 * published, byte for byte, whatever the change in between. The record is
 * shared because it is part of what a build publishes from: an article keeps
 * the id it was published with.
 */
import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../src/build.js';
import { formatDiagnostic } from '../src/diagnostics.js';
import { CacheMemory } from '../src/load/cache.js';
import { ROOT, runCli, siteOnDisk, snapshot } from './support/site.js';

const NOW = '2026-11-20T00:00:00Z';

async function samplePosts(): Promise<Record<string, string>> {
  const posts: Record<string, string> = {};
  for (const lang of ['en', 'ar']) {
    for (const name of await readdir(join(ROOT, 'posts', lang))) posts[`${lang}/${name}`] = await readFile(join(ROOT, 'posts', lang, name), 'utf8');
  }
  return posts;
}

async function edit(path: string, change: (text: string) => string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const changed = change(text);
  if (changed === text) throw new Error(`the change left ${path} as it was`);
  await writeFile(path, changed);
}

const post = (site: string, path: string) => join(site, 'posts', path);

/** Each change an editor makes between two builds. */
const CHANGES: Record<string, (site: string) => Promise<void>> = {
  'a body edited': (site) => edit(post(site, 'en/annual-report-2025.md'), (text) => `${text}\nA correction added after publication.\n`),
  'a tag added in the front matter': (site) => edit(post(site, 'en/annual-report-2025.md'), (text) => text.replace(/^tags: \[/m, 'tags: [corrections, ')),
  'a post re-categorised': (site) => edit(post(site, 'en/al-rimal-prison-hunger-strike.md'), (text) => text.replace(/^categories: .*$/m, 'categories: ["Reports"]')),
  // Its terms change wholly, and with them the related lists: a build that kept its old term counts would rank as before.
  'a body rewritten on another subject': (site) =>
    edit(post(site, 'en/women-defenders-workshop.md'), (text) => `${text.slice(0, text.indexOf('\n---', 4) + 5)}\nMigrants expelled from the southern coast describe collective expulsions at night. Coast guards took migrants, asylum seekers among them, to the desert border without any individual assessment. The centre calls for an end to collective expulsions of migrants.\n`),
  'a post added': (site) => writeFile(post(site, 'en/new-statement.md'), '---\ntitle: A new statement\ndate: 2026-11-10T10:00:00+03:00\ncategories: ["Statements"]\ntags: [detention]\n---\n\nThe centre welcomes the release of two detainees.\n'),
  'a post deleted': (site) => rm(post(site, 'en/annual-report-2025.md')),
  'a post renamed': (site) => rename(post(site, 'en/annual-report-2025.md'), post(site, 'en/report-of-the-year-2025.md')),
  'a translation pair broken': (site) => edit(post(site, 'en/al-rimal-prison-hunger-strike.md'), (text) => text.replace(/^translationKey: .*$/m, 'translationKey: no-longer-paired')),
  'a config value changed': (site) => edit(join(site, 'nashra.config.yaml'), (text) => text.replace('"summaryLength": 280', '"summaryLength": 120')),
  // The heading of every full text's related list: each feed carrying full texts changes, and no post file does.
  'an interface string changed': (site) =>
    edit(join(site, 'nashra.config.yaml'), (text) => text.replace('"siteName": "Example Rights Centre"', '"siteName": "Example Rights Centre", "strings": { "content": { "related": "Further reading" } }')),
  // As an upgrade of nashra finds it: the store's first line names another format, and a post changed meanwhile.
  'the load cache in another format, and a body edited': async (site) => {
    const store = join(site, 'state/cache/posts.v8');
    const bytes = await readFile(store);
    const firstLine = bytes.indexOf(0x0a) + 1;
    if (!bytes.subarray(0, firstLine).toString('latin1').startsWith('nashra load cache ')) throw new Error(`${store} does not start as a load cache`);
    await writeFile(store, Buffer.concat([Buffer.from('nashra load cache 999\n'), bytes.subarray(firstLine)]));
    await edit(post(site, 'en/annual-report-2025.md'), (text) => `${text}\nA correction added after the upgrade.\n`);
  },
};

/** A build by the CLI, as a new process; or in this one with the records kept in memory between builds, as the daemon's build thread builds. */
type Builder = (site: string) => (out: string, state: string) => Promise<{ code: number; stderr: string }>;

const BUILDERS: Record<string, Builder> = {
  'the CLI': (site) => (out, state) => runCli(['build', '--now', NOW, '--out', out, '--state-dir', state], site),
  'a process that keeps its records between builds (the daemon)': (site) => {
    const memory = new CacheMemory();
    return async (out, state) => {
      const paths = { config: join(site, 'nashra.config.yaml'), posts: join(site, 'posts'), out: join(site, out), state: join(site, state) };
      const outcome = await runBuild(paths, new Date(NOW), { memory });
      return { code: outcome.failed ? 1 : 0, stderr: outcome.diagnostics.map(formatDiagnostic).join('\n') };
    };
  },
};

describe.each(Object.entries(BUILDERS))('a rebuild after a change publishes what a clean build publishes, by %s', (_builder, builder) => {
  for (const [change, apply] of Object.entries(CHANGES)) {
    it(`after ${change}`, async () => {
      const site = await siteOnDisk(await samplePosts(), { feeds: { limit: 4, summaryLength: 280 } });
      const build = builder(site);
      expect((await build('feeds', 'state')).code).toBe(0);
      await cp(join(site, 'state/published.json'), join(site, 'clean-state/published.json'));
      await cp(join(site, 'state/sources'), join(site, 'clean-state/sources'), { recursive: true });
      await apply(site);
      const incremental = await build('feeds', 'state');
      expect(incremental.code, incremental.stderr).toBe(0);
      expect((await build('clean-feeds', 'clean-state')).code).toBe(0);
      const [rebuilt, clean] = [await snapshot(join(site, 'feeds')), await snapshot(join(site, 'clean-feeds'))];
      expect(Object.keys(rebuilt)).toEqual(Object.keys(clean));
      for (const path of Object.keys(clean)) expect(rebuilt[path], path).toBe(clean[path]);
    }, 60_000);
  }
});
