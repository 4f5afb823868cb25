// Hugo, built side by side with nashra on the same generated corpus (scripts/bench.mjs).
//
// The site is the reference point: a multilingual Hugo site (en, and ar written right to
// left) whose only output is the home RSS feed of each language with 50 items. Hugo reads the
// corpus's YAML front matter as it is, straight from the corpus's posts/en and posts/ar (each
// language's contentDir), so both tools read the same bytes; nashra's own fields (translationKey,
// summary, author, image…) are either Hugo's too or land in Hugo's page params. Hugo's built-in
// RSS template puts each item's summary in <description>, where nashra's benchmark config puts
// the full body, so Hugo renders less per item. Node built-ins only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measuredRun } from './bench-process.mjs';

/** `hugo version`'s line, or undefined when hugo is not on the PATH. */
export function hugoVersion() {
  const probe = spawnSync('hugo', ['version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** The Hugo config for a corpus whose posts are under `postsDir`/{en,ar}. */
export function hugoConfig(postsDir) {
  return `# Written by scripts/bench-hugo.mjs: the home RSS of each language, 50 items, nothing else.
baseURL: https://bench.example.org/
defaultContentLanguage: en
defaultContentLanguageInSubdir: true
disableKinds: [section, taxonomy, term, sitemap, robotsTXT, '404']
outputs:
  home: [RSS]
  page: []
services:
  rss:
    limit: 50
languages:
  en:
    languageName: English
    title: Wahat Centre for Human Rights
    weight: 1
    contentDir: ${JSON.stringify(join(postsDir, 'en'))}
  ar:
    languageName: العربية
    languageDirection: rtl
    title: مركز واحة لحقوق الإنسان
    weight: 2
    contentDir: ${JSON.stringify(join(postsDir, 'ar'))}
`;
}

/**
 * One cold Hugo build of the corpus under `postsDir` into a fresh `dir` (site skeleton, cache and
 * output all inside it): exit code, seconds, peak RSS, and the items in each language's feed.
 */
export async function runHugo({ dir, postsDir, rssMethod }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hugo.yaml'), hugoConfig(postsDir));
  const publicDir = join(dir, 'public');
  const result = await measuredRun({
    command: 'hugo',
    args: ['--quiet', '--source', dir, '--destination', publicDir, '--cacheDir', join(dir, 'cache')],
    rssMethod: rssMethod === 'time' ? 'time' : 'none',
    cwd: dir,
  });
  const items = {};
  for (const lang of ['en', 'ar']) {
    try {
      items[lang] = (readFileSync(join(publicDir, lang, 'index.xml'), 'utf8').match(/<item>/g) ?? []).length;
    } catch {
      items[lang] = 0;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return { ...result, items };
}
